"""Identifiers the assistant itself issues, which are never personal data.

A receipt number (:func:`connectors.tasks.store.new_receipt`, ``TK-20261130-78532JB4``) is made of digits and letters
drawn at random; now and then its digits have the shape of a card, phone or account number
(``20261130-78532…`` passes a card's Luhn check, ``…WT054174`` reads as a phone number). Masking it then loses the
citizen's only handle on the application: the reply shows ``TK-<card>JB4`` and a cancellation cannot find it. So
every detector of :mod:`assistant.nlu.pii` leaves a system id alone (:func:`system_id_spans`), and the id generator
never issues one that a detector would read as personal data anyway (:func:`connectors.tasks.store.new_receipt`).

A system id is the exact shape the assistant issues: a prefix of :data:`SYSTEM_ID_PREFIXES`, a hyphen, an 8-digit
date, a hyphen and 8 letters or digits (``TK-20261130-78532JB4``), in any letter case, not touching another letter,
digit or hyphenated group on either side. Nothing looser: a citizen who writes ``TK-850101-1234567`` (a resident
number after the prefix) or ``TK-20261130-78532JB4-010-1234-5678`` still has the numbers masked.
"""

from __future__ import annotations

import re

__all__ = ["SYSTEM_ID", "SYSTEM_ID_PREFIXES", "overlaps_system_id", "system_id_spans"]

#: Prefixes of the ids the assistant issues: ``TK`` receipts of the task back end (connectors/tasks).
SYSTEM_ID_PREFIXES = ("TK",)

#: One system id (see the module docstring).
SYSTEM_ID = re.compile(
    r"(?<![0-9A-Za-z-])(?:" + "|".join(SYSTEM_ID_PREFIXES) + r")-[0-9]{8}-[0-9A-Za-z]{8}"
    r"(?![0-9A-Za-z])(?!-[0-9A-Za-z])",
    re.IGNORECASE,
)


def system_id_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` code-point offsets of the system ids in ``text``, in text order.

    Example:
        >>> system_id_spans("접수번호는 TK-20261130-78532JB4예요")
        [(6, 26)]
    """
    if "-" not in text:
        return []
    return [m.span() for m in SYSTEM_ID.finditer(text)]


def overlaps_system_id(ids: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of ``ids`` (as :func:`system_id_spans` returns them)."""
    return any(start < e and s < end for s, e in ids)

"""Phone numbers and resident registration numbers: personal data found in messages.

The detectors are the ones log masking uses (:mod:`assistant.nlu.pii`), so a
number the entity stage finds is exactly a number the logs mask:

* phone numbers: :func:`~assistant.nlu.pii.find_phone_numbers`, Google's
  libphonenumber rules through the ``phonenumbers`` package
  (``PhoneNumberMatcher``, default region KR, leniency VALID): it knows every
  Korean mobile and area-code plan and the ``+82`` forms, and gives offsets;
* resident registration numbers (주민등록번호, also the same-shaped foreigner
  registration numbers): :func:`~assistant.nlu.pii.find_rrns`. No library has
  them; the format is fixed by the Resident Registration Act's enforcement
  rules: ``YYMMDD-GNNNNNN`` where G gives sex and century (1,2,5,6: 1900s;
  3,4,7,8: 2000s; 9,0: 1800s).

The check digit is NOT required: numbers issued since October 2020 have
random trailing digits (Ministry of the Interior and Safety, 2020 reform), so
a checksum test would miss real ones. A candidate must have a valid birth
date. Both entity kinds are :class:`~assistant.nlu.entities.base.PiiEntitySpan`,
whose ``repr`` hides the digits, except business phone numbers (1588-xxxx,
080 ...), which identify no one: they are plain ``phone-number`` entities.
"""

from __future__ import annotations

from assistant.nlu.entities.base import PiiEntitySpan
from assistant.nlu.pii import find_phone_numbers, find_rrns, is_rrn
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

__all__ = ["EXTRACTOR", "PHONE", "RRN", "PiiExtractor", "is_rrn"]

PHONE = "phone-number"
RRN = "rrn"
EXTRACTOR = "duckling-like"


class PiiExtractor:
    """Finds phone numbers (``phone-number``) and resident registration numbers (``rrn``).

    Args:
        region: default region for numbers written without a country code.

    Values: ``rrn`` → its 13 digits; ``phone-number`` → for a Korean number
    its national digits with the leading 0 ("+82 10-1234-5678" →
    "01012345678"), for any other country E.164 ("+14155550123").

    Runs on the whole message (regex and libphonenumber are linear), also past
    the window that long messages are cut to for Kiwi, so masking misses none.

    Example:
        >>> [(s.entity, s.value) for s in PiiExtractor().extract("연락처 010-1234-5678", [])]
        [('phone-number', '01012345678')]
    """

    name = EXTRACTOR

    def __init__(self, region: str = "KR") -> None:
        self.region = region

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """PII spans in ``text`` (tokens are not needed)."""
        out: list[EntitySpan] = []
        taken: list[tuple[int, int]] = []
        for r in find_rrns(text):
            out.append(PiiEntitySpan(RRN, r.start, r.end, text[r.start : r.end], r.digits, extractor=self.name, confidence=1.0))
            taken.append((r.start, r.end))
        for p in find_phone_numbers(text, self.region):
            if any(p.start < te and p.end > ts for ts, te in taken):
                continue
            cls = PiiEntitySpan if p.personal else EntitySpan
            out.append(cls(PHONE, p.start, p.end, text[p.start : p.end], p.value, extractor=self.name, confidence=1.0))
        return out

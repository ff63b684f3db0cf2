"""Phone numbers and resident registration numbers: personal data found in messages.

Phone numbers use Google's libphonenumber rules through the ``phonenumbers``
package (``PhoneNumberMatcher``, default region KR, leniency VALID): it knows
every Korean mobile and area-code plan and the ``+82`` forms, and gives
offsets. Resident registration numbers (주민등록번호, also the same-shaped
foreigner registration numbers) have no library; the format is fixed by the
Resident Registration Act's enforcement rules: ``YYMMDD-GNNNNNN`` where G
gives sex and century (1,2,5,6: 1900s; 3,4,7,8: 2000s; 9,0: 1800s).

The check digit is NOT required: numbers issued since October 2020 have
random trailing digits (Ministry of the Interior and Safety, 2020 reform), so
a checksum test would miss real ones. A candidate must have a valid birth
date. Both entity kinds are :class:`~assistant.nlu.entities.base.PiiEntitySpan`,
whose ``repr`` hides the digits.
"""

from __future__ import annotations

import re

import phonenumbers

from assistant.nlu.pii import is_rrn
from assistant.nlu.entities.base import PiiEntitySpan, fold
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

PHONE = "phone-number"
RRN = "rrn"
EXTRACTOR = "duckling-like"

_RRN = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})[ \t]?[-‐‑–][ \t]?([0-9])(\d{6})(?![\d-])|(?<!\d)(\d{2})(\d{2})(\d{2})([0-9])(\d{6})(?!\d)")
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
        key = fold(text)
        out: list[EntitySpan] = []
        taken: list[tuple[int, int]] = []
        for m in _RRN.finditer(key):
            digits = re.sub(r"\D", "", m.group(0))
            if is_rrn(digits):
                s, e = m.span()
                out.append(PiiEntitySpan(RRN, s, e, text[s:e], digits, extractor=self.name, confidence=1.0))
                taken.append((s, e))
        for pm in phonenumbers.PhoneNumberMatcher(key, self.region, leniency=phonenumbers.Leniency.VALID, max_tries=200):
            s, e = pm.start, pm.end
            if any(s < te and e > ts for ts, te in taken):
                continue
            number = pm.number
            if phonenumbers.region_code_for_number(number) == "KR":
                value = re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
            else:
                value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            out.append(PiiEntitySpan(PHONE, s, e, text[s:e], value, extractor=self.name, confidence=1.0))
        return out

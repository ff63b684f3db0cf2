"""Personal data (PII) detection and masking for logs, transcripts and handoffs.

Detected kinds (label used in the mask):

==============  ==========================================================
``rrn``         주민등록번호 / 외국인등록번호: ``YYMMDD-SNNNNNN`` (hyphen,
                space or none; month/day checked; S in 1-8). Format from the
                주민등록법 시행규칙 별지 서식 (13 digits, 7th = sex/century).
                Either part said alone after a word for the number or the part
                (주민번호 뒷자리 1234567, 앞자리는 900101: six or seven digits
                within 12 characters of 주민(등록)번호, 외국인등록번호,
                앞자리/뒷자리, 앞번호/뒷번호, resident registration number).
``card``        payment card numbers, 13-19 digits in groups (4-4-4-4..,
                Amex 4-6-5, Diners 4-6-4), Luhn-valid (ISO/IEC 7812-1
                check digit) with a length the issuer (IIN) range allows
                (:data:`IIN_LENGTHS`); also any account-shaped number right
                after a word for card (카드, card), and any 16 digits in four
                groups of four with spaces (``4518 4212 3456 7890``).
``phone``       personal phone numbers by Google's libphonenumber rules
                (``phonenumbers``; see :func:`find_phone_numbers`): Korean
                mobile, landline, 070 and 050x numbers, ``+82`` and other
                international forms; business numbers (1588-xxxx, 080 ...)
                are public and not masked.
``account``     bank account numbers: 3-5 digit groups joined by hyphens
                totalling 10-16 digits, or 10-14 bare digits right after a
                word for account (계좌, 통장, 입금, account).
``passport``    여권번호: the Korean passport format since December 2021 (a
                letter, three digits, a letter, four digits: M123A4567)
                anywhere; the earlier one (a letter and eight digits) and
                other countries' (one or two letters, six to nine digits)
                after a word for passport (여권, passport).
``license``     운전면허번호: ``NN-NN-NNNNNN-NN`` (a region number, or the
                region's name before ``NN-NNNNNN-NN``), or twelve digits after a
                word for a licence (면허, licence). Passport and licence numbers
                are 고유식별정보 with the resident registration number (개인정보
                보호법 시행령 제19조).
``email``       e-mail addresses, also spelled out ("hong123 골뱅이 naver
                닷컴", "hong at gmail dot com": an at-word, a domain and a
                dot-word with a top-level domain).
``birthdate``   a date of birth: a full date (1958년 3월 2일, 58년 3월 2일,
                1958-03-02, 1958.3.2, 58.03.02, 580302, 19580302, 02/03/1958,
                03/02/1958, 2 March 1958, March 2, 1958, 1958 March 2)
                beside a word for birth (생년월일,
                생일, 출생, ``…일생``, 태어난, born, birth, DOB); also read
                aloud ("팔오년 일월 일일생", "천구백팔십오년 …", "born nineteen
                eighty five january first", "생년월일 팔오공일공일":
                :func:`~assistant.nlu.spoken_digits.spoken_date_view`, the
                same rule). Personal data under PIPA
                (개인정보 보호법 §2: information that identifies a person in
                combination). Only :func:`find_personal_data` (masking at
                rest and in logs) reports it: the NLU reads birth dates to
                fill the age slot, so :func:`find_pii` leaves them.
``address``     Korean road-name (도로명) addresses with a building number,
                lot-number (지번) addresses ``…동 123-4번지``, English
                street addresses (``12 High Street``) and Korean road names
                romanised (``123 Teheran-ro, Gangnam-gu``, ``Sejong-daero 45``).
==============  ==========================================================

A district or city on its own (강남구, 부산) is not masked: it is a slot the
assistant needs and identifies no one.

Identifiers the assistant issues (receipt numbers ``TK-20261130-78532JB4``, any id with a prefix of
:data:`assistant.nlu.system_ids.SYSTEM_ID_PREFIXES`) are never personal data: every detector here leaves them
alone, whatever their digits look like (``exempt_system_ids=False`` is for the id generator's own check).

Numbers read aloud digit by digit (a phone channel's transcript: "공일공 일이삼사 오육칠팔", "팔오공일공일 다시
일이삼사오육칠", "oh one oh one two three …") are read as digits (:mod:`assistant.nlu.spoken_digits`) and the
same detectors run over them; a span found there covers the spoken words.

Why our own patterns: Microsoft Presidio, the well-kept option, needs a spaCy
model fetched from a hub and has no recognisers for Korean formats; these are
fixed formats that regular expressions describe exactly, with check digits
where the format has one. Phone numbers are the exception: numbering plans
change and vary by country, so they come from libphonenumber's metadata.

One detector per kind for the whole product: :func:`find_phone_numbers` and
:func:`find_rrns` serve both this log masking and the ``phone-number`` /
``rrn`` entities (:class:`assistant.nlu.entities.PiiExtractor`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import phonenumbers

from assistant.nlu.spoken_digits import digit_view, spoken_date_view
from assistant.nlu.system_ids import overlaps_system_id, system_id_spans

__all__ = ["IIN_LENGTHS", "NUMBER_KINDS", "PhoneMatch", "PiiSpan", "RrnMatch", "find_birth_dates", "find_personal_data", "find_phone_numbers",
           "find_pii", "find_rrns", "is_card_number", "is_rrn", "mask_pii", "parse_birth_date", "PiiMaskingFormatter"]

_Match = TypeVar("_Match", "RrnMatch", "PhoneMatch", "PiiSpan")


def _with_spoken(text: str, finder: Callable[[str], list[_Match]], exempt_system_ids: bool) -> list[_Match]:
    """``finder``'s matches in ``text``, plus those in its spoken digits (:func:`digit_view`, mapped back onto the
    words), less any inside a system id (unless ``exempt_system_ids`` is False); in text order."""
    found = finder(text)
    view = digit_view(text)
    if view.runs:
        for m in finder(view.text):
            start, end = view.original_span(m.start, m.end)
            if view.touches_run(start, end) and not any(start < f.end and f.start < end for f in found):
                found.append(dataclasses.replace(m, start=start, end=end))
        found.sort(key=lambda m: m.start)
    if exempt_system_ids:
        ids = system_id_spans(text)
        if ids:
            found = [m for m in found if not overlaps_system_id(ids, m.start, m.end)]
    return found


@dataclass(frozen=True)
class PiiSpan:
    """A personal-data span: ``kind`` (see module doc) and code-point offsets into the text."""

    kind: str
    start: int
    end: int


_D = r"(?<![0-9])"  # not preceded by a digit
_ND = r"(?![0-9])"  # not followed by a digit

# YYMMDD, optional separator (space and/or a hyphen or dash), 7 digits; the date is checked by is_rrn.
_RRN = re.compile(_D + r"\d{6}\s?[-\u2010-\u2015]?\s?\d{7}" + _ND)
#: One part of a resident registration number said alone, after a word for the number or the part (s41 probe: "주민번호
#: 뒷자리 1234567 알려드릴게요 앞자리는 900101" was stored as typed): six digits (the birth date) or seven (the rest).
_RRN_PART = re.compile(
    r"(?:주민\s*(?:등록)?\s*번호|외국인\s*등록\s*번호|등록\s*번호|(?:앞|뒷|뒤)\s*(?:[67]\s*|여섯\s*|일곱\s*)?(?:자리|번호|부분)|resident\s+registration"
    r"(?:\s+number)?|\bRRN\b)[^0-9\n]{0,12}?" + _D + r"(\d{7}|\d{6})" + _ND, re.I)
_RRN_NEXT = re.compile(r"[^0-9\n]{0,12}?" + _D + r"(\d{7}|\d{6})" + _ND)
_CARD = re.compile(_D + r"(?:(?:\d{4}[- ]?){3}\d{1,7}|\d{4}[- ]?\d{6}[- ]?\d{4,5})" + _ND)  # 4-4-4-4.., Amex 4-6-5, Diners 4-6-4
#: Sixteen digits in four groups of four with spaces ("4518 4212 3456 7890", s42 probe): a card number as people write
#: one, masked whether or not its check digit is right (a mistyped card is still the citizen's); with hyphens the
#: account rule reads it (a bank's 4-4-4-4 account stays an account).
_CARD_GROUPED = re.compile(_D + r"\d{4} \d{4} \d{4} \d{4}" + _ND)
_CARD_CUE = re.compile(r"(?:카드|card)[^0-9\n]{0,12}$", re.I)
_ACCOUNT_GROUPS = re.compile(_D + r"\d{2,6}(?:-\d{2,8}){2,3}" + _ND)
_ACCOUNT_KEYWORD = re.compile(r"(?:계좌|통장|입금|account)[^0-9]{0,12}?(\d{10,14})" + _ND, re.I)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
#: An e-mail address said or typed in words (s42 probe: "hong123 골뱅이 naver 닷컴" was stored as typed): an ASCII
#: local part (its dots said too: "hong dot gildong", s43 probe, where "hong" stayed raw), an at-word, a domain (ASCII or a portal's Korean name) and one or two dot-words with a top-level domain.
_EMAIL_SPOKEN = re.compile(
    r"(?<![A-Za-z0-9._-])[A-Za-z0-9][A-Za-z0-9._-]*(?:\s*(?:닷|\bdot\b|점)\s*[A-Za-z0-9][A-Za-z0-9._-]*)*\s*(?:골뱅이|앳|\bat\b)\s*"
    r"(?:[A-Za-z0-9][A-Za-z0-9-]*|네이버|지메일|한메일|다음|카카오|네이트|야후|핫메일)"
    r"(?:\s*(?:닷|\bdot\b|\.)\s*(?:[A-Za-z]{2,6}|컴|넷|케이알|씨오|오알지)(?![A-Za-z])){1,2}"
    r"|(?<![A-Za-z0-9._-])[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:골뱅이|앳)\s*(?:네이버|지메일|한메일|다음|카카오|네이트)(?:\s*닷컴)?", re.I)
#: English words that stand before "at" in a sentence, never a spoken address's local part ("we met at naver dot com
#: office", "I work at samsung dot com", "I applied at gov dot kr": s43 probe, masked as e-mail addresses): pronouns,
#: function words and the verbs said of a place. A local part with a digit, a dot or an underscore ("hong123",
#: "hong dot gildong") or any other word ("hong at gmail dot com") is still an address. Own list: a stop-word list
#: (scikit-learn's) holds none of the verbs and would load scikit-learn wherever text is masked.
_SENTENCE_BEFORE_AT = frozenset("""
i me my we us our you your he him his she her they them their it its this that these those who which what
is am are was were be been being do does did have has had will would can could shall should may might must not
and or but so if then than also just only even still there here all some any both each
look looks looked looking stare staring arrive arrives arrived arriving meet meets met meeting work works worked
working live lives lived living stay stays stayed staying study studies studied studying apply applies applied
applying register registers registered sign signed log logged shop shopped shopping buy bought find found see saw
seen born employed hired job jobs intern interned interview interviewed trained training wait waiting waited
played play playing ate eat eating went go going gone came come coming left leave leaving sat sit sitting
""".split())
#: 여권번호 (module table): the current Korean format anywhere, any format after a word for passport.
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[MSRODG]\d{3}[A-Z]\d{4}(?![A-Za-z0-9])")
_PASSPORT_CUED = re.compile(r"(?:여권|passport)[^0-9\n]{0,16}?(?<![A-Za-z])([A-Za-z]{1,2}\s?\d{6,9}|[A-Za-z]\d{3}[A-Za-z]\d{4})"
                            r"(?![A-Za-z0-9])", re.I)
#: 운전면허번호 (module table): the region's number or name, then the year, serial and check groups.
_LICENSE = re.compile(_D + r"(?:\d{2}-|(?:서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산)\s?)"
                      r"\d{2}-\d{6}-\d{2}" + _ND)
_LICENSE_CUED = re.compile(r"(?:면허|licen[cs]e)[^0-9\n]{0,12}?" + _D + r"(\d{12}|\d{2}[- ]\d{2}[- ]\d{6}[- ]\d{2})" + _ND, re.I)
_ADDR_TAIL = r"\s*\d+(?:-\d+)?(?:\s*,?\s*\d+동)?(?:\s*,?\s*\d+층)?(?:\s*\d+호)?"
# A road name needs a city/county/district word before it, or an unambiguous road form (…대로 N, …로N번길 N),
# so that "온라인으로 1월" (a particle 으로 before a number) is not an address.
_ADDR_ROAD = re.compile(
    r"(?:[가-힣]+(?:특별시|광역시|특별자치시|특별자치도|도|시)\s*)?(?:[가-힣]+(?:시|군|구)\s+)+"
    r"[가-힣0-9]+(?:로|길)(?:\s?\d+번?길)?" + _ADDR_TAIL
    # the 번길 form before the bare 대로 (s36 second probe: "평촌대로 223" was taken and "번길 45, 3층 301호" left raw)
    + r"|[가-힣]+로\s?\d+번?길" + _ADDR_TAIL
    + r"|[가-힣]+대로" + _ADDR_TAIL
)
_ADDR_UNIT = r"(?:\s*,?\s*\d{1,4}\s*동)?(?:\s*\d{1,5}\s*호)?"
_ADDR_LOT = re.compile(r"[가-힣]+(?:동|리|가)\s*\d+(?:-\d+)?\s*번지" + _ADDR_UNIT + r"|[가-힣]+(?:동|리|가)\s+\d+-\d+" + _ND
                       + _ADDR_UNIT)
#: An apartment's building and unit ("101동 202호", "101동 1503호"), wherever it is written: the home itself (s36
#: probe: after "부산광역시 해운대구 우동 1234-5" was masked, "101동 202호" stayed in the tracker, its numbers as entities).
_ADDR_APARTMENT = re.compile(_D + r"\d{1,4}\s*동\s*\d{1,5}\s*호"
                             r"|\b(?:apt|apartment|suite|flat)\.?\s*#?\s*\d{1,5}(?:-\d{1,5})?\b", re.I)
_ADDR_EN = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Place|Pl)\b\.?"
)
#: A Korean road-name address written in English (the official romanisation: "123 Teheran-ro", "Teheran-ro 123",
#: "45, Sejong-daero", "Olympic-ro 43-gil 88"), with the district and city after it ("…, Gangnam-gu, Seoul"). s35
#: probe: "I live at 123 Teheran-ro, Gangnam-gu, Seoul" was stored unmasked.
_ROMAN_ROAD = r"[A-Z][a-z]+(?:-[A-Za-z0-9]+)*-(?:ro|daero|gil)(?:\s*\d{1,4}(?:beon)?-gil)?"
_ROMAN_PLACE = r"(?:,?\s+[A-Z][a-z]+(?:-[a-z]+)*-(?:gu|gun|si|do|dong|eup|myeon))*(?:,?\s+(?:Seoul|Busan|Incheon|Daegu|Daejeon|Gwangju|Ulsan|Sejong)\b)?"
_ADDR_EN_ROMAN = re.compile(
    r"\b\d{1,5}(?:-\d{1,5})?,?\s+" + _ROMAN_ROAD + _ROMAN_PLACE
    + r"|\b" + _ROMAN_ROAD + r",?\s+\d{1,5}(?:-\d{1,5})?\b" + _ROMAN_PLACE
)


_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000, "9": 1800, "0": 1800}


def is_rrn(digits: str) -> bool:
    """True when 13 digits have the shape of a resident registration number: a real birth date
    (YYMMDD, century from the 7th digit). The trailing digits carry no checksum since October 2020,
    so none is checked. Shared by log masking and the ``rrn`` entity."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    try:
        dt.date(_CENTURY[digits[6]] + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class RrnMatch:
    """A resident registration number: offsets into the text and its 13 digits."""

    start: int
    end: int
    digits: str


@dataclass(frozen=True)
class PhoneMatch:
    """A phone number found by :func:`find_phone_numbers`.

    Attributes:
        start, end: code-point offsets into the text (``text[start:end]`` is the number as written).
        value: a Korean number's national digits with the leading 0 ("+82 10-1234-5678" →
            "01012345678"); any other country's E.164 form ("+14155550123").
        personal: False for business numbers that identify no one (libphonenumber types UAN such as
            1588-xxxx, toll free 080, premium rate, shared cost); True otherwise.
    """

    start: int
    end: int
    value: str
    personal: bool


#: Same-length key for the phone and RRN matchers: full-width ASCII (U+FF01..U+FF5E) becomes ASCII, and ASCII
#: letters become spaces. libphonenumber's VALID leniency rejects a number touching a Latin letter
#: ("abc8005001234"); in logs that rejects real numbers after an escape ("\\n010-1234-5678" in a JSON line) or a
#: label ("tel010-..."), which masking must not miss.
_KEY = {cp: ("|" if chr(cp - 0xFEE0).isalpha() else chr(cp - 0xFEE0)) for cp in range(0xFF01, 0xFF5F)}
_KEY.update({ord(c): "|" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"})
#: Cheap pre-check: seven digits in a row, allowing one separator between digits. No phone number is shorter.
_DIGIT_RUN = re.compile(r"\d(?:[^\d\n]{0,2}\d){6}")
_BUSINESS = frozenset({
    phonenumbers.PhoneNumberType.UAN, phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE, phonenumbers.PhoneNumberType.SHARED_COST,
})  # fmt: skip


#: Timestamps (ISO 8601 date-time) and IPv4 addresses (with a port) are never phone numbers but are in every log
#: line; the matcher would try each digit group of them as a candidate (the main cost on logs), so they are
#: blanked from the key first.
_NOT_PHONE = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\d.])"
)


def _key(text: str) -> str:
    return text.translate(_KEY)


def _phone_key(text: str) -> str:
    key = _key(text)
    if ":" in key or "." in key:
        key = _NOT_PHONE.sub(lambda m: "#" * len(m.group()), key)
    return key


def find_rrns(text: str, *, exempt_system_ids: bool = True) -> list[RrnMatch]:
    """Resident (and foreigner) registration numbers in ``text``: ``YYMMDD-GNNNNNN``.

    Separators: none, a space, a hyphen or dash, or a hyphen between spaces; full-width
    digits count, and so do digits read aloud ("팔오공일공일 다시 일이삼사오육칠"). The birth date
    must exist (:func:`is_rrn`). Used by log masking and by the ``rrn`` entity.

    Args:
        text: any string.
        exempt_system_ids: leave numbers inside the assistant's own ids alone (see the module doc).

    Returns:
        Matches in text order with offsets into ``text``.
    """
    return _with_spoken(text, _rrns_written, exempt_system_ids)


def _rrns_written(text: str) -> list[RrnMatch]:
    key = _key(text)
    out = []
    for m in _RRN.finditer(key):
        digits = re.sub(r"\D", "", m.group())
        if is_rrn(digits):
            out.append(RrnMatch(m.start(), m.end(), digits))
    return out


def find_phone_numbers(text: str, region: str = "KR", *, exempt_system_ids: bool = True) -> list[PhoneMatch]:
    """Phone numbers in ``text`` by libphonenumber's rules (``phonenumbers.PhoneNumberMatcher``, leniency VALID).

    The one phone detector of the product: log masking (:func:`find_pii`, personal numbers
    only) and the ``phone-number`` entity use it. Full-width digits count; ASCII letters next
    to a number do not hide it (see ``_KEY``); digits read aloud ("공일공 일이삼사 오육칠팔") count.

    Args:
        text: any string; time is linear in its length (matcher tries are bounded by
            libphonenumber's default of 65,535).
        region: ISO 3166-1 alpha-2 region for numbers written without a country code.
        exempt_system_ids: leave numbers inside the assistant's own ids alone (see the module doc).

    Returns:
        Matches in text order.

    Example:
        >>> [(m.value, m.personal) for m in find_phone_numbers("전화 010-1234-5678 또는 1588-1234")]
        [('01012345678', True), ('15881234', False)]
    """
    return _with_spoken(text, functools.partial(_phones_written, region=region), exempt_system_ids)


def _phones_written(text: str, region: str) -> list[PhoneMatch]:
    key = _phone_key(text)
    if not _DIGIT_RUN.search(key):
        return []
    out = []
    for pm in phonenumbers.PhoneNumberMatcher(key, region, leniency=phonenumbers.Leniency.VALID):
        number = pm.number
        if phonenumbers.region_code_for_number(number) == "KR":
            value = re.sub(r"\D", "", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
        else:
            value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        personal = phonenumbers.number_type(number) not in _BUSINESS
        out.append(PhoneMatch(pm.start, pm.end, value, personal))
    return out


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


#: Issuer (IIN) prefix ranges and the card lengths each network issues: ``((low, high) prefix range, lengths)``,
#: prefixes compared on as many leading digits as they have. Source: ISO/IEC 7812-1 (the major industry identifier:
#: 3 travel, 4-5 banking, 6 merchandising and banking, 9 national assignment) and the networks' published ranges as
#: tabulated in Wikipedia "Payment card number" (Visa, Mastercard, Amex, Diners Club, Discover, JCB, UnionPay);
#: 9 is Korea's national range (국내전용 BC카드 and private-label cards, 16 digits).
IIN_LENGTHS: tuple[tuple[tuple[str, str], frozenset[int]], ...] = (
    (("4", "4"), frozenset({13, 16, 19})),  # Visa
    (("51", "55"), frozenset({16})), (("2221", "2720"), frozenset({16})),  # Mastercard
    (("34", "34"), frozenset({15})), (("37", "37"), frozenset({15})),  # American Express
    (("300", "305"), frozenset(range(14, 20))), (("36", "36"), frozenset(range(14, 20))),
    (("38", "39"), frozenset({16, 17, 18, 19})),  # Diners Club
    (("6011", "6011"), frozenset(range(16, 20))), (("644", "649"), frozenset(range(16, 20))),
    (("65", "65"), frozenset(range(16, 20))),  # Discover
    (("3528", "3589"), frozenset(range(16, 20))),  # JCB
    (("62", "62"), frozenset(range(16, 20))),  # UnionPay
    (("9", "9"), frozenset({16})),  # ISO/IEC 7812 national assignment (Korean domestic cards)
)


def is_card_number(digits: str) -> bool:
    """Whether ``digits`` (digits only) is a payment card number: its issuer range (:data:`IIN_LENGTHS`) issues that
    length and its last digit is the Luhn check digit (ISO/IEC 7812-1 Annex B).

    Example:
        >>> is_card_number("4111111111111111"), is_card_number("378282246310005"), is_card_number("4111111111111112")
        (True, True, False)
    """
    if not digits.isdigit() or not _luhn_ok(digits):
        return False
    return any(lo <= digits[: len(lo)] <= hi and len(digits) in lengths for (lo, hi), lengths in IIN_LENGTHS)


#: The kinds that are a personal number (the rest are an e-mail, an address, a birth date): no digit inside one is a
#: count, an amount or an age (the entity stage drops any other entity overlapping one: s15-fresh F4).
NUMBER_KINDS = frozenset({"rrn", "card", "phone", "account", "passport", "license"})
#: The kinds a machine identifier or a longer chain of digit groups can look like (:func:`_inside_identifier`,
#: :func:`_inside_number_chain`); a passport number has letters of its own and is found by its shape or its cue.
_NUMBER_KINDS = NUMBER_KINDS - {"passport"}
_ID_TOKEN = re.compile(r"[0-9A-Za-z_-]+")
_NON_HEX_LETTER = re.compile(r"[G-Zg-z]")


def _inside_identifier(text: str, span: PiiSpan) -> bool:
    """Whether ``span`` lies inside a machine identifier rather than being a number of its own: the run of ASCII
    letters, digits, ``-`` and ``_`` around it has letters, and all of them are hex digits (``6f21ea69-2729-4110-a1fb-…``
    a UUID, ``B01000300003`` a catalogue service id, ``4f3a…`` a token). A label touching a number (``tel010-…``,
    ``\\n010-…`` in a JSON log line) has other letters and stays personal data; so does a number with no letters."""
    start, end = span.start, span.end
    while start > 0 and _ID_TOKEN.fullmatch(text[start - 1]):
        start -= 1
    while end < len(text) and _ID_TOKEN.fullmatch(text[end]):
        end += 1
    token = text[start:end]
    return any(c.isascii() and c.isalpha() for c in token) and not _NON_HEX_LETTER.search(token)


def _inside_number_chain(text: str, span: PiiSpan) -> bool:
    """Whether ``span`` (an ``rrn``, ``card`` or ``account`` match) is only part of a longer chain of digit groups
    joined by hyphens: a version or reference stamp such as the catalogue version ``20261130-030435-9511-835052``
    (date-time-pid-random), whose last three groups have an account number's shape. A number of one of those kinds
    is the whole chain; a phone number is found by its own rules and is not checked here."""
    if span.kind == "phone":
        return False
    start, end = span.start, span.end
    while start >= 2 and text[start - 1] == "-" and text[start - 2].isdigit() or start >= 1 and text[start - 1].isdigit():
        start -= 1
    while end + 1 < len(text) and text[end] == "-" and text[end + 1].isdigit() or end < len(text) and text[end].isdigit():
        end += 1
    return (start, end) != (span.start, span.end)


def find_pii(text: str, *, exempt_system_ids: bool = True) -> list[PiiSpan]:
    """Personal-data spans in ``text``, sorted, non-overlapping (earlier kinds in the table win ties).

    Args:
        text: any string (no length limit; linear-time patterns).
        exempt_system_ids: leave the assistant's own ids alone (see the module doc); False only for the check an id
            generator makes that what it issues reads as no personal data at all.

    Returns:
        Spans with offsets into ``text`` (``text[s.start:s.end]`` is the personal data; digits read aloud are
        covered by their words).
    """
    # one turn's text is read by the NLU's PII extractor, the reply's entity filter and the tracker store's
    # masking: the phone matcher dominates, so the spans of recent texts are kept (a pure function of the text)
    if len(text) <= _CACHED_CHARS:
        return list(_find_pii(text, exempt_system_ids))
    return _scan(text, exempt_system_ids)


_CACHED_CHARS = 4000  # the longest message a turn analyses; longer texts (log lines of documents) are not kept


@functools.lru_cache(maxsize=1024)
def _find_pii(text: str, exempt_system_ids: bool) -> tuple[PiiSpan, ...]:
    return tuple(_scan(text, exempt_system_ids))


def _scan(text: str, exempt_system_ids: bool) -> list[PiiSpan]:
    found = _with_spoken(text, _scan_written, exempt_system_ids)
    # Resolve overlaps: earliest start, then longest, then table order (already the append order).
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    out: list[PiiSpan] = []
    for s in found:
        if out and s.start < out[-1].end:
            if s.end > out[-1].end and s.kind == out[-1].kind:
                out[-1] = PiiSpan(s.kind, out[-1].start, s.end)
            continue
        out.append(s)
    return out


def _scan_written(text: str) -> list[PiiSpan]:
    """Every kind's spans in ``text`` as written (overlapping; in the table's order within a start)."""
    found: list[PiiSpan] = []
    for r in _rrns_written(text):
        found.append(PiiSpan("rrn", r.start, r.end))
    for m in _RRN_PART.finditer(text):
        found.append(PiiSpan("rrn", m.start(1), m.end(1)))
        if (other := _RRN_NEXT.match(text, m.end(1))) is not None:  # the other part right after ("900101 then 1234567")
            found.append(PiiSpan("rrn", other.start(1), other.end(1)))
    luhn_only: list[PiiSpan] = []  # Luhn-valid in a card's grouping, but no issuer issues that length or prefix
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _luhn_ok(digits):
            (found if is_card_number(digits) else luhn_only).append(PiiSpan("card", m.start(), m.end()))
    for m in _LICENSE.finditer(text):
        found.append(PiiSpan("license", m.start(), m.end()))
    for m in _LICENSE_CUED.finditer(text):
        found.append(PiiSpan("license", m.start(1), m.end(1)))
    for m in _PASSPORT.finditer(text):
        found.append(PiiSpan("passport", m.start(), m.end()))
    for m in _PASSPORT_CUED.finditer(text):
        found.append(PiiSpan("passport", m.start(1), m.end(1)))
    for p in _phones_written(text, "KR"):
        if p.personal:
            found.append(PiiSpan("phone", p.start, p.end))
    for m in _ACCOUNT_GROUPS.finditer(text):
        n = len(re.sub(r"\D", "", m.group()))
        if 10 <= n <= 16:  # beside a word for card it is the citizen's card, whatever its check digit
            kind = "card" if n >= 13 and _CARD_CUE.search(text, max(0, m.start() - 20), m.start()) else "account"
            found.append(PiiSpan(kind, m.start(), m.end()))
    for m in _ACCOUNT_KEYWORD.finditer(text):
        found.append(PiiSpan("account", m.start(1), m.end(1)))
    found += luhn_only  # after the accounts: an account-shaped number keeps that label, any other is still masked
    for m in _CARD_GROUPED.finditer(text):
        found.append(PiiSpan("card", m.start(), m.end()))
    for rx in (_EMAIL, _EMAIL_SPOKEN):
        for m in rx.finditer(text):
            said = re.match(r"([A-Za-z]+)\s+at\b", m.group(), re.I) if rx is _EMAIL_SPOKEN else None
            if said is not None and said.group(1).lower() in _SENTENCE_BEFORE_AT:
                continue  # "met at naver dot com": a sentence, not an address
            found.append(PiiSpan("email", m.start(), m.end()))
    for rx in (_ADDR_ROAD, _ADDR_LOT, _ADDR_APARTMENT, _ADDR_EN, _ADDR_EN_ROMAN):
        for m in rx.finditer(text):
            if any(c.isdigit() for c in m.group()):
                found.append(PiiSpan("address", m.start(), m.end()))
    found = [f for f in found if f.kind not in _NUMBER_KINDS or not (_inside_identifier(text, f) or _inside_number_chain(text, f))]
    found.sort(key=lambda s: s.start)  # stable: the table's order stays within a start
    return found


_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MON = r"(?P<mon>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\.?"
_DATES = (  # (pattern, needs a cue before it: a bare 6- or 8-digit number is a date only after a word for birth)
    (re.compile(_D + r"(?P<y>\d{4}|\d{2})\s*년\s*(?P<m>\d{1,2})\s*월\s*(?P<d>\d{1,2})\s*일"), False),
    (re.compile(_D + r"(?P<y>\d{4})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})\.?" + _ND), False),
    # s42 probe: a two-digit year ("85.03.15생", "생년월일 85/03/15") and a day or month first ("born on 15/03/1985",
    # "03/15/1985"; the day first where both read, as most of the world writes it), each beside a word for birth
    (re.compile(_D + r"(?P<y>\d{2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})\.?" + _ND), False),
    (re.compile(_D + r"(?P<d>\d{1,2})\s*[-./]\s*(?P<m>\d{1,2})\s*[-./]\s*(?P<y>\d{4})" + _ND), False),
    (re.compile(_D + r"(?P<m>\d{1,2})\s*[-./]\s*(?P<d>\d{1,2})\s*[-./]\s*(?P<y>\d{4})" + _ND), False),
    (re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>\d{4})" + _ND, re.I), False),
    (re.compile(r"\b" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})" + _ND, re.I), False),
    (re.compile(_D + r"(?P<y>\d{4}),?\s+" + _MON + r"\s+(?:the\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th)?\b" + _ND, re.I), False),
    (re.compile(_D + r"(?P<y>\d{4}|\d{2})(?P<m>\d{2})(?P<d>\d{2})" + _ND), True),
)
#: A word for birth before the date (at most 12 other characters between, no digit): 생년월일은 …, born on …
_BIRTH_BEFORE = re.compile(r"(?:생년월일|생일|출생일?|태어난\s*날|생\s*년\s*월\s*일|date\s+of\s+birth|birth\s*(?:date|day)|"
                           r"\bDOB|\bborn)[^0-9\n]{0,12}$", re.I)
#: … or right after it: 1958년 3월 2일생, …에 태어났어요, … 출생 (생활, 생계 ... are other words).
_BIRTH_AFTER = re.compile(r"\s*(?:생(?![활계산각존])|출생|태생|에\s*태어)")


def parse_birth_date(text: str, today: dt.date | None = None) -> dt.date | None:
    """The date ``text`` writes in one of the birth-date forms of :func:`find_birth_dates`, without needing a cue; a
    two-digit year is the latest year not after ``today`` (58 → 1958, 05 → 2005). None if no such real date."""
    for rx, _ in _DATES:
        for m in rx.finditer(text):  # "03/15/1985" is no day-first date: the month-first form reads it
            if (d := _date_of(m, today or dt.date.today())) is not None:
                return d
    return None


def _ymd(m: re.Match[str], today: dt.date) -> tuple[int, int, int]:
    """``(year, month, day)`` as a date pattern of :data:`_DATES` wrote them: a two-digit year is the latest year not
    after ``today`` (58 → 1958, 05 → 2005), a month name its number (0 when unknown)."""
    g = m.groupdict()
    y = int(g["y"])
    if len(g["y"]) == 2:
        y += 2000 if 2000 + y <= today.year else 1900
    month = _MONTHS.get(g["mon"][:3].lower(), 0) if g.get("mon") else int(g["m"])
    return y, month, int(g["d"])


def _date_of(m: re.Match[str], today: dt.date) -> dt.date | None:
    try:
        d = dt.date(*_ymd(m, today))
    except ValueError:
        return None
    return d if d <= today else None


def _birth_date_shaped(m: re.Match[str], today: dt.date) -> bool:
    """A real date not after ``today`` (:func:`_date_of`), or one a citizen mistyped: month 1–12, day 1–31, a year
    not after this one ("1990년 2월 31일생": still their date of birth, and personal data, s35 probe)."""
    if _date_of(m, today) is not None:
        return True
    y, month, day = _ymd(m, today)
    return 1 <= month <= 12 and 1 <= day <= 31 and 1900 <= y <= today.year


def find_birth_dates(text: str, today: dt.date | None = None, *, exempt_system_ids: bool = True) -> list[PiiSpan]:
    """Dates of birth in ``text``: a date not after ``today`` beside a word for birth (see the module table), real or
    mistyped (:func:`_birth_date_shaped`: 2월 31일).

    Returns:
        ``birthdate`` spans (the date only: ``1958년 3월 2일`` of ``1958년 3월 2일생``), sorted, non-overlapping. Any
        other date (``2025년 3월 2일부터``, a deadline) is not one, nor a date inside one of the assistant's own ids
        (unless ``exempt_system_ids`` is False).
    """
    today = today or dt.date.today()
    ids = system_id_spans(text) if exempt_system_ids else []
    found = _birth_dates_written(text, today, ids)
    view = spoken_date_view(text)  # read aloud: "팔오년 일월 일일생", "born nineteen eighty five january first"
    if view.runs:
        for b in _birth_dates_written(view.text, today, []):
            start, end = view.original_span(b.start, b.end)
            if view.touches_run(start, end) and not any(start < f.end and f.start < end for f in found) and not (
                    ids and overlaps_system_id(ids, start, end)):
                found.append(PiiSpan("birthdate", start, end))
    return sorted(found, key=lambda s: s.start)


def _birth_dates_written(text: str, today: dt.date, ids: list[tuple[int, int]]) -> list[PiiSpan]:
    found: list[PiiSpan] = []
    for rx, cue_before_only in _DATES:
        for m in rx.finditer(text):
            if any(m.start() < s.end and s.start < m.end() for s in found) or not _birth_date_shaped(m, today):
                continue
            if ids and overlaps_system_id(ids, m.start(), m.end()):
                continue
            if _BIRTH_BEFORE.search(text, max(0, m.start() - 40), m.start()) or (
                    not cue_before_only and _BIRTH_AFTER.match(text, m.end())):
                found.append(PiiSpan("birthdate", m.start(), m.end()))
    return found


def find_personal_data(text: str, *, exempt_system_ids: bool = True) -> list[PiiSpan]:
    """What is masked at rest and in logs: :func:`find_pii`'s spans and dates of birth (:func:`find_birth_dates`),
    sorted and non-overlapping (a :func:`find_pii` span wins an overlap: ``생년월일 900101-1234567`` is an rrn).
    ``exempt_system_ids``: as for :func:`find_pii`."""
    spans = find_pii(text, exempt_system_ids=exempt_system_ids)
    births = [b for b in find_birth_dates(text, exempt_system_ids=exempt_system_ids)
              if not any(b.start < s.end and s.start < b.end for s in spans)]
    return sorted([*spans, *births], key=lambda s: s.start) if births else spans


def mask_pii(text: str) -> str:
    """``text`` with every personal-data span (:func:`find_personal_data`) replaced by ``<kind>`` (e.g. ``<phone>``)."""
    spans = find_personal_data(text)
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    for s in spans:
        parts.append(text[pos : s.start])
        parts.append(f"<{s.kind}>")
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)


class PiiMaskingFormatter(logging.Formatter):
    """A log formatter that masks personal data in the whole formatted record.

    Masking the final string (message, arguments, ``extra`` fields that the
    format names, exception text and stack) covers every path by which a
    user's words reach a log line.
    """

    def format(self, record: logging.LogRecord) -> str:  # noqa: D401 - logging API
        return mask_pii(super().format(record))

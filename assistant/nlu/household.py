"""Whether a message says someone lives alone: a fact about the person (a single-person household), not a topic.

Citizens describe the household in everyday words: "엄마가 대구에 혼자 사시는데", "혼자 살아요", "아버지 혼자 계세요",
"홀몸 어르신", "독거노인", "1인 가구", "my mother lives alone". The catalogue codes the household as JA0404 1인가구
(:mod:`connectors.eligibility.codes`) and writes it 독거노인, 홀로 사는 노인, 1인 가구. :func:`lives_alone_spans`
finds the description (so the eligibility route reads it as a fact about the person, not as the kind of help asked
about) and :func:`lives_alone` its value (``False`` when the message denies it: "혼자 사시는 건 아니에요").

Own code, not a library: no library reads Korean household descriptions. The patterns were written from everyday
speech (the verb 살다 / 사시다 / 계시다 / 지내다 after 혼자 or 홀로, and the nouns 독거, 홀몸, 1인 가구, 단독 가구),
not from the catalogue's wording.

Example:
    >>> lives_alone("우리 엄마 80세고 대구에 혼자 사시는데 뭐 받을 수 있어요?")
    True
    >>> lives_alone("혼자 사는 건 아니에요"), lives_alone("혼자 신청할 수 있나요?")
    (False, None)
"""

from __future__ import annotations

import re

#: 혼자 / 홀로 (optionally 혼자서, 혼자만; 안 between them denies it) then a verb of living: 살다 in any form (사세요, 사시는데, 사는, 살아요, 산다,
#: 삽니다, 살고), 계시다 (계세요, 계시는데, 계신), 지내다, 거주하다, 생활하다. 사 must be followed by an ending, so 사용,
#: 사업, 사고, 사랑 (other words starting with 사) are not read as living.
_ALONE_VERB = (
    r"(?:혼자|홀로)(?:서|만)?\s*(?:안\s*)?"
    r"(?:사(?=[시세셔십신는니나냐요오\s?.!,~]|$)|산다|산지|산\s*지|삽니|살(?=[아았고며면던지다게기려요음을\s?.!,~]|$)"
    r"|계(?=[시세셔십신])|지내|거주|생활)"
)
#: Nouns for a person or household living alone: 독거(노인·어르신·가구), 홀몸(노인·어르신), 1인(·일인) 가구, 단독 가구·세대.
_ALONE_NOUN = r"(?:독거|홀몸|(?:1|일)\s*인\s*가구|단독\s*(?:가구|세대))"
_ALONE_EN = (
    r"\b(?:lives?|living|lived)\s+(?:all\s+)?(?:alone|by\s+(?:him|her|my|your|them)sel(?:f|ves)|on\s+(?:his|her|my|your|their)\s+own)\b"
    r"|\b(?:single|one)[- ]person\s+household\b"
)
LIVES_ALONE = re.compile(f"{_ALONE_VERB}|{_ALONE_NOUN}|{_ALONE_EN}", re.IGNORECASE)
#: A denial right after the description ("혼자 사는 건 아니에요", "혼자 살지 않아요", "독거노인 아닌데요").
_DENIED_AFTER = re.compile(r"^[가-힣\s]{0,6}?(?:아니|아닌|아냐|않|안\s*[사살])")
_DENIED_BEFORE = re.compile(r"\b(?:not|never|doesn't|don't|does not|do not|didn't)\s+$", re.IGNORECASE)
#: A denial inside it: "혼자 안 살아요", "홀로 안 계세요".
_DENIED_INSIDE = re.compile(r"안\s*$|안\s*[사살계지거생]")


def lives_alone_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` character offsets of every description of living alone in ``text`` (denied ones too:
    they still describe the household, not a kind of help)."""
    return [m.span() for m in LIVES_ALONE.finditer(text or "")]


def lives_alone(text: str) -> bool | None:
    """``True`` when ``text`` says the person lives alone, ``False`` when it says they do not ("혼자 사는 건
    아니에요", "she doesn't live alone"), ``None`` when it says neither. The first description decides."""
    for m in LIVES_ALONE.finditer(text or ""):
        denied = bool(_DENIED_AFTER.match(text[m.end():]) or _DENIED_INSIDE.search(m.group())
                      or _DENIED_BEFORE.search(text[max(0, m.start() - 12):m.start()]))
        return not denied
    return None


#: A family word that names the speaker's own role, not someone the question is about (s12 #4: s11 made "mom" a
#: parent word, and "I'm a single mom" became a question about the citizen's mother): "single mom", "I'm a mom",
#: "as a working dad", "싱글맘", "저는 싱글 엄마예요", "저는 애 엄마인데". "my single mom" is still the mother.
_SPEAKER_KIN = re.compile(
    r"(?<!my )\b(?:single|lone|solo)[\s-]+(?:mom|mum|mother|dad|father|parent)s?\b"
    r"|\b(?:I'?m|I\s+am|as)\s+an?\s+(?:[a-z-]+\s+){0,2}(?:mom|mum|mother|dad|father|parent)\b"
    r"|싱글\s*(?:맘|대디|파파|엄마|아빠)"
    r"|(?<![가-힣])(?:저는|전|제가|나는|난|본인은)\s+(?:[가-힣]+\s+){0,2}(?:엄마|아빠|어머니|아버지)"
    r"(?=\s*(?:예요|에요|이에요|인데|이고|고|입니다|라서|이라서|이며))",
    re.IGNORECASE)
#: The citizen saying their household is a single-parent one (한부모, JA0403 ``single_parent_family``), as a statement
#: ("싱글맘이에요", "한부모 가정인데", "미혼모인데요", "I'm a single mom", "we're a single-parent family"); a question
#: about a service for single parents ("한부모가족 지원 받을 수 있나요?") says nothing about the citizen.
_SINGLE_PARENT_SAID = re.compile(
    r"(?:싱글\s*(?:맘|대디|파파|엄마|아빠)|미혼\s*[모부]|한\s*부모(?:\s*(?:가정|가족|가구))?)"
    r"\s*(?:예요|에요|이에요|인데|이고|고|입니다|이라서|라서|이라|이며)"
    r"|\b(?:I'?m|I\s+am)\s+an?\s+(?:single|lone|solo)[\s-]+(?:mom|mum|mother|dad|father|parent)\b"
    r"|\b(?:we'?re|we\s+are)\s+an?\s+(?:single|lone)[\s-]+parent\s+(?:family|household)\b",
    re.IGNORECASE)


def speaker_kin_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of ``text`` where a family word names the speaker (:data:`_SPEAKER_KIN`): a
    ``beneficiary`` entity inside one is no one the question is about.

    Example:
        >>> speaker_kin_spans("I'm a single mom. What can my son get?")
        [(0, 16)]
    """
    return [m.span() for m in _SPEAKER_KIN.finditer(text)]


def single_parent_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans where ``text`` says the citizen's household is a single-parent one
    (:data:`_SINGLE_PARENT_SAID`): a fact about the person, not the kind of help asked about."""
    return [m.span() for m in _SINGLE_PARENT_SAID.finditer(text)]


def single_parent_said(text: str) -> bool:
    """Whether ``text`` says the citizen's household is a single-parent one (:data:`_SINGLE_PARENT_SAID`).

    Example:
        >>> single_parent_said("싱글맘이에요"), single_parent_said("한부모가족 지원 받을 수 있나요?")
        (True, False)
    """
    return _SINGLE_PARENT_SAID.search(text) is not None

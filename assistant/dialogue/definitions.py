"""What a form's question means: "중위소득이 뭔데요?" at the income question is a question about the question.

A citizen asked for "가구 소득이 기준 중위소득의 몇 % 정도인가요?" often does not know the term; before this module the
form read "중위소득이 뭔데요?" as a wrong answer ("0에서 1000 사이의 퍼센트로 알려 주세요", fresh-user test s9). Now, while
a form waits for a slot, a message that asks what a term means is answered with that term's definition, cited to the
law that defines it, and the same question is asked again; it is not counted as an invalid answer.

The rule (:func:`defined_slot`):

* the message asks for a meaning: a Korean cue (뭐예요, 뭔데요, 뭔가요, 뭐죠, 무슨 뜻, 무슨 말, 뜻이, 의미, 어떤 거, 어떻게 알아,
  어떻게 확인 …) or an English one (what is/what's/what are, what does … mean, meaning of, what counts as, how do I know
  / find out, define/explain);
* and either it names one of a slot's terms (:data:`TERMS`: "중위소득", "median income", "차상위", "국가유공자" …) — that
  slot is defined, whichever slot is being asked — or it names nothing but a pointing word ("그게 뭔데요?", "what does
  that mean?") — the slot being asked is defined.

A question about why the form asks ("왜 물어보세요?", "um, what's this for?") is answered with the domain's
``utter_why_asked`` and the same question again (:func:`asks_why`).

A meaning question about anything else ("기초연금이 뭐예요?") is not a term of the form: it goes on as a digression
(answered from the documents, then the question again). The definition is the domain's ``utter_define_<slot>``
(so a project changes the words); without it nothing here applies. Each definition cites the article that defines
the term (:data:`SOURCES`), in the citation shape of knowledge answers.
"""

from __future__ import annotations

import re
from typing import Any

#: A slot's terms, Korean and English, as a citizen would write them (matched in the message without spaces,
#: case-folded). The slots with a definition in law, and (s13 #4) the household terms the form asks about, whose
#: definition says what its question means (no law defines them for every programme: no :data:`SOURCES` entry).
TERMS: dict[str, tuple[str, ...]] = {
    "income_pct": ("중위소득", "기준중위", "소득인정액", "medianincome", "incomepercentage", "percentageofthemedian"),
    "near_poverty": ("차상위", "nearpoverty", "near-poverty", "secondlowest"),
    "welfare_recipient": ("기초생활수급", "수급자", "수급권자", "basiclivelihood", "welfarerecipient", "livelihoodsecurity"),
    "disabled": ("장애인등록", "등록장애", "장애인", "장애", "disability", "disabled"),
    "veteran": ("국가유공자", "보훈", "유공자", "nationalmerit", "veteran"),
    "single_parent_family": ("한부모", "조손가족", "singleparent", "single-parent", "grandparent-grandchild"),
    "farmer": ("농업인", "농민", "farmer", "farming"),
    # s13 #4: the other form questions' terms ("1인 가구가 뭐예요?" at the living-alone question got no definition)
    "single_person_household": ("1인가구", "일인가구", "1인세대", "혼자사는", "독거", "single-personhousehold",
                                "singlepersonhousehold", "one-personhousehold", "livingalone", "livealone", "livesalone"),
    "multi_child_household": ("다자녀", "다둥이", "multi-child", "multichild", "manychildren"),
    "master_craftsman": ("대한민국명장", "명장", "mastercraftsman"),
    "age": ("만나이", "만으로", "internationalage", "koreanage"),
    # s16: "장애인 가정이 뭐예요?" at the household question got the person's own disability (장애인 is in its terms); the
    # longer household terms win (named_slot takes the longest term found)
    "household_disabled": ("장애인가정", "장애인가족", "장애인가구", "장애인세대", "장애가정", "familywithadisab",
                           "householdwithadisab", "disabledmember", "disabledfamilymember", "disabledhousehold",
                           "disabledfamily"),
}

#: The law that defines each term (law.go.kr; article as of 2026). Cited with the definition.
SOURCES: dict[str, dict[str, str]] = {
    "income_pct": {"title": "국민기초생활 보장법", "section": "제2조 제11호 (기준 중위소득)",
                   "url": "https://www.law.go.kr/법령/국민기초생활보장법"},
    "near_poverty": {"title": "국민기초생활 보장법", "section": "제2조 제10호 (차상위계층), 시행령 제3조",
                     "url": "https://www.law.go.kr/법령/국민기초생활보장법"},
    "welfare_recipient": {"title": "국민기초생활 보장법", "section": "제2조 제2호 (수급자)",
                          "url": "https://www.law.go.kr/법령/국민기초생활보장법"},
    "disabled": {"title": "장애인복지법", "section": "제32조 (장애인 등록)", "url": "https://www.law.go.kr/법령/장애인복지법"},
    "veteran": {"title": "국가유공자 등 예우 및 지원에 관한 법률", "section": "제4조 (적용 대상 국가유공자)",
                "url": "https://www.law.go.kr/법령/국가유공자등예우및지원에관한법률"},
    "single_parent_family": {"title": "한부모가족지원법", "section": "제4조 (정의)", "url": "https://www.law.go.kr/법령/한부모가족지원법"},
    "farmer": {"title": "농업·농촌 및 식품산업 기본법", "section": "제3조 제2호 (농업인), 시행령 제3조",
               "url": "https://www.law.go.kr/법령/농업ㆍ농촌및식품산업기본법"},
    "master_craftsman": {"title": "숙련기술장려법", "section": "제11조 (대한민국명장의 선정 등)",
                         "url": "https://www.law.go.kr/법령/숙련기술장려법"},
    "age": {"title": "민법", "section": "제158조 (나이의 계산과 표시)", "url": "https://www.law.go.kr/법령/민법"},
    # no law defines 장애인 가정 itself; the definition says what the question means (a registered disabled person in
    # the same household) and cites the articles that define 장애인 and its registration. The bundled corpus does not
    # define the term (s16: no document holds 장애인 가정 / 장애인가정).
    "household_disabled": {"title": "장애인복지법", "section": "제2조 (장애인의 정의), 제32조 (장애인 등록)",
                           "url": "https://www.law.go.kr/법령/장애인복지법"},
    # single_person_household, multi_child_household: no one law defines them for every programme (each programme's
    # conditions do), so their definitions cite nothing and say what the form's question means
}

_KO_CUES = re.compile(r"(뭐예요|뭐에요|뭔데|뭔가요|뭐죠|뭐지|뭐야|뭘까|무엇|무슨\s*뜻|무슨\s*말|뜻이|뜻은|뜻인|의미|어떤\s*거|어떤\s*건|"
                      r"어떻게\s*알|어떻게\s*확인|어떻게\s*계산|뭘\s*말|뭐를\s*말|뭘\s*뜻)")
_EN_CUES = re.compile(r"\b(what\s+is|what's|whats|what\s+are|what\s+does|what\s+do\s+you\s+mean|meaning|mean\b|means\b|"
                      r"what\s+counts|how\s+do\s+i\s+(know|find|check|work)|how\s+can\s+i\s+(know|find|check)|define|explain)",
                      re.IGNORECASE)
#: Words that point at the question just asked ("그게 뭔데요?", "what does that mean?").
_POINTING = re.compile(r"(그게|그건|그거|그것|이게|이건|이거|이것|저게|저건|거기|그\s*말|이\s*말|\bthat\b|\bthis\b|\bit\b|\bthe\b|"
                       r"\bterm\b|\bword\b|\bquestion\b|\bexactly\b|\bplease\b|\bsorry\b|\bum+\b|\bso\b|\bmean\b|\bdoes\b)",
                       re.IGNORECASE)
#: What is left of a pointing question once the cue and pointing words are gone: particles, endings, punctuation.
_RESIDUE = re.compile(r"[\s?!.,~…·'\"]+|이에요|예요|에요|인가요|인데요|이지요|이죠|이야|[요죠가이은는을를야]|"
                      r"대체|도대체|혹시|근데|그런데|저기|음+|어+")


_WHY = re.compile(r"(왜\s*물어|왜\s*필요|왜\s*알아야|왜\s*묻|이걸\s*왜|그걸\s*왜|그건\s*왜|뭐에\s*쓰|어디에\s*쓰|어디\s*쓰|"
                  r"\bwhat'?s\s+(this|that|it)\s+for\b|\bwhat\s+is\s+(this|that|it)\s+for\b|\bwhy\s+do\s+you\s+(need|ask|want)|"
                  r"\bwhy\s+are\s+you\s+asking|\bwhy\s+does\s+(it|that|this)\s+matter|\bwhat\s+for\b|\bwhy\s+(that|this)\s+question)",
                  re.IGNORECASE)


def asks_why(text: str) -> bool:
    """Whether ``text`` asks why the question is asked ("왜 물어보세요?", "what's this for?")."""
    return bool(text and _WHY.search(text))


def asks_meaning(text: str) -> bool:
    """Whether ``text`` asks what something means (the cue lists above)."""
    return bool(_KO_CUES.search(text) or _EN_CUES.search(text))


def named_slot(text: str) -> str | None:
    """The slot one of whose :data:`TERMS` the text names (the longest term found), else None."""
    squeezed = re.sub(r"\s+", "", text).casefold()
    found = [(len(term), slot) for slot, terms in TERMS.items() for term in terms if term in squeezed]
    return max(found)[1] if found else None


def _only_pointing(text: str) -> bool:
    rest = _EN_CUES.sub(" ", _KO_CUES.sub(" ", text))
    rest = _POINTING.sub(" ", rest)
    return not _RESIDUE.sub("", rest).strip()


def defined_slot(text: str, requested: str | None, has_definition: Any) -> str | None:
    """The slot whose definition answers ``text`` while the form asks for ``requested``, else None.

    Args:
        text: the citizen's message. requested: the slot being asked (None: none).
        has_definition: ``slot -> bool``, whether the domain has ``utter_define_<slot>``.

    Returns:
        the named term's slot, or ``requested`` for a pointing question ("그게 뭔데요?"), when it has a definition.
    """
    if not text or not asks_meaning(text):
        return None
    slot = named_slot(text)
    if slot is None and requested is not None and _only_pointing(text):
        slot = requested
    return slot if slot is not None and has_definition(slot) else None


def definition_citation(slot: str) -> list[dict[str, Any]]:
    """The citation of ``slot``'s definition (:data:`SOURCES`) in the knowledge answers' shape, or ``[]``."""
    src = SOURCES.get(slot)
    if src is None:
        return []
    return [{"doc_id": f"law:{src['title']}:{src['section']}", "title": src["title"], "agency": "법제처 국가법령정보센터",
             "url": src["url"], "section": src["section"], "updated_at": None}]


# --- outside a form (s17) ----------------------------------------------------------------------------------------
#: Form terms defined outside a form too: household terms that no document defines, so a bare "what is it?" went to
#: the documents and got an unrelated service ("장애인 가정이 뭐예요?", s16). Other terms (중위소득, 차상위, 한부모 …)
#: stay with the documents outside a form, which hold the services that use them.
DEFINED_OUTSIDE_FORMS: frozenset[str] = frozenset({"household_disabled"})
#: English fillers that may be all that is left beside the term ("what is *a* …", "what does … *mean*").
_FILLERS = re.compile(r"(?:an?|as|the|mean|means|exactly|please|so)*")


def bare_term_question(text: str) -> str | None:
    """The slot (:data:`DEFINED_OUTSIDE_FORMS`) whose term alone ``text`` asks the meaning of, else None:
    "장애인 가정이 뭐예요?", "장애인가정이 무슨 뜻이에요?", "What is a family with a disabled member?" →
    ``household_disabled``; "장애인 가정 지원이 뭐예요?" (a kind of help) → None.

    Example:
        >>> bare_term_question("장애인 가정이 뭐예요?"), bare_term_question("장애인 가정 지원이 뭐예요?")
        ('household_disabled', None)
    """
    if not text or not asks_meaning(text):
        return None
    slot = named_slot(text)
    if slot not in DEFINED_OUTSIDE_FORMS:
        return None
    squeezed = re.sub(r"\s+", "", _EN_CUES.sub(" ", _KO_CUES.sub(" ", text))).casefold()
    term = max((t for t in TERMS[slot] if t in squeezed), key=len, default=None)
    if term is None:
        return None
    i = squeezed.index(term)
    # the rest of an English phrase ("familywithadisab" + "ledmember", "householdwithadisab" + "ility")
    tail = re.match(r"(?:led|ility|ilities)?(?:family|household)?(?:members?|persons?|people|relatives?)?", squeezed[i + len(term):])
    pieces = (squeezed[:i], squeezed[i + len(term) + (tail.end() if tail else 0):])
    return slot if all(_FILLERS.fullmatch(_RESIDUE.sub("", piece)) for piece in pieces) else None

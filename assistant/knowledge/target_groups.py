"""Services for a narrow group of people, and which of several candidate services leads an answer.

"출산지원금 얼마 받을 수 있어요?" asked for a region that runs no 출산 programme is answered with a national one; the
national search ranks 고용노동부's "예술인ㆍ노무제공자 출산전후급여등" (insured artists and platform workers only) above
보건복지부's "건강보험 임신·출산 진료비 지원" (every insured pregnancy): the embedding of the question sits nearest its
text, and no catalogue field says how wide a service's target group is (its supportConditions flags are alike). A
service whose title names a group of people by occupation, status or condition (:data:`NARROW_GROUPS`) is for that
group only; when the question does not name the group, such a service should not lead over one open to everyone of
the kind asked about (:func:`open_first`). Only the title is read: a 지원대상 passage names groups as priorities or
exceptions as often as restrictions ("장애인, 다자녀 가구 우선"), so reading it would mark general services narrow.

Own code: a word list and a stable sort (no library models who a service is for).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from assistant.knowledge.retriever import DocHit, RetrievalResult
from assistant.knowledge.subject import TitleSubjects

#: Title words naming a narrow group of people, each with the words a question names the group by (Korean, as the
#: question or its glossary translation writes them). Occupations (예술인, 어업인, 농업인, 군인 …), statuses (보훈,
#: 북한이탈주민, 입양 …) and conditions (장애); not life stages (청년, 노인, 임산부), which most questions about a
#: kind of help leave open and most services of the kind share.
NARROW_GROUPS: dict[str, tuple[str, ...]] = {
    "예술인": ("예술인", "예술", "artist"),
    "노무제공자": ("노무제공자", "노무제공", "특수고용", "플랫폼", "배달", "대리운전"),
    "어업인": ("어업인", "어업", "어민", "어부", "어선", "fisher"),
    "농업인": ("농업인", "농업", "농민", "농사", "농부", "농가", "귀농", "farmer", "farming"),
    "임업인": ("임업인", "임업"),
    # those who move to the countryside to farm or live (귀농·귀촌인 농가주택 수리비 is for them, not for anyone whose
    # house needs repairs: "집이 낡아서 수리비 지원 받을 수 있나요", s52 probe)
    "귀농": ("귀농", "귀촌", "귀어", "귀산촌", "농촌", "시골", "농사", "농업", "countryside", "rural", "farming"),
    "귀촌": ("귀촌", "귀농", "귀어", "귀산촌", "농촌", "시골", "countryside", "rural"),
    "군인": ("군인", "장병", "병사", "군복무", "입대", "soldier", "military"),
    "장병": ("장병", "군인", "병사", "군복무", "soldier", "military"),
    "선원": ("선원", "sailor", "seafarer"),
    # a disability named by its kind ("저희 아이가 자폐가 있어요", "child with autism": s40 probe, 찾지 못했어요 or
    # 실종아동's page)
    "장애": ("장애", "자폐", "다운증후군", "뇌병변", "disabled", "disability", "autism", "autistic", "downsyndrome",
           "cerebralpalsy", "wheelchair", "휠체어"),
    # 참전: a war veteran ("참전용사였던 아버지가 돌아가셨어요": 참전유공자 사망위로금 is for them, s51)
    "보훈": ("보훈", "유공자", "참전", "veteran"),
    # 의료급여 is for its 수급권자 (기초생활보장 recipients and the like), whatever its title says besides
    "의료급여": ("의료급여", "수급", "기초생활", "생계급여", "medicalaid", "welfarerecipient", "basiclivelihood"),
    "유공자": ("유공자", "보훈", "참전", "veteran"),
    "청소년산모": ("청소년산모", "청소년", "미성년", "10대", "고등학생", "중학생", "고딩", "중딩", "여고생", "여중생", "teen",
              "teenage"),
    "한부모": ("한부모", "미혼모", "미혼부", "싱글맘", "싱글대디", "single"),
    "미혼모": ("미혼모", "한부모", "single"),
    "다문화": ("다문화", "결혼이민", "multicultural"),
    # 결혼이민자 역량강화지원 is for marriage migrants, not for anyone who marries ("결혼하면 지원금 나오는 데 있나요")
    "결혼이민": ("결혼이민", "이민자", "다문화", "국제결혼", "외국인", "immigrant", "migrant", "multicultural"),
    "외국인": ("외국인", "이주", "foreigner", "foreign"),
    "북한이탈": ("북한이탈", "탈북", "새터민", "defector"),
    "입양": ("입양", "adopt", "adoption", "adopted"),
    "소상공인": ("소상공인", "자영업", "가게", "사장", "business"),
    "자영업자": ("자영업", "소상공인", "가게", "business", "selfemployed"),
    "프리랜서": ("프리랜서", "freelance", "freelancer"),
}
_NOT_WORD = re.compile(r"[\W_]+")

H = TypeVar("H", bound=DocHit)


def _squashed(text: str) -> str:
    return _NOT_WORD.sub("", text).lower()


#: An age of 10 to 19 said in a question ("18살인데 임신했어요", "만 17세", "I'm 16", "17 years old"): the citizen is
#: in their teens, :data:`TEEN_WORD`, a word :data:`NARROW_GROUPS` names groups by (청소년산모: its page, 만 19세 이하).
TEEN_WORD = "10대"
_TEEN_AGE = re.compile(r"(?<!\d)1\d\s*(?:살|세)|\b1\d\s*(?:years?\s*old|yo)\b|\bI'?m\s+1\d\b", re.I)


def aged_group_title(text: str, titles: Iterable[tuple[str, str]]) -> str | None:
    """The key of the first of ``titles`` (``(key, title)`` pairs) whose title names the group an age in the teens said
    in ``text`` puts the citizen in (:data:`TEEN_WORD`: 청소년산모 for "저 18살인데요"), or None (no such age, or no
    such title).

    >>> aged_group_title("저 18살인데요", [("a", "건강보험 임신·출산 진료비 지원"), ("b", "청소년산모 임신·출산 의료비 지원")])
    'b'
    >>> aged_group_title("저 28살인데요", [("b", "청소년산모 임신·출산 의료비 지원")]) is None
    True
    """
    if not _TEEN_AGE.search(text):
        return None
    groups = asked_groups(TEEN_WORD)
    return next((key for key, title in titles if title_names_group(title, groups)), None)


def asked_words(result: RetrievalResult) -> str:
    """The question as the groups are looked for in it: its text, its terms with their colloquial expansions and
    its English phrases' glossary translations, and 10대 for an age in the teens it says (:data:`_TEEN_AGE`),
    spaces and punctuation removed, lower-cased."""
    parts = [result.query, *result.terms, *result.said_terms]
    if _TEEN_AGE.search(result.query):
        parts.append(TEEN_WORD)
    parts += [w for _t, catalogue in result.expansions for w in catalogue]
    parts += [w for _p, korean in result.translations for w in korean]
    return _squashed(" ".join(parts))


def narrow_group(title: str, asked: str) -> str | None:
    """The narrow group ``title`` names that the question (``asked``, as :func:`asked_words` gives it) does not, or
    None (no group named, or the question names it, or one of them when the title names several: "장애인
    출산지원금" is asked for 장애인가정 출산지원금).

    >>> narrow_group("예술인ㆍ노무제공자 출산전후급여등", "출산지원금얼마받을수있어요")
    '예술인'
    >>> narrow_group("예술인ㆍ노무제공자 출산전후급여등", "프리랜서예술인인데출산하면")
    >>> narrow_group("건강보험 임신·출산 진료비 지원", "출산지원금얼마받을수있어요")
    """
    return _unasked(title, asked, NARROW_GROUPS)


def _unasked(title: str, asked: str, table: dict[str, tuple[str, ...]]) -> str | None:
    """The first key of ``table`` that ``title`` names (spaces and punctuation ignored) when the question (``asked``)
    names none of the named keys by any of their words; else None. A title naming several is for each of them
    ("예술인ㆍ노무제공자"): the question naming one is enough."""
    text = _squashed(title)
    named = [key for key in table if key in text]
    if any(w in asked for key in named for w in table[key]):
        return None
    return named[0] if named else None


def open_first(hits: Sequence[H], result: RetrievalResult) -> list[H]:
    """``hits`` with those whose title names a narrow group the question does not (:func:`narrow_group`) after the
    others, each part in its given order (a stable sort: the ranking decides within each).

    Args:
        hits: candidate services for one answer's lead, best first (national versions of the kind asked about).
        result: the question's retrieval (its words, expansions and translations).

    Returns:
        The same hits, reordered.
    """
    asked = asked_words(result)
    return sorted(hits, key=lambda h: narrow_group(h.doc.title, asked) is not None)


#: Words for a child, in a question (the person it is about) and after a negated group word in an eligibility
#: section (비장애아동: the children it serves).
CHILD_WORDS = ("아동", "자녀", "아이", "아기", "애기", "영유아", "아들", "딸", "child", "children", "kid", "son", "daughter")
_CHILD_IN_QUESTION = re.compile(r"(?:아동|자녀|아이|아기|애기|영유아|아들|딸|(?<![가-힣])애|(?<=우리)애|(?<=저희)애)"
                                r"|\b(?:child|children|kids?|sons?|daughters?|baby)\b", re.I)


def excluded_group(eligibility: str, groups: Iterable[str]) -> str | None:
    """The words by which ``eligibility`` (a service's eligibility section) shuts out the children of one of
    ``groups`` (keys of :data:`NARROW_GROUPS` the question names), or None: the group's word written with a negating
    prefix before a child word (:data:`CHILD_WORDS`), 비 in Korean ("12세 미만 비장애아동": 언어발달지원 serves the
    non-disabled children of disabled parents), non- in English ("non-disabled children"); spaces, hyphens and case
    ignored. A negated group said of others is no exclusion of a child ("비수급 차상위": 자활근로 serves both).

    >>> excluded_group("장애 부모의 12세 미만 비장애아동", {"장애"})
    '비장애아동'
    >>> excluded_group("장애인, 다자녀 가구 우선", {"장애"})
    """
    text = _squashed(eligibility)
    for group in groups:
        for word in NARROW_GROUPS[group]:
            negated = ("비" if re.match(r"[가-힣]", word) else "non") + word
            for child in CHILD_WORDS:
                if re.search(re.escape(negated) + r"\w{0,2}?" + re.escape(child), text):
                    return negated + child
    return None


def children_groups(title: str) -> frozenset[str]:
    """The groups of :data:`NARROW_GROUPS` whose children ``title``'s service is for: those it names when it names a
    child too (:data:`CHILD_WORDS`, or 아 right after the group's word: 장애아), else none.

    A follow-up after such a service is about that child: "언어치료도 돼요?" after 장애아가족 양육 지원 (s46 probe) was
    answered with 언어발달지원, for the *non-disabled* children of disabled parents
    (:meth:`~assistant.knowledge.composer.AnswerComposer.shut_out_child`).

    >>> sorted(children_groups("장애아가족 양육 지원")), sorted(children_groups("장애인연금"))
    (['장애'], [])
    """
    text = _squashed(title)
    groups = asked_groups(text)
    if _CHILD_IN_QUESTION.search(title):
        return groups
    return frozenset(g for g in groups if any(w + "아" in text for w in NARROW_GROUPS[g] if re.match(r"[가-힣]", w)))


#: Where an eligibility section says whom it leaves out (group 1 of each: the span of the text that is left out):
#: "(독거, 부부노인, 장애인세대)을 제외한 일반세대", "(… 제외)", a line "제외대상 : …", the one word before "…는 제외"
#: ("시설수급자는 제외"; not a clause: in "65세 이상 노인 중 수급자는 제외" 노인 is whom it serves).
_EXCLUSION_SPANS = (
    re.compile(r"\(([^()]*)\)\s*(?:을|를|은|는)?\s*제외"),
    re.compile(r"\(([^()]*?)\s*제외\s*\)"),
    re.compile(r"(?:^|\n)[ \t]*[-*※○ㅇ]*[ \t]*제외[ \t]*(?:대상)?[ \t]*[:：]?([^\n]*)"),
    re.compile(r"([^\s,.()]{2,15})\s*(?:은|는|을|를)\s*제외"),
)


def left_out(words: Iterable[str], eligibility: str) -> str | None:
    """The first of ``words`` that ``eligibility`` (a service's eligibility section) writes and writes only where it
    says whom it leaves out (:data:`_EXCLUSION_SPANS`), when none of ``words`` is written outside such a place; else
    None. ``words``: one thing the question says, as said and as the glossary says it (혼자: 독거, 홀로, 1인 가구).
    A word said of a group left out by a shorter name is left out by it: 독거노인 (one noun to Kiwi) of a list
    "(독거, 부부노인, 장애인세대)을 제외한" is its 독거 (s56 probe: "독거노인 난방비 지원" answered 과천시's 월동난방비,
    given to 일반세대 only).

    >>> left_out(["혼자", "독거"], "수급자 중 월동난방비 기지원 대상(독거, 부부노인, 장애인세대)을 제외한 일반세대")
    '독거'
    >>> left_out(["독거노인"], "수급자 중 기지원 대상(독거, 부부노인, 장애인세대)을 제외한 일반세대")
    '독거'
    >>> left_out(["독거"], "독거노인 및 (시설입소자 제외)"), left_out(["노인"], "65세 이상 노인")
    (None, None)
    >>> left_out(["독거노인"], "독거 어르신 (부부노인 제외)")
    """
    spans = [m.span(1) for p in _EXCLUSION_SPANS for m in p.finditer(eligibility)]
    # the names a list left out gives (독거, 부부노인 …): a word said holding one is said of that group
    named = {n for a, b in spans for n in _LIST_PARTS.split(eligibility[a:b]) if len(n) >= 2}
    words = list(dict.fromkeys(words))
    words += [n for w in list(words) for n in sorted(named) if n != w and n in w.replace(" ", "")]
    found = None
    for word in words:
        for m in re.finditer(re.escape(word), eligibility):
            if not any(a <= m.start() < b for a, b in spans):
                return None
            found = found or word
    return found


#: What parts a list of those left out: commas, middle dots, slashes, spaces and the conjunctions 및 / 과 / 와 / 등
_LIST_PARTS = re.compile(r"[\s,·ㆍ/]+(?:및|과|와|또는|등)?[\s,·ㆍ/]*|\s*(?:및|또는|등)\s*")


def shuts_out(result: RetrievalResult, eligibility: Callable[[H], str]) -> Callable[[H], bool]:
    """``unfit(hit)``: whether ``hit``'s eligibility section shuts out the children of a group the question names
    (:func:`excluded_group`), the question being about a child; always False for any other question, and for one
    about a child outside the group ("부모가 장애가 있으면 비장애 자녀 언어발달 지원 받을 수 있나요?": its 비장애 is no
    disabled child)."""
    groups = asked_groups(asked_words(result)) if _CHILD_IN_QUESTION.search(result.query) else frozenset()
    if groups and excluded_group(result.query, groups) is not None:
        groups = frozenset()
    groups = frozenset(g for g in groups if said_of_child(result.query, g))
    return lambda h: bool(groups) and excluded_group(eligibility(h), groups) is not None


#: Where a Korean or English question's clauses part: a sentence's end, or a Korean connective ending before a space
#: (…인데 / …는데 / …은데 / …지만 / …고서).
_CLAUSE_END = re.compile(r"[.!?\n]+|(?<=인데|는데|은데|지만|고서)\s+")


def said_of_child(query: str, group: str) -> bool:
    """Whether ``query`` names the group ``group`` (a key of :data:`NARROW_GROUPS`) of a child: in a clause that also
    names a child (:data:`CHILD_WORDS`). A group said of the parents in a clause of its own is theirs (s55: "남편이랑
    저 둘 다 청각장애가 있어요. 애가 말이 늦는데 언어치료 비용 지원되나요?" read 장애 as the child's, and 언어발달지원, for
    the non-disabled children of disabled parents, was put after the regions' 인공달팽이관 수술 지원).

    >>> said_of_child("남편이랑 저 둘 다 청각장애가 있어요. 애가 말이 늦는데 언어치료 지원되나요?", "장애")
    False
    >>> said_of_child("장애아동 언어치료 지원", "장애"), said_of_child("아이가 장애가 있는데 치료비 지원", "장애")
    (True, True)
    """
    words = NARROW_GROUPS.get(group, (group,))
    return any(_CHILD_IN_QUESTION.search(clause) and any(w in _squashed(clause) for w in words)
               for clause in _CLAUSE_END.split(query))


#: The ages of life a title may be for, each with the words that name it (in a title or a question, spaces ignored):
#: children (and grandchildren: a grandparent asking about them names both) and old people. 청년 and 대학생 are
#: neither: most services of a kind share them.
AGES_OF_LIFE: dict[str, tuple[str, ...]] = {
    "child": ("아이", "아동", "어린이", "영유아", "유아", "아기", "애기", "신생아", "영아", "청소년", "초등", "중학생", "고등학생",
              "손주", "손자", "손녀", "child", "kid", "baby", "infant", "toddler", "teen"),
    "old": ("노인", "어르신", "할머니", "할아버지", "고령", "경로", "노년", "노령", "홀몸", "독거", "elderly", "senior", "grandma",
            "grandpa", "grandmother", "grandfather", "oldage", "aged"),
}


def other_age_of_life(title: str, asked: str) -> str | None:
    """The age of life (:data:`AGES_OF_LIFE`) ``title`` is for when the question (``asked``, as :func:`asked_words`
    gives it) names another one only, else None. s51 probe on the catalogue: "혼자 사는 노인 돌봄 서비스" was answered
    with 아이돌봄 서비스 (for children of 12 and under), the national one among 돌봄 programmes.

    >>> other_age_of_life("아이돌봄 서비스", "혼자사는노인돌봄서비스")
    'child'
    >>> other_age_of_life("아이돌봄 서비스", "할머니가손주돌봐주는데지원있나요"), other_age_of_life("에너지바우처", "노인난방비")
    (None, None)
    >>> other_age_of_life("노인장기요양 시설급여 지원", "할머니요양원비용")
    """
    named = {age for age, words in AGES_OF_LIFE.items() if any(w in asked for w in words)}
    if len(named) != 1:
        return None
    text = _squashed(title)
    titled = {age for age, words in AGES_OF_LIFE.items() if any(w in text for w in words)}
    return next(iter(titled), None) if len(titled) == 1 and not titled & named else None


def not_excluding_first(hits: Sequence[H], unfit: Callable[[H], bool], top: int = 5) -> list[H]:
    """``hits`` with those among the first ``top`` that are ``unfit`` (:func:`shuts_out`: their eligibility section
    shuts out the children of a group the question names) after the other first ``top``, each part in its given
    order; the rest unchanged.

    s39 fresh-user probe: "우리애가 발달장애 판정받았어요 도움받을수있는거요" was answered with 언어발달지원 (its text says
    장애 and 발달 often: it is for the *non-disabled* children of disabled parents) over 장애아가족 양육 지원.

    Args:
        hits: the ranked hits, best first.
        unfit: whether a hit may not lead (:func:`shuts_out`).
        top: how many of the first hits are reordered.

    Returns:
        The same hits, reordered.
    """
    head = sorted(hits[:top], key=unfit)
    return [*head, *hits[top:]]


_BIRTH_WORDS = ("임신", "임산부", "임부", "산모", "출산", "출생", "분만", "아기", "애기", "신생아", "영아", "태아", "낳", "다태아",
                "쌍둥이", "유산", "사산", "pregnan", "birth", "baby", "babies", "newborn", "twins")
#: Title words naming a stage of life or a condition that a service is only for, each with the words a question names
#: it by (as :data:`NARROW_GROUPS`): pregnancy and birth, infertility, rare diseases. A title naming one does not lead
#: a question that names none, about a kind of help that others give too (:func:`unstaged_first`). Not the ages of
#: life (청년, 노인: most services of a kind share them, and 청년 월세 is what "월세 지원" asks for).
STAGES: dict[str, tuple[str, ...]] = {
    "임신": _BIRTH_WORDS,
    "출산": _BIRTH_WORDS,
    "임산부": _BIRTH_WORDS,
    "산모": _BIRTH_WORDS,
    "난임": ("난임", "불임", "시험관", "인공수정", "체외수정", "시술", "ivf", "infertil"),
    "희귀질환": ("희귀", "난치", "rare"),
    # a child gone missing: "장애인연금 받을 수 있나요? 아들이 지적장애 2급이에요" got 실종아동 보호 및 지원 (its 지원 대상
    # names 지적·자폐성 장애인 who went missing; s40 probe)
    "실종": ("실종", "잃어버", "없어졌", "사라졌", "안보여", "안보이", "못찾", "missing", "lost"),
}
#: The least score, as a share of the first hit's, of a hit that leads in its place (:func:`unstaged_first`).
STAGE_SCORE_SHARE = 0.85


def unasked_stage(title: str, asked: str) -> str | None:
    """The stage of :data:`STAGES` (or group of :data:`NARROW_GROUPS`) ``title`` names that the question (``asked``,
    as :func:`asked_words` gives it) names by none of its words, or None.

    >>> unasked_stage("건강보험 임신·출산 진료비 지원", "병원비너무비싸요지원되는거있나요")
    '임신'
    >>> unasked_stage("건강보험 임신·출산 진료비 지원", "아기병원비지원")
    >>> unasked_stage("의료급여 (의료급여 건강생활 유지비)", "병원비너무비싸요")
    '의료급여'
    >>> unasked_stage("에너지바우처", "난방비지원")
    """
    return _unasked(title, asked, STAGES) or narrow_group(title, asked)


def unstaged_first(hits: Sequence[H], result: RetrievalResult, top: int = 5, share: float = STAGE_SCORE_SHARE,
                   unfit: Callable[[H], bool] | None = None) -> list[H]:
    """``hits`` with the first of the first ``top`` whose title names no stage or group the question leaves unnamed
    (:func:`unasked_stage`), scoring at least ``share`` of the first hit's (or holding some of the question's words
    when the first hit's title holds none), moved to the front when the first hit's title names one; otherwise
    unchanged.

    s39 fresh-user probe: "병원비 너무 비싸요 지원되는거있나요" was answered with 건강보험 임신·출산 진료비 지원 (병원비
    → 진료비), a service for pregnancy and birth only, when 의료급여 scored 0.95 of it; the others are listed after
    the answer all the same.

    Args:
        hits: the ranked hits, best first.
        result: the question's retrieval (:func:`asked_words`).
        top: how many of the first hits may lead; share: the least score, as a share of the first hit's (0..1).
        unfit: hits that may not lead in its place either (a page that shuts out the citizen's child:
            :func:`excluded_group`).

    Returns:
        The same hits, reordered.
    """
    hits = list(hits)
    if not hits:
        return hits
    asked = asked_words(result)
    if unasked_stage(hits[0].doc.title, asked) is None:
        return hits
    # a first title that holds nothing of the question is no lead to keep by its score: the page ranked by a mention
    # in its text ("아들이 지적장애 2급이에요": 실종아동 보호 및 지원, for 실종된 지적·자폐성 장애인, over 장애아가족 양육
    # 지원, whose title holds 장애; s40 probe); a hit whose title holds some of it may lead from any score
    subjects = TitleSubjects()
    weak = not subjects.subject(result, hits[0].doc.title)
    best = next((h for h in hits[1:top] if unasked_stage(h.doc.title, asked) is None and not (unfit is not None and unfit(h))
                 and (h.score >= share * hits[0].score or (weak and subjects.subject(result, h.doc.title)))), None)
    return hits if best is None else [best, *(h for h in hits if h is not best)]


#: How well a hit whose title names the group the question names must score, as a share of the first hit's score, to
#: lead an answer whose first hit names no group the question names (:func:`group_first`; s35: 장애아가족 양육 지원
#: scored 0.96 of 아이돌봄 서비스 for "장애가 있는 아이를 키우고 있어요").
GROUP_SCORE_SHARE = 0.85
#: The same for a title naming the group an age said in the question puts the citizen in (10대: :data:`TEEN_WORD`):
#: any of the first hits (the age, not the ranking, says who the service is for).
AGED_SCORE_SHARE = 0.0


def asked_groups(asked: str) -> frozenset[str]:
    """The groups of :data:`NARROW_GROUPS` that the question (``asked``, as :func:`asked_words` gives it) names."""
    return frozenset(group for group, words in NARROW_GROUPS.items() if any(w in asked for w in words))


def title_names_group(title: str, groups: Iterable[str]) -> bool:
    """Whether ``title`` names one of ``groups`` (keys of :data:`NARROW_GROUPS`) by any of the group's words, spaces
    ignored: 예술활동준비금 is for 예술인, 장애아가족 양육 지원 for 장애."""
    text = _squashed(title)
    return any(w in text for g in groups for w in NARROW_GROUPS[g])


def group_first(hits: Sequence[H], result: RetrievalResult, top: int = 5, share: float = GROUP_SCORE_SHARE) -> list[H]:
    """``hits`` with the service for the group the question names first, when the first hit is not for that group.

    A citizen who says who they are ("장애가 있는 아이를 키우고 있어요") is answered by the service for that group
    (장애아가족 양육 지원), not by the general one the ranking put first by a hair (아이돌봄 서비스): the best hit among
    the first ``top`` scoring at least ``share`` of the first whose title names a group of :data:`NARROW_GROUPS` the
    question names (by any of the group's words) and holds more of the question's words than the first's title
    (:meth:`~assistant.knowledge.subject.TitleSubjects.subject`: 양육 and 장애 against 아이) moves to the front, when
    the first hit's title names none of the groups (예술활동준비금 names 예술인 by 예술 and stays first). Otherwise
    ``hits`` unchanged. A title that holds what was asked and not the group stays first: "patent … fees if I'm … a
    national merit recipient" keeps 특허료·등록료 및 수수료의 감면 (감면, 등록, 수수료) before 국가유공자 등의 종자 관련
    수수료 면제 (국가, 수수료, 유공자), and a disabled worker's return to work keeps 산재장해인 원직장복귀지원 (s35 held-out
    English questions, which a rule without this condition answered wrongly).

    Args:
        hits: the ranked hits, best first.
        result: the question's retrieval (its words, expansions and translations: :func:`asked_words`).
        top: how many of the first hits may move up; share: the least score, as a share of the first hit's (0..1).

    Returns:
        The same hits, the group's service moved to the front where one qualifies.
    """
    hits = list(hits)
    groups = asked_groups(asked_words(result)) if hits else frozenset()
    if not groups:
        return hits

    def names_group(hit: DocHit) -> bool:
        return title_names_group(hit.doc.title, groups)

    if names_group(hits[0]):
        return hits
    subjects = TitleSubjects()
    held = len(subjects.subject(result, hits[0].doc.title))
    # a group named by an age alone ("18살" → 10대), not by the question's own words, is a word of the question no
    # title writes: it counts as held
    aged = asked_groups(TEEN_WORD) - asked_groups(_squashed(result.query)) if _TEEN_AGE.search(result.query) else frozenset()
    # a title naming the group the citizen's age puts them in may lead from AGED_SCORE_SHARE: the age decides who
    # the service is for, and no page writes it ("I'm 17 and pregnant", restated "… What support can I get?":
    # 청소년산모 scored 0.55 of the general voucher's English page, s39 probe; its Korean twin ranks it first). It
    # must still hold more of the question's words than the first (a 17-year-old's student loan stays the loan's)
    best = next((h for h in hits[1:top] if names_group(h)
                 and h.score >= (AGED_SCORE_SHARE if title_names_group(h.doc.title, aged) else share) * hits[0].score
                 and len(subjects.subject(result, h.doc.title)) + int(title_names_group(h.doc.title, aged)) > held), None)
    return hits if best is None else [best, *(h for h in hits if h is not best)]

"""Who a service is for, when its codes say nothing but an age (issue #5, fresh-user report s8 defect 3).

Some services code only an age range (18–120, 19–120 …) while their 지원대상 text is for a narrower circle the codes
do not stand for and :mod:`connectors.eligibility.text_groups` does not read as a restriction: 장병 인권상담 지원
("장병, 군무원, 일반 국민"), 한식진흥 ("한식관련 전문 교육기관, 한식을 전공하는 학생 …"), 한문 고전 자문 ("… 자문을 필요로
하는 국민 누구나"), 학점은행제 상담 ("학점은행제를 이용하고자 하거나, 이용하고 있는 모든 국민"), 유아학비 ("유치원에 다니는
3~5세 유아"). A person of the right age "met every condition" of each. The evaluator makes such a text one more AND
condition, ``CHECK``: ``unknown`` with the text's who-phrase to check, unless the citizen confirmed a group the phrase
names (``target_groups``; :func:`check_state`); never ``not_eligible`` (the phrase is read, not understood).

How the phrase is read (a residue test, conservative in the direction of "to check"; why not a model: the texts are
short, the vocabulary of "anyone" is small, and a caseworker can read and correct a word list):

* the 지원대상 text's first item (the items of :mod:`~connectors.eligibility.text_groups`: remarks, headers and labels
  of what, when or how much dropped; a label of who cut off), with law citations (「노인복지법」에 따른, 노인복지법에 정한),
  numbers and dates removed;
* the words of "anyone living there of that age" are removed: places (시·도, 시·군·구 and their stems, 관내, 지역 …),
  residence (거주, 주민등록, 주소 …), the general public (국민, 주민, 구민, 누구나, 모든, 사용자, 구매자 …), ages (만, 세,
  이상, 출생자 …) and the age groups (노인, 어르신, 아동, 청년 …), with particles;
* the item is general when one of its alternatives (split at 및, 또는, commas) leaves no word of two syllables or more
  ("동대문구 거주 만 4세이상 주민", "0~18세, 만65세이상, 임산부, 장애인, 관내지역주민 등"); otherwise the phrase
  is to check;
* the title counts as well: a title naming a group of :data:`~connectors.eligibility.text_groups.LEXICON` ("장병 인권상담
  지원", "청년 사업자 임대료 지원", "신혼부부 전입 이사비용 지원", "미취학‧학업중단학생 학습지원") is to check unless an
  item says everyone (:data:`~connectors.eligibility.text_groups._GENERAL_STRONG`: 누구나, 일반 국민 …) without naming
  a group ("장병, 군무원, 일반 국민" names one: the soldiers' service, which the public may also use);
* an item that only restates the title before the content ("HPV 국가예방접종 지원사업") is skipped, as are headings
  ("수혜대상"); an item that says everyone (누구나 …) anywhere in the text makes it general ("거제 시민 누구나");
* (s10) getting, buying or not yet having had the service's own subject is not a circle: a title word as the object of
  such a verb ("수돗물을 공급받는 가정" under 우리집 수돗물 안심 확인제, "… 폐렴구균 … 백신을 접종하지 않은 성인") and the words of
  having a benefit ("할인된 비용으로 상품권을 구매하는 간접 혜택") leave no residue; wanting, needing or using it
  ("학점은행제를 이용하고자", "자문을 필요로 하는") still names a circle of the interested to check (fresh-user report s8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from connectors.eligibility.regions import SIDO, SIDO_ALIASES, SIGUNGU
from connectors.eligibility.text_groups import _GENERAL_STRONG, UNKNOWN, YES, _items, groups_named, names_plainly

if TYPE_CHECKING:
    from connectors.eligibility.facts import Facts

#: The code of the condition in results (not a JA code).
CHECK = "CHECK"
_MAX_PHRASE = 90
_HEADING = re.compile(r"^[\w\s]{2,16}(?:대상자?|자격|기준|요건)\s*[:：]?$")

_PLACES = sorted({*SIDO, *SIDO_ALIASES, *(n for names in SIGUNGU.values() for n in names),
                  *(n[:-1] for names in SIGUNGU.values() for n in names if len(n) >= 3)}, key=len, reverse=True)
_LAW = re.compile(r"[「『][^」』]*[」』]\s*(?:제\s*\d+\s*조[^\s,]*)?\s*(?:에\s*)?(?:따른|정한|의한|규정된|해당하는)?|"
                  r"[가-힣]+법(?:률)?\s*(?:제\s*\d+\s*조[^\s,]*)?\s*(?:에\s*|상\s*)?(?:따른|정한|의한|규정된)")
_NUMBERS = re.compile(r"[\d.~∼\-]+")
#: "체험가능연령 :", "나이 기준 :": a label of the age or of who before its content.
_LABEL = re.compile(r"^[가-힣\s]{0,12}(?:연령|나이|대상자?|자격)\s*(?:기준)?\s*[:：]")
#: the words of "anyone living there of that age", longest first where one contains another (module docstring).
_GENERAL_WORDS = re.compile("|".join([
    r"대한민국\s*국적", r"대한민국", r"국내", r"관내외?", r"관외", r"관할", r"지역\s*사회", r"지역", r"[도시군구]내",
    r"거주민", r"거주자", r"거주", r"주민\s*등록(?:상|지)?", r"주소지?", r"등록", r"두고", r"두며", r"있는", r"있으며", r"있고",
    r"현재", r"기준", r"신청일", r"공고일", r"이전", r"이후", r"계속", r"실제", r"생활", r"하는", r"하고", r"하며",
    r"전\s*국민", r"국민", r"주민", r"시민", r"구민", r"군민", r"도민", r"지역민", r"누구나", r"누구든지", r"모든", r"모두",
    r"전체", r"일반인", r"일반", r"개인", r"내국인", r"사람", r"대상자", r"대상", r"이용자", r"사용자", r"이용객", r"관람객",
    r"방문객", r"승객", r"구매자", r"희망자", r"신청자", r"신청", r"희망", r"이용\s*가능", r"발급", r"가능", r"지원", r"제공", r"지급",
    r"등본", r"생년월일", r"회원\s*가입\s*시?", r"상품권", r"페이(?![가-힣])", r"사랑", r"카드", r"부터", r"하여", r"하신", r"취학\s*전", r"미취학", r"가정", r"가구", r"세대",
    r"출생자", r"출생한", r"출생", r"연령", r"나이", r"이상", r"이하", r"미만", r"초과", r"넘는", r"넘은", r"해당",
    r"어르신", r"노인", r"고령자", r"노령자", r"영유아", r"유아", r"영아", r"아동", r"어린이", r"청소년", r"청년", r"성인",
    r"신생아", r"중장년", r"장년", r"노년", r"남녀", r"가구원", r"세대원", r"본인",
]))
#: two-syllable particles and endings left once the words are gone ("이상이면" → "이면").
_FUNCTION = frozenset({"에게", "에서", "으로", "이면", "이며", "이고", "이나", "이든", "까지", "부터", "에는", "또는", "경우", "으며",
                       "이어야", "이어", "인자", "로서", "로써", "에도", "이라면", "라면", "된자", "하여", "하거나", "이거나",
                       "합니다", "됩니다", "있음", "가능한", "가능함", "되어", "되어있는", "인", "등"})
_ALTERNATIVES = re.compile(r"\s(?:및|또는|이나)\s|[,·ㆍ/]|\s등(?:\s|$)")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
#: a label of one part before its content ("장수수당 : 1935년 …"): the content is the item.
_PART_LABEL = re.compile(r"^[가-힣\s]{2,12}[:：]\s*")
#: The label of an item that states what the codes and the region carry: age, income, assets, residence ("소 득 :",
#: "연령기준:", "거주기준:", "(소득)").
_CODED_LABEL = re.compile(r"^[\s(（\[]*(?:소\s*득|연\s*령|나\s*이|재\s*산|가구\s*소득|거\s*주)\s*(?:기준|요건|조건)?\s*[:：)）\]]")


@dataclass(frozen=True)
class WhoCheck:
    """The who-phrase of a service's text to check (:func:`who_check`).

    Attributes:
        phrase: the first 지원대상 item (or the title), shortened to 90 characters.
        groups: :data:`~connectors.eligibility.text_groups.LEXICON` groups the phrase names plainly
            (:func:`~connectors.eligibility.text_groups.names_plainly`), or the title names and the phrase does not:
            the citizen confirming one of them (``target_groups``) settles the check.
        narrowed: groups the phrase names only more narrowly than the group ("한식을 전공하는 학생" for ``student``,
            "셰프 등 한식 종사자" for ``worker``): confirming the broad group says less than the phrase, so it settles
            nothing (s15; as :attr:`~connectors.eligibility.text_groups.Restriction.specific` for the GROUP condition
            since s13 #6); named in the condition's English meaning only.
        all_of: the phrase says that several requirements must all be met (:func:`all_of_check`): no confirmed group
            settles it (:attr:`groups` is empty), so it stays to check.
    """

    phrase: str
    groups: tuple[str, ...] = ()
    narrowed: tuple[str, ...] = ()
    all_of: bool = False


#: Words of what a benefit is and how it is had (s10: "할인된 비용으로 상품권을 구매하는 간접 혜택", "수돗물을 공급받는
#: 가정"): getting or buying what the service gives says nothing about who may have it (wanting or using it may: see
#: :data:`_USE_VERB`).
_BENEFIT_WORDS = re.compile(r"혜택|할인(?:된|받는)?|비용|구매|구입|공급\s*받는|공급|받는|받고|간접|직접")


#: Getting, buying, or not yet having had something (its object before it: "수돗물을 공급받는", "… 백신(PPSV23)을 접종하지
#: 않은"). Wanting, needing or using it ("학점은행제를 이용하고자", "자문을 필요로 하는") is not among them: the fresh-user
#: report s8 found those listed as "eligible" on the age alone, a circle of the interested the citizen should check.
_USE_VERB = r"(?:공급\s*받|구매\s*하|구입\s*하|받(?!지)|(?:접종|투약|지원)\s*(?:을|를)?\s*(?:하지|받지)\s*않|받지\s*않)"


def _title_words(title: str) -> tuple[str, ...]:
    """The title's words of two syllables or more that are not general (``"우리집 수돗물 안심 확인제 지원"`` →
    ``("우리집", "수돗물", "안심", "확인제")``): a phrase that names them restates what the service is."""
    return tuple(w for w in re.findall(r"[가-힣]{2,}", _GENERAL_WORDS.sub(" ", title)) if w not in _FUNCTION)


def _residue(part: str, title: tuple[str, ...] = ()) -> list[str]:
    """The words of ``part`` that say more than "anyone living there of that age" (two syllables or more); with
    ``title`` (:func:`_title_words`), also a title word as the object of getting or using it (``"수돗물을 공급받는"``
    under "우리집 수돗물 안심 확인제 지원": who gets the service's own subject, not a circle; a title word alone stays,
    as in "가정위탁아동" under "가정위탁아동 양육보조금 지원") and the words of having a benefit (:data:`_BENEFIT_WORDS`)."""
    part = _LAW.sub(" ", part)
    part = _NUMBERS.sub(" ", part)
    for place in _PLACES:
        if place in part:
            part = part.replace(place, " ")
    if title:  # "수돗물을 공급받는", "학점은행제를 이용하고자": getting or using the service's own subject
        part = re.sub(r"(?:" + "|".join(map(re.escape, title)) + r")[^,·ㆍ]{0,25}?(?:을|를)\s*" + _USE_VERB, " ", part)
    part = _GENERAL_WORDS.sub(" ", part)
    if title:
        part = _BENEFIT_WORDS.sub(" ", part)
    part = re.sub(r"(?<![가-힣])(?:만|세|년|월|일|생|자|분|중|등|및|또는|이|가|은|는|을|를|의|에|로|와|과|도)(?![가-힣])", " ", part)
    return [w for w in re.findall(r"[가-힣]{2,}", part) if w not in _FUNCTION and not re.fullmatch(r"(?:세|년|월|일)+", w)]


def is_general(item: str, title: str = "") -> bool:
    """Whether one 지원대상 item says no more than "anyone (living there, of that age)": one of its alternatives leaves
    no residue. With the service's ``title``, an item that only restates what the service is and that one gets or uses
    it ("수돗물을 공급받는 가정" under "우리집 수돗물 안심 확인제 지원", "할인된 비용으로 상품권을 구매하는 간접 혜택" under
    "지역화폐(동작사랑상품권)") is general too (session 10: such texts add nothing beyond the coded conditions).

    Examples:
        >>> is_general("동대문구 거주 만 4세이상 주민"), is_general("0~18세(영유아,청소년), 만65세이상, 임산부, 관내지역주민 등")
        (True, True)
        >>> is_general("학점은행제를 이용하고자 하거나, 이용하고 있는 모든 국민")
        False
    """
    item = _PART_LABEL.sub("", _LABEL.sub("", item.strip()))
    words = _title_words(title) if title else ()
    if not _residue(item, words):
        return True
    return any(p.strip() and not _residue(p, words) for p in _ALTERNATIVES.split(_PARENS.sub(" ", _LAW.sub(" ", item))))


def who_check(target: str, title: str) -> WhoCheck | None:
    """The who-phrase to check of a service whose codes say only an age (module docstring), or ``None`` when its text
    says no more than "anyone of that age (living there)".

    Args:
        target: the 지원대상 text (the 선정기준 when that is empty); title: 서비스명.

    Examples:
        >>> who_check("○ 장병, 군무원, 일반 국민", "장병 인권상담 지원")
        WhoCheck(phrase='장병 인권상담 지원 (장병, 군무원, 일반 국민)', groups=('military',), narrowed=(), all_of=False)
        >>> who_check("노인복지법에 정한 만 65세 이상 노인", "철도 공공할인 서비스(경로)") is None
        True
    """
    title_words = set(re.findall(r"[가-힣]{2,}", title))
    read = [i for i in _items(target) if not _HEADING.match(i)]
    # (s43) a text that lists its requirements under labels starts with the age, the income or the residence the codes
    # carry ("소 득 : 중위소득 150%이하 / 연 령 : 만65세 이상 / … 의사 진단서·소견서 … 있는 경우"): the first other item
    # says who; 어르신 생기발랄 was listed as receivable on age and income while it needs a doctor's note
    while len(read) > 1 and _CODED_LABEL.match(read[0]):
        read = read[1:]
    # a heading that restates the title before the content ("HPV 국가예방접종 지원사업", "농산물 가공 교육"); kept when
    # it is all the text says ("가정위탁아동" under "가정위탁아동 양육보조금 지원")
    items = [i for i in read if not ((words := _residue(i)) and all(any(w in t or t in w for t in title_words) for w in words))]
    items = items or read[:1]
    first = items[0] if items else ""
    by_title = groups_named(title)
    if any(_GENERAL_STRONG.search(i) and is_general(i, title) and not (by_title and groups_named(i)) for i in items):
        return None  # "거제 시민 누구나" as one of the ways in; not "장병, 군무원, 일반 국민" under "장병 인권상담 지원"
    if not first or (is_general(first, title) and not by_title):
        return None
    phrase = re.sub(r"\s+", " ", first if not is_general(first, title) else f"{title} ({first})").strip()
    if len(phrase) > _MAX_PHRASE:
        phrase = phrase[:_MAX_PHRASE - 1].rstrip() + "…"
    named = groups_named(first)
    # a group the first item names only with a qualifier ("한식을 전공하는 학생"): the broad group does not hold it (s15)
    narrowed = tuple(g for g in named if not names_plainly(g, first))
    plain = tuple(dict.fromkeys(g for g in (*by_title, *named) if g not in narrowed))
    return WhoCheck(phrase, plain, narrowed)


#: A text saying its requirements must all be met ("소득기준과 가구원특성기준을 모두 충족하는 가구", "아래 세가지 요건을
#: 모두 충족하는 대상자", "소득·재산 기준을 동시에 충족하는 자", "①, ② 모두 해당"); not "남녀 모두 만 49세 이하" nor "부모 모두
#: 비취업" (모두 of people, no verb of meeting).
ALL_OF = re.compile(r"모두\s*(?:충족|해당|갖추|갖춘|갖춰|만족|구비)|(?:요건|기준|조건|자격)\s*(?:을|를)?\s*(?:모두|전부)\s*(?!만\s*\d)|"
                    r"동시에\s*(?:충족|해당|만족)")
#: What an all-of phrase asks, in English (its phrase is Korean): the ``CHECK`` condition's English meaning says it, and
#: the list's "to check" line reads it back (:func:`connectors.eligibility.actions.check_what`).
ALL_OF_EN = "every requirement its eligibility text lists, all of which must be met"
#: How long an all-of phrase may be: the clause and the requirements after it, enough to know what to look for.
_MAX_ALL_OF = 160
_BULLET = re.compile(r"^[\s\u200b]*(?:[○❍■□•◦▶ㅇ〮·※*☞-]|\d+[.)]|[①-⑳]|[가-하]\.)\s*")
#: A line that points at the requirements after it ("아래 요건을 모두 충족하는 자", "다음 세가지 조건을 모두 충족하는 자").
_POINTS_ON = re.compile(r"아래|다음|①")


def all_of_check(text: str) -> WhoCheck | None:
    """The requirement a service's 지원대상/선정기준 ``text`` says must all be met (:data:`ALL_OF`), as a phrase to check,
    or ``None`` when the text says no such thing.

    Why (fresh-user report s41, C21/C22): the codes and the named statuses often stand for one of the requirements
    only. 에너지바우처 codes 중위소득 0~50% and names 생계·의료·주거·교육급여 수급자, but its text asks "소득기준과
    가구원특성기준을 모두 충족하는 가구" (a household member who is old, an infant, disabled …); 아이돌봄 서비스 codes the
    child's age and income, but asks a childcare gap (맞벌이 …) too: a 40-year-old recipient and a two-parent family at home
    were told "받으실 수 있어요". The requirements are read, not understood, so the check is never settled by a fact: the
    service is to check, with this phrase, and never ``not_eligible`` by it.

    The phrase is the line that says it (bullets dropped) and, when that line is short or points at what follows
    ("아래 요건을 모두 충족하는 자"), the lines after it, joined with " / " and cut after the last whole line within :data:`_MAX_ALL_OF` characters. Remarks count (``※ 지원대상
    요건①, ② 모두 충족 시 신청 가능``): they say it as plainly.

    Examples:
        >>> all_of_check("○ 소득기준과 가구원특성기준을 모두 충족하는 가구\\n- 소득기준 : 생계·의료·주거·교육급여 수급자").phrase
        '소득기준과 가구원특성기준을 모두 충족하는 가구 / 소득기준 : 생계·의료·주거·교육급여 수급자'
        >>> all_of_check("○ 아래 요건을 모두 충족하는 자\\n 1) 연 소득 3천만원 이하\\n 2) 관내 거주").phrase
        '아래 요건을 모두 충족하는 자 / 연 소득 3천만원 이하 / 관내 거주'
        >>> all_of_check("○ 혼인신고일 기준, 남녀 모두 만 49세 이하인 부부") is None
        True
    """
    lines = [_BULLET.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    for k, line in enumerate(lines):
        if ALL_OF.search(line) is None:
            continue
        parts = [re.sub(r"\s+", " ", line)]
        if len(parts[0]) < 40 or _POINTS_ON.search(line):
            for after in lines[k + 1:]:
                if sum(len(p) + 3 for p in parts) >= _MAX_ALL_OF:
                    break
                parts.append(re.sub(r"\s+", " ", after))
        phrase = " / ".join(parts)
        if len(phrase) > _MAX_ALL_OF:  # whole requirements only where one fits ("… / 노인 : 1960.12.31. 이전 출생자 / …")
            cut = phrase.rfind(" / ", 0, _MAX_ALL_OF - 4)
            phrase = phrase[:cut] + " / …" if cut > 0 else phrase[:_MAX_ALL_OF - 1].rstrip() + "…"
        return WhoCheck(phrase, all_of=True)
    return None


#: The words of an income or assets limit: where the codes carry the income band, a phrase that says no more than the
#: limit (and "anyone of that age living there") names no circle beyond the codes.
_INCOME_WORDS = re.compile(r"소득\s*인정액|기준\s*중위\s*소득|중위\s*소득|저\s*소득(?:층)?|소득|재산|계층|[\d.]+\s*%|퍼센트")


def says_only_income(phrase: str) -> bool:
    """Whether a who-phrase (:attr:`WhoCheck.phrase`) says no more than an income or assets limit beside "anyone of
    that age living there" (no residue, :func:`_residue`, once :data:`_INCOME_WORDS` are gone; commas are no
    alternatives here): ``"소득인정액이 기준중위소득 47%
    이하인 가구"``, ``"기준중위소득 180% 이하 청년"``; not ``"위기상황에 처한 가구 중 … 소득재산 기준 이내 가구"``.

    Examples:
        >>> says_only_income("소득인정액이 기준중위소득 47% 이하인 가구"), says_only_income("기준중위소득 180% 이하 청년")
        (True, True)
        >>> says_only_income("만 65세미만의 기준중위소득 70% 이하 계층 중, 가사간병서비스가 필요한 자")
        False
    """
    return not _residue(_INCOME_WORDS.sub(" ", _PART_LABEL.sub("", _LABEL.sub("", phrase.strip()))))


def check_state(check: WhoCheck, facts: Facts) -> tuple[int, tuple[str, ...]]:
    """``(state, missing)``: eligible when the citizen confirmed a group the phrase names plainly (:attr:`WhoCheck.groups`;
    ``facts.target_groups``: the questionnaire's group question, or the API); else unknown, missing ``target_groups``
    when the phrase names such a group (the citizen can confirm it), nothing otherwise (the phrase says what to check).

    Only an explicit confirmation counts, not the facts that record a group coarsely; and a confirmation of a group the
    phrase names only narrowly (:attr:`WhoCheck.narrowed`: "학생" for "한식을 전공하는 학생", "근로자" for "셰프 등 한식
    종사자") settles nothing either (s15, s13 #6's kind for CHECK): the phrase is narrower than the lexicon's group.

    Example:
        >>> from connectors.eligibility.facts import Facts
        >>> w = WhoCheck("한식을 전공하는 학생", (), ("student",))
        >>> check_state(w, Facts(target_groups={"student": True}))
        (1, ())
    """
    told = facts.target_groups or {}
    if any(told.get(g) is True for g in check.groups):
        return YES, ()
    return UNKNOWN, (("target_groups",) if check.groups else ())


__all__ = ["ALL_OF", "ALL_OF_EN", "CHECK", "WhoCheck", "all_of_check", "check_state", "is_general", "says_only_income", "who_check"]

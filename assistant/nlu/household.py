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

from assistant.knowledge.age_rule import NOT_A_BOUND, NOT_AFTER_RANGE

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


#: The person said to be (or not to be) a 기초생활보장 수급자 (국민기초생활 보장법 제2조 제2호): "기초생활수급자에요", "수급자
#:입니다", "기초수급 받고 있어요", "I'm a basic livelihood recipient"; a question about them ("수급자도 받을 수 있나요?")
#: says nothing of the person
_RECIPIENT_SAID = re.compile(
    r"(?:기초\s*생활\s*|기초\s*)?(?:수급자|수급권자)\s*(?:에요|예요|이에요|이예요|입니다|이고|인데|이라서|라서|임|이요|요|이에여)"
    r"(?![가-힣]*\?)|기초\s*(?:생활\s*)?수급\s*(?:받고\s*있|받아요|받습니다|중이)"
    r"|\b(?:i'?m|i\s+am|we\s+are|we'?re)\s+(?:a\s+|on\s+)?(?:basic\s+livelihood|welfare)\s*(?:recipients?|beneficiar(?:y|ies)|benefits?)\b",
    re.IGNORECASE)
_RECIPIENT_DENIED = re.compile(r"(?:수급자|수급권자|기초\s*수급)\s*(?:는|은|가|이)?\s*(?:아니|아닙|아녜|아냐)|\bnot\s+(?:a\s+)?(?:basic\s+livelihood|welfare)\s+recipient",
                               re.IGNORECASE)


def welfare_recipient_said(text: str) -> bool | None:
    """Whether ``text`` says the person is a 기초생활보장 수급자 (True), says they are not (False), or neither (None).

    Example:
        >>> welfare_recipient_said("기초생활수급자에요"), welfare_recipient_said("수급자는 아니에요")
        (True, False)
        >>> welfare_recipient_said("수급자도 받을 수 있나요?"), welfare_recipient_said("기초수급 받고 있어요")
        (None, True)
    """
    if _RECIPIENT_DENIED.search(text):
        return False
    return True if _RECIPIENT_SAID.search(text) else None


#: A household or a family member with a disability, not the person's own (s13 #2: "장애인 가정이에요", "우리 집이 장애인
#: 가정", "가족 중에 장애인이 있어요", "a household with a disabled member"; s15: a member named, "남편이 장애인이에요", "my
#: husband is disabled"). The eligibility facts record it as ``household_disabled`` (a registered disabled member of the
#: person's household), never as the person's own ``disabled``; the catalogue's own wording for such households is
#: :data:`connectors.eligibility.text_groups.HOUSEHOLD_WAY`.
_MEMBER_KO = (r"남편|아내|와이프|배우자|아이|애|자녀|아들|딸|엄마|아빠|어머니|어머님|아버지|아버님|부모님?|시어머니|시아버지|"
              r"장모님?|장인|할머니|할아버지|형|오빠|누나|언니|남동생|여동생|동생|형제|자매")
_MEMBER_EN = (r"husband|wife|spouse|partner|son|daughter|child|kid|mother|mom|mum|father|dad|parent|brother|sister|"
              r"grandmother|grandfather|grandma|grandpa")
#: A member of the household named with a disability: "남편이 장애인이에요", "아이가 장애가 있어요", "my son has a disability".
MEMBER_DISABLED = re.compile(
    rf"(?<![가-힣])(?P<ko>{_MEMBER_KO})(?:분)?\s*(?:이|가|은|는|께서|도)\s+(?:[가-힣]+\s+)?(?:등록\s*)?(?:중증\s*)?"
    r"(?<!비)장애(?=인|가|를|\s*판정|\s*등급|\s*\d\s*급|\s*있)"
    rf"|\bmy\s+(?P<en>{_MEMBER_EN})s?\s+(?:is|has|are|have)\s+(?:got\s+)?(?:an?\s+)?(?:registered\s+)?disab",
    re.IGNORECASE)
HOUSEHOLD_DISABILITY = re.compile(
    r"장애(?:인|아)?\s*(?:이\s*있는\s*)?(?:가정|가구|가족|세대|식구)|(?:가족|식구|가구원|집)\s*(?:중|에)\s*(?:에\s*)?장애|"
    r"장애\s*(?:인\s*)?(?:부모|자녀)|"
    r"\b(?:household|family|home)\s+(?:with|that has|that includes)\s+(?:a\s+|an\s+|one\s+|some\s+)?(?:\w+\s+)?disab|"
    r"\bdisabled\s+(?:family|household)\s+members?\b|\b(?:family|household)\s+members?\s+(?:with\s+a\s+disab|(?:is|are)\s+disabled)|"
    r"\b(?:disabled\s+(?:parent|child|son|daughter)s?|(?:parent|child|son|daughter)s?\s+with\s+(?:a\s+)?disabilit)|"
    + MEMBER_DISABLED.pattern,
    re.IGNORECASE)
#: Whom a member word names, as the eligibility questions' ``beneficiary`` values (``sibling``: no such value).
_MEMBER_WHO = {
    **dict.fromkeys(("남편", "아내", "와이프", "배우자", "husband", "wife", "spouse", "partner"), "spouse"),
    **dict.fromkeys(("아이", "애", "자녀", "아들", "딸", "son", "daughter", "child", "kid"), "child"),
    **dict.fromkeys(("엄마", "아빠", "어머니", "어머님", "아버지", "아버님", "부모", "부모님", "시어머니", "시아버지", "장모",
                     "장모님", "장인", "mother", "mom", "mum", "father", "dad", "parent"), "parent"),
    **dict.fromkeys(("할머니", "할아버지", "grandmother", "grandfather", "grandma", "grandpa"), "grandparent"),
}
#: Words for a family member that say the member's sex: the member's ``sex`` fact when the facts are about them
#: ("우리 아들", "어머니", "my mother": fresh-user s10 #4 kept only "child" / "parent"; the eligibility form reads a
#: ``beneficiary`` entity's last word with it, :func:`connectors.eligibility.actions.beneficiary_sex`, and s20's
#: whose-benefits buttons the member's word, :func:`kin_sex`). Words of no sex (아이, 자녀, 부모님, child, parents) are
#: absent.
KIN_SEX: dict[str, str] = {
    **dict.fromkeys(("아들", "아버지", "아버님", "아빠", "남편", "할아버지", "할아버님", "외할아버지", "친할아버지",
                     "시아버지", "시아버님", "장인", "장인어른", "son", "father", "dad", "husband", "grandfather",
                     "grandpa", "father-in-law"), "male"),
    **dict.fromkeys(("딸", "어머니", "어머님", "엄마", "아내", "와이프", "할머니", "할머님", "외할머니", "친할머니",
                     "시어머니", "시어머님", "장모", "장모님", "친정엄마", "친정어머니", "daughter", "mother", "mom", "mum",
                     "wife", "grandmother", "grandma", "mother-in-law"), "female"),
}


def kin_sex(word: str) -> str | None:
    """The sex a family word says (:data:`KIN_SEX`; an English plural as its singular: "sons" → ``"male"``), else None
    ("아이", "부모님", "kids").

    Example:
        >>> kin_sex("어머니"), kin_sex("Sons"), kin_sex("부모님")
        ('female', 'male', None)
    """
    w = (word or "").strip().lower()
    return KIN_SEX.get(w) or (KIN_SEX.get(w[:-1]) if w.endswith("s") and w.isascii() else None)


#: The same table, public: :mod:`assistant.nlu.entities.member_ages` reads a member named after its age with it.
MEMBER_WHO = _MEMBER_WHO
#: A Korean statement's ending right after the household words ("장애인 가정이에요", "장애인 가정인데"): the citizen
#: describes their household; "장애인 가정 지원 받을 수 있나요?" asks about a kind of help.
_STATED_KO = re.compile(r"^\s*(?:이에요|예요|에요|이고|이며|인데|입니다|이라서|라서|이라|이거든|이요|이니까)")
#: An English statement before the household words ("We are a family with …", "our household has …", "I live in …").
_STATED_EN = re.compile(r"\b(?:we'?re|we\s+are|i'?m\s+(?:in|from)|i\s+am\s+(?:in|from)|i\s+live\s+in|our\s+(?:family|household|home)"
                        r"|my\s+(?:family|household|home))\b[^.?!]{0,12}$", re.IGNORECASE)
#: The rest of an English household phrase after the words matched ("disab" + "led member", "led family members").
_EN_TAIL = re.compile(r"[a-z]*(?:\s+(?:family\s+|household\s+)?(?:member|person|people|relative)s?)?", re.IGNORECASE)


def disabled_member(text: str) -> str | None:
    """Whom the first household member named with a disability in ``text`` is (:data:`MEMBER_DISABLED`), as a
    ``beneficiary`` value (``"spouse"`` for "남편이 장애인이에요", ``"child"`` for "my son has a disability"; ``"sibling"``
    for a brother or sister), or None when no member is named so.

    Example:
        >>> disabled_member("남편이 장애인이에요"), disabled_member("my son has a disability"), disabled_member("장애인이에요")
        ('spouse', 'child', None)
    """
    m = MEMBER_DISABLED.search(text or "")
    if m is None:
        return None
    word = (m.group("ko") or m.group("en") or "").lower()
    return _MEMBER_WHO.get(word, "sibling")


#: The member named with a disability is also named as whom the benefits are for: an English pronoun that receives
#: ("… what can he get?", "is she eligible", "anything for him?") or a Korean one ("그분이 받을 수 있는", "그 사람한테").
#: A second mention of the member's own word ("남편이 장애인인데 남편이 받을 수 있는 거") needs no pattern: it is a
#: ``beneficiary`` entity of its own, outside the statement.
_MEMBER_RECEIVES = re.compile(
    r"\b(?:can|could|would|does|do|will|is|are)\s+(?:he|she)\b|\b(?:he|she)\s+(?:can|could|may|might|would|get|gets|"
    r"receive|receives|claim|claims|qualif|is\s+(?:eligible|entitled))|\bfor\s+(?:him|her)\b(?!\s+(?:and|&)\s+me)"
    r"|그\s*(?:분|사람)\s*(?:이|께서|한테|에게|은|는|도)", re.IGNORECASE)


#: The citizen named as whom the benefits are for: "제가 받을 수 있는", "저희가", "우리가", "본인", "what can I/we get",
#: "for me / us", "am I eligible".
_CITIZEN_RECEIVES = re.compile(
    r"제가|저는|저도|저희가|저희도|우리가|우리도|본인|"
    r"\b(?:can|could|would|do|will|am|are|should)\s+(?:i|we)\b|\b(?:i|we)\s+(?:can|could|may|might|get|receive|claim|qualify|"
    r"apply)\b|\bfor\s+(?:me|us)\b", re.IGNORECASE)


def citizen_receives(text: str) -> bool:
    """Whether ``text`` names the citizen (or "we") as whom the benefits are for ("제가 받을 수 있는", "what can I
    get", "for us"; :data:`_CITIZEN_RECEIVES`)."""
    return _CITIZEN_RECEIVES.search(text or "") is not None


def member_receives(text: str) -> bool:
    """Whether ``text`` names a family member by a pronoun as whom the benefits are for ("what can he get", "그분이
    받을 수 있는"; :data:`_MEMBER_RECEIVES`)."""
    return _MEMBER_RECEIVES.search(text or "") is not None


#: Members whose own benefits the catalogue codes by their age (a child's, an elder's): a statement of their disability
#: is about them, unless the message names the citizen as whom the benefits are for (:data:`_CITIZEN_RECEIVES`).
DEPENDANTS = frozenset({"child", "parent", "grandparent"})


def member_statement_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans of ``text`` that state a household member's disability (:data:`MEMBER_DISABLED`:
    "남편이 장애인인데", "My husband is disabled") as a fact of the citizen's household, not of whom the question is
    about. A ``beneficiary`` entity inside one is no one the question is about: "남편이 장애인인데 받을 수 있는 혜택
    있어요?" asks about the citizen, whose household has a disabled member (s16: the first family word made it a
    question about the spouse). None when the message also names that member as whom the benefits are for
    (:data:`_MEMBER_RECEIVES`: "남편이 장애인인데 남편이 받을 수 있는 거", "My husband is disabled, what can he get?").

    A dependant's disability (:data:`DEPENDANTS`: "아이가 장애가 있어요", "어머니가 장애가 있으세요", "My son has a
    disability") is about that member (s17: it was read as the citizen's question, so a disabled child's services,
    coded by the child's age, were checked against the parent's), unless the message names the citizen as whom the
    benefits are for (:data:`_CITIZEN_RECEIVES`: "아이가 장애가 있는데 제가 받을 수 있는 거", "My son is disabled,
    what can we get?").

    Example:
        >>> member_statement_spans("남편이 장애인인데 받을 수 있는 혜택 있어요?")
        [(0, 6)]
        >>> member_statement_spans("My husband is disabled, what can he get?")
        []
        >>> member_statement_spans("아이가 장애가 있어요. 받을 수 있는 지원은?"), member_statement_spans("My son is disabled, what can we get?")
        ([], [(0, 15)])
    """
    text = text or ""
    if _MEMBER_RECEIVES.search(text):
        return []
    citizen = _CITIZEN_RECEIVES.search(text) is not None
    return [m.span() for m in MEMBER_DISABLED.finditer(text)
            if citizen or _MEMBER_WHO.get((m.group("ko") or m.group("en") or "").lower()) not in DEPENDANTS]


def dependant_disability_member(text: str) -> str | None:
    """The dependant (:data:`DEPENDANTS`, a ``beneficiary`` value) whose disability ``text`` states as a fact about
    them rather than the citizen's household (:func:`member_statement_spans` leaves it out), or None.

    Example:
        >>> dependant_disability_member("아이가 장애가 있어요"), dependant_disability_member("남편이 장애인이에요")
        ('child', None)
    """
    text = text or ""
    statements = member_statement_spans(text)
    for m in MEMBER_DISABLED.finditer(text):
        who = _MEMBER_WHO.get((m.group("ko") or m.group("en") or "").lower())
        if who in DEPENDANTS and m.span() not in statements:
            return who
    return None


#: A statement that the citizen has a child: a child word with 이/가 (or none) and a count, then 있다 ("아이가 있는데",
#: "자녀가 둘 있어요", "애가 3명 있어요"); in English "I/we have (got) …" with a child word ("I have a 4 year old son",
#: "We have two kids"). Raising one ("아이 키우는데") is left to the glossary's life-event verbs: a kind of help
#: (:func:`assistant.dialogue.eligibility_route.topic_terms`). "if/when/once/after/before I have a baby" is a birth to
#: come (the glossary's "have a baby" → 출산: "Do I get money if I have a baby?" asks about 출산 support), not a child
#: the citizen has.
HAS_CHILD_WORDS = r"아이|애|자녀|아들|딸|자식|아기|\b(?:child|children|kids?|sons?|daughters?|bab(?:y|ies)|toddlers?)\b"
HAS_CHILD = re.compile(
    r"(?<![가-힣])(?:아이|애|자녀|아들|딸|자식|아기)(?:가|이)?\s*(?:(?:한|두|세|네|하나|둘|셋|넷|\d+)\s*(?:명|명이|이)?\s*)?"
    r"있"
    r"|(?<!\bif\s)(?<!\bwhen\s)(?<!\bonce\s)(?<!\bafter\s)(?<!\bbefore\s)(?<!\buntil\s)"
    r"\b(?:i|we)\s*(?:have|'ve|’ve|have\s+got|'ve\s+got|’ve\s+got)"
    r"\s+(?:(?:a|an|one|two|three|four|\d+|little|young|small|newborn|(?:\d+|one|two|three)[- ](?:year|month)s?[- ]old)\s+)*"
    r"(?:child|children|kid|kids|son|sons|daughter|daughters|baby|babies|toddler|toddlers)\b",
    re.IGNORECASE)


#: Family words for a parent, grandparent or spouse, Korean (longest first: "시어머니" before "어머니") and English.
_ELDER_SPOUSE_KO = (r"시어머님|시어머니|시아버님|시아버지|어머님|어머니|아버님|아버지|엄마|아빠|부모님|부모|장모님|장모|장인|"
                    r"할머님|할머니|할아버님|할아버지|남편|아내|와이프|배우자")
_ELDER_SPOUSE_EN = r"mother|mom|mum|father|dad|parents?|grandmother|grandma|grandfather|grandpa|husband|wife|spouse"
_OLD_EN = r"(?:elderly|old|aging|ageing|older|aged|senior|frail|\d+[- ]years?[- ]old)"
#: Korean words that say a parent, grandparent or spouse is old (s20): before the family word, as a modifier ("연로하신
#: 어머니", "나이 드신 아버지", "연세가 많으신 어머니", "고령의 부모님", "늙으신 아버지"), and after it, as what is said of
#: them ("어머니가 연로하신데", "아버지가 연세가 많으셔서", "어머니가 고령이신데"). They describe the member, the way
#: "elderly" does in "I have an elderly mother", not a kind of help (:func:`member_statements`, whose spans the
#: eligibility route leaves out of the topic).
_OLD_BEFORE_KO = (r"(?:(?:연로|노쇠|연만)하신|(?:나이|연세)\s*(?:가|이)?\s*(?:드신|많으신|높으신|지긋하신)|고령(?:이신|의)|늙으신)\s*")
_OLD_AFTER_KO = (r"(?:연로|노쇠|연만)하(?:시|신|셔)|(?:나이|연세)\s*(?:가|이|는|도)?\s*(?:드|많으|높으|지긋하)(?:시|신|셔)"
                 r"|고령이(?:시|신|셔)|늙으(?:시|신|셔)")
#: A statement that the citizen has, lives with or cares for a parent, grandparent or spouse (s19): "어머니가 계신데",
#: "남편이 있어요", "부모님을 모시고 있는데", "어머니가 80세이신데"; "My mother is 80", "I have an elderly mother", "I live
#: with my father". Like :data:`HAS_CHILD`, a fact of the household that names no one as receiving; "if/when I have"
#: is left out.
HAS_ELDER_OR_SPOUSE = re.compile(
    rf"(?<![가-힣])(?:{_OLD_BEFORE_KO})?(?:{_ELDER_SPOUSE_KO})(?:"
    r"(?:께서|가|이|은|는|도)?\s*(?:(?:만\s*)?\d+\s*(?:세|살)\s*(?:이신데|인데|이세요|이셔요|이에요|예요|이십니다|입니다|이시고|이고|"
    r"이셔서|이라서)|(?:한\s*분\s*)?(?:계시|계신|계셔|계세|있)|" + _OLD_AFTER_KO + ")"
    r"|(?:을|를)?\s*모시)"
    rf"|\bmy\s+(?:{_OLD_EN}\s+)?(?:{_ELDER_SPOUSE_EN})\s+(?:is|turned|just\s+turned)\s+(?:over\s+)?"
    r"(?:\d+|sixty|seventy|eighty|ninety)(?:-\w+)?(?:\s+years?\s+old)?\b"
    rf"|\bmy\s+(?:{_ELDER_SPOUSE_EN})\s+is\s+(?:(?:very|quite|getting|rather)\s+)?(?:elderly|old|aging|ageing|frail)\b"
    r"|(?<!\bif\s)(?<!\bwhen\s)(?<!\bonce\s)(?<!\bafter\s)(?<!\bbefore\s)(?<!\buntil\s)"
    r"\b(?:i|we)\s*(?:have|'ve|’ve|have\s+got|'ve\s+got|’ve\s+got)\s+(?:an?\s+)?(?:" + _OLD_EN + r"\s+)*"
    rf"(?:{_ELDER_SPOUSE_EN})\b"
    rf"|\b(?:i|we)\s+(?:live\s+with|take\s+care\s+of|care\s+for|look\s+after)\s+(?:my|our)\s+(?:{_OLD_EN}\s+)?"
    rf"(?:{_ELDER_SPOUSE_EN})\b",
    re.IGNORECASE)
_MEMBER_WORD = re.compile(rf"{_ELDER_SPOUSE_KO}|\b(?:{_ELDER_SPOUSE_EN})\b|{HAS_CHILD_WORDS}", re.IGNORECASE)


def member_statements(text: str) -> list[tuple[int, int, str, str]]:
    """Every statement in ``text`` that the citizen has a child (:data:`HAS_CHILD`) or a parent, grandparent or
    spouse (:data:`HAS_ELDER_OR_SPOUSE`), as ``(start, end, who, word)``: ``who`` a ``beneficiary`` value
    (``child``, ``parent``, ``grandparent``, ``spouse``), ``word`` the family word as written; in text order.
    Whoever receives (the caller reads that: :func:`citizen_receives`, :func:`member_receives`).

    Example:
        >>> member_statements("어머니가 계신데 받을 수 있는 혜택이 뭐가 있나요?")
        [(0, 7, 'parent', '어머니')]
        >>> member_statements("My mother is 80. What benefits are there?"), member_statements("4살 아이가 있는데")
        ([(0, 15, 'parent', 'mother')], [(3, 8, 'child', '아이')])
    """
    text = text or ""
    found = []
    for m in [*HAS_CHILD.finditer(text), *HAS_ELDER_OR_SPOUSE.finditer(text)]:
        words = _MEMBER_WORD.findall(m.group(0))
        word = words[-1] if m.re is HAS_ELDER_OR_SPOUSE and m.group(0)[:2].lower() in ("i ", "we") else words[0] if words else ""
        key = word.lower().rstrip("s") if word.lower() in ("parents", "kids", "sons", "daughters") else word.lower()
        who = "child" if m.re is HAS_CHILD else _MEMBER_WHO.get(key, _MEMBER_WHO.get(key.removesuffix("님"), "parent"))
        found.append((m.start(), m.end(), who, word))
    return sorted(found)


def child_statement_spans(text: str) -> list[tuple[int, int]]:
    """Every span of ``text`` that states the citizen has a child (:data:`HAS_CHILD`), whoever receives: a fact of the
    household, never a kind of help (:func:`assistant.dialogue.eligibility_route.topic_terms`)."""
    return [m.span() for m in HAS_CHILD.finditer(text or "")]


def has_child_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that state the citizen has or raises a child (:data:`HAS_CHILD`): a fact of the
    citizen's household, not whom a question is about (:func:`not_asked_about_spans`), unless the message names the
    child as receiving by a pronoun ("I have a son, what can he get?": :func:`member_receives`, then none).

    Example:
        >>> has_child_spans("아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?"), has_child_spans("I have a son, what can he get?")
        ([(0, 5)], [])
    """
    text = text or ""
    return [] if member_receives(text) else child_statement_spans(text)


#: The honorific of receiving ("받으실 수 있는", "받으시는"): said of an elder the citizen speaks of, never of oneself.
HONOURED_RECEIVES = re.compile(r"받으(?:실|시)")


def citizen_named_over_member_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that state the citizen has a parent, grandparent or spouse (:data:`HAS_ELDER_OR_SPOUSE`)
    when the message names the citizen as whom the benefits are for and not the member (:func:`citizen_receives`, and
    neither :func:`member_receives` nor :data:`HONOURED_RECEIVES`): "어머니가 계신데 **제가** 받을 수 있는 혜택이 뭐가
    있나요?" is about the citizen (s20: the questions followed the mother's family word). Without the citizen named,
    none: "my mother is 82", typed as an answer during the questionnaire, still switches to her (s16).

    Example:
        >>> citizen_named_over_member_spans("어머니가 계신데 제가 받을 수 있는 혜택이 뭐가 있나요?")
        [(0, 7)]
        >>> citizen_named_over_member_spans("my mother is 82"), citizen_named_over_member_spans("My mother is 80, what can she get?")
        ([], [])
    """
    text = text or ""
    if not citizen_receives(text) or member_receives(text) or HONOURED_RECEIVES.search(text):
        return []
    return [m.span() for m in HAS_ELDER_OR_SPOUSE.finditer(text)]


def not_asked_about_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` where a family word names no one the question is about: the speaker's own role
    (:func:`speaker_kin_spans`, "I'm a single mom"), a member whose disability is stated as a fact of the citizen's
    household (:func:`member_statement_spans`), a child the citizen says they have (:func:`has_child_spans`, s18:
    "아이가 있는데 제가 받을 수 있는 …" is about the citizen; with no one named the assistant asks whose benefits,
    :mod:`assistant.dialogue.whose_benefits`), or a parent or spouse the citizen says they have in a message that
    names the citizen as receiving (:func:`citizen_named_over_member_spans`, s20). The eligibility route and the form's connector read whom a message
    asks about from the ``beneficiary`` entities outside these spans (one reading for both).

    Example:
        >>> not_asked_about_spans("I'm a single mom. My son is disabled, what can we get?")
        [(0, 16), (18, 33)]
    """
    return sorted(speaker_kin_spans(text) + member_statement_spans(text) + has_child_spans(text)
                  + citizen_named_over_member_spans(text))


def household_disability_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans where ``text`` states that the citizen's household has a disabled member: a member
    named with a disability ("남편이 장애인이에요", "my husband is disabled"), or the household words
    (:data:`HOUSEHOLD_DISABILITY`) said as a statement ("장애인 가정이에요", "우리 집이 장애인 가정인데", "We are a family
    with a disabled member"): a fact about the person, not the kind of help asked about ("장애인 가정 지원 받을 수
    있나요?" names none). English spans run to the end of the phrase ("… disabled member").

    Example:
        >>> household_disability_spans("장애인 가정이에요. 받을 수 있는 혜택이 뭐가 있나요?")
        [(0, 6)]
        >>> household_disability_spans("장애인 가정 지원 받을 수 있나요?")
        []
    """
    text = text or ""
    out: list[tuple[int, int]] = []
    for m in HOUSEHOLD_DISABILITY.finditer(text):
        start, end = m.span()
        member = m.group("ko") is not None or m.group("en") is not None
        if not (member or _STATED_KO.match(text[end:]) or _STATED_EN.search(text[max(0, start - 40):start])):
            continue
        if re.search(r"[A-Za-z]$", m.group()):
            end += len(_EN_TAIL.match(text, end).group())  # type: ignore[union-attr]  # always matches (may be empty)
        out.append((start, end))
    return out


def household_disability_said(text: str) -> bool:
    """Whether ``text`` states that the citizen's household has a disabled member (:func:`household_disability_spans`).

    Example:
        >>> household_disability_said("우리 집이 장애인 가정인데 받을 수 있는 거 있어요?"), household_disability_said("장애인이에요")
        (True, False)
    """
    return bool(household_disability_spans(text))


#: Counting words a household's size is said with ("세 식구", "family of three").
_SIZE_KO = r"(?:\d{1,2}|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)"
_SIZE_EN = r"(?:\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)"
#: A Korean statement's ending after a noun ("…예요", "…이고", "…인데"): said of the person, not asked about.
_STATEMENT_END_KO = r"(?:이에요|예요|에요|이고|이며|인데|입니다|이라서|라서|이거든요?|이요|고|요)"
#: What the citizen says of the household's means and size, as a fact about the person (s47, from the s45 probe: "I'm
#: 41, I live in Nowon, Seoul, we are a family of three and my income is low. What can I get?" was answered with 서울런,
#: for 6–24-year-olds, because "income", "low" and "family" read as the kind of help asked about; "소득이 없어요 받을 수
#: 있는 지원 있나요", "세 식구예요 받을 수 있는 혜택 알려주세요" were answered from documents or declined, never asked
#: the questions). Own patterns, written from everyday speech: no library reads these statements.
MEANS_STATED = re.compile(
    # low or no income said with a predicate ("소득이 적어요", "수입이 거의 없고", "벌이가 별로 없는데"), not a noun phrase
    r"(?:소득|수입|벌이|월급|급여)\s*(?:이|은|는|도|가)?\s*(?:거의\s*|별로\s*|많이\s*|너무\s*|좀\s*|매우\s*|아주\s*|전혀\s*)?"
    r"(?:없(?:어요|고|는데|습니다|어서|어|다|음|죠)|적(?:어요|고|은데|습니다|어서|어|다|음|죠)|낮(?:아요|고|은데|습니다|아서|아|다|음|죠)"
    r"|얼마\s*(?:안\s*(?:돼요|되고|되는데|됩니다|돼서|돼|된다)|없(?:어요|고|는데|어서)))"
    rf"|저\s*소득\s*(?:층|가구|가정)?\s*{_STATEMENT_END_KO}"
    r"|(?:형편|살림|사정|생활)\s*(?:이|은)?\s*(?:많이\s*|너무\s*|좀\s*|매우\s*)?(?:어려워요|어렵고|어려운데|어렵습니다|어려워서|힘들어요|힘들고|힘든데|빠듯해요|빠듯하고|빠듯한데)"
    # household size said ("세 식구예요", "4인 가구인데", "저희 가족은 4명이에요")
    rf"|{_SIZE_KO}\s*(?:식구|명\s*(?:가족|가구|식구)|인\s*(?:가구|가족))\s*{_STATEMENT_END_KO}"
    rf"|(?:가족|식구|가구원)\s*(?:은|는|이)?\s*(?:모두\s*|다\s*)?{_SIZE_KO}\s*(?:명|식구)\s*{_STATEMENT_END_KO}"
    # English: income, then household size
    r"|\b(?:my|our)\s+(?:household\s+|family\s+|monthly\s+)?(?:income|earnings|salary|wages?|pay)\s+(?:is|are)\s+"
    r"(?:very\s+|quite\s+|really\s+|pretty\s+|too\s+)?(?:low|small|tiny|little|not\s+(?:much|high|enough))\b"
    r"|\b(?:i|we)\s+(?:don'?t|do\s+not)\s+(?:earn|make)\s+(?:much|a\s+lot|enough)(?:\s+money)?\b"
    r"|\b(?:i|we)\s+(?:have|has)\s+(?:no|little|a\s+low|low|very\s+little|hardly\s+any)\s+income\b"
    rf"|\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:a\s+|on\s+(?:a\s+)?)?low[- ]income"
    rf"(?:\s+(?:family|household)(?:\s+of\s+{_SIZE_EN})?|\s+earners?)?\b"
    r"|\b(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:poor|broke|struggling(?:\s+financially)?)\b"
    rf"|\b(?:we'?re|we\s+are)\s+(?:a\s+)?(?:low[- ]income\s+)?(?:family|household)\s+of\s+{_SIZE_EN}\b"
    rf"|\b(?:a|our)\s+(?:family|household)\s+of\s+{_SIZE_EN}\b"
    rf"|\b(?:there\s+are|we\s+are|we'?re)\s+{_SIZE_EN}\s+(?:of\s+us|people\s+in\s+(?:my|our)\s+(?:family|household))\b"
    rf"|\b{_SIZE_EN}[- ](?:person|member|people)\s+(?:household|family)\b",
    re.IGNORECASE)


def means_statement_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans where ``text`` states the household's means or size (:data:`MEANS_STATED`) or that
    the person is (or is not) a 기초생활보장 수급자 (:func:`welfare_recipient_said`'s patterns): facts about the person
    the questionnaire asks, never the kind of help asked about. A question about such help ("저소득층 지원 받을 수
    있나요?", "소득이 적은 노인 지원") is no statement.

    Example:
        >>> [("세 식구예요 소득이 없어요"[a:b]) for a, b in means_statement_spans("세 식구예요 소득이 없어요")]
        ['세 식구예요', '소득이 없어요']
        >>> means_statement_spans("저소득층 지원 받을 수 있나요?")
        []
        >>> means_statement_spans("We're a low-income family of four. What can we get?")
        [(0, 33)]
    """
    text = text or ""
    found = [m.span() for pattern in (MEANS_STATED, _RECIPIENT_SAID, _RECIPIENT_DENIED) for m in pattern.finditer(text)]
    return sorted(found)


#: A Korean family word with what may come before and after it in a question ("우리 엄마가", "70대 아버지", "시어머니께서"):
#: a possessive, the word (:data:`KIN_SEX`'s Korean words, longest first) and a particle, then a space, punctuation or
#: the end (so 딸기, 장인정신 are no family words).
_KIN_KO = re.compile(
    r"(?:(?:우리|저희|제|내)\s*)?(?:" + "|".join(sorted((w for w in KIN_SEX if not w.isascii()), key=len, reverse=True))
    + r")(?:께서|께|가|이|는|은|도|의|를|을|랑|하고|가요|요)?(?=[\s,.?!]|$)")
#: A Korean age said of a person ("70살", "75세인데", "70대"), not a bound ("65세 이상", "19세 미만"), with the ending
#: that states it
_AGE_KO = re.compile(NOT_AFTER_RANGE + r"\d{1,3}\s*(?:살|세|대)(?:이신데|신데|인데|이에요|예요|이고|이며|이라서|라서|이라|고)?"
                     + NOT_A_BOUND)


def without_person_words(text: str) -> str:
    """``text`` without the Korean words that say who the person asked about is (a family word, :data:`KIN_SEX`, and an
    age: "70살 어머니 치매 검사 무료로 받을 수 있나요" → "치매 검사 무료로 받을 수 있나요"), spaces collapsed: what is
    asked about, for judging whether the documents answer it. ``text`` itself when it has none.

    >>> without_person_words("70살 어머니 치매 검사 무료로 받을 수 있나요")
    '치매 검사 무료로 받을 수 있나요'
    >>> without_person_words("아버지가 75세인데 안경 지원 되나요"), without_person_words("딸기 농가 지원")
    ('안경 지원 되나요', '딸기 농가 지원')
    >>> without_person_words("65세 이상 폐렴구균 예방접종")
    '65세 이상 폐렴구균 예방접종'
    """
    out = _AGE_KO.sub(" ", _KIN_KO.sub(" ", text))
    return text if out == text else re.sub(r"\s+", " ", out).strip()

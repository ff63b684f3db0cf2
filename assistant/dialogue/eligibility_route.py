"""When "can I get …?" starts the eligibility questionnaire, and when the documents answer it.

``check_eligibility`` covers two different requests: "제가 받을 수 있는 혜택이 뭐가 있나요?" (which benefits fit
me: a questionnaire over the catalogue's coded conditions) and "연탄값 지원되나요" / "Is there any help with
heating costs for elderly people?" (a question about one kind of help: its documents answer it, with
citations). :class:`EligibilityRoute` is the :class:`~assistant.dialogue.policies.TaskPolicy` predicate of the
``check_eligibility → eligibility_form`` route; when it says no, the knowledge policy answers from the
documents and the answer offers the check (:meth:`EligibilityRoute.offer_check`).

The questionnaire starts only when all of these hold:

1. the message is not a one-shot question (``metadata["one_shot"]``, set by ``assistant ask``: a command
   that cannot continue a questionnaire must answer);
2. the intent is confident enough to start a task (``settings.action_intent_threshold``; "연탄값 지원되나요"
   is check_eligibility at 0.48 only);
3. this assistant has eligibility data: an eligibility service is configured (``settings.eligibility_url``)
   or the catalogue (source ``gov24``) is imported; without it a message that names or describes a service
   is answered from the documents (a general one still gets the questionnaire's honest "cannot check here");
4. the message names a catalogue service (its coded conditions decide it), or names no indexed document
   and either names a benefit the glossary knows that no indexed title holds (the questionnaire says it is not in
   the catalogue and looks for others; "출산지원금", which many local governments' titles hold, is answered from
   their documents) or describes no particular kind of help (:func:`topic_terms` is empty).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.policies import Prediction
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.knowledge.glossary import Glossary, default_colloquial, default_glossary
from assistant.nlu.household import (
    household_disability_spans,
    lives_alone_spans,
    means_statement_spans,
    dependant_disability_member,
    member_statements,
    not_asked_about_spans,
    single_parent_spans,
    speaker_kin_spans,
)
from assistant.nlu.tokenizer import Tokenizer

#: Words of a general "what can I get" question: who asks, for whom, and the words for help itself.
#: Anything else that is a noun (or an English content word) says what kind of help is meant.
GENERAL_KO = frozenset({
    "제", "저", "나", "내", "우리", "저희", "본인", "것", "거", "게", "뭐", "무엇", "무슨", "어떤", "수", "종류", "등", "때",
    "혜택", "지원", "지원금", "보조금", "장려금", "지원책", "사업", "돈", "서비스", "제도", "정책", "도움", "복지", "급여", "수당", "정부", "국가", "나라", "대상",
    "자격", "조건", "확인", "신청", "가능", "여부", "받", "있", "되", "하", "알", "싶", "궁금", "경우", "요즘", "현재",
    "어머니", "아버지", "엄마", "아빠", "부모", "부모님", "아이", "자녀", "아들", "딸", "애", "배우자", "남편", "아내",
    "가족", "할머니", "할아버지", "조부모", "어머님", "아버님", "할머님", "할아버님", "외할머니", "외할아버지",
    "시어머니", "시아버지", "장모", "장인", "사람", "분", "집", "가구", "세대",
    "살", "사", "거주", "세", "나이", "남자", "여자", "남성", "여성", "시", "도", "구", "군", "동", "읍", "면",
    # facts about the person the questionnaire reads or warns about ("생년월일은 1990-05-01", "주민번호 …")
    "생년월일", "생일", "출생", "생", "년", "월", "일", "주민", "등록", "번호", "주민번호", "주민등록번호",
    # how to check, asked after a refused MyData offer ("다른 방법은요?": no kind of help of its own)
    "방법", "마이데이터", "마이", "데이터",
    # asking for the list itself ("혜택 조회해 주세요", "맞춤 혜택 추천해 주세요": s45 probe)
    "조회", "맞춤", "추천", "목록",
})
GENERAL_EN = frozenset({
    "what", "which", "any", "anything", "there", "is", "are", "am", "be", "can", "could", "would", "should", "may",
    "might", "do", "does", "did", "i", "me", "my", "we", "us", "our", "you", "your", "the", "a", "an", "for", "to",
    "of", "in", "on", "at", "and", "or", "with", "get", "got", "receive", "claim", "qualify", "eligible",
    "eligibility", "entitled", "apply", "benefit", "benefits", "help", "support", "supports", "service", "services",
    "allowance", "allowances", "grant", "grants", "subsidy", "subsidies", "assistance", "financial", "aid", "welfare",
    "money", "payment", "payments",
    "programme", "programmes", "program", "programs", "government", "public", "available", "please", "tell", "know",
    "want", "like", "check", "kind", "kinds", "sort", "type", "types", "mother", "father", "mom", "mum", "dad",
    "parent", "parents", "child", "children", "kid", "kids", "son", "daughter", "wife", "husband", "spouse",
    "grandmother", "grandfather", "grandma", "grandpa", "grandparent", "grandparents", "in-law",
    "family", "household", "live", "living", "lives", "old", "year", "years", "aged", "age", "someone", "person",
    "people", "now", "currently", "also", "too", "if", "as", "im", "i'm", "it", "this", "that", "who", "how",
    "he", "she", "her", "his", "him", "they", "them", "their", "alone", "own",
    # everyday verbs and adverbs of a statement ("I use LPG", "I just had a baby": s38, "use" was read as a topic)
    "use", "used", "using", "have", "has", "had", "having", "just", "still", "so", "then", "about",
    # how a question asks to learn something ("How can I find out what she owned?": s41, no topic of its own;
    # "is there another way?" after a refused MyData offer)
    "find", "out", "way", "ways", "other", "another", "else", "instead", "without", "mydata",
    # facts about the person ("I was born on 1958-03-02, I'm a woman", "my resident number is …")
    "was", "were", "been", "born", "birth", "birthday", "date", "woman", "man", "female", "male", "resident",
    "registration", "number",
})
#: A message asking to do something with a service one has (change, cancel, extend, reissue …), not whether one can
#: get it: "선생님 바꿀 수 있어요?", "기간 연장 되나요?", "Can I switch my caregiver?". Read outside the service's title
#: (:func:`asks_to_use`): titles hold some of these words ("훈련연장급여", "학업중단학생 학습지원").
USING_ASKED = re.compile(
    r"바꾸|바꿀|바꿔|바꿨|변경|교체|취소|해지|해약|연장|환불|양도|재발급|분실|잃어버|중단|탈퇴"
    r"|\b(?:change|changing|switch|replace|cancel|cancell?ing|extend|extending|refund|transfer|reissue|lost)\b", re.I)


def asks_to_use(text: str, titles: list[str]) -> bool:
    """Whether ``text`` asks to do something with a service (:data:`USING_ASKED`) outside the service titles it
    names (``titles``, as written in the documents): each title, and each word of it, is taken out first, spaces
    ignored (a message names a title by a part of it as often, typed with its own spacing).

    >>> asks_to_use("아이돌봄 서비스 선생님 바꿀 수 있어요?", ["아이돌봄 서비스"])
    True
    >>> asks_to_use("훈련 연장급여 받을 수 있나요", ["훈련연장급여"]), asks_to_use("생활안정지원금 받을 수 있어요?", [])
    (False, False)
    >>> asks_to_use("학업중단학생 학습지원 받을 수 있나요", ["의무교육단계 미취학‧학업중단학생 학습지원(꿈이음)"])
    False
    """
    parts = {p for title in titles for p in (title, *re.findall(r"[^\s()\[\]‧·ㆍ,/]{2,}", title))}
    rest = text
    for part in sorted(parts, key=len, reverse=True):
        rest = re.sub(r"\s*".join(re.escape(ch) for ch in part.replace(" ", "")), " ", rest, flags=re.I)
    return bool(USING_ASKED.search(rest))
#: Parts of speech that say what a message is about (kiwipiepy: common and proper nouns, roots, Latin words).
TOPIC_TAGS = frozenset({"NNG", "NNP", "XR", "SL"})
#: Entities that describe the person, not the help (removed before looking for a topic).
PERSON_ENTITIES = frozenset({"age", "sex", "beneficiary", "region", "income_pct", "percentage", "resident", "number", "time"})


def topic_terms(text: str, entities: list[dict[str, Any]], tokenizer: Tokenizer, *, means_are_facts: bool = False) -> list[str]:
    """The words of ``text`` that say which kind of help is meant (empty for a general question).

    Tokens inside the spans of :data:`PERSON_ENTITIES` entities (``start``/``end`` offsets into ``text``), of
    the place names the questionnaire reads where the NLU has no region entity ("수원에 사는": a 시·군·구 stem,
    :func:`connectors.eligibility.regions.place_spans`) and of a household described as living alone ("혼자
    사시는데", "독거", "lives alone": :func:`assistant.nlu.household.lives_alone_spans`, a fact about the person the
    questionnaire reads), of a single parent speaking of themself ("싱글맘이에요", "I'm a single mom":
    :func:`~assistant.nlu.household.single_parent_spans`, :func:`~assistant.nlu.household.speaker_kin_spans`) and of
    a household said to have a disabled member ("장애인 가정이에요", "우리 집이 장애인 가정인데", "남편이 장애인이에요", "We
    are a family with a disabled member": :func:`~assistant.nlu.household.household_disability_spans`, s15; the
    questionnaire reads it as ``household_disabled``; "장애인 가정 지원 받을 수 있나요?" still names a kind of help)
    and, with ``means_are_facts`` (the route's reading of an opening), of the household's means or size stated ("소득이
    없어요", "세 식구예요", "기초생활수급자에요", "my income is low": :func:`~assistant.nlu.household.means_statement_spans`,
    s47; "저소득층 지원 받을 수 있나요?" still names one; after an answer, "저 수급자예요" asks about that kind of person in
    the page, so the follow-up readers keep the words) are left out; of the rest, nouns, roots and Latin words not in :data:`GENERAL_KO` /
    :data:`GENERAL_EN` are kept, and so is a verb that is an everyday word for a life event in the colloquial glossary
    (:func:`~assistant.knowledge.glossary.default_colloquial`: 낳 "give birth", 키우 "raise", 잘리 "be fired"): "애
    낳으면 지원금 있어요?" asks about 출산 support, not which benefits fit the speaker (s13: its only nouns, 애 and
    지원금, are general words, and the questionnaire started).

    Example:
        >>> from assistant.nlu.tokenizer import KoreanTokenizer
        >>> topic_terms("제가 받을 수 있는 혜택이 뭐가 있나요?", [], KoreanTokenizer())
        []
        >>> topic_terms("연탄값 지원되나요", [], KoreanTokenizer())
        ['연탄', '값']
        >>> topic_terms("엄마가 혼자 사시는데 받을 수 있는 거 있어요?", [], KoreanTokenizer())
        []
        >>> topic_terms("애 낳으면 지원금 있어요?", [], KoreanTokenizer())
        ['낳']
        >>> topic_terms("장애인 가정이에요. 받을 수 있는 혜택이 뭐가 있나요?", [], KoreanTokenizer())
        []
        >>> topic_terms("세 식구고 소득이 적어요. 뭐 받을 수 있어요?", [], KoreanTokenizer(), means_are_facts=True)
        []
    """
    # the questionnaire's own reader of places (one list of 시·도/시·군·구 for both; imported here, where it is used)
    from assistant.regions import place_spans

    spans = [(e["start"], e["end"]) for e in entities
             if e.get("entity") in PERSON_ENTITIES and isinstance(e.get("start"), int) and isinstance(e.get("end"), int)]
    spans += place_spans(text)
    spans += lives_alone_spans(text)
    spans += single_parent_spans(text) + speaker_kin_spans(text)  # "싱글맘이에요", "I'm a single mom" (s12 #4)
    spans += household_disability_spans(text)  # "장애인 가정이에요", "We are a family with a disabled member" (s15)
    # "아이가 있는데", "I have two kids" (s18), "연로하신 어머니가 계신데", "I have an elderly mother", "I take care of my
    # father" (s20): a statement of the household, not a kind of help (before s20 only the child's were left out, and
    # "elderly", "연로", "care" sent the opening to the documents, so whose benefits was never asked)
    spans += [(start, end) for start, end, _who, _word in member_statements(text)]
    # "소득이 없어요", "세 식구예요", "기초생활수급자에요", "my income is low, we are a family of three" (s47): the
    # household's means and size, facts the questionnaire asks, not the kind of help (the probe's English opening
    # with them was answered with 서울런)
    if means_are_facts:
        spans += means_statement_spans(text)
    out: list[str] = []
    # the whole text is tokenised and tokens inside those spans are left out (blanking the spans first split words:
    # "67세이고" without "67세" read "이고" as the noun 고)
    everyday = default_colloquial().terms
    # which characters the spans cover, so that each token is checked in its own length, not against every span (a
    # long message of numbers gave thousands of spans and tokens: 6 million comparisons, s35)
    covered = bytearray(len(text))
    for start, end in spans:
        a = max(0, min(start, len(text)))
        b = max(a, min(end, len(text)))
        covered[a:b] = b"\x01" * (b - a)
    for t in tokenizer.tokenize(text):
        if any(covered[t.start:t.end]):
            continue
        if t.tag not in TOPIC_TAGS:
            if t.tag.startswith("V") and t.text in everyday and t.text not in GENERAL_KO:
                out.append(t.text)  # an everyday verb for a life event ("낳으면", "키우는데", "잘렸는데")
            continue
        word = t.text.lower().strip("'.")  # Kiwi keeps a sentence's full stop on a Latin word ("busan.")
        if t.tag == "SL":
            if len(word) < 3 or word in GENERAL_EN or word.rstrip("s") in GENERAL_EN:
                continue
        elif word in GENERAL_KO:
            continue
        out.append(word)
    return out


def named_benefit(glossary: Glossary, text: str) -> tuple[str, frozenset[str]] | None:
    """:meth:`Glossary.named_service`, less the glossary's generic words for help: its "grant"/"subsidy" entries give
    지원금 and 보조금, which end like benefit names but name none ("제가 받을 수 있는 지원금이 있나요?" is the general
    question, as "…지원이 있나요?" is: fresh-user test s7, defect 8). A name that is one of :data:`GENERAL_KO` is no
    name; "출산지원금" still is."""
    named = glossary.named_service(text)
    return None if named is None or named[0] in GENERAL_KO else named


#: The slot that says whom the questionnaire's facts describe (``self``, ``child``, ``parent``, ``grandparent``,
#: ``spouse``; the domain's ``beneficiary``).
BENEFICIARY_SLOT = "beneficiary"


def person_asked_about(tracker: DialogueStateTracker) -> str:
    """Whom the latest message asks about: its first ``beneficiary`` entity's value that names someone other than
    the speaker (not inside :func:`~assistant.nlu.household.not_asked_about_spans`: "I'm a single mom" names no
    mother, and "남편이 장애인인데 받을 수 있는 혜택 있어요?" asks about the citizen, whose household has a disabled
    member), else ``"self"``. The eligibility connector reads the person the same way at the form's activation."""
    text = (tracker.latest_message.text if tracker.latest_message else None) or ""
    return asked_about(text, tracker.latest_entities)


def asked_about(text: str, entities: list[dict[str, Any]]) -> str:
    """:func:`person_asked_about` for a message's ``text`` and its ``entities`` (dicts with ``entity``, ``value``,
    ``start``, ``end``).

    Example:
        >>> asked_about("남편이 장애인인데 받을 수 있는 혜택 있어요?", [{"entity": "beneficiary", "value": "spouse", "start": 0, "end": 2}])
        'self'
    """
    own = not_asked_about_spans(text)
    for e in entities:
        start, end = e.get("start"), e.get("end")
        if e.get("entity") != BENEFICIARY_SLOT or not e.get("value"):
            continue
        if isinstance(start, int) and isinstance(end, int) and any(s <= start and end <= t for s, t in own):
            continue
        return str(e["value"])
    return "self"


def slot_before(tracker: DialogueStateTracker, name: str) -> Any:
    """The slot ``name`` as it was before the latest user message (None when never set): the slot mappings may
    already have set it from this message."""
    from assistant.dialogue.events import SlotSet, UserUttered

    events = tracker.applied_events()
    last_user = max((i for i, e in enumerate(events) if isinstance(e, UserUttered)), default=len(events))
    value: Any = None
    for e in events[:last_user]:
        if isinstance(e, SlotSet) and e.name == name:
            value = e.value
    return value


def beneficiary_before(tracker: DialogueStateTracker) -> str:
    """The ``beneficiary`` slot as it was before the latest user message (``"self"`` when never set): the slot's
    entity mapping may already have set it from this message."""
    return str(slot_before(tracker, BENEFICIARY_SLOT) or "self")


#: Entities of a fact about a person that an answer may state of a family member ("어머니 나이는 82세예요", "my mother
#: is 82", "엄마는 대구에 사세요"): the citizen has started talking about that member (:func:`member_stating_fact`).
PERSON_FACT_ENTITIES = frozenset({"age", "sex", "region"})
#: Right after a family word, a particle that makes the member a companion, an object or a recipient, not whose fact
#: follows: "아이랑 부산에 살아요", "남편하고 같이", "엄마와", "아이를 키우는데", "남편한테".
_KO_NOT_WHOSE = re.compile(r"^\s*(?:님|분)?\s*(?:이랑|랑|하고|와|과|한테|에게|께|을|를|이나|나)(?![가-힣])")
#: Before an English family word: "with my mother", "for my son", "and my wife"; after it: "my kid and I".
_EN_NOT_WHOSE_BEFORE = re.compile(r"\b(?:with|for|to|and|&)\s+$", re.IGNORECASE)
_EN_NOT_WHOSE_AFTER = re.compile(r"^\s*(?:and|&)\s+(?:I|me|we|us)\b", re.IGNORECASE)


def member_stating_fact(tracker: DialogueStateTracker) -> str | None:
    """The family member (a ``beneficiary`` value) whose age, sex, place or (for a dependant: a child, a parent, a
    grandparent, :func:`~assistant.nlu.household.dependant_disability_member`) disability the latest message states,
    or None: a
    ``beneficiary`` entity outside :func:`~assistant.nlu.household.not_asked_about_spans`, not a companion, object or
    recipient (:data:`_KO_NOT_WHOSE`: "아이랑 부산에 살아요"; "with my mother", "my kid and I"), followed by an entity
    of :data:`PERSON_FACT_ENTITIES` ("어머니 나이는 82세예요", "엄마는 대구에 사세요", "my mother is 82").

    s16: a family word in an answer is the answer of the person the form asks about, unless the citizen clearly
    starts talking about someone else, which stating that member's own age, sex or place does.
    """
    message = tracker.latest_message
    text = (message.text if message else None) or ""
    entities = tracker.latest_entities
    own = not_asked_about_spans(text)
    facts = [int(e["start"]) for e in entities if e.get("entity") in PERSON_FACT_ENTITIES and isinstance(e.get("start"), int)]
    for e in entities:
        start, end = e.get("start"), e.get("end")
        if e.get("entity") != BENEFICIARY_SLOT or not e.get("value") or not isinstance(start, int) or not isinstance(end, int):
            continue
        if any(s <= start and end <= t for s, t in own) or _KO_NOT_WHOSE.match(text[end:]) \
                or _EN_NOT_WHOSE_BEFORE.search(text[max(0, start - 8):start]) or _EN_NOT_WHOSE_AFTER.match(text[end:]):
            continue
        if any(f >= end for f in facts):
            return str(e["value"])
    # a dependant's disability stated as theirs ("아이가 장애가 있어요", "My son has a disability"): their own fact (s17)
    return dependant_disability_member(text)


class EligibilityRoute:
    """The predicate of the ``check_eligibility → eligibility_form`` task route (see the module docstring).

    Args:
        services: finds indexed document titles in a message (every source).
        catalogue: finds catalogue (``gov24``) service titles in a message.
        glossary: benefit names (:meth:`Glossary.named_service`).
        tokenizer: for :func:`topic_terms`.
        has_data: whether eligibility data exists now (an eligibility URL, or a catalogue imported).
        titles_hold: whether an indexed document's title holds one of these benefit names (within it: "출산지원금
            지원" holds 출산지원금); a benefit the documents hold is answered from them (its regional versions, the
            region asked or said), not by the questionnaire's "not in the catalogue". None: no such check.
    """

    def __init__(self, services: Callable[[str], list[str]], catalogue: Callable[[str], list[str]], glossary: Glossary,
                 tokenizer: Tokenizer, has_data: Callable[[], bool],
                 titles_hold: Callable[[frozenset[str]], bool] | None = None) -> None:
        self.services = services
        self.catalogue = catalogue
        self.glossary = glossary
        self.tokenizer = tokenizer
        self.has_data = has_data
        self.titles_hold = titles_hold

    def describes_service(self, text: str, entities: list[dict[str, Any]]) -> bool:
        """Whether ``text`` names an indexed document, a glossary benefit, or describes a kind of help."""
        return bool(self.services(text) or named_benefit(self.glossary, text)
                    or topic_terms(text, entities, self.tokenizer, means_are_facts=True))

    def __call__(self, tracker: DialogueStateTracker, context: TurnContext) -> bool:
        """True: start the questionnaire; False: let the documents answer."""
        message = tracker.latest_message
        if message is None:
            return False
        if (message.metadata or {}).get("one_shot"):
            return False
        if top_intent(tracker)[1] < context.settings.action_intent_threshold:
            return False
        text = message.text or ""
        if text.startswith("/") or (message.parse_data or {}).get("typed_button"):
            # a button (the offer below), or its words typed under it (:mod:`~assistant.dialogue.typed_buttons`: "my
            # mom" under the whose-benefits question, s20): the questionnaire was asked for
            return True
        entities = list(message.entities)
        if not self.has_data():
            return not self.describes_service(text, entities)
        if named_titles := self.catalogue(text):
            # a thing done with the service once had ("아이돌봄 서비스 선생님 바꿀 수 있어요?": s57 probe, the
            # questionnaire started on its coded conditions) is asked of its page, not whether one can get it
            return not asks_to_use(text, named_titles)
        if self.services(text):
            return False
        named = named_benefit(self.glossary, text)
        if named is not None and (self.titles_hold is None or not self.titles_hold(named[1])):
            return True  # a benefit the documents lack: the questionnaire says so and looks for others
        return not topic_terms(text, entities, self.tokenizer, means_are_facts=True)

    def switches_person(self, tracker: DialogueStateTracker, context: TurnContext) -> bool:
        """While the questionnaire runs: whether the latest message starts it anew (this route holds, for a
        ``check_eligibility`` message) about someone other than the person its questions were about
        (:func:`person_asked_about` against the ``beneficiary`` slot before the message): "제가 받을 수 있는 혜택이
        뭐가 있나요?" while it asks about the mother, "What can my mother get?" while it asks about the citizen. The
        form then starts again (:class:`~assistant.dialogue.forms.FormAction`'s ``restart_when``), so the facts are
        those of the person now asked about (s14 #1: the question was answered "지금 그걸 확인하고 있어요" and the
        mother's questions went on). The same question about the same person is not a switch.

        An answer that states another family member's age, sex or place (:func:`member_stating_fact`: "어머니 나이는
        82세예요" while the citizen's age is asked) is a switch too (s16): the citizen has started talking about them,
        and their fact is kept for them. Any other family word in an answer ("아이랑 부산에 살아요") is not: the answer
        is the person's the questions are about."""
        if top_intent(tracker)[0] == "check_eligibility" and self(tracker, context):
            return person_asked_about(tracker) != beneficiary_before(tracker)
        member = member_stating_fact(tracker)
        return member is not None and member != beneficiary_before(tracker)

    def offer_check(self, tracker: DialogueStateTracker, context: TurnContext) -> bool:
        """Whether a documents answer to this message should offer the eligibility check (a button): the
        intent is check_eligibility, the domain has the form and eligibility data exists."""
        intent, _ = top_intent(tracker)
        return intent == "check_eligibility" and "eligibility_form" in context.domain.forms and self.has_data()


#: Words of a request to apply or to get something, no kind of help of their own (:class:`ApplyFromDocumentsPolicy`).
_APPLY_WORDS = frozenset("신청 접수 서비스 지원 혜택 받 원하 싶 apply application service support benefit get want".split())


#: A question of how, where or when to apply, as opposed to a wish to apply ("노인 일자리 신청 방법", "어떻게 신청해요?",
#: "신청은 어디서 해요", "how do I apply for …"; not "신청할래요", "신청하고 싶어요", "신청 서류 뭐예요" (the checklist
#: answers that)). s50 probe on the catalogue: "노인 일자리 신청 방법" (apply_service 0.79) was shown 청도군's
#: application checklist and asked "이대로 신청을 접수할까요?", while "노인일자리 신청 방법 알려주세요" (ask_service_info)
#: was answered with its 신청 방법.
_ASKS_HOW_TO_APPLY = re.compile(
    r"신청\s*(?:하는\s*)?(?:방법|법|절차|요령|기간|기한|장소|처)|신청(?:은|을|는)?\s*(?:어떻게|어디|언제|어케)"
    r"|(?:어떻게|어디서|어디에서|어디로|어디에|언제|어케)\s*(?:까지\s*)?신청"
    r"|\bhow\s+(?:do|can|should|would)\s+(?:i|we|you|one)\s+apply\b|\bhow\s+to\s+apply\b"
    r"|\b(?:where|when)\s+(?:do|can|should)\s+(?:i|we)\s+apply\b|\bapplication\s+(?:process|procedure|method|period|deadline)\b",
    re.I,
)


def asks_how_to_apply(text: str) -> bool:
    """Whether ``text`` asks how, where or when to apply (:data:`_ASKS_HOW_TO_APPLY`), which the documents' 신청 방법
    answers, rather than asking to apply.

    >>> asks_how_to_apply("노인 일자리 신청 방법"), asks_how_to_apply("노인 일자리 신청할래요")
    (True, False)
    """
    return bool(_ASKS_HOW_TO_APPLY.search(text or ""))


class ApplyFromDocumentsPolicy:
    """"에너지바우처 신청할래요" where nothing can be applied for: the service's documents say how to apply.

    Right after the user spoke, outside a form, with ``apply_service`` at ``settings.action_intent_threshold``: when
    the message names an indexed document (``services``), or the documents answer it with the service it names (the
    knowledge answer does not abstain and its first document's title holds the name requested,
    :func:`~connectors.tasks.service_search.requested_name`, spaces aside: "전세임대 신청하고 싶어요" for 기존주택
    전세임대주택 지원사업; "미혼모 의료비 지원 신청할래요" answered with another service is not), but no catalogue service
    (``catalogue``) and this assistant has no task back end that could take it (``can_apply()`` is False: no catalogue
    imported and no ``settings.tasks_url``), predicts ``action_answer_from_knowledge`` (its 신청방법 passage, cited)
    instead of the application flow, which could only ask for a service name it already has or say it cannot take
    it. A question of how, where or when to apply (:func:`asks_how_to_apply`), and a wish for a kind of help that
    names no service (:func:`~connectors.tasks.service_search.requested_name` None, no title named: "대학생 등록금 지원
    받고 싶어요") that the documents answer, are answered from the documents wherever applications can be taken too.
    Sits before the rule policy.

    Args:
        services: finds indexed document titles in a message; catalogue: finds catalogue service titles;
        can_apply: whether applications can be taken here now.
    """

    name = "ApplyFromDocumentsPolicy"

    def __init__(self, services: Callable[[str], list[str]], catalogue: Callable[[str], list[str]],
                 can_apply: Callable[[], bool]) -> None:
        self.services = services
        self.catalogue = catalogue
        self.can_apply = can_apply

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge`` or None."""
        from assistant.dialogue.events import ACTION_LISTEN_NAME

        if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.active_loop is not None or tracker.latest_message is None:
            return None
        intent, conf = top_intent(tracker)
        text = tracker.latest_message.text or ""
        if intent != "apply_service" or conf < context.settings.action_intent_threshold or text.startswith("/"):
            return None
        if asks_how_to_apply(text):  # a question the documents' 신청 방법 answers, not a request to apply
            return Prediction("action_answer_from_knowledge", self.name, conf)
        if self.catalogue(text):
            return None
        if not self.services(text):
            # no title named as written ("전세임대 신청하고 싶어요" for 기존주택 전세임대주택 지원사업): the documents
            # still say how to apply when they answer the message (s36 probe: "이 도우미에서는 신청을 받지 않는
            # 서비스예요", then the question it suggested was answered); else the application flow says where to apply
            from assistant.dialogue.builtin_actions import intent_probability
            from assistant.dialogue.knowledge_base import title_has_name
            from connectors.tasks.service_search import requested_name

            named = requested_name(text)
            if named is None:
                # not a request to apply ("월세 지원 받고 싶어요", "전세대출 받고 싶어요": wanting a kind of help, s40:
                # the application flow asked for a service name, which the citizen cannot know): the documents answer
                # it when they do, wherever applications can be taken too (s56 probe on the catalogue: "대학생 등록금
                # 지원 받고 싶어요" was asked for a service name); a message naming nothing ("신청하고 싶어요") still
                # gets the flow's question
                tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
                words = topic_terms(text, list(tracker.latest_message.entities), tokenizer) if tokenizer is not None else []
                if not [w for w in words if w not in _APPLY_WORDS]:
                    return None
                answer = context.answer(context.query or text, intent_probability(tracker, "out_of_scope"))
                if answer is None or answer.abstained or not answer.citations:
                    # a benefit named that the documents lack ("주거급여 받고싶어요", s42 probe: asked for a service
                    # name): the documents' reply says it is not covered (utter_service_not_in_documents)
                    return Prediction("action_answer_from_knowledge", self.name, conf) \
                        if named_benefit(default_glossary(), text) is not None else None
                return Prediction("action_answer_from_knowledge", self.name, conf)
            if self.can_apply():
                return None  # a name given: the application flow finds the services holding it, or says none has it
            answer = context.answer(context.query or text, intent_probability(tracker, "out_of_scope"))
            if answer is None or answer.abstained or not answer.citations \
                    or not title_has_name(answer.citations[0].title, named):
                # another service answered ("미혼모 의료비 지원" is no 청소년산모 임신·출산 의료비 지원; "청소년산모 의료비"
                # is, s51)
                return None
        if self.can_apply():
            return None
        return Prediction("action_answer_from_knowledge", self.name, conf)

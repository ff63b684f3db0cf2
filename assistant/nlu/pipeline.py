"""The NLU pipeline: language → normalised text → embedding → intents → entities → negation.

One :class:`NluPipeline` serves the router, ``POST /model/parse`` and
``assistant test nlu``. The message is embedded once; the same vector feeds
the intent classifier and (in the router) the retriever.

Negation (case C04 of ../shared/cases): a negation cue whose scope covers the
words of an "action" intent ("신청 안 할래요", "I don't want to apply") must
not leave that intent first with high confidence. The classifier sees
sentence embeddings, in which "apply" and "don't apply" are close, so the
pipeline moves the probability of a negated action intent to its opposite
(``NEGATABLE_INTENTS``: apply_service → deny, affirm → deny) and records
``negated_intent``. Boolean-fact entities (``BOOLEAN_ENTITIES``, e.g.
``resident``) take the value ``False`` inside a negation's scope
("주민이 아니에요") and ``True`` otherwise.

Personal data: the intent classifier reads the message without its phone
numbers, registration numbers, e-mails, account and card numbers and
addresses (:func:`assistant.nlu.preprocess.without_personal_data`), in
training and when parsing; the entity extractors read it as written. A
message that is only a card, account or registration number is read as
:data:`PERSONAL_NUMBER_INTENT` with probability 1 (no classifier draw).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import ModelNotFoundError
from assistant.knowledge.embedder import MAX_QUERY_CHARS, Embedder
from assistant.nlu.classifier import IntentClassifier, IntentPrediction, NluResult
from assistant.nlu.entities import EntityPipeline, EntityPipelineConfig, EntityResult
from assistant.nlu.entities.base import analyse
from assistant.nlu.entities.duckling_time import duckling_time_settings
from assistant.nlu.language import detect_language
from assistant.nlu.mlp_classifier import MlpIntentClassifier, intent_classifier_for
from assistant.nlu.preprocess import code_only, condense, sensitive_number_only, standard_reading, without_personal_data
from assistant.nlu.response_selector import fold_retrieval_intents
from assistant.nlu.project import Project
from assistant.nlu.tokenizer import KoreanTokenizer, normalize_spaces
from assistant.nlu.types import EntitySpan

#: action intent → (the intent its negation means, the words that carry the action). The action is
#: negated when a negation's scope covers one of its words ("신청 안 할래요"), not when a negation
#: elsewhere in the message covers something else ("안 되면 어떡하죠? 신청할래요").
NEGATABLE_INTENTS: dict[str, tuple[str, frozenset[str]]] = {
    "apply_service": ("deny", frozenset({"신청", "접수", "가입", "신청서", "apply", "application", "submit", "sign", "register", "file"})),
    "affirm": ("deny", frozenset({"동의", "좋", "맞", "그렇", "agree", "consent", "okay", "ok", "right", "correct", "yes"})),
}
#: probability share an action intent keeps when its words are negated.
NEGATED_KEEP = 0.15
#: A document asked for with a verb of issuing (F10): "등본 떼고 싶어요", "초본 좀 떼 주세요" (떼다: to have a certificate
#: issued) were read as ``cancel`` at 0.8, others as ``revoke_consent``, ``use_mydata``, ``out_of_scope`` or ``inform`` —
#: the sentence encoder puts 떼다 near 그만두다/취소. A message with a ``document`` entity and one of these Kiwi
#: ``(lemma, tag)`` pairs (the tag without Kiwi's ``-R``/``-I`` (ir)regular-verb suffix; for English, lower-cased
#: words) asks how to get that document.
ISSUING_WORDS: frozenset[tuple[str, str]] = frozenset({
    ("떼", "VV"), ("때", "VV"),  # 떼다 and its common misspelling 때다 ("등본 때고 싶어요")
    ("발급", "NNG"), ("재발급", "NNG"), ("뽑", "VV"), ("출력", "NNG"), ("받", "VV"),
})
ISSUING_WORDS_EN = frozenset({"get", "issue", "issued", "reissue", "print", "obtain", "copy", "copies"})
#: the entity that names an administrative document (the lookup of intents/nlu.yml, case C01)
DOCUMENT_ENTITY = "document"
#: what a document request means when the classifier puts it elsewhere
DOCUMENT_REQUEST_INTENT = "ask_service_info"
#: intents a document request may also mean, each with the words that must be there for it (None: always; Korean
#: words as parts of the text, English ones as tokens):
#: "등본 떼서 기초연금 신청할래요" applies, "등본 떼면 기초연금 받을 수 있나요" asks about eligibility (the classifier
#: reads it so at 0.99), "등본 마이데이터로
#: 불러와 주세요" is MyData. Without those words, "등본 떼 주실 수 있나요" is no eligibility question and "소득금액증명
#: 떼려고요" no MyData request. Any other top intent (cancel, cancel_application, revoke_consent, skip, inform,
#: out_of_scope …) gives its probability to :data:`DOCUMENT_REQUEST_INTENT`.
DOCUMENT_REQUEST_ALSO: dict[str, frozenset[str] | None] = {
    DOCUMENT_REQUEST_INTENT: None,
    "human_handoff": None,
    "apply_service": NEGATABLE_INTENTS["apply_service"][1],
    "check_eligibility": frozenset({"자격", "대상", "조건", "받을 수", "받을수", "eligible", "eligibility", "qualify"}),
    "use_mydata": frozenset({"마이데이터", "mydata", "불러", "가져", "조회", "fetch", "pull", "import", "load"}),
}
#: The intent of a message that is nothing but a card, account or resident registration number
#: (:func:`~assistant.nlu.preprocess.sensitive_number_only`), when the project has it: a fact, as a phone number
#: alone is. Its classifier reading is a low-confidence draw over unrelated intents.
PERSONAL_NUMBER_INTENT = "inform"
#: The intent of a message that is only code or markup (:func:`~assistant.nlu.preprocess.code_only`), when the project
#: has it.
OUT_OF_SCOPE = "out_of_scope"
#: lookup entities whose value is a yes/no fact about the person.
BOOLEAN_ENTITIES = frozenset({"resident"})


@dataclass(frozen=True)
class ParsedMessage:
    """The NLU's full reading of one message.

    Attributes:
        nlu: intent ranking (probabilities 0..1, best first) and language.
        entities: resolved entities, offsets into the ORIGINAL text.
        negated_intent: the action intent whose words were negated, if any.
        vector: the message embedding ``(dim,)`` (reused by retrieval).
        timings_ms: stage timings in milliseconds.
    """

    text: str
    nlu: NluResult
    entities: tuple[EntitySpan, ...]
    negated_intent: str | None
    vector: np.ndarray
    timings_ms: dict[str, float]

    def to_rasa(self) -> dict[str, Any]:
        """Rasa's ``/model/parse`` shape plus ``language``, ``out_of_scope`` (and ``negated_intent`` when set).

        ``out_of_scope`` is the classifier's reading: ``{"rejected", "score", "threshold"}`` (the score 0..1, the
        threshold chosen on held-out data at training or configured by ``ASSISTANT_NLU_OOS_THRESHOLD``; rejected:
        the score reached it or the explicit ``out_of_scope`` intent is first). ``intent`` stays the top intent
        (not Rasa's ``nlu_fallback``): the conversation decides with :func:`assistant.dialogue.oos.rejected`.
        Retrieval intents (``faq/ask_x``) are folded into their base intent with a ``response_selector``
        (see :mod:`assistant.nlu.response_selector`).
        """
        ranking, selector = fold_retrieval_intents([(p.name, p.confidence) for p in self.nlu.ranking])
        top = ranking[0] if ranking and selector is not None else (self.nlu.intent.name, self.nlu.intent.confidence)
        out: dict[str, Any] = {
            "text": self.text,
            "intent": {"name": top[0], "confidence": round(top[1], 6)},
            "intent_ranking": [{"name": n, "confidence": round(c, 6)} for n, c in ranking],
            "entities": [e.to_json() for e in self.entities],
            "language": self.nlu.language,
            "out_of_scope": {"rejected": bool(self.nlu.is_out_of_scope), "score": round(float(self.nlu.oos_score), 6),
                             "threshold": round(float(self.nlu.oos_threshold), 6)},
        }
        if selector is not None:  # retrieval intents (faq/ask_x): Rasa's ResponseSelector output
            out["response_selector"] = selector
        if self.negated_intent:
            out["negated_intent"] = self.negated_intent
        return out


def _negate_ranking(
    ranking: tuple[IntentPrediction, ...], result: EntityResult, text: str, tokenizer: KoreanTokenizer
) -> tuple[tuple[IntentPrediction, ...], str | None]:
    top = ranking[0].name
    if top not in NEGATABLE_INTENTS or not result.negations:
        return ranking, None
    opposite, words = NEGATABLE_INTENTS[top]
    probs = {p.name: p.confidence for p in ranking}
    if opposite not in probs:
        return ranking, None
    action = [t for t in analyse(tokenizer, text) if t.text.lower() in words]  # windowed: a long message costs no more
    if not any(n.scope_start <= t.start and t.end <= n.scope_end for n in result.negations for t in action):
        return ranking, None
    moved = probs[top] * (1.0 - NEGATED_KEEP)
    probs[top] -= moved
    probs[opposite] += moved
    out = tuple(sorted((IntentPrediction(n, c) for n, c in probs.items()), key=lambda p: -p.confidence))
    return out, top


def _document_request_ranking(
    ranking: tuple[IntentPrediction, ...], result: EntityResult, text: str, tokenizer: KoreanTokenizer
) -> tuple[tuple[IntentPrediction, ...], bool]:
    """The ranking of a document request (:data:`ISSUING_WORDS`): every intent ranked above the first one the request
    may mean (:data:`DOCUMENT_REQUEST_ALSO`) gives its whole probability to :data:`DOCUMENT_REQUEST_INTENT`.

    Returns:
        ``(ranking, changed)``; unchanged when the message names no document, has no word of issuing, the top intent
        is one it may mean, or the project has no :data:`DOCUMENT_REQUEST_INTENT`.
    """
    probs = {p.name: p.confidence for p in ranking}
    if DOCUMENT_REQUEST_INTENT not in probs or not any(e.entity == DOCUMENT_ENTITY for e in result.entities):
        return ranking, False
    tokens = analyse(tokenizer, text)
    forms = {t.text.lower() for t in tokens}
    if not any((t.text, t.tag.split("-")[0]) in ISSUING_WORDS or (t.tag == "SL" and t.text.lower() in ISSUING_WORDS_EN) for t in tokens):
        return ranking, False
    lowered = text.lower()

    def may_mean(name: str) -> bool:
        if name not in DOCUMENT_REQUEST_ALSO:
            return False
        words = DOCUMENT_REQUEST_ALSO[name]
        return words is None or bool(words & forms) or any(w in lowered for w in words if not w.isascii())

    moved = False
    for p in ranking:
        if may_mean(p.name):
            break
        probs[DOCUMENT_REQUEST_INTENT] += probs[p.name]
        probs[p.name] = 0.0
        moved = True
    if not moved:
        return ranking, False
    return tuple(sorted((IntentPrediction(n, c) for n, c in probs.items()), key=lambda p: -p.confidence)), True


#: The intent of a greeting (:func:`after_greeting`)
GREET_INTENT = "greet"

#: never what a request read without its cue is read as instead: intents that ask for nothing, and those whose action
#: changes something (a reading second to another is no request to change anything; "sorry, I meant 60 percent" has
#: revoke_consent second to repeat)
_NOT_A_REQUEST = frozenset({"thank", "greet", "goodbye", "affirm", "deny", "chitchat", "bot_challenge", "skip", "dont_know",
                            "cancel", "human_handoff", "subscribe_alerts", "unsubscribe_alerts", "repeat", "revoke_consent",
                            "use_mydata", "cancel_application", "apply_service", "list_consents", "end_handoff"})

#: What a request for alerts says (news of benefits to come: 새 혜택, 생기면, 알림, 구독, "let me know", "notify"); every
#: subscribe_alerts example of intents/nlu.yml has one (tests/test_nlu_alert_cue.py reads them)
ALERT_CUE = re.compile(
    r"새\s*(?:로운|로|롭게)?\s*(?:혜택|지원|서비스|정책|제도|소식)|생기면|생길\s*때|나오면|뜨면|바뀌면|열리면|시작되면|(?:면|때)\s*(?:꼭\s*)?알려"
    r"|소식|알림|구독|공지|업데이트|문자|카톡|메일|연락\s*(?:주|줘|해)|notif|alert|subscri|let\s+me\s+know|keep\s+me"
    r"|new\s+(?:benefit|support|programme|program|service)|something\s+new|updates?|e-?mail\s+me|text\s+me|tell\s+me\s+(?:when|if)"
    r"|when\s+(?:a|any)\s+new|become\s+eligible", re.I)
#: What a request for a person says (a person, an agent, a call, being put through); every human_handoff example of
#: intents/nlu.yml has one
HANDOFF_CUE = re.compile(
    r"상담|사람|직원|연결|통화|전화|콜센터|담당자|공무원|주무관|바꿔|대화|얘기|이야기|말하고|로봇|기계|챗봇"
    r"|agent|human|person|someone|representative|operator|staff|real|talk|speak|call|transfer|connect|officer|worker"
    r"|\bbot\b|\bai\b|customer\s+service|put\s+me\s+through|help\s*desk|helpline", re.I)
#: What a request to say the last message again says (again, 다시, 뭐라고, pardon …); every repeat example of
#: intents/nlu.yml has one
REPEAT_CUE = re.compile(
    r"다시|한\s*번\s*더|한번더|또\s*말|뭐라고|뭐라구|뭐라셨|뭐라\s*하셨|못\s*들|못\s*알아|잘\s*모르겠|again|repeat|pardon"
    r"|what\s+(?:did|was)|say\s+(?:that|it)|come\s+again|^\s*sorry\W*(?:what\W*)?$|didn'?t\s+(?:catch|get|hear)|one\s+more\s+time"
    r"|once\s+more|\bhuh\b|\beh\b|^\s*(?:네|예|응|뭐|엥)\s*\?+\s*$|^\s*what\s*\?+\s*$|missed\s+(?:that|it)", re.I)
#: What a request to apply says (신청, 접수, 가입, a wish to receive: "받고 싶어요", apply, register, sign up, submit …);
#: every apply_service example of intents/nlu.yml has one. Without it a wish is no application: "노인 일자리 구하고
#: 싶어요" (I want to find a job for the elderly) was apply_service 0.97 and asked which service to apply for (s53
#: probe); "청년 월세 지원 받고 싶어요" is one (s44: the bodies that run it are offered to apply to)
APPLY_CUE = re.compile(r"신청|접수|가입|받(?:고\s*싶|을래|으려|겠)|apply|applic|regist|sign\s*(?:me\s*)?up|enrol|submit"
                       r"|\bfile\b|\bfiling", re.I)
#: What a request to skip a form's question says (건너뛰, 넘어가, 패스, 스킵, 생략, 빼고, 다음, 말하기 싫, skip, pass, next,
#: move on, rather not …); every skip example of intents/nlu.yml has one. Without it a wish is no skip: "자활근로
#: 하고 싶어요" (I want to do 자활근로, a title of the bundled corpus) was skip 0.44 and got "어떤 점을 도와드릴까요?"
#: (s54 probe)
SKIP_CUE = re.compile(r"건너|넘어가|넘어갈|넘길|넘겨|패스|스킵|생략|빼고|빼\s*주|다음|싫|대답\s*안|답\s*안|말\s*안"
                      r"|skip|pass|next|move\s+on|rather\s+not|blank|don'?t\s+want\s+to\s+(?:answer|say)", re.I)
#: What a goodbye says (안녕, 가 볼게요, 또 올게요, 수고하세요, 봐요, 들어가세요, 여기까지, 끊을게요, 대화 종료, a bare 끝 or
#: 종료, bye, see you, take care …); every goodbye example of intents/nlu.yml has one. Without it a question is no
#: goodbye: "부모님 돌아가시면 뭐 받아요" (what do I get when my parents pass away: 돌아가) was goodbye 0.36, "퇴사하면 뭐
#: 받아요" goodbye 0.41 and "종료된 사업인가요" (has the programme ended) goodbye 0.64, each bid farewell (s57 probe)
GOODBYE_CUE = re.compile(
    r"안녕|잘\s*있|바이|빠이|가\s*볼|또\s*올|다시\s*올|^\W*(?:끝|종료)\W*$|종료\s*할|종료\s*해\s*(?:주|줘)|대화\s*(?:종료|끝)"
    r"|이제\s*됐|수고|잘\s*가|봐요|뵈|뵙|ㅂㅂ|ㅂㅇ|들어가세요|나갈게|여기까지|끊을|끊겠|끊어요|주무세요|좋은\s*(?:하루|밤|주말|저녁)"
    r"|또\s*물어|bye|see\s+(?:you|ya)|\blater\b|\bdone\b|that'?s\s+all|gotta\s+go|have\s+to\s+go|catch\s+you|nice\s+day"
    r"|good\s+(?:one|night|day)|farewell|\bend\b|signing\s+off|take\s+care|\bcya\b|come\s+back", re.I)
#: What a request to stop what is under way says (그만, 취소, 중단, 멈춰, 처음부터, 여기까지, 안 할래, 됐어요, cancel,
#: stop, forget it, quit, abort, start over, never mind …); every cancel example of intents/nlu.yml has one. Without
#: it a question is no cancel: "끝까지 못 받으면 어떡해요" (what if I never get it) was cancel 0.45 and was told
#: nothing was under way (s57 probe)
CANCEL_CUE = re.compile(
    r"그만|취소|중단|멈|처음부터|여기까지|안\s*할|됐어|관둘|접을|cancel|stop|forget|quit|abort|start\s+over|never\s*mind",
    re.I)
#: Intents a message is read as only when it says what they ask for: without the cue, the next request's reading leads
#: (:func:`_uncued_ranking`; "sorry, I meant 60 percent" at the income question was repeat 0.76, and the question was
#: said again with the correction lost: s44 probe)
CUED_INTENTS: dict[str, re.Pattern[str]] = {"subscribe_alerts": ALERT_CUE, "human_handoff": HANDOFF_CUE, "repeat": REPEAT_CUE,
                                            "apply_service": APPLY_CUE, "skip": SKIP_CUE, "goodbye": GOODBYE_CUE,
                                            "cancel": CANCEL_CUE}

#: What an intent of :data:`CUED_INTENTS` said without its cue is read as instead, when not the next request's reading:
#: a wish to do something that is no application is asked about ("계좌 만들고 싶어요", "강남구에서 전입신고 하고
#: 싶어요": out_of_scope was their next reading)
_CUED_INSTEAD: dict[str, frozenset[str]] = {"apply_service": frozenset({"ask_service_info", "check_eligibility"})}


def _uncued_ranking(ranking: tuple[IntentPrediction, ...], text: str) -> tuple[tuple[IntentPrediction, ...], bool]:
    """``ranking`` with a leading intent of :data:`CUED_INTENTS` put after the next request's reading (not
    :data:`_NOT_A_REQUEST`, or one of :data:`_CUED_INSTEAD`'s; the two swap probabilities) when the message does not
    say what it asks for. s44 probe: "받을 수 있는 혜택 알려줘요" (tell me the benefits I can get) was subscribe_alerts 0.73 and got the alerts offer, its
    answers after it lost; "언어치료도 돼요?" after 장애아가족 양육 지원 was human_handoff 0.49 and paused the
    conversation for an agent. True when moved."""
    if len(ranking) < 2 or ranking[0].name not in CUED_INTENTS or CUED_INTENTS[ranking[0].name].search(text):
        return ranking, False
    instead = _CUED_INSTEAD.get(ranking[0].name)
    at = next((i for i, p in enumerate(ranking)
               if i and (p.name in instead if instead is not None else p.name not in _NOT_A_REQUEST)), None)
    if at is None:
        return ranking, False
    first, other = ranking[0], ranking[at]
    moved = [IntentPrediction(other.name, first.confidence), *ranking[1:at], IntentPrediction(first.name, other.confidence),
             *ranking[at + 1:]]
    return tuple(moved), True


#: A greeting a message opens with, and what ends it (space or punctuation): 안녕하세요, 여보세요, 수고하십니다, hi, hello,
#: good morning … ("안녕히 계세요" is no such opening: 안녕 is not followed by a space there)
GREETING_OPENING = re.compile(
    r"^\W*(?:안녕\s*하\s*(?:세요|세여|십니까|신가요)|안녕|안뇽|여보세요|저기요|반갑습니다|반가워요|하이|헬로"
    r"|수고\s*(?:하십니다|하세요|많으십니다|많으세요)|좋은\s*(?:아침|오후|저녁)(?:이에요|입니다|이네요)?"
    r"|hi|hello|hey|hiya|howdy|hallo|greetings|good\s+(?:morning|afternoon|evening|day))"
    r"(?:[\s,]*(?:챗봇님|상담사님|there|bot|assistant))?(?:\s+|\W*[~!.,?…]\W*)(?=\w)", re.I)


def after_greeting(text: str) -> str | None:
    """What ``text`` says after the greeting it opens with (:data:`GREETING_OPENING`), or ``None`` when it opens with
    none or says nothing after it.

    Example:
        >>> after_greeting("안녕하세요 기초연금 문의드려요")
        '기초연금 문의드려요'
        >>> after_greeting("안녕히 계세요") is None
        True
    """
    m = GREETING_OPENING.match(text)
    if m is None:
        return None
    rest = text[m.end():].strip()
    return rest or None


#: What a greeting's rest is read as and still left a greeting: what asks for nothing ("안녕하세요 처음 왔어요",
#: "안녕하세요~ 문의 좀 드리려고요"), or a fact given unasked ("안녕하세요 저는 김철수입니다": inform)
_GREETING_REST_KEPT = _NOT_A_REQUEST | {"inform"}


def _code_reading(nlu: NluResult) -> NluResult:
    """``out_of_scope`` with probability 1, the other intents 0 (in their order): an SQL statement or bare markup
    (:func:`~assistant.nlu.preprocess.code_only`) is nothing a citizen asks, whatever its embedding is near."""
    top = IntentPrediction(OUT_OF_SCOPE, 1.0)
    rest = tuple(IntentPrediction(p.name, 0.0) for p in nlu.ranking if p.name != OUT_OF_SCOPE)
    return dataclasses.replace(nlu, intent=top, ranking=(top, *rest), oos_score=1.0, is_out_of_scope=True)


def _personal_number_reading(nlu: NluResult) -> NluResult:
    """:data:`PERSONAL_NUMBER_INTENT` with probability 1, the other intents 0 (in their order): deterministic."""
    top = IntentPrediction(PERSONAL_NUMBER_INTENT, 1.0)
    rest = tuple(IntentPrediction(p.name, 0.0) for p in nlu.ranking if p.name != PERSONAL_NUMBER_INTENT)
    return dataclasses.replace(nlu, intent=top, ranking=(top, *rest), oos_score=0.0, is_out_of_scope=False)


def _boolean_facts(entities: list[EntitySpan], result: EntityResult) -> list[EntitySpan]:
    return [
        dataclasses.replace(e, value=not result.is_negated(e)) if e.entity in BOOLEAN_ENTITIES else e for e in entities
    ]


logger = logging.getLogger(__name__)


def _entity_config(project: Project) -> EntityPipelineConfig:
    """The entity pipeline's config for ``project``: Duckling-shaped ``time`` where the project expects it.

    See :func:`~assistant.nlu.entities.duckling_time.duckling_time_settings`.
    """
    produced = project.nlu.entity_types | set(project.nlu.regexes) | set(project.nlu.lookups)
    duckling = duckling_time_settings(project.config, project.domain.entities, produced)
    if duckling is None:
        return EntityPipelineConfig()
    logger.info("time entities in DucklingEntityExtractor's shape",
                extra={"stage": "nlu.train", "timezone": duckling.timezone, "source": duckling.source})
    return EntityPipelineConfig(time_format="duckling", timezone=duckling.timezone)


class NluPipeline:
    """Intent classifier + entity pipeline behind one ``parse``.

    Args:
        embedder: the sentence encoder (shared with retrieval).
        classifier: a trained :class:`IntentClassifier`.
        entities: a trained :class:`EntityPipeline`.
        tokenizer: shared Kiwi tokenizer.
    """

    def __init__(self, embedder: Embedder, classifier: IntentClassifier, entities: EntityPipeline, tokenizer: KoreanTokenizer) -> None:
        self.embedder = embedder
        self.classifier = classifier
        self.entities = entities
        self.tokenizer = tokenizer

    @classmethod
    def train(cls, project: Project, embedder: Embedder, tokenizer: KoreanTokenizer | None = None,
              cache_dir: Path | None = None) -> tuple[NluPipeline, dict[str, Any]]:
        """Fit the intent classifier and the entity pipeline on a Rasa project's NLU data.

        The intent classifier is the default one unless the project's ``config.yml`` names the optional
        ``MlpIntentClassifier`` (:mod:`assistant.nlu.mlp_classifier`), which caches training embeddings
        under ``cache_dir`` when given.

        Returns:
            The pipeline and a report ``{"examples", "intents", "seconds", "entity": {...}}``.

        Raises:
            InvalidConfigError: fewer than two intents, a regex that does not compile, bad
                ``MlpIntentClassifier`` options, or that head configured without the ``heads`` extra.
        """
        from assistant.errors import InvalidConfigError

        examples = project.nlu.examples
        if len({e.intent for e in examples}) < 2:
            raise InvalidConfigError(f"{project.root}: need examples of at least two intents to train, found {len(examples)} examples")
        tokenizer = tokenizer or KoreanTokenizer()
        t0 = time.perf_counter()
        clf = intent_classifier_for(project.config, embedder, cache_dir)
        # the classifier learns from what it will be given: an example holding personal data also without it (a
        # message with other words is classified so); the example as written stays for messages that are nothing
        # but the data ("010-1234-5678" answering a question is still `inform`)
        intent_examples = [*examples, *(dataclasses.replace(e, text=t, entities=()) for e in examples
                                        if (t := without_personal_data(e.text)) != e.text)]
        stats: dict[str, Any] = dict(clf.train(intent_examples))
        ents = EntityPipeline(_entity_config(project), tokenizer=tokenizer)
        stats["entity"] = ents.train(project.nlu, project.domain.entities)
        stats["seconds"] = time.perf_counter() - t0
        return cls(embedder, clf, ents, tokenizer), stats

    def save(self, directory: Path) -> None:
        """Write the classifier and the entity pipeline under ``directory`` (``entities/`` for the latter)."""
        self.classifier.save(directory)
        self.entities.save(directory / "entities")
        kind = "mlp" if isinstance(self.classifier, MlpIntentClassifier) else "logistic_regression"
        (directory / "pipeline.json").write_text(json.dumps({"format": 1, "entities": "entities", "classifier": kind}),
                                                 encoding="utf-8")

    @classmethod
    def load(
        cls, directory: Path, embedder: Embedder, tokenizer: KoreanTokenizer | None = None, oos_threshold: float | None = None
    ) -> NluPipeline:
        """Load what :meth:`save` wrote; ``oos_threshold`` overrides the classifier's (chosen at training).

        Raises:
            ModelNotFoundError: nothing trained there (run ``assistant train``).
            InvalidConfigError: the model is an ``MlpIntentClassifier`` and the ``heads`` extra is missing.
        """
        if not (directory / "pipeline.json").exists():
            raise ModelNotFoundError(f"no trained NLU pipeline under {directory}; run 'assistant train'")
        tokenizer = tokenizer or KoreanTokenizer()
        kind = json.loads((directory / "pipeline.json").read_text(encoding="utf-8")).get("classifier", "logistic_regression")
        clf = (MlpIntentClassifier.load(directory, embedder, oos_threshold=oos_threshold) if kind == "mlp"
               else IntentClassifier.load(directory, embedder, oos_threshold=oos_threshold))
        ents = EntityPipeline.load(directory / "entities", tokenizer=tokenizer)
        return cls(embedder, clf, ents, tokenizer)

    def parse(self, text: str, vector: np.ndarray | None = None, language: str | None = None) -> ParsedMessage:
        """Read one message.

        Args:
            text: the message as the user wrote it (offsets of entities refer to it).
            vector: its embedding if the caller has one; when the text holds personal data the classifier
                embeds the text without it instead (``ParsedMessage.vector`` stays this one).
            language: ``"ko"``/``"en"`` if known, else detected.

        Returns:
            A :class:`ParsedMessage`; never raises on odd text (emoji, zero-width, 20,000 characters).
        """
        t0 = time.perf_counter()
        clean = normalize_spaces(text or "").strip()
        lang = language or detect_language(clean)
        if vector is None:
            query = condense(clean, MAX_QUERY_CHARS) if len(clean) > MAX_QUERY_CHARS else clean
            vector = self.embedder.embed_queries([query or " "])[0]
        # the classifier reads the message without personal data (it trained on such copies too) and in standard
        # Korean (its examples are), and keeps the surer of that reading and the message as written (below)
        intent_text, intent_vector = standard_reading(without_personal_data(clean)), vector
        if intent_text != clean:
            query = condense(intent_text, MAX_QUERY_CHARS) if len(intent_text) > MAX_QUERY_CHARS else intent_text
            intent_vector = self.embedder.embed_queries([query])[0]
        t1 = time.perf_counter()
        nlu = self.classifier.parse(intent_text, intent_vector, lang)
        if intent_text != clean:
            # the surer of the two readings: without the data ("전화는 …이에요. 주거급여 받을 수 있나요?" →
            # check_eligibility) or as written, where the number was the point ("연락처 01098765432 로 주세요" → inform
            # 0.77; "연락처 로 주세요" alone reads as human_handoff 0.41)
            as_written = self.classifier.parse(clean, vector, lang)
            nlu = dataclasses.replace(nlu if nlu.intent.confidence >= as_written.intent.confidence else as_written, text=clean)
        t2 = time.perf_counter()
        ents = self.entities.parse(text or "")
        t3 = time.perf_counter()
        ranking, negated = _negate_ranking(nlu.ranking, ents, text or "", self.tokenizer)
        if negated:
            nlu = dataclasses.replace(nlu, intent=ranking[0], ranking=ranking)
        ranking, document_request = _document_request_ranking(nlu.ranking, ents, text or "", self.tokenizer)
        if document_request:  # a document the domain names, asked for: in scope whatever the score said
            nlu = dataclasses.replace(nlu, intent=ranking[0], ranking=ranking, is_out_of_scope=ranking[0].name == "out_of_scope")
        ranking, unasked = _uncued_ranking(nlu.ranking, clean)
        if unasked:
            nlu = dataclasses.replace(nlu, intent=ranking[0], ranking=ranking, is_out_of_scope=ranking[0].name == OUT_OF_SCOPE)
        rest = after_greeting(clean) if nlu.intent.name == GREET_INTENT else None
        if rest is not None:
            # a greeting that opens a request is no greeting only: "안녕하세요 기초연금 문의드려요" was greet 0.40
            # and got the greeting alone ("기초연금 문의드려요" reads check_eligibility): s57 probe
            of_rest = self.parse(rest, language=lang).nlu
            if of_rest.intent.name not in _GREETING_REST_KEPT:
                nlu = dataclasses.replace(of_rest, text=clean)
        if PERSONAL_NUMBER_INTENT in self.classifier.labels and sensitive_number_only(clean) is not None:
            nlu = _personal_number_reading(nlu)
        elif OUT_OF_SCOPE in self.classifier.labels and code_only(clean):
            nlu = _code_reading(nlu)
        entities = tuple(_boolean_facts(list(ents.entities), ents))
        timings = {"embed": (t1 - t0) * 1000, "intent": (t2 - t1) * 1000, "entities": (t3 - t2) * 1000}
        return ParsedMessage(text, nlu, entities, negated, vector, timings)

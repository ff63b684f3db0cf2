"""A service's name typed alone: "에너지바우처", "에너지 바우쳐요" (a typo), "Energy voucher".

A bare name is no sentence, so the intent classifier reads it as anything: ``inform`` at 0.36, ``out_of_scope`` at
0.8 for a typo. :class:`BareTitlePolicy` answers it as the question "what is <service>?" when the message is
(nearly) just one title of the index (:meth:`~assistant.dialogue.knowledge_base.ServiceTitleMatcher.named_alone`:
exact, spacing-insensitive, a close typo, with a polite ending), no form is asking for a slot, and the top intent
is a low-information one (``inform``, ``out_of_scope``, ``nlu_fallback``, ``ask_service_info``) or unsure, or the
title comes with a request for what it is ("에너지바우처 알려줘", "연탄쿠폰이 뭐예요?": any intent): it sets
the turn's retrieval query to the title and chooses ``action_answer_from_knowledge``, which answers that service
(overview, cited). A confident task intent (``check_eligibility``, ``apply_service``, ``greet`` …) keeps its route.

A bare benefit name the documents do not hold ("국민내일배움카드": no such title, and retrieval abstains) is told as
such (:func:`missing_benefit_name`, ``utter_service_not_in_documents``) rather than "nothing found".
"""

from __future__ import annotations

import re

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import intent_probability, top_intent
from assistant.dialogue.knowledge_base import asks_what_it_is, bare_name
from assistant.dialogue.policies import Prediction, message_to_read
from assistant.dialogue.tracker import DialogueStateTracker

#: intents a bare name is read as without saying anything else (a bare name wins over them at any confidence)
LOW_INFORMATION_INTENTS = frozenset({"inform", "out_of_scope", "nlu_fallback", "ask_service_info"})
#: the response that says a named benefit is not in the documents (``{service}``)
MISSING_RESPONSE = "utter_service_not_in_documents"
#: the words a benefit's proper name ends with (Korean: one word; English: the last of at most four words)
_BENEFIT_HEAD_KO = re.compile(r"^[가-힣A-Za-z0-9]{2,}(?:카드|수당|급여|바우처|지원금|장려금|연금|쿠폰|보조금|이용권|상품권|축하금|대출|적금|통장)$")
_BENEFIT_HEAD_EN = re.compile(r"^(?:[a-z0-9'-]+ ){1,3}(?:card|allowance|voucher|pension|grant|subsidy|benefit|loan)s?$", re.I)
#: what a short question asks about a named service, after its name (squashed): "…신청", "…얼마줘요", "…서류는요",
#: "…대상이에요?" (a particle may come between)
_ASPECT_TAIL = re.compile(r"(?:이|가|은|는|을|를|의)?(?:신청|얼마|금액|서류|대상|자격|기간|방법|조건|어디서|어떻게)[가-힣]{0,10}$")
#: a word of a request to apply ("… 신청할래요", "접수해 주세요", "apply for …", "sign me up"): a bare title read as
#: ``apply_service`` without one is asked about, not applied for
_ASKS_TO_APPLY = re.compile(r"신청|접수|apply|application|register|sign\s*(?:me\s*)?up|enrol", re.I)
_POLITE_TAIL = re.compile(r"\s*(?:이에요|예요|입니다|이요|은요|는요|요|,?\s*please)?\s*[?.!~]*\s*$")


def missing_benefit_name(text: str) -> str | None:
    """The benefit a message names when it is nothing but a benefit's proper name ("국민내일배움카드요",
    "Youth Tomorrow Card"), as typed less the polite ending; else None. Whether the documents hold it is the
    caller's business (call it only after retrieval abstained)."""
    name = _POLITE_TAIL.sub("", (text or "").strip())
    if _BENEFIT_HEAD_KO.match(name) or _BENEFIT_HEAD_EN.match(name):
        return name
    return None


class BareTitlePolicy:
    """A service's title typed alone → ``action_answer_from_knowledge`` for that title (module docstring).

    Uses ``context.services.match_alone`` (an :class:`~assistant.dialogue.knowledge_base.IndexTitleMatcher`);
    with service finders that lack it the policy never predicts."""

    name = "BareTitlePolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge`` (with ``context.named_title`` set for a title), or None."""
        match_alone = getattr(context.services, "match_alone", None)
        text = message_to_read(tracker)
        if match_alone is None or text is None or len(bare_name(text)) > 60:
            return None
        intent, conf = top_intent(tracker)
        if (typed := self._typo_with_aspect(text, context)) is not None:
            context.named_title = typed
            return Prediction("action_answer_from_knowledge", self.name, max(conf, 1.0 - intent_probability(tracker, "out_of_scope")))
        # a title with a request for what it is ("언어발달지원 알려줘", read as human_handoff 0.9 in s32) asks about that
        # service whatever the intent says
        match = None
        # a bare title read as a request to apply says no such thing (s51 probe on the catalogue: "청년 월세 지원",
        # apply_service 0.61, started the application flow, "신청하실 것을 골라 주세요"): it is asked about
        said_nothing = intent in LOW_INFORMATION_INTENTS or (intent == "apply_service" and not _ASKS_TO_APPLY.search(text))
        if not said_nothing and conf >= context.settings.intent_threshold:
            if not asks_what_it_is(text) or (match := match_alone(text)) is None:
                return None
        match = match or match_alone(text)
        if not (isinstance(match, tuple) and len(match) == 2):
            # a benefit's name the index has no title for ("Tomorrow learning card", out_of_scope 0.6): the documents
            # answer it, or the answer says that they do not hold it (utter_service_not_in_documents)
            return Prediction("action_answer_from_knowledge", self.name, conf) if missing_benefit_name(text) else None
        context.named_title = str(match[1])
        return Prediction("action_answer_from_knowledge", self.name, max(conf, 1.0 - intent_probability(tracker, "out_of_scope")))

    @staticmethod
    def _typo_with_aspect(text: str, context: TurnContext) -> str | None:
        """The question a misspelt service name with a short question about it asks, written with the name as the
        title writes it ("에너지바우쳐 얼마줘요" → "에너지바우처 얼마줘요", "에너지 바우쳐 신청" → "에너지바우처 신청"),
        or None: the message is the name (a close typo of exactly one title's name, never the name as written, which
        every route already finds) followed by :data:`_ASPECT_TAIL`. Any intent: the misspelt name hid the service
        from every route (s32 probe: out_of_scope 0.64 and refused; apply_service 0.98 and "'에너지 바우쳐': 이
        도우미에서는 신청을 받지 않는 서비스예요")."""
        squashed = re.sub(r"[\W_]+", "", text).lower()
        tail = _ASPECT_TAIL.search(squashed)
        if tail is None or tail.start() == 0:
            return None
        head = squashed[: tail.start()]
        find = getattr(context.services, "find", None)
        if find is None or find(text):  # a title as written: the routes have it
            return None
        match = context.services.match_alone(head)  # type: ignore[union-attr]
        if not (isinstance(match, tuple) and len(match) == 2) or re.sub(r"[\W_]+", "", match[1]).lower() == head:
            return None  # no typo: the name as written (a title's qualifier, "바우처", is no name the routes search by)
        return f"{match[1]} {squashed[tail.start():]}"

"""Other services than the one just answered: "다른 건요?", "이거 말고 비슷한 거 있어요?", "anything else?".

s50 probe on the bundled corpus: after "에너지바우처 대상이 누구예요?" was answered, "그거 말고 다른 건요?" got "어떤 점을
도와드릴까요?", and "다른 건요?", "이거 말고 비슷한 거 있어요?", "에너지바우처 말고 다른 건요?" and "anything else besides
that?" the out-of-scope reply: the message names nothing the documents could be searched for, and the classifier reads
it as out of scope. A citizen asking that means services like the one answered, for the need they asked about.

:class:`OtherServicesPolicy`, right after the user spoke, outside a form, on a short typed message that asks for
others (:func:`asks_for_others`) within :data:`~assistant.dialogue.service_followup.RECENT_TURNS` user turns of a
documents answer that cited a service, sets that service aside (``context.others``, passed to
:meth:`~assistant.dialogue.knowledge_base.RetrievalKnowledge.answer` as ``excluded``: neither its Korean nor its
English page is cited), sets the turn's query to what such services are asked for with (:func:`others_query`: the
question less the service's name when it still says what is needed, else the service's overview and the aspect
asked) and chooses ``action_answer_from_knowledge``. The answer keeps the services set aside and the first one's
question in its ``custom`` (:data:`OTHERS_OF`), so "또 있어요?" next sets aside all of them. The answerability gate
judges the answer as any other; when it abstains the reply says the documents hold no other service like the first
(:data:`NO_OTHER_RESPONSE`), not that the question is out of scope. A message that names another service or a kind
of help of its own ("에너지바우처 말고 다른 난방비 지원 있어요?": excluded_titles reads it), or that asks about another
region, paper or way, keeps the other routes.

Own code: cue patterns and a walk over the tracker's events (no library reads such Korean follow-ups).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from assistant.dialogue.actions import TurnContext
from assistant.dialogue.builtin_actions import top_intent
from assistant.dialogue.events import BotUttered, Restarted, SessionStarted, UserUttered
from assistant.dialogue.policies import Prediction, message_to_read
from assistant.dialogue.tracker import DialogueStateTracker

if TYPE_CHECKING:
    from assistant.nlu.tokenizer import Tokenizer

#: what such a message is answered with
ANSWER_ACTION = "action_answer_from_knowledge"
#: what it gets when the documents have no other service like it
NO_OTHER_RESPONSE = "utter_no_other_service"
#: longer messages are questions of their own
MAX_CHARS = 40
#: intents such a message is read as that leave it to this policy (a confident task, the handoff, a cancel or goodbye
#: keep their routes)
READINGS = frozenset({"out_of_scope", "ask_service_info", "check_eligibility", "inform", "deny", "affirm", "skip",
                      "dont_know", "chitchat", "greet", "thank", "goodbye", "nlu_fallback"})

_OTHERS_KO = re.compile(
    r"(?:다른|딴)\s*(?:건|거|것|게|걸|서비스|지원|혜택|제도|사업|프로그램|복지)"
    r"|비슷한\s*(?:건|거|것|게|걸|서비스|지원|혜택|제도|사업|프로그램)"
    r"|(?:그거|그것|그건|이거|이것|이건|저거|저것)\s*(?:말고|말구|빼고|외에|이외에|제외하고)"
    r"|그\s*(?:외에|밖에)|또\s*(?:뭐|뭔|어떤|다른)|또\s*(?:있|없)")
_OTHERS_EN = re.compile(
    r"\b(?:anything|something|what)\s+else\b|\bany\s*others?\b|\bother\s+(?:services?|benefits?|programmes?|programs?"
    r"|options?|ones?|support|schemes?)\b|\bsimilar\s+(?:services?|benefits?|programmes?|programs?|ones?|support)\b"
    r"|\b(?:besides|other\s+than|apart\s+from|except(?:\s+for)?|instead\s+of)\s+(?:that|this|it)\b",
    re.I)
#: "다른 지역은요?", "다른 서류", "다른 방법": another region, paper or way, not another service
_NOT_SERVICES = re.compile(r"(?:다른|딴)\s*(?:지역|곳|동네|시|도|구|군|서류|방법|날|때|사람|언어)"
                           r"|\bother\s+(?:regions?|places?|cities|city|documents?|papers?|ways?|languages?)\b", re.I)


def asks_for_others(text: str) -> bool:
    """Whether a short message asks for other services than the one answered (Korean and English cue patterns
    above), not for another region, paper or way.

    >>> [asks_for_others(t) for t in ("다른 건요?", "이거 말고 비슷한 거 있어요?", "anything else?", "다른 지역은요?")]
    [True, True, True, False]
    """
    text = (text or "").strip()
    return bool(text) and len(text) <= MAX_CHARS and not _NOT_SERVICES.search(text) \
        and bool(_OTHERS_KO.search(text) or _OTHERS_EN.search(text))


#: the key of an answer's ``custom`` that says which services it was another of: ``{"set_aside": [titles], "doc_id": the
#: first one's document, "question": the question it was answered for}`` ("또 있어요?" after it sets aside these and the
#: one it cited, and asks for services like the first)
OTHERS_OF = "others_of"


class Answered(NamedTuple):
    """What the latest documents answer answered: the titles set aside by asking for others (its own first citation's
    title last), the first one's document and the question it was answered for."""

    set_aside: tuple[str, ...]
    doc_id: str
    question: str


def answered_question(tracker: DialogueStateTracker, turns: int) -> Answered | None:
    """The conversation's latest documents answer (a bot message of ``action_answer_from_knowledge`` whose first
    citation has a title) within the last ``turns`` user turns before the latest message: its title with those an
    earlier "다른 건요?" set aside (:data:`OTHERS_OF`), its document and the user message it answered (or, for an answer
    to "다른 건요?", the first one's document and question); None when there is none (or after a restart or a new
    session, or when the message answered was a button's payload)."""
    seen_users = 0
    cited: tuple[tuple[str, ...], str, str] | None = None
    for e in reversed(tracker.applied_events()):
        if isinstance(e, (Restarted, SessionStarted)):
            return None
        if isinstance(e, UserUttered):
            seen_users += 1
            if cited is not None:
                set_aside, doc_id, question = cited
                question = question or (e.text or "")
                return Answered(set_aside, doc_id, question) if question and not question.startswith("/") else None
            if seen_users > turns + 1:
                return None
        elif isinstance(e, BotUttered) and seen_users >= 1 and cited is None:
            custom = e.data.get("custom") or {}
            citations = custom.get("citations") or []
            if custom.get("response") == ANSWER_ACTION and citations and isinstance(citations[0], dict) \
                    and citations[0].get("title"):
                said = custom.get(OTHERS_OF)
                before: dict[str, Any] = said if isinstance(said, dict) else {}
                titles = tuple(str(t) for t in before.get("set_aside") or ())
                cited = ((*titles, str(citations[0]["title"])),
                         str(before.get("doc_id") or citations[0].get("doc_id") or ""), str(before.get("question") or ""))
    return None


def others_query(titles: tuple[str, ...], overview: str, question: str, tokenizer: Tokenizer | None) -> str:
    """What services like ``titles[0]`` (none of ``titles``) are asked for with: the ``question`` it answered without
    their names when that still says what is needed ("아기 낳았어요": its other services are for a birth too), else what the service is for (its
    ``overview``) and the question without its name (the aspect asked: "에너지바우처 대상이 누구예요?" → "<에너지바우처's
    overview> 대상이 누구예요?"; without the overview the question's words were the set-aside name and every probe
    abstained), its parenthesised parts left out ("바우처(이용권)" was read as a benefit named '바우처이용권' that the
    documents lack). ``tokenizer``: for :func:`~assistant.dialogue.eligibility_route.topic_terms` (None: the overview
    is always used).

    >>> others_query(("연탄쿠폰",), "연탄 쿠폰(이용권)을 주는 난방비 지원", "연탄쿠폰 받고 싶어요", None)
    '연탄 쿠폰을 주는 난방비 지원 받고 싶어요'
    """
    from assistant.dialogue.eligibility_route import topic_terms
    from assistant.dialogue.knowledge_base import title_names

    rest = question
    # each name the title goes by ("Energy voucher (에너지바우처)": "Energy voucher", "에너지바우처"), in any case and
    # spacing ("energy voucher", "에너지 바우처")
    for name in sorted({n for t in titles for n in (t, *title_names(t).values())}, key=len, reverse=True):
        spaced = r"\s*".join(re.escape(ch) for ch in name.replace(" ", ""))
        rest = re.sub(spaced, " ", rest, flags=re.I)
    rest = re.sub(r"\s+", " ", rest).strip()
    if tokenizer is not None and topic_terms(rest, [], tokenizer):
        return rest
    return re.sub(r"\s+", " ", f"{re.sub(r'[(（][^)）]*[)）]', '', overview)} {rest}").strip()


class OtherServicesPolicy:
    """"다른 건요?" after a service was answered → ``action_answer_from_knowledge`` on what it was asked for, that
    service set aside (module docstring)."""

    name = "OtherServicesPolicy"

    def predict(self, tracker: DialogueStateTracker, context: TurnContext) -> Prediction | None:
        """``action_answer_from_knowledge`` (``context.query`` and ``context.others`` set), or None."""
        from assistant.dialogue.eligibility_route import topic_terms
        from assistant.dialogue.knowledge_base import squash
        from assistant.dialogue.service_followup import RECENT_TURNS

        text = message_to_read(tracker)
        if text is None or context.knowledge is None or not asks_for_others(text):
            return None
        intent, _conf = top_intent(tracker)
        if intent not in READINGS:
            return None
        found = answered_question(tracker, RECENT_TURNS)
        if found is None:
            return None
        # another service named, or a kind of help of its own ("에너지바우처 말고 다른 난방비 지원 있어요?": a question
        # of its own, which excluded_titles reads); the services set aside named again are no other
        aside = [squash(t) for t in found.set_aside]
        find = getattr(context.services, "find", None)
        named = [t for t in (find(text) if find is not None else [])
                 if not any(squash(t) in a or a in squash(t) for a in aside)]
        cues = [m.group(0) for pattern in (_OTHERS_KO, _OTHERS_EN) for m in pattern.finditer(text)]
        tokenizer = getattr(getattr(context.knowledge, "composer", None), "tokenizer", None)
        words = [w for w in (topic_terms(text, [], tokenizer) if tokenizer is not None else [])
                 if not any(squash(w) in a for a in aside) and not any(w in cue for cue in cues)]
        if named or words:
            return None
        overview_of = getattr(getattr(context.knowledge, "composer", None), "overview_of", None)
        overview = overview_of(found.doc_id) if overview_of is not None else ""
        context.others = found
        context.query = others_query(found.set_aside, overview, found.question, tokenizer)
        context.fact_question = True  # an abstention says the documents have nothing more, not out of scope
        return Prediction(ANSWER_ACTION, self.name, 1.0)

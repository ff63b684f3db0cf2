"""A button's words typed as text answer the question that shows the button.

Citizens often type what a button says instead of pressing it: "네, 취소할게요" under "…신청을 취소할까요?"
(buttons ``네, 취소할게요`` → ``/affirm``, ``아니요`` → ``/deny``). The NLU reads such a text on its own and
finds the verb: ``cancel`` 0.83 ("stop what we're doing"), so the application stayed and the citizen was told
nothing had been submitted (fresh-user test s7, defect 1). :func:`typed_button_parse` reads the message as the
button instead, when the bot's last turn showed buttons with intent payloads (``/intent`` or
``/intent{"entity": …}``, as :mod:`assistant.dialogue.processor` parses them):

* the message, normalised (NFKC, case folded, without spaces and punctuation), equals a button's title,
  normalised the same way: "네 취소할게요", "Yes, cancel it!" → that button's payload;
* or it starts with a clear yes (no) and restates the question: a content term of the rest of the message
  (nouns, verb stems and Latin words, from :class:`~assistant.nlu.tokenizer.KoreanTokenizer`) is one of the
  asking sentences' (those ending in "?") or the yes (no) button's title ("네 취소해 주세요": 취소 is in "신청을 취소할까요?"; "yes please stop
  them": ``stop`` is in "Yes, stop them") → the ``/affirm`` (``/deny``) button; not when the rest is negated
  ("네, 취소하지 마세요") or asks something ("네, 그런데 취소하면 환불되나요?").

* or the message is a yes (the NLU's ``affirm``: "네", "yes please", "👍") to a question whose buttons hold no
  ``/affirm`` and exactly one button other than ``/deny`` restates the question ("먼저 받을 수 있는 혜택을 확인해
  볼까요?" over the one button "혜택 자격 확인하기" → ``/check_eligibility``): the yes presses that button. Without
  this a yes ran the affirm rule of the turn before and was lost ("알겠어요. 어떤 점을 도와드릴까요?", case C02). So
  does a yes to a message that marks one button as its offer (``custom.offers``: "에너지바우처 받을 수 있나요?" is
  answered with a button "받을 수 있는지 확인하기"; s34 probe: "네" got "지금 확인을 기다리는 요청이 없어서 …").

* or the buttons are the whose-benefits question's (본인 / 어머니 …) and the message names one of them in other words:
  "어머니요", "엄마", "제 거요", "저요", "me", "my mom" (:func:`~assistant.dialogue.whose_benefits.typed_choice`, s20).

* or the message only asks how to check ("그럼 어떻게 확인해요?", "다른 방법은요?", "then how do I check?":
  :func:`asks_how_to_check`) right after an answer that offers the eligibility check (``custom.offers``) or right
  after a refused Public MyData offer (the MyData connector's ``DECLINED_RESPONSE``): the check is what it asks for (s44 probe: "그럼
  어떻게 확인해요?" after refusing MyData read as ``dont_know`` 0.54 and got "어떤 점을 도와드릴까요?"). The check
  starts the questionnaire, or says where else to check when this assistant has no eligibility data.

* or the buttons are the task connector's choice among services of one name run by several bodies (the services in the
  message's ``custom``) and the message says a place one of them serves: "안양이요", "Anyang" (:func:`_typed_place`).

Anything else is left to the NLU. We write this matcher ourselves: it compares the message with the buttons
the conversation itself just showed, which no NLU library sees.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from assistant.dialogue.events import BotUttered, Event, UserUttered
from assistant.nlu.entities.negation import negations
from assistant.nlu.tokenizer import Token, Tokenizer, lexical_terms

#: Clear yes / no words a message may start with (Korean and English), normalised as :func:`normalised_title`.
YES_WORDS = ("네", "예", "응", "그래", "좋아요", "좋아", "yes", "yeah", "yep", "sure", "ok", "okay")
NO_WORDS = ("아니요", "아니오", "아뇨", "아니", "no", "nope")
#: The payload intents that a yes and a no stand for.
YES_INTENT, NO_INTENT = "affirm", "deny"
_PAYLOAD = re.compile(r"^/([A-Za-z0-9_\-.]+)(\{.*\})?$", re.S)
#: Words that say nothing about the action ("please", "주세요" is an ending, not a term).
_FILLER = frozenset({"please", "yes", "no", "sure", "ok", "okay", "yeah", "yep", "nope", "them", "it", "that", "go", "ahead",
                     "네", "예", "응", "그래", "좋", "아니", "부탁", "그냥"})


def normalised_title(text: str) -> str:
    """``text`` without case, width, spaces and punctuation (NFKC, ``casefold``): "네, 취소할게요!" → "네취소할게요"."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def last_buttons(events: Sequence[Event]) -> tuple[BotUttered | None, list[dict[str, Any]]]:
    """The bot's last message of the previous turn that has buttons with intent payloads, and those buttons.

    Looks only at the events after the latest user message (the turn that just asked): a question asked
    turns ago is no longer pending. ``(None, [])`` when there is none.
    """
    for e in reversed(events):
        if isinstance(e, UserUttered):
            break
        if isinstance(e, BotUttered):
            buttons = [b for b in e.data.get("buttons") or []
                       if isinstance(b, dict) and _PAYLOAD.match(str(b.get("payload") or "").strip())]
            if buttons:
                return e, buttons
    return None, []


def asked_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that ask (end with "?"): what a yes or no answers. The rest of a message (a
    consent notice, a checklist) is not restated by a yes: "네, 근데 등본만요" under a long notice is no yes."""
    return [m.strip() for m in re.findall(r"[^.?!？\n]*[?？]", text) if m.strip()]


def _starts_with(norm_words: list[str], words: Sequence[str]) -> bool:
    return bool(norm_words) and norm_words[0] in words


def _terms(tokens: list[Token]) -> set[str]:
    return {t for t in lexical_terms(tokens) if t not in _FILLER}


def typed_button(text: str, events: Sequence[Event], tokenizer: Tokenizer) -> dict[str, Any] | None:
    """The button that ``text`` stands for (see the module docstring), or None.

    Args:
        text: the user's message as typed.
        events: the conversation's events before this message.
        tokenizer: a :class:`~assistant.nlu.tokenizer.KoreanTokenizer` (content terms and negation cues).

    Returns:
        The button's dict (``title``, ``payload``), or None when the message is not one of the buttons.
    """
    said, buttons = last_buttons(events)
    if said is None or not text.strip():
        return None
    typed = normalised_title(text)
    for b in buttons:
        if typed and typed == normalised_title(str(b.get("title") or "")):
            return b
    from assistant.dialogue.whose_benefits import typed_choice  # here: whose_benefits imports the dialogue's core

    chosen = typed_choice(text, buttons)  # "어머니요", "제 거요", "my mother" under the whose-benefits question (s20)
    if chosen is not None:
        return chosen
    from connectors.tasks.actions import offered_services  # here: the connector imports the dialogue's core

    if offered := offered_services(said.data.get("custom") or {}):
        # the question among services of one name run by several bodies: the place said chooses one of them
        return _typed_place(text, offered, buttons, tokenizer)
    words = [normalised_title(w) for w in re.split(r"[\s,.!~]+", unicodedata.normalize("NFKC", text)) if normalised_title(w)]
    for clear, intent in ((YES_WORDS, YES_INTENT), (NO_WORDS, NO_INTENT)):
        button = next((b for b in buttons if str(b.get("payload") or "").strip().split("{")[0] == f"/{intent}"), None)
        if button is None or not _starts_with(words, clear):
            continue
        first = re.search(r"[\s,.!~]", text.strip())
        rest = text.strip()[first.end():] if first else ""
        if not rest.strip() or "?" in rest:
            return None  # a bare yes is the NLU's (affirm); a question after it is answered as a question
        tokens = tokenizer.tokenize(rest)
        if intent == YES_INTENT and negations(rest, tokens):
            return None  # "네, 취소하지 마세요": not a plain yes
        question = _terms(tokenizer.tokenize(" ".join([*asked_sentences(said.text or ""), str(button.get("title") or "")])))
        return button if _terms(tokens) & question else None
    return None


CHECK_PAYLOAD = "/check_eligibility"
_HOW_TO_CHECK = (
    re.compile(r"^(?:(?:그럼|그러면|그렇다면|그럼요|아|음|어|흠|그)\s*[,.]?\s*)*(?:(?:마이데이터|그거)?\s*없이(?:는|도)?\s*)?"
               r"(?:제가\s*)?(?:직접\s*)?(?:어떻게|어케|어떡게|어찌|우째|어떤\s*방법으로|다른\s*방법으로)\s*(?:제가\s*)?(?:직접\s*)?"
               r"(?:(?:확인|조회)(?:해요|하죠|하나요|하냐|해|합니까|할까요|하지요|해야\s*(?:돼요|되나요|하나요|해요|하죠)|"
               r"할\s*수\s*있(?:어요|나요|죠|을까요)|하면\s*(?:돼요|되나요|되죠|될까요))?|"
               r"알(?:아(?:요|죠|봐요|보죠|보나요|봐|봐야\s*(?:돼요|하나요|해요)|볼\s*수\s*있(?:어요|나요|죠)|야\s*(?:돼요|하나요|해요|하죠))|"
               r"\s*수\s*있(?:어요|나요|죠|을까요)))\s*[?？.!~ㅠㅜ]*$"),
    re.compile(r"^(?:(?:그럼|그러면|그렇다면)\s*)?(?:다른|딴)\s*방법(?:은|이|도)?\s*(?:요|있어요|있나요|없어요|없나요|있을까요|없을까요)?"
               r"\s*[?？.!~]*$"),
    re.compile(r"^(?:(?:so|then|ok|okay|well|hmm|but)[,\s]+)*how\s+(?:else\s+)?(?:do|can|could|would|should|will)\s+i\s+"
               r"(?:check|find\s+out|know|see|tell)(?:\s+(?:it|that|then|instead|myself|else|if\s+i\s+qualify|"
               r"without\s+(?:it|that|mydata|my\s+records)))*\s*[?.!]*$", re.I),
    re.compile(r"^(?:(?:so|then|ok|okay|well)[,\s]+)*(?:is\s+there\s+)?(?:an|any)?\s*other\s+way(?:\s+to\s+check)?"
               r"(?:\s+then)?\s*[?.!]*$", re.I),
)


def asks_how_to_check(text: str) -> bool:
    """Whether ``text`` asks only how to check (whether one can get help), with nothing else asked: "그럼 어떻게
    확인해요?", "어떻게 알 수 있어요?", "마이데이터 없이 어떻게 확인해요?", "다른 방법은요?", "then how do I check?",
    "how else can I find out?", "is there another way?". "신청은 어떻게 해요?" or "에너지바우처는 어떻게 확인해요?"
    asks something else (a step, a service) and is no such question.

    Example:
        >>> asks_how_to_check("그럼 어떻게 확인해요?"), asks_how_to_check("then how do I check?")
        (True, True)
        >>> asks_how_to_check("신청은 어떻게 해요?"), asks_how_to_check("에너지바우처는 어떻게 확인해요?")
        (False, False)
    """
    said = " ".join(unicodedata.normalize("NFKC", text).split())
    return any(p.match(said) for p in _HOW_TO_CHECK)


def _how_to_check_button(text: str, events: Sequence[Event]) -> str | None:
    """The payload that "how do I check?" stands for (:func:`asks_how_to_check`), or None: the offered eligibility
    check's button of the answer just given, or the check itself right after a refused MyData offer."""
    if not asks_how_to_check(text):
        return None
    said, buttons = last_buttons(events)
    offers = {str(o) for o in ((said.data.get("custom") or {}).get("offers") or [])} if said is not None else set()
    if "check_eligibility" in offers and any(_payload_intent(b) == "check_eligibility" for b in buttons):
        return CHECK_PAYLOAD
    from connectors.mydata.actions import DECLINED_RESPONSE  # here: the connector imports the dialogue's core

    for e in reversed(events):
        if isinstance(e, UserUttered):
            return None
        if isinstance(e, BotUttered):
            return CHECK_PAYLOAD if (e.data.get("custom") or {}).get("response") == DECLINED_RESPONSE else None
    return None


def _typed_place(text: str, offered: Sequence[Any], buttons: list[dict[str, Any]], tokenizer: Tokenizer) -> dict[str, Any] | None:
    """The one button, under the question which body's service of one name is meant or where the citizen lives
    (``offered``: its services, with their agencies), whose service's agency serves the place the message says ("부산
    수영구요", "안양 살아요", "Anyang"), made for it when no button shows it; or None (no place said, or none or
    several serve it)."""
    from assistant.dialogue.regional import residence_statement
    from assistant.knowledge.region_preference import lives_elsewhere
    from assistant.regions import only_place_names, read_place

    place = residence_statement(text, tokenizer)
    area = read_place(place) if place is not None else read_place(text) if only_place_names(text.strip(" .!?")) else None
    if area is None:
        return None
    from connectors.tasks.actions import apply_button  # here: the connector imports the dialogue's core

    served = [s for s in offered if lives_elsewhere(s.agency, {"region": str(area)}) is None]
    if len(served) != 1:
        return None
    chosen = [b for b in buttons if f'"{served[0].service_id}"' in str(b.get("payload") or "")]
    # one offered that no button shows (the question where the citizen lives offers more services than buttons)
    return chosen[0] if chosen else apply_button(served[0])


def _payload_intent(button: dict[str, Any]) -> str:
    return str(button.get("payload") or "").strip().split("{")[0].lstrip("/")


def offered_button(events: Sequence[Event], tokenizer: Tokenizer) -> dict[str, Any] | None:
    """The one button that a yes to the bot's last question presses, or None (see the module docstring).

    Args:
        events: the conversation's events before the yes.
        tokenizer: content terms of the asking sentences and the button titles.

    Returns:
        The one button whose payload's intent the message marks as its offer (``custom.offers``, as a knowledge
        answer marks its eligibility-check button), else the button whose title shares a content term with the
        asking sentences (those ending in "?") when it is
        the only such button that is not ``/deny``, in both cases when no button is ``/affirm``; None otherwise (no question, no
        such button, two of them, two buttons of one intent (a choice, as among regions), or an ``/affirm`` button
        that the NLU's yes reaches by itself).
    """
    said, buttons = last_buttons(events)
    if said is None or any(_payload_intent(b) == YES_INTENT for b in buttons):
        return None
    offers = {str(o) for o in (said.data.get("custom") or {}).get("offers") or []}
    marked = [b for b in buttons if _payload_intent(b) in offers]
    if len(marked) == 1:  # the message marks its offer (custom.offers: the answer's "받을 수 있는지 확인하기")
        return marked[0]
    asked = asked_sentences(said.text or "")
    if not asked:
        return None
    intents = [_payload_intent(b) for b in buttons if _payload_intent(b) != NO_INTENT]
    if len(intents) != len(set(intents)):
        # a choice among answers of one kind (the regions that run a programme, whose benefits): a yes chooses none
        # of them (s36 second probe: "네" at "어느 지역에 사세요?" answered for 충청북도 옥천군, the one button whose
        # title shared 군 with "시·군·구")
        return None
    question = _terms(tokenizer.tokenize(" ".join(asked)))
    offered = [b for b in buttons if _payload_intent(b) != NO_INTENT
               and _terms(tokenizer.tokenize(str(b.get("title") or ""))) & question]
    return offered[0] if len(offered) == 1 else None


def typed_button_parse(text: str, events: Sequence[Event], tokenizer: Tokenizer,
                       nlu_parse: dict[str, Any], payload_parse: Any) -> dict[str, Any]:
    """``nlu_parse`` replaced by the parse of the button ``text`` stands for, when it stands for one.

    Args:
        text: the user's message.
        events: the conversation's events before it.
        tokenizer: see :func:`typed_button`.
        nlu_parse: the NLU's Rasa-format parse of ``text``.
        payload_parse: ``callable(payload) -> parse | None``: the processor's parser of button payloads.

    Returns:
        The payload's parse (intent confidence 1.0) with ``typed_button`` (the title) and ``nlu_intent`` (what
        the NLU read) added, or ``nlu_parse`` unchanged.
    """
    button = typed_button(text, events, tokenizer)
    if button is None and (nlu_parse.get("intent") or {}).get("name") == YES_INTENT:
        button = offered_button(events, tokenizer)
    if button is None and (payload := _how_to_check_button(text, events)) is not None:
        button = {"title": "", "payload": payload}
    if button is None:
        return nlu_parse
    parse = payload_parse(str(button.get("payload") or "").strip())
    if not isinstance(parse, dict):
        return nlu_parse
    return {**parse, "text": text, "typed_button": str(button.get("title") or ""), "nlu_intent": nlu_parse.get("intent")}

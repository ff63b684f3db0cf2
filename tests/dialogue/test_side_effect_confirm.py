"""A side-effect action chosen on an unsure intent asks to confirm first, whichever policy chose it
(assistant.dialogue.side_effects): inside the eligibility form (where the intent-only guard does not look: the form's
own rule "use_mydata while the form asks → action_offer_mydata" chose it), in Korean and English, through the bundled engine. The NLU is made to read one text as the intent at a
probability between ``intent_threshold`` and ``action_intent_threshold`` (what an ambiguous message gets)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn

START = {"ko": "제가 받을 수 있는 지원이 있나요?", "en": "What benefits can I get?"}
#: text → the side-effect intent it is read as (unsure), per language
UNSURE = {
    "ko": ("그 정보 마이데이터로 가져올 수도 있나", "use_mydata"),
    "en": ("maybe that could come from MyData", "use_mydata"),
}
ASK = {"ko": "진행할까요?", "en": "Shall I go ahead?"}
DECLINED = {"ko": "진행하지 않을게요", "en": "I won't go ahead"}


class _Forced:
    """Wraps the NLU: one text gets the given top intent and probability."""

    def __init__(self, nlu: Any, text: str, intent: str, confidence: float) -> None:
        self.nlu, self.text, self.intent, self.confidence = nlu, text, intent, confidence

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlu, name)

    def parse(self, text: str, vector: Any = None, language: str | None = None) -> Any:
        parsed = self.nlu.parse(text, vector=vector, language=language)
        if text != self.text:
            return parsed
        top = {"name": self.intent, "confidence": self.confidence}
        rest = {"name": "inform", "confidence": round(1 - self.confidence, 3)}

        class _P:
            def to_rasa(self) -> dict[str, Any]:
                return {**parsed.to_rasa(), "intent": top, "intent_ranking": [top, rest]}

        return _P()


def say(p: MessageProcessor, text: str, sender: str = "s1") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def actions_run(p: MessageProcessor, sender: str = "s1") -> list[str]:
    return [e["name"] for e in p.tracker_state(sender)["events"] if e["event"] == "action"]


def unsure(p: MessageProcessor, lang: str) -> tuple[str, str, float]:
    text, intent = UNSURE[lang]
    conf = round((p.settings.intent_threshold + p.settings.action_intent_threshold) / 2, 3)
    assert p.settings.intent_threshold <= conf < p.settings.action_intent_threshold
    p.nlu = _Forced(p.nlu, text, intent, conf)  # type: ignore[assignment]
    return text, intent, conf


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_inside_a_form_an_unsure_side_effect_intent_asks_first_and_a_no_resumes_the_form(processor, lang: str) -> None:  # type: ignore[no-untyped-def]
    text, intent, _ = unsure(processor, lang)
    say(processor, START[lang])
    state = processor.tracker_state("s1")
    assert state["active_loop"].get("name") == "eligibility_form" and state["slots"]["requested_slot"] == "age"
    t = say(processor, text)
    assert "utter_confirm_side_effect" in responses(t), responses(t)
    ask = next(m for m in t.messages if m.custom.get("response") == "utter_confirm_side_effect")
    assert ASK[lang] in ask.text
    assert [b["payload"] for b in ask.buttons] == [f"/{intent}", "/out_of_scope"]  # the no fills no yes/no slot
    assert "action_offer_mydata" not in actions_run(processor)
    assert processor.tracker_state("s1")["slots"].get("mydata_pending_consent") is None
    assert responses(t)[-1] == "utter_confirm_side_effect"  # it waits for the answer; the form does not re-ask yet

    no = say(processor, ask.buttons[1]["payload"])
    assert responses(no) == ["utter_side_effect_declined", "utter_ask_age"], responses(no)
    assert DECLINED[lang] in no.messages[0].text
    s = processor.tracker_state("s1")
    assert s["active_loop"].get("name") == "eligibility_form" and s["slots"]["requested_slot"] == "age" and s["slots"]["age"] is None
    assert "action_offer_mydata" not in actions_run(processor)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_yes_to_the_question_runs_the_action_chosen_by_the_same_policy(processor, lang: str) -> None:  # type: ignore[no-untyped-def]
    text, intent, _ = unsure(processor, lang)
    say(processor, START[lang])
    ask = next(m for m in say(processor, text).messages if m.custom.get("response") == "utter_confirm_side_effect")
    before = len(actions_run(processor))
    yes = say(processor, ask.buttons[0]["payload"])
    ran = actions_run(processor)[before:]
    assert "action_offer_mydata" in ran and "action_confirm_side_effect" not in ran, ran
    assert "utter_confirm_side_effect" not in responses(yes)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_same_intent_when_sure_runs_without_asking(processor, lang: str) -> None:  # type: ignore[no-untyped-def]
    text, intent, _ = UNSURE[lang][0], UNSURE[lang][1], None
    processor.nlu = _Forced(processor.nlu, text, intent, processor.settings.action_intent_threshold)
    say(processor, START[lang])
    t = say(processor, text)
    assert "utter_confirm_side_effect" not in responses(t)
    assert "action_offer_mydata" in actions_run(processor)


def test_a_followup_side_effect_on_an_unsure_intent_is_confirmed_too(processor) -> None:  # type: ignore[no-untyped-def]
    """Not only the policies: a ``followup`` to a side-effect action on an unsure message is asked first."""
    from assistant.dialogue.actions import FunctionAction
    from assistant.dialogue.events import FollowupAction

    text, intent, _ = unsure(processor, "ko")
    processor.registry.register(FunctionAction("action_answer_from_knowledge",
                                               lambda t, d, c: [FollowupAction("action_prepare_cancellation")]), replace=True)
    processor.nlu.intent = "ask_service_info"  # type: ignore[attr-defined]  # the knowledge action runs, then the followup
    t = say(processor, text)
    ran = actions_run(processor)
    assert "action_confirm_side_effect" in ran and "action_prepare_cancellation" not in ran, ran
    assert responses(t)[-1] == "utter_confirm_side_effect"

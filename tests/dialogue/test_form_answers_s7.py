"""Fresh-user test s7, defects 2, 8 and 11, through the real engine on the bundled corpus (its eligibility connector
asks the small test catalogue of tests/engine_catalogue.py), in Korean and English:

* 2: the answer the region question itself suggests ("부산 해운대구") fills the slot even when the NLU reads it as
  out_of_scope above ``form_digression_threshold`` (forms.is_bare_answer); a question that names a place does not;
* 8: the general "what can I get" question with 지원금/보조금/수당/grant/allowance… is the general question
  (eligibility_route.named_benefit), as "…지원이 있나요?" is;
* 11: a value given for another question than the one asked is kept and said so before the question is asked again.
"""

from __future__ import annotations

from typing import Any

import pytest

from assistant.dialogue.eligibility_route import GENERAL_KO, named_benefit, topic_terms
from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.knowledge.glossary import default_glossary
from assistant.nlu.tokenizer import KoreanTokenizer

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 43 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

GENERAL = {"ko": "제가 받을 수 있는 지원이 있나요?", "en": "What benefits can I get?"}


def say(p: MessageProcessor, text: str, sender: str = "s1") -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def state(p: MessageProcessor, sender: str = "s1") -> dict[str, Any]:
    return p.tracker_state(sender)


class _Forced:
    """Wraps the NLU: the given texts get the given top intent and probability (their entities are the NLU's own)."""

    def __init__(self, nlu: Any, texts: set[str], intent: str, confidence: float) -> None:
        self.nlu, self.texts, self.intent, self.confidence = nlu, texts, intent, confidence

    def __getattr__(self, name: str) -> Any:
        return getattr(self.nlu, name)

    def parse(self, text: str, vector: Any = None, language: str | None = None) -> Any:
        parsed = self.nlu.parse(text, vector=vector, language=language)
        if text not in self.texts:
            return parsed
        top = {"name": self.intent, "confidence": self.confidence}
        rest = {"name": "inform", "confidence": round(1 - self.confidence, 3)}

        class _P:
            def to_rasa(self) -> dict[str, Any]:
                return {**parsed.to_rasa(), "intent": top, "intent_ranking": [top, rest]}

        return _P()


def _to_region_question(p: MessageProcessor, lang: str, sender: str = "s1") -> None:
    say(p, GENERAL[lang], sender)
    say(p, "34세예요" if lang == "ko" else "I'm 34", sender)
    st = state(p, sender)
    assert st["active_loop"].get("name") == "eligibility_form" and st["slots"]["requested_slot"] == "region", st["slots"]


# --- defect 2 ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "answer", "region"), [
    ("ko", "부산 해운대구", "부산광역시 해운대구"),
    ("ko", "서울 노원구", "서울특별시 노원구"),
    ("ko", "부산 해운대구에 살아요", "부산광역시 해운대구"),
    ("en", "Haeundae-gu, Busan", "부산광역시 해운대구"),
])
def test_a_place_answer_read_as_confident_out_of_scope_fills_the_region(processor, lang: str, answer: str,  # type: ignore[no-untyped-def]
                                                                          region: str) -> None:
    s = processor.settings
    conf = round(min(0.99, max(s.form_digression_threshold, s.intent_threshold) + 0.05), 3)
    assert conf >= s.form_digression_threshold and conf >= s.intent_threshold  # the case that was refused
    processor.nlu = _Forced(processor.nlu, {answer}, "out_of_scope", conf)
    _to_region_question(processor, lang)
    t = say(processor, answer)
    assert "utter_out_of_scope" not in responses(t), [m.text for m in t.messages]
    st = state(processor)
    assert st["slots"]["region"] == region
    assert st["slots"]["requested_slot"] != "region"  # the next question, or the form ended (the catalogue decided)
    assert "action_check_eligibility" in [e["name"] for e in st["events"] if e["event"] == "action"] \
        or st["active_loop"].get("name") == "eligibility_form"


@pytest.mark.parametrize(("lang", "question"), [("ko", "오늘 서울 날씨 어때요?"), ("ko", "서울 날씨 알려줘"),
                                                ("en", "What's the weather like in Seoul today?")])
def test_a_question_that_names_a_place_is_still_a_digression(processor, lang: str, question: str) -> None:  # type: ignore[no-untyped-def]
    s = processor.settings
    conf = round(min(0.99, max(s.form_digression_threshold, s.intent_threshold) + 0.05), 3)
    processor.nlu = _Forced(processor.nlu, {question}, "out_of_scope", conf)
    _to_region_question(processor, lang)
    t = say(processor, question)
    st = state(processor)
    assert st["slots"].get("region") is None and st["slots"]["requested_slot"] == "region", st["slots"]
    assert responses(t)[-1] == "utter_ask_region", responses(t)


@pytest.mark.parametrize(("lang", "answer", "region"), [("ko", "부산 해운대구", "부산광역시 해운대구"),
                                                         ("ko", "서울 노원구", "서울특별시 노원구")])
def test_the_suggested_answer_fills_the_region_with_the_real_nlu(processor, lang: str, answer: str, region: str) -> None:  # type: ignore[no-untyped-def]
    _to_region_question(processor, lang)
    say(processor, answer)
    assert state(processor)["slots"]["region"] == region


# --- defect 8 ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["제가 받을 수 있는 지원금이 있나요?", "제가 받을 수 있는 보조금이 있나요?", "받을 수 있는 수당 있어요?",
                                  "제가 받을 수 있는 혜택이 뭐가 있나요?", "What grants can I get?",
                                  "Are there any allowances I can get?", "Which subsidies can I get?"])
def test_generic_words_for_help_are_no_topic_and_no_benefit_name(text: str) -> None:
    assert topic_terms(text, [], KoreanTokenizer()) == []
    assert named_benefit(default_glossary(), text) is None


def test_a_real_benefit_name_is_still_named() -> None:
    named = named_benefit(default_glossary(), "출산지원금 받을 수 있나요?")
    assert named is not None and named[0] not in GENERAL_KO and "지원금" in named[0]


@pytest.mark.parametrize(("lang", "text"), [("ko", "제가 받을 수 있는 지원금이 있나요?"), ("ko", "제가 받을 수 있는 보조금이 있나요?"),
                                            ("ko", "제가 받을 수 있는 혜택이 뭐가 있나요?")])
def test_the_general_question_with_another_word_for_help_is_the_general_question(processor, lang: str, text: str) -> None:  # type: ignore[no-untyped-def]
    reference = say(processor, GENERAL[lang], "reference")
    t = say(processor, text, "s1")
    assert responses(t) == responses(reference) and responses(t)[-1] == "utter_ask_age", responses(t)
    assert state(processor)["active_loop"].get("name") == "eligibility_form"


def test_without_eligibility_data_the_general_question_says_so_whatever_the_word(make_processor) -> None:  # type: ignore[no-untyped-def]
    p = make_processor(eligibility_url=None)
    reference = say(p, GENERAL["ko"], "reference")
    t = say(p, "제가 받을 수 있는 지원금이 있나요?", "s1")
    assert responses(t) == responses(reference), (responses(t), responses(reference))
    assert "utter_no_answer" not in responses(t)


# --- defect 11 ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "other", "said"), [("ko", "여자예요", "성별은 여성으로 기억할게요."),
                                                   ("en", "I'm a woman", "Noted: female.")])
def test_an_answer_to_another_question_is_kept_and_said(processor, lang: str, other: str, said: str) -> None:  # type: ignore[no-untyped-def]
    """The sex given when the region is asked (as "67세예요" was, where a catalogue asks the region first)."""
    _to_region_question(processor, lang)
    t = say(processor, other)
    st = state(processor)
    assert st["slots"]["sex"] == "female" and st["slots"]["requested_slot"] == "region"
    assert [m.text for m in t.messages][0] == said, [m.text for m in t.messages]
    assert responses(t) == ["utter_kept_sex", "utter_ask_region"], responses(t)


def test_the_kept_message_says_the_value_in_the_slot_s_unit(processor) -> None:  # type: ignore[no-untyped-def]
    """utter_kept_age / utter_kept_region render the value as stored (67.0 → "67세")."""
    from assistant.dialogue.responses import render_response

    d = processor.domain
    assert render_response(d, "utter_kept_age", language="ko", slots={"age": 67.0}, value=67.0).text == "나이는 67세로 기억할게요."
    assert render_response(d, "utter_kept_region", language="en", slots={"language": "en"},
                           value="부산광역시 해운대구").text == "Noted: you live in 부산광역시 해운대구."


@pytest.mark.parametrize(("lang", "region", "other", "said"), [
    ("ko", "부산 해운대구", "여자예요", "성별은 여성으로 기억할게요."),
    ("en", "Busan", "I'm a woman", "Noted: female."),
])
def test_the_sex_given_at_the_income_question_is_kept_and_said(processor, lang: str, region: str, other: str,  # type: ignore[no-untyped-def]
                                                               said: str) -> None:
    _to_region_question(processor, lang)
    say(processor, region)
    assert state(processor)["slots"]["requested_slot"] == "income_pct"
    t = say(processor, other)
    st = state(processor)
    assert st["slots"]["sex"] == "female" and st["slots"]["requested_slot"] == "income_pct"
    assert t.messages[0].text == said and responses(t)[0] == "utter_kept_sex", [m.text for m in t.messages]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_an_answer_to_the_question_asked_says_nothing_more(processor, lang: str) -> None:  # type: ignore[no-untyped-def]
    say(processor, GENERAL[lang])
    t = say(processor, "34세이고 부산에 살아요" if lang == "ko" else "I'm 34 and I live in Busan")
    assert not any(str(r).startswith("utter_kept_") or r == "utter_slot_kept" for r in responses(t)), responses(t)
    assert state(processor)["slots"]["age"] == 34

"""A message that is only a card, account or registration number is read deterministically, not by a classifier draw.

Outside a form the bundled rules answer a fact with an offer of help ("A yes, no or fact outside a form gets an
offer of help", intents/rules.yml); in a form the requested slot is asked again. Both after the typed-number warning.
"""

from __future__ import annotations

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.nlu.pipeline import PERSONAL_NUMBER_INTENT
from assistant.nlu.preprocess import sensitive_number_only

CARD, RRN, ACCOUNT = "4111-1111-1111-1111", "900101-1234567", "110-123-456789"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (CARD, "card"), ("4111 1111 1111 1111", "card"), (f"({CARD})", "card"), (f"{CARD}.", "card"),
        (RRN, "rrn"), (f" {RRN} ", "rrn"), (ACCOUNT, "account"), (f"{CARD} {RRN}", "card"),
        ("010-1234-5678", None),  # a phone number alone is a fact the assistant asks for
        (f"카드 {CARD}", None), (f"my card is {CARD}", None), (f"{CARD}이에요", None),  # words to read
        ("TK-20200101-00000000", None),  # a receipt: letters before the digits
        ("123", None), ("", None), ("🙂", None), (f"{CARD} 2", None),
    ],
)
def test_sensitive_number_only(text: str, kind: str | None) -> None:
    assert sensitive_number_only(text) == kind


@pytest.mark.parametrize("text", [CARD, "4111 1111 1111 1111", RRN, ACCOUNT, f"{RRN}."])
def test_the_nlu_reads_it_as_inform_with_certainty(bundled_router, text: str) -> None:  # type: ignore[no-untyped-def]
    parsed = bundled_router.nlu.parse(text)
    assert (parsed.nlu.intent.name, parsed.nlu.intent.confidence) == (PERSONAL_NUMBER_INTENT, 1.0)
    assert sum(p.confidence for p in parsed.nlu.ranking) == 1.0 and not parsed.nlu.is_out_of_scope
    assert parsed.to_rasa()["intent"] == {"name": "inform", "confidence": 1.0}


def test_a_phone_number_and_a_sentence_are_still_classified(bundled_router) -> None:  # type: ignore[no-untyped-def]
    question = bundled_router.nlu.parse(f"{CARD} 주거급여 받을 수 있나요?").nlu.intent
    assert question.name != PERSONAL_NUMBER_INTENT or question.confidence < 1.0


def _responses(turn) -> list[str | None]:  # type: ignore[no-untyped-def]
    return [m.custom.get("response") for m in turn.messages]


@pytest.mark.parametrize("text", [CARD, RRN])
def test_outside_a_form_a_warning_and_an_offer_of_help(make_processor, text: str) -> None:  # type: ignore[no-untyped-def]
    turn = make_processor().handle_message(UserMessage("num-only", text, channel="rest"))
    assert _responses(turn) == ["utter_pii_warning", "utter_how_can_i_help"]
    assert turn.intent["name"] == "inform"


def test_in_a_form_the_question_is_asked_again(make_processor) -> None:  # type: ignore[no-untyped-def]
    p = make_processor()
    first = p.handle_message(UserMessage("num-form", "제가 받을 수 있는 지원이 있나요?", channel="rest"))
    asked = _responses(first)[-1]
    assert asked == "utter_ask_age"
    turn = p.handle_message(UserMessage("num-form", CARD, channel="rest"))
    out = _responses(turn)
    assert out[0] == "utter_pii_warning" and out[-1] == asked
    assert p.tracker_state("num-form")["slots"]["age"] is None

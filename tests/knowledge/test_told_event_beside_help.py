"""A life event told beside the help asked for ("회사 그만두고 창업하려는데 지원 있어요?", "퇴사했는데 월세 지원 있나요") is
the citizen's circumstance: whether the documents answer, and what the answer must speak of, are the help's. s59 note:
both abstained (the gate's overlap counted 회사 and 그만두, which no 창업 page says; the bundled 월세 pages were found
not to hold 퇴사) where the same question without the event is answered.

Expected values: the reply to the question without the event, through the same engine, and the titles of the corpus
(bundled) or the catalogue rows (gov24, slow)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.knowledge.glossary import told_event_at
from catalogue_talk import first_reply  # type: ignore[import-not-found]


@pytest.mark.parametrize(("text", "told"), [
    ("회사 그만두고 창업하려는데 지원 있어요?", "회사 그만두"), ("회사에서 짤렸는데 월세 지원 받을 수 있어요?", "회사에서 짤렸"),
    ("퇴사했는데 월세 지원 있나요", "퇴사했"), ("I lost my job, is there help with rent?", "lost my job"),
])
def test_the_event_told_is_found_where_it_is_said(text: str, told: str) -> None:
    span = told_event_at(text)
    assert span is not None and text[span[0]:span[1]] == told


@pytest.mark.parametrize("text", [
    # a need said in other words is what is asked, no event beside it
    "기초생활수급자 신청 어떻게 해요?", "취준생인데 면접 볼 때 돈 주는 거 있나요", "활동지원 신청 자격이 어떻게 되나요",
    "월세 지원 받을 수 있어요?", "머리카락이 잘렸어요",
])
def test_no_event_is_found_where_none_is_told(text: str) -> None:
    assert told_event_at(text) is None


def _cited(turn: Any) -> list[tuple[str, str]]:
    return [(str(c["title"]), str(c.get("section"))) for m in turn.messages for c in m.custom.get("citations") or []]


@pytest.mark.parametrize("event", ["회사에서 짤렸는데", "퇴사했는데", "직장 그만두고"])
def test_a_job_lost_beside_the_help_asked_gets_the_help_s_reply(make_processor: Any, bundled_router: Any,
                                                                event: str) -> None:
    """The bundled corpus: the reply to "<event> 월세 지원 받을 수 있어요?" is the reply to "월세 지원 받을 수 있어요?",
    which cites the bundled pages whose titles hold 월세 (read from the index)."""
    rent_titles = {d.title for d in bundled_router.retriever.index.docs.values() if "월세" in d.title}
    assert rent_titles
    plain = make_processor().handle_message(UserMessage("plain", "월세 지원 받을 수 있어요?", "rest", {}))
    told = make_processor().handle_message(UserMessage("told", f"{event} 월세 지원 받을 수 있어요?", "rest", {}))
    assert _cited(plain) and {t for t, _s in _cited(plain)} <= rent_titles
    assert _cited(told) == _cited(plain)
    assert [m.text for m in told.messages] == [m.text for m in plain.messages]


def test_the_event_alone_still_implies_its_benefit(bundled_router: Any) -> None:
    """Nothing but the event is asked ("퇴사하면 뭐 받아요"): the question is kept whole (the 실업급여 note, s57)."""
    composer = bundled_router.composer
    for text in ("퇴사하면 뭐 받아요", "회사에서 짤렸어요"):
        assert composer.without_told_event(text) == text
    assert composer.without_told_event("퇴사했는데 월세 지원 있나요") == " 는데 월세 지원 있나요"


def test_starting_a_business_after_leaving_a_job_is_answered_as_starting_one(gov24_settings: Any,
                                                                               gov24_router: Any) -> None:
    """The catalogue (slow): "회사 그만두고 창업하려는데 지원 있어요?" is answered with the service "창업하려는데 지원
    있어요?" is answered with, whose catalogue title names 창업, and every service it cites (the related ones listed
    after it too: the question's words beside the event are what they must hold) names 창업 in its title, summary
    or purpose (read from the rows). The rest of the listing may differ: the event's words still move the ranks."""
    from shared_paths import GOV24_DIR

    def rows_of(name: str) -> list[dict[str, Any]]:
        data = json.loads((GOV24_DIR / f"gov24_{name}_snapshot.json").read_text(encoding="utf-8"))
        return list(data["data"] if isinstance(data, dict) else data)

    rows = rows_of("serviceList")
    titled = {str(r["서비스ID"]) for r in rows if "창업" in str(r["서비스명"])}
    about = {str(r["서비스ID"]) for r in rows if "창업" in str(r["서비스명"]) + str(r.get("서비스목적요약") or "")}
    about |= {str(r["서비스ID"]) for r in rows_of("serviceDetail") if "창업" in str(r.get("서비스목적") or "")}
    plain = first_reply(gov24_settings, gov24_router, "창업하려는데 지원 있어요?", sender="plain")
    told = first_reply(gov24_settings, gov24_router, "회사 그만두고 창업하려는데 지원 있어요?", sender="told")
    cited = list(dict.fromkeys(c["doc_id"] for c in told.custom.get("citations") or []))
    assert cited and cited[0] in titled, told.text
    assert cited[0] == (plain.custom.get("citations") or [{}])[0].get("doc_id")
    assert len(cited) > 1 and set(cited) <= about, told.text


def test_an_english_job_loss_beside_help_with_rent_gets_the_rent_reply(make_processor: Any, bundled_router: Any) -> None:
    """s60 probe: "I lost my job, is there help with rent?" was told first that 실업급여 is not in the documents,
    where its Korean twin is not: the glossary's word for "rent" (월세) is what a bundled title holds (read here)."""
    rent_titles = {d.title for d in bundled_router.retriever.index.docs.values() if "월세" in d.title}
    plain = make_processor().handle_message(UserMessage("plain-en", "Is there help with rent?", "rest", {}))
    told = make_processor().handle_message(UserMessage("told-en", "I lost my job, is there help with rent?", "rest", {}))
    assert _cited(plain) and {t for t, _s in _cited(plain)} <= rent_titles
    assert _cited(told) == _cited(plain)
    assert all("실업급여" not in m.text and not m.custom.get("missing_service") for m in told.messages), told.messages[0].text

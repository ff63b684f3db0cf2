"""Regional programmes asked without a region, through the engine (issue 2, s10): "출산지원금 얼마 받을 수 있어요?".

A small home of real catalogue records (../shared/data/gov24_benefits, read at test time; skipped without it): three
local governments' 출산 programmes under three names, 부산광역시 수영구's, and 보건복지부's national 임신·출산 service. The
engine asks where the citizen lives (Korean and English), then answers for the region: its own programme, or, for a
region that runs none (대구광역시 수성구: no 출산 title in the catalogue), says so by name and gives the national one.
The real ranking over all 1,097 services is checked by the slow tests at the end (the session's catalogue home).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from assistant.dialogue.messages import UserMessage
from assistant.dialogue.processor import MessageProcessor, Turn
from assistant.settings import Settings
from picked_catalogue import picked_documents, processor_over
from shared_paths import GOV24_DIR

LOCAL_TYPES = {"시군구", "광역시도"}
PICK = {("출산지원금 지원", "부산광역시 강서구"), ("용인시 출산지원금 지원", "경기도 용인시"), ("출산장려금 지원", "대전광역시 유성구"),
        ("출산장려금 지원", "부산광역시 수영구"), ("건강보험 임신·출산 진료비 지원", "보건복지부"),
        ("에너지바우처", "기후에너지환경부"), ("연탄쿠폰", "산업통상부")}


def catalogue_rows() -> list[dict[str, Any]]:
    path = GOV24_DIR / "gov24_serviceList_snapshot.json"
    if not path.exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    return list(json.loads(path.read_text(encoding="utf-8"))["data"])


@pytest.fixture(scope="module")
def engine(bundled_settings: Settings, embedder: Any, tmp_path_factory: pytest.TempPathFactory) -> MessageProcessor:
    """The bundled NLU over the picked catalogue records (the answerability gate answers everything: it is fitted on
    whole corpora, not on seven documents; this tests the conversation)."""
    catalogue_rows()
    docs = picked_documents(PICK)
    assert len(docs) >= 5, [(d.title, d.agency) for d in docs]
    return processor_over(bundled_settings, embedder, tmp_path_factory.mktemp("kind") / "home", docs, 0.0)


def say(p: MessageProcessor, text: str, sender: str) -> Turn:
    return p.handle_message(UserMessage(sender, text, "rest", {}))


def responses(turn: Turn) -> list[str | None]:
    return [m.custom.get("response") for m in turn.messages]


def birth_local() -> set[str]:
    """The local governments that run a service whose title holds 출산, read off the catalogue rows."""
    return {r["소관기관명"] for r in catalogue_rows() if "출산" in r["서비스명"] and r["소관기관유형"] in LOCAL_TYPES}


@pytest.mark.parametrize(("lang", "question", "marker"), [
    ("ko", "출산지원금 얼마 받을 수 있어요?", "어느 지역(시·군·구)에 사세요?"),
    ("en", "How much is the childbirth grant?", "Where do you live"),
    # everyday phrasings (s13 item 3): "애 낳으면 …" had no topic word for the eligibility route (the questionnaire
    # started), "have a baby" no glossary phrase (one region's programme answered as the citizen's)
    ("ko", "아기 낳으면 돈 주나요?", "어느 지역(시·군·구)에 사세요?"),
    ("ko", "애 낳으면 지원금 있어요?", "어느 지역(시·군·구)에 사세요?"),
    ("en", "Do I get money if I have a baby?", "Where do you live"),
])
def test_asked_without_a_region_the_region_is_asked(engine: MessageProcessor, lang: str, question: str, marker: str,
                                                    request: pytest.FixtureRequest) -> None:
    asked = say(engine, question, request.node.name)
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    m = asked.messages[0]
    assert marker in m.text and m.custom["language"] == lang
    assert len(m.custom["regions"]) >= 2 and set(m.custom["regions"]) <= birth_local()
    assert {c["agency"] for c in m.custom["citations"]} <= birth_local()  # each region's programme cited


@pytest.mark.parametrize(("lang", "question"), [
    # s15 item 1: a kind of help whose regional versions no title names alike ("애 키우는데 …": 키우 → 양육, in no
    # 출산 title) was answered with the first region's programme as the citizen's
    ("ko", "애 키우는데 지원금 있나요?"),
    ("ko", "아이 키우면 돈 나와요?"),
    ("en", "Is there any money for raising kids?"),
])
def test_a_kind_named_alike_by_no_title_is_never_one_regions_answer(engine: MessageProcessor, lang: str, question: str,
                                                                    request: pytest.FixtureRequest) -> None:
    turn = say(engine, question, request.node.name)
    m = turn.messages[0]
    assert m.custom["language"] == lang
    cited = [c["agency"] for c in m.custom.get("citations", [])]
    if responses(turn) == ["utter_ask_programme_region"]:  # the region asked, each region's programme cited
        assert len(m.custom["regions"]) >= 2 and set(m.custom["regions"]) <= birth_local()
        assert set(cited) <= birth_local()
    else:  # or a national service leads (no region of its own), the regions' listed after it
        assert responses(turn) == ["action_answer_from_knowledge"], m.text
        assert cited and cited[0] not in birth_local() and " " not in cited[0], m.text


def test_a_region_with_none_is_named_and_the_national_one_answers(engine: MessageProcessor) -> None:
    assert "대구광역시 수성구" not in birth_local()
    say(engine, "출산지원금 얼마 받을 수 있어요?", "suseong")
    m = say(engine, "대구 수성구요", "suseong").messages[0]
    assert m.custom.get("response") == "action_answer_from_knowledge", m.text
    assert m.text.startswith("제가 가진 자료에는 대구광역시 수성구에서 운영하는 '출산' 관련 서비스가 없어요."), m.text
    cited = [c["agency"] for c in m.custom["citations"]]
    assert cited[0] == "보건복지부" and not set(cited) & birth_local()


def test_english_a_region_with_none_is_named_in_english(engine: MessageProcessor) -> None:
    say(engine, "How much is the childbirth grant?", "suseong-en")
    m = say(engine, "I live in Suseong-gu, Daegu", "suseong-en").messages[0]
    assert m.text.startswith("I found no '출산' service run by Suseong-gu, Daegu in my documents."), m.text
    assert m.custom["citations"][0]["agency"] == "보건복지부"


def test_a_region_that_runs_one_gets_its_own(engine: MessageProcessor) -> None:
    assert "부산광역시 수영구" in birth_local()
    say(engine, "출산지원금 얼마 받을 수 있어요?", "suyeong")
    m = say(engine, "부산 수영구 살아요", "suyeong").messages[0]
    cited = [c["agency"] for c in m.custom["citations"]]
    assert cited[0] == "부산광역시 수영구" and not (set(cited) & birth_local()) - {"부산광역시 수영구"}, m.text


# --- the real catalogue (all 1,097 services; the session's one import) -------------------------------------------

def national_birth() -> set[tuple[str, str]]:
    """The national services (소관기관유형 중앙행정기관) whose title holds 출산, read off the catalogue rows."""
    return {(" ".join(r["서비스명"].split()), r["소관기관명"]) for r in catalogue_rows()
            if "출산" in r["서비스명"] and r["소관기관유형"] == "중앙행정기관"}


@pytest.mark.slow
def test_real_catalogue_birth_grant_asks_then_names_a_region_with_none(gov24_settings: Settings, gov24_router: Any) -> None:
    """The offer names places (``agency_regions`` of each programme's agency) and birth_local() reads 소관기관명: for
    every local government of the catalogue the two are the same text (checked below), so the offer is within it.
    (s10's xfail blamed the offer; the real fault was the answer: the first hits for 수성구 are all other regions'
    programmes and no national 출산 service is among them — 건강보험 임신·출산 진료비 지원 ranks 44th — so the answer
    listed 부산광역시 강서구's first. The composer now asks the national-only retrieval.)"""
    from assistant.app_state import build_processor
    from assistant.regions import agency_regions
    from assistant.stores.trackers import SQLTrackerStore

    assert all(" ".join(agency_regions(r["소관기관명"])) == r["소관기관명"] for r in catalogue_rows()
               if r["소관기관유형"] in LOCAL_TYPES)
    assert len(national_birth()) >= 2
    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    asked = say(p, "출산지원금 얼마 받을 수 있어요?", "real")
    assert responses(asked) == ["utter_ask_programme_region"], [m.text for m in asked.messages]
    assert len(asked.messages[0].custom["regions"]) >= 2 and set(asked.messages[0].custom["regions"]) <= birth_local()
    m = say(p, "대구 수성구요", "real").messages[0]
    said = "제가 가진 자료에는 대구광역시 수성구에서 운영하는 '출산' 관련 서비스가 없어요."
    assert m.text.startswith(said), m.text
    cited = [(" ".join(c["title"].split()), c["agency"]) for c in m.custom["citations"]]
    assert cited[0] in national_birth() and not {a for _t, a in cited} & birth_local(), cited
    # a region that runs one, ranked below five other regions' versions, gets its own (never "it runs none")
    say(p, "애 낳으면 지원금 있어요?", "real-suyeong")
    own = say(p, "부산 수영구요", "real-suyeong").messages[0]
    assert "부산광역시 수영구" in birth_local() and own.custom["citations"][0]["agency"] == "부산광역시 수영구", own.text
    # the question that names the place itself gets the same kind of answer (s13 item 2), not an abstention
    direct = say(p, "저 대구 수성구 사는데 출산지원금 있어요?", "real-direct").messages[0]
    assert direct.text.startswith(said), direct.text
    cited = [(" ".join(c["title"].split()), c["agency"]) for c in direct.custom["citations"]]
    assert cited[0] in national_birth() and not {a for _t, a in cited} & birth_local(), cited


def test_the_regions_asked_among_run_the_kind_of_help_asked(gov24_settings: Any, gov24_router: Any) -> None:
    """s49 probe on the real catalogue: "다음달 입대하는데 지원금 있어요?" asked "'입영' 관련 서비스 …" among 용인시's
    출산지원금 and 음성군's 전입지원금 beside 구리시's 입영지원금. Every programme cited is an enlistment one (its
    catalogue title holds 입영; the titles are read from the catalogue's list)."""
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))["data"]
    enlistment = {str(r["서비스ID"]) for r in rows if "입영" in str(r["서비스명"])}
    assert len(enlistment) >= 2
    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    first = p.handle_message(UserMessage("enlist", "다음달 입대하는데 지원금 있어요?", "rest", {})).messages[0]
    cited = {c["doc_id"] for c in first.custom.get("citations") or []}
    assert cited and cited <= enlistment, first.text


def test_a_helper_is_no_kind_of_help_the_regions_share(gov24_settings: Any, gov24_router: Any) -> None:
    """s50 probe on the real catalogue: "산후도우미 지원 받고 싶어요" asked "'도우미' 관련 서비스 …" among 논산시's
    산후조리도우미 and 경상남도's 장애인 도우미 (축산농가 헬퍼(도우미) beside them). Every programme cited is one for
    mothers after a birth (its catalogue title holds 산후 or 산모)."""
    from assistant.app_state import build_processor
    from assistant.stores.trackers import SQLTrackerStore

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))["data"]
    postnatal = {str(r["서비스ID"]) for r in rows if "산후" in str(r["서비스명"]) or "산모" in str(r["서비스명"])}
    helpers = {str(r["서비스ID"]) for r in rows if "도우미" in str(r["서비스명"])}
    assert helpers - postnatal  # the catalogue has helpers of other kinds
    p = build_processor(gov24_settings, gov24_router, SQLTrackerStore("sqlite://"), None)
    first = p.handle_message(UserMessage("postnatal-helper", "산후도우미 지원 받고 싶어요", "rest", {})).messages[0]
    cited = {c["doc_id"] for c in first.custom.get("citations") or []}
    assert cited and cited <= postnatal, first.text

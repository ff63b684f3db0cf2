"""The eligibility answers say when a service's application period has ended (F9).

A stand-in client evaluates a small catalogue with the real evaluator (as test_eligibility_single_answer.py does);
the services carry real 신청기한 texts of ../shared/data/gov24_benefits, and the clock is pinned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from elig_helpers import GOV24_DIR, CatalogueClient  # type: ignore[import-not-found]

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.sdk import ProtocolTracker
from connectors.eligibility.actions import TARGET_SLOT, ActionCheckEligibility
from connectors.eligibility.catalogue import Catalogue, ServiceInfo

ELDER = {"JA0110": 65, "JA0111": 120}
RECORDS = [
    # 에너지바우처's and 연탄쿠폰's real 신청기한; 유아학비's "상시신청"
    (ServiceInfo("VOUCHER", "에너지바우처", "https://www.gov.kr/x", "기후에너지환경부", (),
                 application_period="2025.6.9(월) ~ 2025.12.31(수)"), ELDER),
    (ServiceInfo("BRIQUETTE", "연탄쿠폰", "https://www.gov.kr/y", "산업통상자원부", (),
                 application_period="2023.07.11~2023.08.25"), ELDER),
    (ServiceInfo("ALWAYS", "노인 상시 지원", "https://www.gov.kr/z", "보건복지부", (), application_period="상시신청"), ELDER),
]
CAT = Catalogue.from_records(RECORDS)
TODAY = dt.date(2026, 12, 1)




def _answer(slots: dict[str, Any], today: dt.date = TODAY) -> str:
    d = CollectingDispatcher()
    ActionCheckEligibility(CatalogueClient(CAT), today=lambda: today).run(  # type: ignore[arg-type]
        d, ProtocolTracker({"sender_id": "s", "slots": slots}), {})
    assert len(d.messages) == 1
    return str(d.messages[0]["text"])


def _listed(text: str, name: str) -> str:
    return next(line for line in text.splitlines() if line.split(". ", 1)[-1].startswith(name))


@pytest.mark.parametrize(("lang", "voucher", "briquette"), [
    ("ko", "신청 기간이 지났습니다 (2025.12.31까지).", "신청 기간이 지났습니다 (2023.8.25까지)."),
    ("en", "The application period ended on 31 December 2025.", "The application period ended on 25 August 2023."),
])
def test_the_list_marks_each_ended_period_on_its_own_line(lang: str, voucher: str, briquette: str) -> None:
    text = _answer({"age": 70, "language": lang})
    assert voucher in _listed(text, "에너지바우처") and briquette in _listed(text, "연탄쿠폰")
    always = _listed(text, "노인 상시 지원")
    assert "지났습니다" not in always and "ended" not in always


def test_a_window_still_open_is_not_marked() -> None:
    text = _answer({"age": 70, "language": "ko"}, today=dt.date(2025, 12, 31))  # the voucher's last day
    assert "지났습니다" not in _listed(text, "에너지바우처")
    assert "신청 기간이 지났습니다 (2023.8.25까지)." in _listed(text, "연탄쿠폰")


@pytest.mark.parametrize(("lang", "note"), [("ko", "신청 기간이 지났습니다 (2025.12.31까지)."),
                                            ("en", "The application period ended on 31 December 2025.")])
def test_the_one_service_answer_says_the_period_ended(lang: str, note: str) -> None:
    assert note in _answer({TARGET_SLOT: "VOUCHER", "age": 70, "language": lang})
    # not eligible: the period is beside the point, the verdict is the answer
    assert note not in _answer({TARGET_SLOT: "VOUCHER", "age": 40, "language": lang})


def test_the_catalogue_carries_the_real_period_into_the_citation() -> None:
    if not (GOV24_DIR / "gov24_serviceDetail_snapshot.json").exists():
        pytest.skip(f"real catalogue not found at {GOV24_DIR} (../shared/data/gov24_benefits is not in this checkout)")
    cat = Catalogue.from_gov24_dir(GOV24_DIR)
    voucher = cat.sources[cat.index["B55353000001"]]  # 에너지바우처
    assert voucher["application_period"] == "2025.6.9(월) ~ 2025.12.31(수)"
    assert cat.sources[cat.index["000000465790"]]["application_period"] == "상시신청"  # 유아학비 (누리과정) 지원


# s18 item 3: one setting pins the day for every reader of an application period (Settings.period_today), so the
# tests, which set it (tests/conftest.py, PINNED_TODAY), give the same texts next year.
@pytest.mark.parametrize("day", [dt.date(2025, 7, 1), dt.date(2027, 3, 2)])
def test_the_settings_day_is_the_clock_of_the_list_the_apply_flow_and_the_answers(tmp_path, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    from assistant.settings import Settings
    from connectors.eligibility.actions import actions
    from connectors.tasks.actions import TaskContext

    settings = Settings(home=tmp_path, eligibility_url="http://127.0.0.1:9/eligibility", period_today=day)
    check = next(a for a in actions(settings) if isinstance(a, ActionCheckEligibility))
    assert check.today() == day and TaskContext(settings, mydata=False).today() == day
    unset = Settings(home=tmp_path, eligibility_url="http://127.0.0.1:9/eligibility")
    from assistant.knowledge.periods import today_in_seoul

    assert next(a for a in actions(unset) if isinstance(a, ActionCheckEligibility)).today() == today_in_seoul()
    # the list line of a service whose window ended on 2025-12-31 follows the day: open before, ended after
    check.client = CatalogueClient(CAT)
    d = CollectingDispatcher()
    check.run(d, ProtocolTracker({"sender_id": "s", "slots": {"age": 67, "language": "ko"}}), {})  # type: ignore[arg-type]
    line = _listed(str(d.messages[0]["text"]), "에너지바우처")
    assert ("신청 기간이 지났습니다 (2025.12.31까지)." in line) == (day > dt.date(2025, 12, 31)), line



# s19 (issue 5): the ended-period sentence cites the page's 신청기한 section, and ended windows rank below open ones.


def _message(slots: dict[str, Any], cat: Catalogue = CAT, today: dt.date = TODAY) -> dict[str, Any]:
    d = CollectingDispatcher()
    ActionCheckEligibility(CatalogueClient(cat), today=lambda: today).run(  # type: ignore[arg-type]
        d, ProtocolTracker({"sender_id": "s", "slots": slots}), {})
    assert len(d.messages) == 1
    return d.messages[0]


def _citations(message: dict[str, Any]) -> list[dict[str, Any]]:
    custom = message.get("custom") or message.get("json_message") or {}
    return list(custom["citations"])


@pytest.mark.parametrize(("lang", "cited"), [("ko", "[출처: 신청기한]"), ("en", "[Source: its application period]")])
def test_the_ended_sentence_cites_the_period_section(lang: str, cited: str) -> None:
    message = _message({"age": 70, "language": lang})
    text = str(message["text"])
    for name, end in (("에너지바우처", "2025.12.31" if lang == "ko" else "31 December 2025"),
                      ("연탄쿠폰", "2023.8.25" if lang == "ko" else "25 August 2023")):
        line = _listed(text, name)
        note_at = line.index(end)
        # the citation follows the sentence, before the service's own source line
        assert note_at < line.index(cited) < line.index("[출처: " if lang == "ko" else "[Source: ", line.index(cited) + 1)
    assert cited not in _listed(text, "노인 상시 지원")
    by_section = {(c["doc_id"], c["section"]) for c in _citations(message)}
    assert ("VOUCHER", "신청기한") in by_section and ("BRIQUETTE", "신청기한") in by_section
    assert ("ALWAYS", "신청기한") not in by_section
    # every listed service still cites its support conditions
    conditions = "지원 조건" if lang == "ko" else "Support conditions"
    assert {("VOUCHER", conditions), ("BRIQUETTE", conditions), ("ALWAYS", conditions)} <= by_section
    # the period citation names the same page as the service's
    voucher = [c for c in _citations(message) if c["doc_id"] == "VOUCHER"]
    assert {c["url"] for c in voucher} == {"https://www.gov.kr/x"} and {c["agency"] for c in voucher} == {"기후에너지환경부"}


def test_the_one_service_answer_cites_the_period_section() -> None:
    message = _message({TARGET_SLOT: "VOUCHER", "age": 70, "language": "ko"})
    assert "신청 기간이 지났습니다 (2025.12.31까지). [출처: 신청기한]" in str(message["text"])
    assert [c["section"] for c in _citations(message)] == ["지원 조건", "신청기한"]
    # a window still open: no period citation
    message = _message({TARGET_SLOT: "VOUCHER", "age": 70, "language": "ko"}, today=dt.date(2025, 12, 31))
    assert [c["section"] for c in _citations(message)] == ["지원 조건"]


RANKED = Catalogue.from_records([
    # one condition each (the same age range), so only the periods and the names order them
    *RECORDS,
    (ServiceInfo("LATER", "힘내라 어르신 지원", "https://www.gov.kr/w", "보건복지부", (),
                 application_period="2026.1.2 ~ 2027.3.31"), ELDER),
    (ServiceInfo("NONE", "어르신 교통비", "https://www.gov.kr/v", "보건복지부", ()), ELDER),
])


def _order(today: dt.date) -> list[str]:
    text = str(_message({"age": 70, "language": "ko"}, RANKED, today)["text"])
    listed = [line.split(". ", 1)[1] for line in text.splitlines() if line[:1].isdigit() and ". " in line]
    return [line.split(" — ")[0] for line in listed]


def test_ended_windows_rank_below_open_ones() -> None:
    # 2026-12-01: 에너지바우처 (2025.12.31) and 연탄쿠폰 (2023.8.25) have ended; the three others are open or unknown
    # (상시, until 2027.3.31, none written). By name alone (가나다) the ended ones would be 2nd and 4th.
    assert _order(TODAY) == ["노인 상시 지원", "어르신 교통비", "힘내라 어르신 지원", "에너지바우처", "연탄쿠폰"]
    # 2025-12-31, the voucher's last day: only 연탄쿠폰 has ended
    assert _order(dt.date(2025, 12, 31)) == ["노인 상시 지원", "어르신 교통비", "에너지바우처", "힘내라 어르신 지원", "연탄쿠폰"]


def test_the_rank_key_without_a_day_reads_no_period() -> None:
    from connectors.eligibility.actions import rank_key
    from connectors.eligibility.evaluator import evaluate
    from connectors.eligibility.facts import Facts

    results = evaluate(RANKED, Facts(age=70))
    assert [r.service_name for r in sorted(results, key=rank_key)] == \
        ["노인 상시 지원", "어르신 교통비", "에너지바우처", "연탄쿠폰", "힘내라 어르신 지원"]
    # with the day, the two ended windows go last
    ended = [r.service_name for r in sorted(results, key=lambda r: rank_key(r, TODAY))]
    assert ended[-2:] == ["에너지바우처", "연탄쿠폰"]


# s34: no "신청하기" beside "신청 기간이 지났습니다" (s33 probe), in the list and in the one-service answer.

def test_no_apply_button_once_the_period_ended() -> None:
    listed = _message({"age": 70, "language": "ko"})
    # only the service still open is offered: 에너지바우처 and 연탄쿠폰 ended before TODAY
    assert [b["payload"] for b in listed["buttons"]] == ['/apply_service{"service_id": "ALWAYS"}']
    ended = _message({TARGET_SLOT: "VOUCHER", "age": 70, "language": "ko"})
    assert "지났습니다" in str(ended["text"]) and not ended.get("buttons")
    still_open = _message({TARGET_SLOT: "VOUCHER", "age": 70, "language": "ko"}, today=dt.date(2025, 12, 31))
    assert [b["title"] for b in still_open["buttons"]] == ["신청하기"]

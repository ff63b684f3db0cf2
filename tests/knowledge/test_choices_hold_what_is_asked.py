"""The services an answer stands on, or asks a region among, hold what the question asks. A national page answers for
the regions' kind of help only when it holds what the question asks (s58 note, on the
catalogue): "장애인 차량 지원 뭐 있어요" (what support is there for disabled people's cars?) answered 보건복지부's
장애인법률구조지원 (legal aid; its page speaks of 장애인, never of a 차량) as the national version of the regions'
장애인 services, everywhere; only 종로구's 거주자우선주차 요금감면 speaks of both. Expected values are read from the
catalogue rows (which national pages name a car, which page is 종로구's parking discount)."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from assistant.regions import agency_regions
from catalogue_talk import first_reply  # type: ignore[import-not-found]

CARS = "장애인 차량 지원 뭐 있어요"
_CAR_WORDS = re.compile(r"차량|자동차|주차|운전")


@cache
def _rows() -> list[dict[str, Any]]:
    from shared_paths import GOV24_DIR

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))
    return list(rows["data"] if isinstance(rows, dict) else rows)


def _national_car_pages() -> set[str]:
    """The national (no region's) catalogue services for disabled people whose title or summary names a car."""
    return {str(r["서비스ID"]) for r in _rows() if not agency_regions(str(r["소관기관명"]))
            and "장애" in str(r["서비스명"]) + str(r.get("서비스목적요약") or "")
            and _CAR_WORDS.search(str(r["서비스명"]) + str(r.get("서비스목적요약") or ""))}


def test_no_national_page_without_a_car_answers_for_everyone(gov24_settings: Any, gov24_router: Any) -> None:
    national = {str(r["서비스ID"]) for r in _rows() if not agency_regions(str(r["소관기관명"]))}
    allowed = _national_car_pages()
    for said in ([CARS], ["경기도 수원시 살아요", CARS]):
        reply = first_reply(gov24_settings, gov24_router, *said)
        cited = {c["doc_id"] for c in reply.custom.get("citations") or []}
        assert not (cited & national) - allowed, (said, reply.text)


def test_the_region_with_the_page_gets_it(gov24_settings: Any, gov24_router: Any) -> None:
    jongno = [str(r["서비스ID"]) for r in _rows() if "종로구" in " ".join(agency_regions(str(r["소관기관명"])))
              and "주차" in str(r["서비스명"])]
    assert len(jongno) == 1, jongno
    reply = first_reply(gov24_settings, gov24_router, "서울특별시 종로구 살아요", CARS)
    cited = reply.custom.get("citations") or []
    assert cited and cited[0]["doc_id"] == jongno[0], reply.text


ELECTRICITY = "다자녀인데 전기요금 할인 돼요?"


def test_no_region_is_asked_among_other_kinds_of_fee(gov24_settings: Any, gov24_router: Any) -> None:
    """s58 note: "다자녀인데 전기요금 할인 돼요?" (I have many children; is there an electricity bill discount?) asked a
    region among 영천시's 하수도요금 감면 and 달성군's 휴양림 이용요금 감면, both 요금 of another kind; the catalogue
    has 전기요금 titles. Whatever the reply, it asks no region and cites no page whose text never names 전기."""
    from shared_paths import GOV24_DIR

    assert any("전기요금" in str(r["서비스명"]).replace(" ", "") for r in _rows())
    details = json.loads((GOV24_DIR / "gov24_serviceDetail_snapshot.json").read_text(encoding="utf-8"))
    text = {str(r["서비스ID"]): json.dumps(r, ensure_ascii=False)
            for r in (details["data"] if isinstance(details, dict) else details)}
    reply = first_reply(gov24_settings, gov24_router, ELECTRICITY)
    assert not reply.custom.get("regions") and "어느 지역" not in reply.text, reply.text
    assert all("전기" in text.get(c["doc_id"], "") for c in reply.custom.get("citations") or []), reply.text

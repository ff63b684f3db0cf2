"""A region's programme that leads, run under its name by another region further down the hits (s58 probe on the
catalogue): "군대 가는데 지원금 있나요" (I'm going to the army; is there a grant?) answered 경기도 양평군's 입영지원금
지급 to a citizen who never said where they live. 구리시's 입영지원금 지원 was seventh, below a national page of
another kind (한국장학재단's 군 복무기간 이자면제 지원, a student-loan interest waiver, no grant), which, once the
region was asked, answered the 구리시 citizen instead of their own 입영지원금.

Expected values are read from the catalogue rows (which pages name 입영지원금, which agency runs each)."""

from __future__ import annotations

import json
from functools import cache
from types import SimpleNamespace as N
from typing import Any

from assistant.knowledge.composer import first_programme_further
from assistant.regions import agency_regions
from catalogue_talk import first_reply  # type: ignore[import-not-found]

ARMY = "군대 가는데 지원금 있나요"


def _hit(title: str, agency: str) -> Any:
    return N(doc=N(title=title, agency=agency))


def test_the_first_programme_is_found_under_its_name_further_down() -> None:
    hits = (_hit("입영지원금 지급", "경기도 양평군"), _hit("군 복무기간 이자면제 지원", "한국장학재단"),
            _hit("출산양육지원금 지원", "경상북도 성주군"), _hit("전입지원금 지급", "충청북도 음성군"),
            _hit("장병 인권상담 지원", "국방부"), _hit("구리시 입영지원금 지원", "경기도 구리시"))
    anchor, regional, national = first_programme_further(hits)  # type: ignore[arg-type]
    assert anchor is hits[0]
    assert [h.doc.agency for h in regional] == ["경기도 양평군", "경기도 구리시"] and national == []
    # not beyond how far it looks, nor for a first page that is no region's, nor other programmes (출산, 전입)
    assert first_programme_further(hits, top=5)[0] is None  # type: ignore[arg-type]
    assert first_programme_further(hits[1:])[0] is None  # type: ignore[arg-type]
    assert first_programme_further(hits[:5])[0] is None  # type: ignore[arg-type]


# --- on the catalogue (slow: the gov24 home) ---------------------------------------------------------------------


@cache
def _army_pages() -> dict[str, str]:
    """doc_id → agency of the catalogue's regions' pages whose title names 입영지원금."""
    from shared_paths import GOV24_DIR

    rows = json.loads((GOV24_DIR / "gov24_serviceList_snapshot.json").read_text(encoding="utf-8"))["data"]
    return {str(r["서비스ID"]): str(r["소관기관명"]) for r in rows
            if "입영지원금" in str(r["서비스명"]) and agency_regions(str(r["소관기관명"]))}


def test_the_region_is_asked_among_the_regions_that_run_it(gov24_settings: Any, gov24_router: Any) -> None:
    pages = _army_pages()
    assert len(set(pages.values())) >= 2, "the catalogue no longer has two regions' 입영지원금"
    asked = first_reply(gov24_settings, gov24_router, ARMY)
    assert asked.custom.get("response") == "utter_ask_programme_region", asked.text
    assert sorted(asked.custom["regions"]) == sorted(" ".join(agency_regions(a)) for a in pages.values()), asked.text
    assert sorted(c["doc_id"] for c in asked.custom["citations"]) == sorted(pages), asked.text


def test_the_citizens_region_gets_its_own_programme(gov24_settings: Any, gov24_router: Any) -> None:
    for doc_id, agency in _army_pages().items():
        place = " ".join(agency_regions(agency))
        answer = first_reply(gov24_settings, gov24_router, ARMY, place)
        cited = answer.custom.get("citations") or []
        assert cited and cited[0]["doc_id"] == doc_id, (place, answer.text)

"""The eligibility service over real HTTP (uvicorn on a free port) through EligibilityClient, and the
client's timeout / retry behaviour. Runs without ../shared/data (a synthetic catalogue)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.errors import ConnectorError, ConnectorTimeout, ConnectorUnavailable, InvalidInputError
from connectors.eligibility.catalogue import Catalogue, ServiceInfo, UnknownServiceError
from connectors.eligibility.client import EligibilityClient
from connectors.eligibility.evaluator import Evaluation, evaluate
from connectors.eligibility.facts import Facts
from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app




def _svc(sid: str, laws: tuple[str, ...] = ()) -> ServiceInfo:
    return ServiceInfo(sid, f"서비스 {sid}", f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}", "기관", laws)


CATALOGUE = Catalogue.from_records([
    (_svc("KIDS", ("유아교육법(제24조)",)), {"JA0101": "Y", "JA0102": "Y", "JA0110": 3, "JA0111": 5, "JA0322": "Y"}),
    (_svc("MOMS"), {"JA0102": "Y", "JA0110": 18, "JA0111": 44, "JA0302": "Y", "JA0201": "Y", "JA0202": "Y"}),
    (_svc("DISABLED"), {"JA0328": "Y", "JA0329": "Y", "JA0410": "Y"}),
    (_svc("SHOP"), {"JA1102": "Y", "JA1201": "Y"}),
    (_svc("FUTURE"), {"JA0110": 65, "JA0111": 120, "JA9901": "Y"}),  # a code the table does not know
    (_svc("NEWBORN"), {"JA0110": 0, "JA0111": 0}),  # age 0 only: same packed ages as "no age", but restricted
    (_svc("ANYONE"), {"JA0101": "Y", "JA0102": "Y"}),
    (_svc("NOTHING"), {"JA0101": None}),  # no coded condition at all
], version="test-1")
FACTS = [Facts(), Facts(age=4), Facts(age=0), Facts(age=30, sex="female", pregnant=True, income_pct_median=55.5),
         Facts(disabled=False, veteran=True), Facts(business_status="operating", business_industry="other"), Facts(age=70)]


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer(create_app(service=EligibilityService(CatalogueSource.fixed(CATALOGUE)))) as srv:
        yield srv


@pytest.fixture()
def client(live: LiveServer) -> Iterator[EligibilityClient]:
    with EligibilityClient(live.url, timeout=5.0, retries=2, backoff=0.01) as c:
        yield c


@pytest.mark.parametrize("facts", FACTS, ids=lambda f: repr(f.model_dump(exclude_none=True)))
def test_http_results_equal_in_process(client: EligibilityClient, facts: Facts) -> None:
    report = client.check(facts)
    assert report.catalogue_version == "test-1"
    assert [r.to_json() for r in report.results] == [r.to_json() for r in evaluate(CATALOGUE, facts)]
    statuses = [r.status for r in report.results]
    assert report.counts == {s: statuses.count(s) for s in ("eligible", "not_eligible", "unknown")}


def test_values_through_http(client: EligibilityClient) -> None:
    by_id = {r.service_id: r for r in client.check({"age": 70, "veteran": True, "disabled": False}).results}
    assert by_id["KIDS"].status == "not_eligible" and [c.value for c in by_id["KIDS"].decided_by] == [3, 5]
    assert by_id["DISABLED"].status == "eligible" and [c.code for c in by_id["DISABLED"].decided_by] == ["JA0329"]
    assert by_id["SHOP"].status == "unknown" and set(by_id["SHOP"].missing) == {"business_status", "business_industry"}
    # an unmapped code never lets a service be eligible, and is named
    assert by_id["FUTURE"].status == "unknown" and "JA9901" in {c.code for c in by_id["FUTURE"].decided_by}
    assert by_id["KIDS"].sources[0]["legal_basis"] == ["유아교육법(제24조)"]
    assert by_id["NEWBORN"].status == "not_eligible"
    # both sexes ticked: nothing coded restricts, so nothing decides it (fresh-user report s6 item 3)
    assert by_id["ANYONE"].status == "unknown" and [c.code for c in by_id["ANYONE"].decided_by] == ["NONE"]
    assert by_id["ANYONE"].missing == ()
    assert by_id["NOTHING"].status == "unknown" and [c.code for c in by_id["NOTHING"].decided_by] == ["NONE"]


def test_rows_with_identical_packing_are_not_confused() -> None:
    """Explanations are shared between rows with the same conditions, never between different ones."""
    for facts in FACTS:
        ev = Evaluation(CATALOGUE, facts)
        together = ev.results()
        alone = [ev.result(i) for i in range(len(CATALOGUE))]
        assert together == alone
        assert [r.status for r in together] == [{0: "not_eligible", 1: "unknown", 2: "eligible"}[int(s)] for s in ev.status]


def test_service_ids_and_status_filter(client: EligibilityClient) -> None:
    report = client.check(Facts(age=4), service_ids=["SHOP", "KIDS"])
    assert [r.service_id for r in report.results] == ["SHOP", "KIDS"]
    only = client.check(Facts(age=4), statuses=["eligible"]).results
    assert [r.service_id for r in only] == ["KIDS"]  # ANYONE restricts nothing: unknown, not eligible


def test_unknown_service_is_404(client: EligibilityClient, live: LiveServer) -> None:
    with pytest.raises(UnknownServiceError, match="NOPE"):
        client.check(Facts(), service_ids=["NOPE"])
    assert httpx.post(f"{live.url}/check", json={"facts": {}, "service_ids": ["NOPE"]}).status_code == 404


@pytest.mark.parametrize("facts", [{"agee": 3}, {"age": -1}, {"sex": "m"}, {"income_pct_median": "low"}, {"student_level": "kinder"},
                                   {"age": "4"}, {"age": 4.5}, {"age": True}, {"disabled": "yes"}])
def test_bad_facts_are_refused(client: EligibilityClient, live: LiveServer, facts: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError, match="invalid facts"):
        client.check(facts)
    r = httpx.post(f"{live.url}/check", json={"facts": facts})
    assert r.status_code == 422 and r.json()["detail"]


def test_health_codes_and_openapi(client: EligibilityClient, live: LiveServer) -> None:
    health = client.health()
    assert health["services"] == 8 and health["unmapped_codes"] == ["JA9901"]
    codes = {c["code"]: c for c in httpx.get(f"{live.url}/codes").json()}
    assert codes["JA0328"]["ko"] == "장애인" and codes["JA0328"]["fact"] == "disabled" and codes["JA0110"]["fact"] == "age"
    schema = httpx.get(f"{live.url}/openapi.json").json()
    assert "/check" in schema["paths"]
    props = schema["components"]["schemas"]["Facts"]["properties"]
    assert {"age", "sex", "income_pct_median", "disabled", "veteran", "pregnant", "student_level", "high_voltage_customer",
            "business_status"} <= set(props)
    assert "고압" in props["high_voltage_customer"]["description"] and "GROUP" in props["business_status"]["description"]
    assert all(p.get("description") for p in props.values())


# --- faults: timeout and bounded retries (tenacity) ----------------------------------------------------


def _client(handler: Any, retries: int = 3) -> EligibilityClient:
    return EligibilityClient("http://eligibility.test", timeout=0.5, retries=retries, backoff=0.001,
                             transport=httpx.MockTransport(handler))


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"catalogue_version": "v", "counts": {}, "results": []})


def test_5xx_is_retried_then_succeeds() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(503, text="busy") if len(calls) < 3 else _ok(request)

    assert _client(handler).check(Facts()).catalogue_version == "v"
    assert len(calls) == 3


@pytest.mark.parametrize(
    ("failure", "error"),
    [(lambda r: httpx.Response(500, text="boom"), ConnectorUnavailable),
     (lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("slow", request=r)), ConnectorTimeout),
     (lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)), ConnectorUnavailable)],
    ids=["5xx", "timeout", "refused"],
)
def test_retries_are_bounded(failure: Any, error: type[Exception]) -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return failure(request)  # type: ignore[no-any-return]

    with pytest.raises(error, match="3 attempts"):
        _client(handler).check(Facts())
    assert len(calls) == 3


def test_4xx_and_garbage_are_not_retried() -> None:
    calls: list[int] = []

    def bad_request(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(422, json={"detail": "facts.age: too small"})

    with pytest.raises(InvalidInputError, match="too small"):
        _client(bad_request).check(Facts())
    assert len(calls) == 1
    with pytest.raises(ConnectorError, match="non-JSON"):
        _client(lambda r: httpx.Response(200, text="<html>")).check(Facts())
    with pytest.raises(ConnectorError, match="unexpected shape"):
        _client(lambda r: httpx.Response(200, json={"results": "x"})).check(Facts())


def test_a_real_closed_port_is_unavailable() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with EligibilityClient(f"http://127.0.0.1:{port}", timeout=1.0, retries=2, backoff=0.001) as c, \
            pytest.raises(ConnectorUnavailable, match="2 attempts"):
        c.health()


def test_dir_source_loads_once_and_follows_file_changes(tmp_path: Path) -> None:
    import json
    import os

    folder = tmp_path / "cat"
    folder.mkdir()
    rows = [{"서비스ID": "S1", "서비스명": "서비스 1", "JA0110": 3, "JA0111": 5}]
    (folder / "gov24_serviceList_snapshot.json").write_text(json.dumps({"data": rows}, ensure_ascii=False), encoding="utf-8")
    conds = folder / "gov24_supportConditions_snapshot.json"
    conds.write_text(json.dumps({"data": rows}, ensure_ascii=False), encoding="utf-8")
    service = EligibilityService(CatalogueSource.from_gov24_dir(folder))
    first = service.catalogue()
    assert service.catalogue() is first  # not rebuilt per request
    assert service.check(Facts(age=4))[0].status == "eligible"
    conds.write_text(json.dumps({"data": [{**rows[0], "JA0110": 6, "JA0111": 7}]}, ensure_ascii=False), encoding="utf-8")
    os.utime(conds, ns=(conds.stat().st_atime_ns, conds.stat().st_mtime_ns + 10**9))
    assert service.check(Facts(age=4))[0].status == "not_eligible"
    assert service.catalogue() is not first


def test_warm_loads_the_catalogue_builds_the_name_matcher_and_checks_once() -> None:
    """What the standalone service does before it opens its port (fresh-user s10 #7: a cold first request outlasted the
    assistant's connector timeout): afterwards the catalogue and the name matcher are built, and they are the ones
    later requests use (not rebuilt)."""
    service = EligibilityService(CatalogueSource.fixed(CATALOGUE))
    assert service._catalogue is None and service._matcher is None
    steps = service.warm()
    assert set(steps) == {"catalogue", "find", "check"} and all(v >= 0 for v in steps.values())
    assert service._catalogue is CATALOGUE
    matcher = service._matcher
    assert matcher is not None and matcher[0] is CATALOGUE
    assert service.find("서비스 KIDS 받을 수 있나요?") == [{"service_id": "KIDS", "title": "서비스 KIDS"}]
    assert service._matcher is matcher


def test_the_standalone_service_starts_without_a_catalogue(tmp_path: Path) -> None:
    """An empty home is not a start failure: the process serves (and follows a later import); /health says why not ready."""
    import os
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "connectors.eligibility", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the service did not open its port"
                time.sleep(0.2)
        assert r.status_code == 503 and "assistant knowledge import gov24" in r.json()["detail"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "no catalogue yet" in out

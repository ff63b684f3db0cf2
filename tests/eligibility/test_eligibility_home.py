"""The conditions come from ASSISTANT_HOME: a real (small) `knowledge import gov24` into a temporary
home, the CLI, the service mounted by `assistant serve`'s app, and a re-import that changes them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.settings import Settings
from connectors.eligibility.client import EligibilityClient
from connectors.eligibility.facts import Facts
from connectors.eligibility.service import CatalogueSource, EligibilityService

from live_server import LiveServer  # type: ignore[import-not-found]
from elig_helpers import SMALL_IDS, write_subset  # type: ignore[import-not-found]

KEYS = {"service_id", "service_name", "status", "decided_by", "missing", "sources", "cautions"}


def run_cli(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env, timeout=300)


_TOKENIZER: list[Any] = []


def _import(settings: Settings, folder: Path, embedder: Any) -> None:
    from assistant.knowledge.ingest import import_documents
    from assistant.knowledge.loaders import load_gov24
    from assistant.nlu.tokenizer import KoreanTokenizer

    if not _TOKENIZER:  # the Kiwi model loads once for the module's three imports
        _TOKENIZER.append(KoreanTokenizer())
    import_documents(settings, "gov24", load_gov24(folder), embedder, tokenizer=_TOKENIZER[0], progress=False)


@pytest.fixture(scope="module")
def small_home(gov24_dir: Path, tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Settings:
    """A home with five catalogue services imported for real (embeddings and index included)."""
    settings = Settings(home=tmp_path_factory.mktemp("home-elig"))
    _import(settings, write_subset(gov24_dir, tmp_path_factory.mktemp("cat"), SMALL_IDS), embedder)
    return settings


def test_cli_json_from_the_imported_home(small_home: Settings, tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps({"age": 4, "sex": "female"}), encoding="utf-8")
    r = run_cli(["eligibility", "check", "--facts", str(facts), "--json"], small_home.home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert len(out) == len(SMALL_IDS) and all(set(x) == KEYS for x in out)
    assert {x["service_id"] for x in out} == set(SMALL_IDS)
    kids = next(x for x in out if x["service_id"] == "000000465790")
    # 유아학비: the age meets its codes (3–5); attending a kindergarten, which its 지원대상 requires, is to check (s9, CHECK)
    assert kids["status"] == "unknown" and [c["code"] for c in kids["decided_by"]] == ["CHECK"]
    assert "유치원에 다니는" in kids["decided_by"][0]["meaning"] and kids["missing"] == []
    assert kids["sources"][0]["legal_basis"][0] == "유아교육법(제24조)"
    one = run_cli(["eligibility", "check", "--facts", str(facts), "--service", "322000000125", "--json"], small_home.home)
    assert one.returncode == 0, one.stderr
    (father,) = json.loads(one.stdout)
    assert father["status"] == "not_eligible" and [c["code"] for c in father["decided_by"]] == ["JA0101", "JA0110", "JA0111"]


def test_embedded_mount_and_client_default_url(small_home: Settings) -> None:
    from assistant.server.app import create_app

    with LiveServer(create_app(small_home, router=object(), processor=object())) as live:
        settings = small_home.model_copy(update={"port": live.port})
        assert settings.eligibility_base_url == f"http://127.0.0.1:{live.port}/connectors/eligibility"
        with EligibilityClient.from_settings(settings) as client:
            assert client.health()["services"] == len(SMALL_IDS)
            (r,) = client.check(Facts(age=4), ["000000465790"]).results
            assert r.status == "unknown" and [c.code for c in r.decided_by] == ["CHECK"]  # the age met, the rest to check
        assert TestClient(create_app(small_home, router=object(), processor=object())).get("/connectors/eligibility/openapi.json").status_code == 200


def test_reimport_changes_the_conditions(small_home: Settings, gov24_dir: Path, tmp_path: Path, embedder: Any) -> None:
    service = EligibilityService(CatalogueSource.from_home(small_home))
    (before,) = service.check(Facts(age=4), ["000000465790"])
    assert before.status == "unknown" and [c.code for c in before.decided_by] == ["CHECK"]  # the age met (s9: CHECK)
    assert service.catalogue() is service.catalogue()  # read from the store once, not per request
    edited = write_subset(gov24_dir, tmp_path / "cat2", SMALL_IDS, edit={"000000465790": {"JA0110": 6, "JA0111": 7}})
    _import(small_home, edited, embedder)
    (after,) = service.check(Facts(age=4), ["000000465790"])
    assert after.status == "not_eligible" and [c.value for c in after.decided_by] == [6, 7]
    _import(small_home, write_subset(gov24_dir, tmp_path / "cat3", SMALL_IDS), embedder)  # leave the home as it was
    assert [c.code for c in service.check(Facts(age=4), ["000000465790"])[0].decided_by] == ["CHECK"]


def test_home_without_catalogue_is_a_clear_error(tmp_path: Path) -> None:
    facts = tmp_path / "f.json"
    facts.write_text("{}", encoding="utf-8")
    r = run_cli(["eligibility", "check", "--facts", str(facts), "--json"], tmp_path / "empty-home")
    assert r.returncode == 2 and r.stderr.startswith("error:") and "knowledge import gov24" in r.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "facts file not found"), ("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object"),
     ('{"agee": 3}', "valid facts: age, sex, income_pct_median"), ('{"age": -1}', "age"),
     ('{"sex": "M"}', "sex"), (b"\xff\xfe", "not UTF-8")],
)
def test_bad_facts_file_exits_2(tmp_path: Path, content: str | bytes | None, message: str) -> None:
    facts = tmp_path / "facts.json"
    if isinstance(content, bytes):
        facts.write_bytes(content)
    elif content is not None:
        facts.write_text(content, encoding="utf-8")
    r = run_cli(["eligibility", "check", "--facts", str(facts), "--json"], tmp_path / "home")
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.startswith("error:") and message in r.stderr, r.stderr

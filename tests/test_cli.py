"""The CLI: `assistant ask --json` shape, stdin mode, errors, status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 62 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

KEYS = {"text", "language", "intent", "citations", "abstained"}


def run_cli(args: list[str], home: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ASSISTANT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)


def test_ask_json_shape(bundled_settings) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(["ask", "--json", "에너지바우처 신청 방법"], bundled_settings.home)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == KEYS
    assert out["language"] == "ko" and out["abstained"] is False
    assert set(out["intent"]) == {"name", "confidence"} and 0 <= out["intent"]["confidence"] <= 1
    assert out["citations"][0]["title"] == "에너지바우처"


def test_ask_stdin_one_object_per_line(bundled_settings) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(["ask", "--json", "-"], bundled_settings.home, stdin="안녕하세요\n\nHow do I apply for the energy voucher?\n오늘 서울 날씨 어때요?\n")
    assert r.returncode == 0, r.stderr
    lines = [json.loads(x) for x in r.stdout.strip().splitlines()]
    assert len(lines) == 4  # one object per input line, the blank one included
    assert lines[0]["intent"]["name"] == "greet" and lines[0]["citations"] == [] and lines[0]["abstained"] is False
    assert lines[1]["abstained"] is True and lines[1]["citations"] == []  # empty line
    assert lines[2]["language"] == "en" and lines[2]["citations"] and lines[2]["abstained"] is False
    assert lines[3]["abstained"] is True and lines[3]["citations"] == []


def test_import_missing_catalogue_is_a_clear_error(tmp_path: Path) -> None:
    r = run_cli(["knowledge", "import", "gov24", str(tmp_path / "nope")], tmp_path / "home")
    assert r.returncode == 2
    assert r.stderr.startswith("error:") and "not a directory" in r.stderr


def test_import_malformed_catalogue_keeps_previous(bundled_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "cat"
    bad.mkdir()
    (bad / "gov24_serviceList_snapshot.json").write_text('{"data": [{"서비스ID": "1"', encoding="utf-8")
    before = run_cli(["knowledge", "status"], bundled_settings.home)
    r = run_cli(["knowledge", "import", "gov24", str(bad)], bundled_settings.home)
    assert r.returncode == 2 and "not valid JSON" in r.stderr
    assert run_cli(["knowledge", "status"], bundled_settings.home).stdout == before.stdout


@pytest.mark.parametrize("argv", [["ask"], ["knowledge", "import", "pdfs", "x"]])
def test_usage_errors(argv: list[str], tmp_path: Path) -> None:
    r = run_cli(argv, tmp_path)
    assert r.returncode == 2 and "usage:" in r.stderr


def test_verbose_turn_log_masks_personal_data(bundled_settings) -> None:  # type: ignore[no-untyped-def]
    r = run_cli(["-v", "ask", "--json", "제 번호 010-2222-3333 이고 주민번호 900101-1234567 인데 기초연금 받을 수 있나요?"],
                bundled_settings.home)
    assert r.returncode == 0, r.stderr
    assert "turn" in r.stderr and "<phone>" in r.stderr and "<rrn>" in r.stderr  # the turn was logged ...
    assert "010-2222-3333" not in r.stderr and "900101-1234567" not in r.stderr  # ... masked


def test_bad_setting_is_a_clear_error(tmp_path: Path) -> None:
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path), "ASSISTANT_LOG_FORMAT": "xml"}
    r = subprocess.run([sys.executable, "-m", "assistant", "knowledge", "status"], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2
    assert r.stderr.startswith("error: invalid setting: ASSISTANT_LOG_FORMAT")


def test_import_dir_of_the_bundled_folder_keeps_the_bundled_source(tmp_path: Path) -> None:
    # knowledge/README.md tells agencies to add a file and run `assistant knowledge import dir knowledge/`: the folder the
    # first start imports as "bundled" must stay that source, not become a second one named by this machine's path.
    corpus, other = tmp_path / "knowledge", tmp_path / "agency-docs"
    for folder, title in ((corpus, "청년 월세 지원"), (other, "에너지바우처")):
        folder.mkdir()
        (folder / "doc.md").write_text(f"---\ntitle: {title}\nagency: 국토교통부\n---\n\n## 지원 대상\n\n만 19~34세 청년\n",
                                       encoding="utf-8")
    env = {**os.environ, "ASSISTANT_HOME": str(tmp_path / "home"), "ASSISTANT_KNOWLEDGE_DIR": str(corpus)}

    def cli(*args: str) -> str:
        r = subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True, env=env,
                           timeout=300, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        return r.stdout

    assert "from bundled (" in cli("knowledge", "import", "dir", "knowledge", "--quiet")  # relative, as the README writes it
    assert f"from dir:{other.resolve()} (" in cli("knowledge", "import", "dir", str(other), "--quiet")

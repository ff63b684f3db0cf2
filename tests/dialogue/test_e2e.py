"""``assistant test e2e``: Rasa test stories run through the real engine (bundled NLU, rules and forms).

Expected actions are read from the bundled rules (``intents/rules.yml``) rather than written
out, so the tests follow the rules if they change; the stories under test are written here.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from shared_paths import ROOT

from assistant.cli import build_parser, cmd_test_e2e
from assistant.dialogue.e2e import (
    FAILED_STORIES_FILE,
    REPORT_FILE,
    E2EReport,
    load_test_stories,
    run_e2e,
    run_stories,
    write_failed_stories,
)
from assistant.errors import InvalidConfigError, InvalidInputError
from assistant.nlu.project import load_project
from assistant.nlu.stories import ActionStep, IntentStep

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 24 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

BUNDLED_STORIES = ROOT / "intents" / "tests" / "test_stories.yml"


def _rule_action(intent: str) -> str:
    """The action the bundled rules answer ``intent`` with."""
    for rule in load_project(ROOT / "intents").rules:
        steps = rule.steps
        if not rule.condition and len(steps) >= 2 and isinstance(steps[0], IntentStep) and steps[0].intent == intent:
            assert isinstance(steps[1], ActionStep) and steps[1].action
            return steps[1].action
    raise AssertionError(f"no rule for {intent}")


def _yaml_error(text: str) -> yaml.MarkedYAMLError:
    try:
        yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        return e
    raise AssertionError("the text is valid YAML")


def _stories(tmp_path: Path, body: str, name: str = "stories.yml") -> Path:
    path = tmp_path / name
    path.write_text('version: "3.1"\nstories:\n' + body, encoding="utf-8")
    return path


def _run(processor, tmp_path: Path, body: str) -> tuple[E2EReport, dict]:  # type: ignore[no-untyped-def]
    report = run_stories(processor, load_test_stories(_stories(tmp_path, body)))
    return report, report.to_json()


def test_a_story_the_engine_follows_passes(processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    greet, bye = _rule_action("greet"), _rule_action("goodbye")
    report, out = _run(processor, tmp_path, f"""
- story: hello and bye
  steps:
  - user: 안녕하세요
    intent: greet
  - action: {greet}
  - user: 안녕히 계세요
    intent: goodbye
  - action: {bye}
""")
    assert out["stories"] == 1 and out["passed"] == 1 and out["failed"] == []
    assert out["action_accuracy"] == 1.0 and out["intent_accuracy"] == 1.0
    assert out["actions_evaluated"] == out["actions_total"] == 2 and out["user_turns"] == 2


def test_a_wrong_action_fails_at_that_step_with_expected_and_predicted(processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    greet, bye = _rule_action("greet"), _rule_action("goodbye")
    assert greet != bye
    report, out = _run(processor, tmp_path, f"""
- story: greet answered with goodbye
  steps:
  - user: 안녕하세요
    intent: greet
  - action: {bye}
  - user: 안녕히 계세요
    intent: goodbye
  - action: {bye}
""")
    assert out["passed"] == 0
    [f] = out["failed"]
    assert (f["step"], f["kind"], f["expected"], f["predicted"]) == (1, "action", bye, greet)
    line = 1 + (tmp_path / "stories.yml").read_text(encoding="utf-8").splitlines().index(f"  - action: {bye}")
    assert f["step_source"].endswith(f"stories.yml:{line}")  # the line of the story's first '- action:'
    assert f["source"].endswith(f"stories.yml:{line - 4}")  # the story's own line (4 lines above)
    # the first divergence ends action scoring; the later user turn still counts for intents
    assert (out["actions_evaluated"], out["action_accuracy"]) == (1, 0.0)
    assert (out["user_turns"], out["intent_accuracy"]) == (2, 1.0)


def test_an_extra_action_where_the_story_waits_is_expected_action_listen(processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, out = _run(processor, tmp_path, """
- story: no reply to a greeting
  steps:
  - user: 안녕하세요
    intent: greet
  - user: 안녕히 계세요
    intent: goodbye
""")
    [f] = out["failed"]
    assert (f["step"], f["kind"], f["expected"], f["predicted"]) == (1, "action", "action_listen", _rule_action("greet"))


def test_a_wrong_intent_is_reported_with_the_predicted_intent(processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, out = _run(processor, tmp_path, f"""
- story: a greeting labelled goodbye
  steps:
  - user: 안녕하세요
    intent: goodbye
  - action: {_rule_action("goodbye")}
""")
    [f] = out["failed"]
    assert (f["step"], f["kind"], f["expected"], f["predicted"]) == (0, "intent", "goodbye", "greet")
    assert (out["intent_accuracy"], out["actions_evaluated"], out["action_accuracy"]) == (0.0, 0, None)


FORM_START = """
  - user: 제가 받을 수 있는 지원금이 있나요?
    intent: check_eligibility
  - action: eligibility_form
  - active_loop: eligibility_form
  - user: "[67세]{\\"entity\\": \\"age\\", \\"value\\": 67}예요"
    intent: inform
"""


def test_a_wrong_slot_value_and_a_wrong_active_loop_are_reported(processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, out = _run(processor, tmp_path, f"""
- story: the form fills age from the answer
  steps:{FORM_START}  - slot_was_set:
    - age: 67
  - action: eligibility_form
- story: a wrong age
  steps:{FORM_START}  - slot_was_set:
    - age: 70
  - action: eligibility_form
- story: the form is not active
  steps:{FORM_START}  - action: eligibility_form
  - active_loop: null
""")
    assert out["stories"] == 3 and out["passed"] == 1
    slot, loop = out["failed"]
    assert (slot["story"], slot["step"], slot["kind"], slot["expected"], slot["predicted"]) == (
        "a wrong age", 4, "slot", {"age": 70}, {"age": 67})
    assert (loop["story"], loop["step"], loop["kind"], loop["expected"], loop["predicted"]) == (
        "the form is not active", 5, "active_loop", None, "eligibility_form")


def test_a_wrong_entity_is_reported(processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, out = _run(processor, tmp_path, f"""
- story: the age annotated as income
  steps:{FORM_START.replace('age', 'income_pct')}""")
    [f] = out["failed"]
    assert (f["step"], f["kind"], f["expected"], f["predicted"]) == (3, "entities", [{"income_pct": 67}], [{"age": 67}])


@pytest.fixture
def survey_processor(make_processor, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The bundled engine with thanks answered by a custom action (no action server configured)."""
    intents = tmp_path / "intents"
    shutil.copytree(ROOT / "intents", intents, ignore=shutil.ignore_patterns("tests"))
    rules = (intents / "rules.yml").read_text(encoding="utf-8")
    thanks = "      - intent: thank\n      - action: utter_thank\n"
    assert thanks in rules
    (intents / "rules.yml").write_text(rules.replace(thanks, "      - intent: thank\n      - action: action_send_survey\n"), encoding="utf-8")
    return make_processor(intents_dir=intents)


def test_a_custom_action_without_action_server_fails_that_step_with_the_reason(survey_processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stories = load_test_stories(_stories(tmp_path, """
- story: survey
  steps:
  - user: 고마워요
    intent: thank
  - action: action_send_survey
"""))
    report = run_stories(survey_processor, stories)
    [f] = report.to_json()["failed"]
    assert (f["step"], f["kind"], f["expected"], f["predicted"]) == (1, "action_failed", "action_send_survey", "action_send_survey")
    assert "no action server configured for action 'action_send_survey'" in f["reason"]
    write_failed_stories(stories, report, tmp_path / "out" / FAILED_STORIES_FILE)
    line = next(x for x in (tmp_path / "out" / FAILED_STORIES_FILE).read_text(encoding="utf-8").splitlines() if "action_send_survey" in x)
    assert "# predicted: action_send_survey (failed: no action server configured" in line


def test_failed_stories_file_reads_back_with_predicted_comments(processor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    greet, bye = _rule_action("greet"), _rule_action("goodbye")
    stories = load_test_stories(_stories(tmp_path, f"""
- story: passes
  steps:
  - user: 안녕하세요
    intent: greet
  - action: {greet}
- story: wrong action
  steps:
  - user: 제가 받을 수 있는 지원금이 있나요?
    intent: check_eligibility
  - action: {bye}
  - user: "[67세]{{\\"entity\\": \\"age\\", \\"value\\": 67}}예요"
    intent: inform
    entities:
    - age: 67
- story: no reply expected
  steps:
  - user: 안녕하세요
    intent: greet
  - user: 잘 있어요
    intent: goodbye
  - action: {bye}
"""))
    report = run_stories(processor, stories)
    assert [r.passed for r in report.results] == [True, False, False]
    path = tmp_path / "out" / FAILED_STORIES_FILE
    assert write_failed_stories(stories, report, path) == 2
    back = load_test_stories(path)
    assert [b.story.name for b in back] == [f"{t.story.name} ({t.story.source})" for t in stories[1:]]

    def plain(steps):  # type: ignore[no-untyped-def]
        return [dataclasses.replace(s, source=None) for s in steps]

    assert plain(back[0].story.steps) == plain(stories[1].story.steps)  # annotated text and entities survive
    # the extra action is written where it happened, as Rasa does: an action_listen step with the prediction
    assert plain(back[1].story.steps) == [plain(stories[2].story.steps)[0], ActionStep("action_listen"), *plain(stories[2].story.steps)[1:]]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert f'  - action: "{bye}"  # predicted: eligibility_form' in lines
    assert f"  - action: action_listen  # predicted: {greet}" in lines
    empty = tmp_path / "empty.yml"
    write_failed_stories(stories[:1], E2EReport(report.results[:1]), empty)
    assert "# None of the test stories failed - all good!" in empty.read_text(encoding="utf-8")


def test_bad_paths_and_malformed_yaml_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="does not exist"):
        load_test_stories(tmp_path / "nope.yml")
    with pytest.raises(InvalidInputError, match="no test stories"):
        load_test_stories(_write(tmp_path / "nlu.yml", 'version: "3.1"\nnlu: []\n'))
    with pytest.raises(InvalidConfigError, match=rf"bad\.yml:{BAD_LINE}: error \[yaml-syntax\]"):
        load_test_stories(_write(tmp_path / "bad.yml", BAD_YAML))
    with pytest.raises(InvalidConfigError, match="unknown step keys"):
        load_test_stories(_write(tmp_path / "odd.yml", 'version: "3.1"\nstories:\n- story: x\n  steps:\n  - utter: hi\n'))


BAD_YAML = 'version: "3.1"\nstories:\n- story: x\n  steps:\n  - intent: greet: again\n  - action: utter_greet\n'
#: the line PyYAML itself reports for BAD_YAML
BAD_LINE = next(e.problem_mark.line + 1 for e in [_yaml_error(BAD_YAML)] if e.problem_mark is not None)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_cli_errors_exit_2(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "assistant", "test", "e2e"]
    missing = subprocess.run([*run, str(tmp_path / "nope.yml")], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert missing.returncode == 2 and missing.stderr.startswith("error: test stories path") and "nope.yml" in missing.stderr
    bad = _write(tmp_path / "bad.yml", BAD_YAML)
    r = subprocess.run([*run, str(bad), "--json"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 2 and r.stderr.startswith("error:") and f"bad.yml:{BAD_LINE}" in r.stderr and r.stdout == ""


def test_cli_json_shape_reports_and_exit_code(bundled_settings, monkeypatch, capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ASSISTANT_HOME", str(bundled_settings.home))
    path = _stories(tmp_path, f"""
- story: passes
  steps:
  - user: 안녕하세요
    intent: greet
  - action: {_rule_action("greet")}
- story: fails
  steps:
  - user: 안녕하세요
    intent: greet
  - action: {_rule_action("goodbye")}
""")
    args = ["test", "e2e", str(path), "--json", "--out", str(tmp_path / "r")]
    assert cmd_test_e2e(build_parser().parse_args([*args, "--fail-on-failure"])) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"stories", "passed", "failed", "action_accuracy", "intent_accuracy"}
    assert (out["stories"], out["passed"], out["action_accuracy"], out["intent_accuracy"]) == (2, 1, 0.5, 1.0)
    assert [f["story"] for f in out["failed"]] == ["fails"]
    assert json.loads((tmp_path / "r" / REPORT_FILE).read_text(encoding="utf-8"))["failed"] == out["failed"]
    assert [t.story.name for t in load_test_stories(tmp_path / "r" / FAILED_STORIES_FILE)] == [f"fails ({out['failed'][0]['source']})"]
    # without --fail-on-failure a failing story is a report, not an error
    assert cmd_test_e2e(build_parser().parse_args(args)) == 0


QUESTIONNAIRE_STORY = Path(__file__).parent / "stories" / "eligibility_questionnaire.yml"


@pytest.mark.parametrize("path", [BUNDLED_STORIES, QUESTIONNAIRE_STORY], ids=["bundled", "questionnaire"])
def test_bundled_test_stories_pass(processor, bundled_settings, embedder, path: Path) -> None:  # type: ignore[no-untyped-def]
    out = run_e2e(path, bundled_settings, embedder, processor=processor)
    assert out["stories"] == len(load_test_stories(path)) >= (6 if path == BUNDLED_STORIES else 1)
    assert out["failed"] == [], out["failed"]
    assert out["action_accuracy"] == out["intent_accuracy"] == 1.0


def test_a_story_run_reads_the_home_s_catalogue_and_keeps_its_writes_in_the_workdir(bundled_settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Fresh-user test s7, defect 6: with the whole home moved to the run's workdir the eligibility form found no
    catalogue on any home. The connector actions now read the home (its document store) and write under workdir."""
    import connectors.eligibility.service as elig
    from assistant.dialogue.e2e import _connector_executor

    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    settings = bundled_settings.model_copy(update={"home": home, "eligibility_url": None, "tasks_applicant_secret": None})
    elig._SHARED.clear()
    executor = _connector_executor(settings, work, settings.intents_dir)
    assert executor is not None
    assert list(elig._SHARED) == [(str(home.resolve()), f"sqlite:///{home / 'assistant.db'}")]
    assert not (home / "tasks_applicant.secret").exists() and sorted(p.name for p in home.iterdir()) == []

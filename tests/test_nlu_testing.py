"""`assistant test nlu`: held-out evaluation and cross-validation of the NLU pipeline, and its CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from shared_paths import ROOT

from assistant.errors import InvalidInputError
from assistant.nlu.testing import evaluate_project

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 26 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

HELDOUT = ROOT / "tests" / "data" / "nlu_heldout.yml"


def test_heldout_report_on_the_bundled_project(embedder, bundled_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # the session's bundled model (trained once on intents/ for every test that needs it) is tested, as `assistant test
    # nlu --nlu F` tests the trained model; this test trained the bundled project again in memory and took 144 s under
    # load (s17). Training in memory is tested by test_cross_validation and the CLI tests below.
    assert bundled_settings.intents_dir.resolve() == (ROOT / "intents").resolve()
    out = evaluate_project(ROOT / "intents", embedder, nlu_file=HELDOUT, out_dir=tmp_path / "r",
                           trained_model=bundled_settings.nlu_dir)
    assert out["model"]["used"] == "trained" and out["model"]["path"] == str(bundled_settings.nlu_dir)
    # support per intent = examples per intent in the file, counted here by reading its lines
    counts: dict[str, int] = {}
    intent = ""
    for line in HELDOUT.read_text(encoding="utf-8").splitlines():
        if line.startswith("- intent:"):
            intent = line.split(":", 1)[1].strip()
        elif line.strip().startswith("- ") and intent:
            counts[intent] = counts.get(intent, 0) + 1
    assert {k: v["support"] for k, v in out["per_intent"].items() if v["support"]} == counts
    assert out["n"] == sum(counts.values()) == 12
    assert out["intent_accuracy"] >= 10 / 12  # plain paraphrases of the bundled intents
    # the three annotated entities are written with the spans the extractors produce (71세, 부산, 68 years old)
    assert out["entity_f1"] == 1.0
    assert 0.0 <= out["calibration_ece"] <= 1.0
    assert (tmp_path / "r" / "confusion_matrix.png").stat().st_size > 1000
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))[0]
    assert report["n"] == 12 and len(report["confusion"]) == len(report["labels"])


def _tiny_project(root: Path) -> Path:
    (root / "data").mkdir(parents=True)
    (root / "domain.yml").write_text('version: "3.1"\nintents: [greet, goodbye, ask_fee]\nentities: [age]\n', encoding="utf-8")
    (root / "data" / "nlu.yml").write_text(
        'version: "3.1"\nnlu:\n'
        "- intent: greet\n  examples: |\n" + "".join(f"    - {t}\n" for t in
            ["안녕하세요", "안녕", "반가워요", "hello", "hi", "good morning", "안녕하십니까", "hey there"])
        + "- intent: goodbye\n  examples: |\n" + "".join(f"    - {t}\n" for t in
            ["안녕히 가세요", "잘 있어요", "다음에 봐요", "bye", "goodbye", "see you", "그럼 이만", "take care"])
        + "- intent: ask_fee\n  examples: |\n" + "".join(f"    - {t}\n" for t in
            ["수수료 얼마예요", "등본 발급 비용 알려줘요", "[7살](age) 아이 요금은요", "how much is the fee",
             "what does it cost", "fee for a [10 years old](age) child", "비용이 궁금해요", "is it free"]),
        encoding="utf-8",
    )
    return root


def test_cross_validation(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = evaluate_project(_tiny_project(tmp_path / "p"), embedder, cross_validation=2, out_dir=tmp_path / "r")
    report = json.loads((tmp_path / "r" / "report.json").read_text(encoding="utf-8"))
    assert report["pooled"]["n"] == 24 and [f["n"] for f in report["folds"]] == [12, 12]
    assert sum(map(sum, report["pooled"]["confusion"])) == 24
    assert out["k"] == 2 and len(out["folds"]) == 2
    mean = sum(f["intent_accuracy"] for f in out["folds"]) / 2
    assert out["intent_accuracy"] == pytest.approx(mean)
    # s15-fresh F7: per-intent figures pool every fold's held-out predictions (8 examples per intent in the file,
    # each held out once), not the last fold's 4
    assert {k: v["support"] for k, v in out["per_intent"].items() if v["support"]} == {"greet": 8, "goodbye": 8, "ask_fee": 8}
    assert out["pooled"]["n"] == 24
    right = round(out["pooled"]["intent_accuracy"] * 24)
    assert right == pytest.approx(sum(f["intent_accuracy"] * 12 for f in out["folds"]))  # 12 held out per fold
    with pytest.raises(InvalidInputError, match="fewer than 9 examples"):
        evaluate_project(tmp_path / "p", embedder, cross_validation=9)
    with pytest.raises(InvalidInputError, match="either --nlu"):
        evaluate_project(tmp_path / "p", embedder)


def test_cli_json_shape_and_errors(bundled_settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "ASSISTANT_HOME": str(bundled_settings.home)}
    run = [sys.executable, "-m", "assistant", "test", "nlu"]
    r = subprocess.run([*run, "--project", str(_tiny_project(tmp_path / "p")), "--nlu", str(tmp_path / "p" / "data" / "nlu.yml"),
                        "--out", str(tmp_path / "o"), "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"intent_accuracy", "intent_macro_f1", "entity_f1", "per_intent", "calibration_ece"} <= set(out)
    bad = subprocess.run([*run, "--cross-validation", "3", "--nlu", str(HELDOUT)], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("error: give either --nlu")


# --- s15-fresh F6: `test nlu --nlu` tests the trained model ------------------------------------------------------


def test_cli_tests_the_model_trained_on_the_same_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """`assistant train --project P` then `assistant test nlu --project P --nlu F` tests that model (it retrained
    from scratch before: a second 17-minute wait for Sara); an edit to P, another project, or --retrain trains one in
    memory (that path: the next test), and the output says which."""
    from assistant import cli
    from assistant.nlu.pipeline import NluPipeline

    home = tmp_path / "home"
    monkeypatch.setenv("ASSISTANT_HOME", str(home))
    project = _tiny_project(tmp_path / "p")
    heldout = project / "data" / "nlu.yml"
    assert cli.main(["train", "--project", str(project)]) == 0
    nlu_dir = home / "nlu"
    assert (nlu_dir / "pipeline.json").exists()
    capsys.readouterr()

    trainings: list[int] = []
    real_train = NluPipeline.train

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        trainings.append(1)
        return real_train(*args, **kwargs)

    monkeypatch.setattr(NluPipeline, "train", staticmethod(counted))

    def test_nlu(*extra: str, proj: Path = project) -> dict:  # type: ignore[type-arg]
        assert cli.main(["test", "nlu", "--project", str(proj), "--nlu", str(heldout), "--out", str(tmp_path / "o"),
                         "--json", *extra]) == 0
        return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]

    used = test_nlu()
    assert trainings == [] and used["model"]["used"] == "trained" and used["model"]["path"] == str(nlu_dir)
    assert str(project.resolve()) in used["model"]["reason"]
    # the figures are the saved model's: its own parse of every held-out example, counted here
    saved = NluPipeline.load(nlu_dir, cli_embedder())
    from assistant.nlu.training_data import load_training_data

    examples = load_training_data([heldout]).examples
    read = [saved.parse(e.text).nlu for e in examples]
    right = sum(("out_of_scope" if r.is_out_of_scope else r.intent.name) == e.intent for r, e in zip(read, examples, strict=True))
    assert used["intent_accuracy"] == pytest.approx(right / len(examples))

    # which model, without running the evaluation again: another folder with the same files is not what the model
    # was trained on; an edit to the project makes it stale; undoing the edit makes it current again
    from assistant.settings import get_settings

    other = _tiny_project(tmp_path / "q")
    assert cli._model_to_test(get_settings(), other, retrain=False) == (
        None, f"the NLU in {nlu_dir} was trained on {project.resolve()}, not on {other.resolve()}: trained in memory")
    original = heldout.read_text(encoding="utf-8")
    heldout.write_text(original + "    - 요금이 얼마죠\n", encoding="utf-8")  # the project's training data changed
    assert cli._model_to_test(get_settings(), project, retrain=False) == (
        None, f"{project.resolve()} changed since the NLU in {nlu_dir} was trained: trained in memory")
    heldout.write_text(original, encoding="utf-8")
    assert cli._model_to_test(get_settings(), project, retrain=False)[0] == nlu_dir
    assert cli._model_to_test(get_settings(), project, retrain=True) == (None, "--retrain: trained in memory")
    assert trainings == []

    # the text output names the model too
    assert cli.main(["test", "nlu", "--project", str(project), "--nlu", str(heldout), "--out", str(tmp_path / "o")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == f"model: the NLU in {nlu_dir}, trained on {project.resolve()} as it is now"


def test_without_a_trained_model_it_trains_one_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    from assistant import cli

    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "empty-home"))
    project = _tiny_project(tmp_path / "p")
    assert cli.main(["test", "nlu", "--project", str(project), "--nlu", str(project / "data" / "nlu.yml"),
                     "--out", str(tmp_path / "o"), "--json"]) == 0
    model = json.loads(capsys.readouterr().out)["model"]
    assert model == {"used": "trained_in_memory", "path": None,
                     "reason": f"no trained NLU in {tmp_path / 'empty-home' / 'nlu'}: trained in memory"}
    assert not (tmp_path / "empty-home" / "nlu").exists()  # trained in memory, nothing saved


def cli_embedder():  # type: ignore[no-untyped-def]
    """The embedder the CLI makes from the settings (the same weights the saved model was trained with)."""
    from assistant.knowledge.embedder import make_embedder
    from assistant.settings import get_settings

    s = get_settings()
    return make_embedder(s.embedder, s.embed_threads)

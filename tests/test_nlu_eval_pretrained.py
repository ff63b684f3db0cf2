"""`assistant test nlu` scores pretrained (duckling-like) entity types only where the data annotates them, as Rasa does."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.nlu.testing import PRETRAINED_EXTRACTORS, evaluate_project, scored_entities
from assistant.nlu.types import EntitySpan


def _span(entity: str, start: int, end: int, extractor: str | None) -> EntitySpan:
    return EntitySpan(entity, start, end, "x" * (end - start), extractor=extractor)


@pytest.mark.parametrize(
    ("entity", "extractor", "declared", "annotated", "scored"),
    [
        ("number", "duckling-like", True, False, False),  # declared, never annotated: Rasa leaves it out
        ("number", "DucklingEntityExtractor", True, False, False),
        ("number", "duckling-like", True, True, True),  # the annotator marks numbers: scored
        ("age", "duckling-like", True, True, True),
        ("product", "crf", True, False, True),  # a trained extractor is always scored for declared types
        ("product", "lookup", True, False, True),
        ("time", "duckling-like", False, False, False),  # undeclared: never scored (and not listed as excluded)
    ],
)
def test_which_predictions_are_scored(entity: str, extractor: str, declared: bool, annotated: bool, scored: bool) -> None:
    span = _span(entity, 0, 2, extractor)
    kept, left_out = scored_entities([span], {entity} if declared else set(), {entity} if annotated else set())
    assert kept == ([span] if scored else [])
    assert left_out == ([span] if declared and not scored else [])
    assert ("duckling-like" in PRETRAINED_EXTRACTORS) and ("crf" not in PRETRAINED_EXTRACTORS)


#: Test messages: (text, annotated age span or None, bare numbers in the text that nobody annotated).
_TEST = [
    ("[7살](age) 아이 요금 알려줘요, 표는 2장이요", 1),
    ("[10살](age) 아이 요금은요 3 명", 1),
    ("수수료가 얼마인지 4번 물어봤어요", 1),
    ("how much is it for 5 people", 1),
    ("안녕하세요", 0),
    ("bye", 0),
]


def _project(root: Path) -> tuple[Path, Path]:
    (root / "data").mkdir(parents=True)
    (root / "domain.yml").write_text(
        'version: "3.1"\nintents: [greet, goodbye, ask_fee]\nentities: [age, number]\n', encoding="utf-8"
    )
    examples = {
        "greet": ["안녕하세요", "안녕", "반가워요", "hello", "hi", "good morning"],
        "goodbye": ["안녕히 가세요", "잘 있어요", "다음에 봐요", "bye", "goodbye", "see you"],
        "ask_fee": ["수수료 얼마예요", "[7살](age) 아이 요금은요", "등본 발급 비용 알려줘요", "how much is the fee",
                    "fee for a [10 years old](age) child", "비용이 궁금해요"],
    }
    body = 'version: "3.1"\nnlu:\n' + "".join(
        f"- intent: {i}\n  examples: |\n" + "".join(f"    - {t}\n" for t in ts) for i, ts in examples.items()
    )
    (root / "data" / "nlu.yml").write_text(body, encoding="utf-8")
    intents = ["ask_fee", "ask_fee", "ask_fee", "ask_fee", "greet", "goodbye"]
    test = 'version: "3.1"\nnlu:\n' + "".join(
        f"- intent: {i}\n  examples: |\n    - {t}\n" for i, (t, _) in zip(intents, _TEST, strict=True)
    )
    (root / "test.yml").write_text(test, encoding="utf-8")
    return root, root / "test.yml"


def test_unannotated_numbers_are_left_out_and_reported(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, test = _project(tmp_path / "p")
    out = evaluate_project(project, embedder, nlu_file=test)
    # the two annotated ages are found with the annotated spans; the bare numbers are not false positives
    assert out["entity_precision"] == 1.0 and out["entity_recall"] == 1.0 and out["entity_f1"] == 1.0
    assert out["entity_types_excluded"] == ["number"]
    assert out["entity_predictions_excluded"] == {"number": sum(n for _, n in _TEST)}


def test_cross_validation_reports_the_excluded_types(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    project, _ = _project(tmp_path / "p")
    (project / "data" / "nlu.yml").write_text(
        (project / "data" / "nlu.yml").read_text(encoding="utf-8").replace("hello", "hello 2 you"), encoding="utf-8"
    )
    out = evaluate_project(project, embedder, cross_validation=2)
    assert out["entity_types_excluded"] == ["number"]
    assert out["entity_predictions_excluded"] == {"number": 1}  # "2" in "hello 2 you", in whichever fold it falls

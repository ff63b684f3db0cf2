"""The bundled ``document`` entity (case C01): lookup table + synonyms in intents/nlu.yml.

Each row gives the message, the surface span (its offsets are located in the
message here, independently of the extractor) and the official document name
the synonym must map to (the names printed on the certificates issued by
정부24 / 대법원 전자가족관계등록시스템 / 국민건강보험공단 / 홈택스).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from entity_examples import TOK
from shared_paths import ROOT

from assistant.nlu.entities import EntityPipeline, EntityPipelineConfig
from assistant.nlu.training_data import load_training_data

NLU = ROOT / "intents" / "nlu.yml"


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    # the rule-based extractors only: the CRF is not needed to test the tables (and takes seconds to fit)
    p = EntityPipeline(EntityPipelineConfig(extractors=["regex", "lookup", "duckling"]), TOK)
    p.train(load_training_data([NLU]))
    return p


def _documents(pipe: EntityPipeline, text: str) -> list[tuple[int, int, str, object]]:
    out = []
    for e in pipe.extract(text):
        assert text[e.start : e.end] == e.text  # offsets are into the original text
        if e.entity == "document":
            out.append((e.start, e.end, e.text, e.value))
    return out


ROWS = [
    # (message, [(surface, official name), ...])
    ("등본을 떼고 싶어요", [("등본", "주민등록표 등본")]),
    ("서울시 강남구에서 주민등록등본 발급받고 싶어요", [("주민등록등본", "주민등록표 등본")]),
    ("주민등록등본발급", [("주민등록등본", "주민등록표 등본")]),  # run-together: the noun 발급 is not part of it
    ("주민등록표 등본이요", [("주민등록표 등본", "주민등록표 등본")]),
    ("초본이랑 가족관계증명서 필요해요", [("초본", "주민등록표 초본"), ("가족관계증명서", "가족관계증명서")]),
    ("건강보험 자격득실 확인서를 어디서 받아요", [("건강보험 자격득실 확인서", "건강보험 자격득실 확인서")]),
    ("건강보험자격득실확인서 발급", [("건강보험자격득실확인서", "건강보험 자격득실 확인서")]),
    ("자격득실확인서 주세요", [("자격득실확인서", "건강보험 자격득실 확인서")]),
    ("소득금액증명원은요?", [("소득금액증명원", "소득금액증명")]),
    ("기본증명서랑 혼인관계증명서", [("기본증명서", "기본증명서"), ("혼인관계증명서", "혼인관계증명서")]),
    ("인감증명서를 대리로 뗄 수 있나요", [("인감증명서", "인감증명서")]),
    ("등기부등본 떼는 법", [("등기부등본", "등기사항전부증명서")]),  # the longer entry wins over 등본 inside it
    ("How do I get a family relation certificate?", [("family relation certificate", "가족관계증명서")]),
    ("I need an Income Certificate and a basic certificate", [("Income Certificate", "소득금액증명"), ("basic certificate", "기본증명서")]),
    ("등본이 아니라 서류 얘기예요 등본은요", [("등본", "주민등록표 등본")] * 2),
    ("주민센터 어디예요", []),
    ("기본 정보 알려주세요", []),
]


@pytest.mark.parametrize("text, expected", ROWS)
def test_bundled_document_entity(pipe: EntityPipeline, text: str, expected: list[tuple[str, str]]) -> None:
    want = []
    pos = 0
    for surface, value in expected:
        start = text.index(surface, pos)
        want.append((start, start + len(surface), surface, value))
        pos = start + len(surface)
    assert _documents(pipe, text) == want


def test_every_synonym_value_is_a_listed_document() -> None:
    """A synonym of a document must map to a name the lookup table lists (else it would extract nothing)."""
    items = yaml.safe_load(Path(NLU).read_text(encoding="utf-8"))["nlu"]
    table = next(i for i in items if i.get("lookup") == "document")
    names = {line[2:].strip() for line in table["examples"].splitlines() if line.strip()}
    assert len(names) >= 20
    doc_synonyms = [i["synonym"] for i in items if i.get("synonym") in names]
    assert {"주민등록표 등본", "주민등록표 초본", "가족관계증명서", "건강보험 자격득실 확인서", "소득금액증명"} <= set(doc_synonyms)


def test_domain_declares_document() -> None:
    domain = yaml.safe_load((ROOT / "intents" / "domain.yml").read_text(encoding="utf-8"))
    assert "document" in domain["entities"]


def test_annotated_examples_agree_with_the_tables(pipe: EntityPipeline) -> None:
    """Every [..](document) annotation in nlu.yml is found by the lookup with the same span."""
    data = load_training_data([NLU])
    annotated = [(ex, e) for ex in data.examples for e in ex.entities if e.entity == "document"]
    assert len(annotated) >= 5
    for ex, ann in annotated:
        found = [(s, e) for s, e, _, _ in _documents(pipe, ex.text)]
        assert (ann.start, ann.end) in found, ex.text

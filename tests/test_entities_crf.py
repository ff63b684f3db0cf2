"""The CRF entity extractor: BILOU coding, learning from ~30 Korean examples, save/load."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ModelNotFoundError
from assistant.nlu.entities import CRFEntityExtractor, annotation_problems, trim_span
from assistant.nlu.entities.crf import bilou_labels, decode_bilou
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan, TrainingExample
from entity_examples import ANNOTATED, EXAMPLES, TOK, parse_annotated



@pytest.fixture(scope="module")
def crf() -> CRFEntityExtractor:
    ext = CRFEntityExtractor()
    report = ext.train(EXAMPLES, TOK)
    assert report["examples"] == len(EXAMPLES)
    assert report["entities"] == sum(len(e.entities) for e in EXAMPLES)
    return ext


def _toks(*spans: tuple[int, int]) -> list[Token]:
    return [Token("x", "NNG", s, e) for s, e in spans]


class TestBilou:
    def test_labels(self) -> None:
        tokens = _toks((0, 2), (2, 4), (4, 6), (7, 9), (9, 10))
        assert bilou_labels(tokens, [(0, 6, "doc"), (7, 9, "city")]) == ["B-doc", "I-doc", "L-doc", "U-city", "O"]

    @pytest.mark.parametrize(
        "labels, spans",
        [
            (["B-a", "I-a", "L-a", "O"], [(0, 2, "a")]),
            (["U-a", "U-a"], [(0, 0, "a"), (1, 1, "a")]),
            (["I-a", "L-a"], [(0, 1, "a")]),  # no B: still one entity
            (["B-a", "O", "U-b"], [(0, 0, "a"), (2, 2, "b")]),  # B without L
            (["B-a", "I-b", "L-b"], [(0, 0, "a"), (1, 2, "b")]),  # type change splits
            (["B-a", "I-a"], [(0, 1, "a")]),  # runs to the end
            ([], []),
        ],
    )
    def test_decode_is_tolerant(self, labels: list[str], spans: list[tuple[int, int, str]]) -> None:
        assert decode_bilou(labels) == spans


class TestTrim:
    @pytest.mark.parametrize(
        "text, kept",
        [
            ("강남구에서", "강남구"),  # case particle (JKB)
            ("부산으로,", "부산"),  # particle + punctuation
            ("주민이에요", "주민"),  # copula (VCP) + ending (EF)
            ("신청하고", "신청"),  # predicate-forming suffix (XSV) + ending
            ("서울시도", "서울시"),  # auxiliary particle (JX); 시 stays (part of the name)
            (" 부산 ", "부산"),
            ("할래요", "할래요"),  # a fused syllable (하 + ᆯ래) is never split
            ("에서", ""),  # nothing but a particle
        ],
    )
    def test_trim_span(self, text: str, kept: str) -> None:
        s, e = trim_span(text, 0, len(text), TOK.tokenize(text))
        assert text[s:e] == kept


class TestCrf:
    @pytest.mark.parametrize(
        "text, entity, surface",
        [
            ("대전으로 이사 가요", "city", "대전"),
            ("세종에서 이사 왔어요", "city", "세종"),
            ("강서구에서 신청할게요", "district", "강서구"),
        ],
    )
    def test_held_out_entity_with_particle(self, crf: CRFEntityExtractor, text: str, entity: str, surface: str) -> None:
        assert not any(surface in line for line in ANNOTATED)  # really held out
        spans = crf.extract(text, TOK.tokenize(text))
        assert [(s.entity, s.text, s.start, s.end) for s in spans] == [(entity, surface, 0, len(surface))]
        assert spans[0].extractor == "crf" and 0.3 <= (spans[0].confidence or 0) <= 1

    def test_no_entities_in_small_talk(self, crf: CRFEntityExtractor) -> None:
        assert crf.extract("감사합니다 좋은 하루 되세요", TOK.tokenize("감사합니다 좋은 하루 되세요")) == []

    def test_save_load_same_predictions(self, crf: CRFEntityExtractor, tmp_path: Path) -> None:
        crf.save(tmp_path / "crf.pkl")
        loaded = CRFEntityExtractor.load(tmp_path / "crf.pkl")
        for text in ("대전으로 이사 가요", "노원구에서 가족관계증명서 떼고 싶어요"):
            assert loaded.extract(text, TOK.tokenize(text)) == crf.extract(text, TOK.tokenize(text))

    def test_load_missing(self, tmp_path: Path) -> None:
        with pytest.raises(ModelNotFoundError):
            CRFEntityExtractor.load(tmp_path / "nope.pkl")

    def test_untrained_extracts_nothing(self) -> None:
        ext = CRFEntityExtractor()
        assert ext.train([TrainingExample("안녕하세요", "greet")], TOK)["entities"] == 0
        assert ext.extract("부산으로", TOK.tokenize("부산으로")) == []

    def test_particle_in_annotation_is_reported_and_trimmed(self) -> None:
        bad = parse_annotated("[강남구에서](district) 신청할게요")
        problems = annotation_problems(bad, TOK.tokenize(bad.text))
        assert len(problems) == 1 and "'에서'" in problems[0] and "'강남구'" in problems[0]
        assert annotation_problems(EXAMPLES[0], TOK.tokenize(EXAMPLES[0].text)) == []
        misaligned = TrainingExample("강남구에서", "inform", (EntitySpan("district", 0, 2, "강남"),))
        assert any("morpheme" in p for p in annotation_problems(misaligned, TOK.tokenize("강남구에서")))
        ext = CRFEntityExtractor()
        assert ext.train([bad, *EXAMPLES], TOK)["annotations_trimmed"] == 1

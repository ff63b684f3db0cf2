"""The CRF entity extractor: BILOU coding, learning from ~30 Korean examples, save/load."""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

import pytest
import sklearn_crfsuite

from assistant.errors import ModelNotFoundError
from assistant.nlu.entities import CRFEntityExtractor, annotation_problems, trim_span
from assistant.nlu.entities.crf import bilou_labels, decode_bilou
from assistant.nlu.project import load_project
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan, TrainingExample
from entity_examples import ANNOTATED, EXAMPLES, TOK, parse_annotated
from shared_paths import ROOT



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
            ("50%", "50%"),  # s15-fresh F5: a unit sign written onto its number is part of it
            ("45％", "45％"),
            ("36.5℃", "36.5℃"),
            ("50 %", "50"),  # a sign apart from the number is punctuation
            ("50%에서", "50%"),
        ],
    )
    def test_trim_span(self, text: str, kept: str) -> None:
        s, e = trim_span(text, 0, len(text), TOK.tokenize(text))
        assert text[s:e] == kept

    @pytest.mark.parametrize(
        "text, span, kept",
        [
            # Kiwi reads "do." as one token: the annotation ends inside it, and the hyphen before it stays (s15-fresh F5)
            ("I live in Chungcheongbuk-do. What benefits can I get?", "Chungcheongbuk-do", "Chungcheongbuk-do"),
            ("I live in Gyeongsangbuk-do. What benefits can I get?", "Gyeongsangbuk-do", "Gyeongsangbuk-do"),
            ("my income is about 45% of the median", "45%", "45%"),
            ("강남구에서 살아요", "강남구에서", "강남구"),
        ],
    )
    def test_trim_span_inside_a_sentence(self, text: str, span: str, kept: str) -> None:
        start = text.index(span)
        s, e = trim_span(text, start, start + len(span), TOK.tokenize(text))
        assert text[s:e] == kept

    def test_bundled_annotations_need_no_trimming(self) -> None:
        """The bundled training data is written at morpheme boundaries (data validate: 0 errors), so the CRF trims
        nothing from it; the four '%' and '-do' annotations were trimmed before s15, with a warning at every training."""
        project = load_project(ROOT / "intents")
        changed = []
        for ex in project.nlu.examples:
            if ex.entities:
                tokens = TOK.tokenize(ex.text)
                changed += [(ex.text, e.value) for e in ex.entities if trim_span(ex.text, e.start, e.end, tokens) != (e.start, e.end)]
        assert changed == []


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


class TestNoTempFiles:
    """sklearn_crfsuite wrote the model to a ``model*.crfsuite`` temp file on fit and on every unpickling and deleted it
    only at garbage collection: each killed server or test worker left one (about 100 of 75 KB in /tmp, s13). Now
    nothing is left in the temp dir while the model is in use, so a killed process leaves nothing either."""

    TEXTS = ("대전으로 이사 가요", "노원구에서 가족관계증명서 떼고 싶어요", "감사합니다")

    @pytest.fixture
    def tmpdir_(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
        tmp = tmp_path / "tmp"
        tmp.mkdir()
        monkeypatch.setenv("TMPDIR", str(tmp))
        monkeypatch.setattr(tempfile, "tempdir", str(tmp))  # gettempdir() caches its first answer
        return tmp

    def test_training_saving_loading_and_predicting_leave_no_file(self, tmpdir_: Path, tmp_path: Path) -> None:
        ext = CRFEntityExtractor()
        ext.train(EXAMPLES, TOK)
        ext.save(tmp_path / "model" / "crf.pkl")
        loaded = CRFEntityExtractor.load(tmp_path / "model" / "crf.pkl")
        got = [loaded.extract(t, TOK.tokenize(t)) for t in self.TEXTS]
        assert got == [ext.extract(t, TOK.tokenize(t)) for t in self.TEXTS]
        assert [s.text for s in got[0]] == ["대전"]  # it does predict
        assert sorted(tmpdir_.iterdir()) == []  # checked while both models are alive: a kill now leaves nothing
        assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["crf.pkl"]

    def test_a_killed_process_that_loaded_and_used_the_model_leaves_no_file(self, crf: CRFEntityExtractor, tmpdir_: Path,
                                                                           tmp_path: Path) -> None:
        crf.save(tmp_path / "crf.pkl")
        tokens = {t: [asdict(x) for x in TOK.tokenize(t)] for t in self.TEXTS}
        (tmp_path / "tokens.json").write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
        script = (
            "import json, os, signal, sys\n"
            "from pathlib import Path\n"
            "from assistant.nlu.entities import CRFEntityExtractor\n"
            "from assistant.nlu.tokenizer import Token\n"
            "crf = CRFEntityExtractor.load(Path(sys.argv[1]))\n"
            "for text, toks in json.loads(Path(sys.argv[2]).read_text(encoding='utf-8')).items():\n"
            "    print([s.text for s in crf.extract(text, [Token(**t) for t in toks])], flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n"
        )
        env = {**os.environ, "TMPDIR": str(tmpdir_)}
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "crf.pkl"), str(tmp_path / "tokens.json")],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == -signal.SIGKILL, done.stderr
        assert done.stdout.splitlines()[0] == "['대전']"
        assert sorted(tmpdir_.iterdir()) == []

    def test_a_model_saved_before_s13_loads_and_its_temp_file_is_removed(self, crf: CRFEntityExtractor, tmpdir_: Path,
                                                                         tmp_path: Path) -> None:
        old = sklearn_crfsuite.CRF()  # format 1 pickled the sklearn_crfsuite object, whose file holds the model
        old.modelfile.ensure_name()
        Path(old.modelfile.name).write_bytes(crf._model or b"")
        blob = {"version": 1, "config": asdict(crf.config), "entity_types": crf.entity_types, "crf": old}
        (tmp_path / "crf.pkl").write_bytes(pickle.dumps(blob))
        old.modelfile.cleanup()
        assert sorted(tmpdir_.iterdir()) == []
        loaded = CRFEntityExtractor.load(tmp_path / "crf.pkl")
        assert [loaded.extract(t, TOK.tokenize(t)) for t in self.TEXTS] == [crf.extract(t, TOK.tokenize(t)) for t in self.TEXTS]
        assert sorted(tmpdir_.iterdir()) == []


#: English frames around a Korean phrase (as tests/test_tokenizer_mixed_scripts.py frames them)
FRAMES = [("Can I get the ", "?"), ("What is ", " exactly?"), ("I said ", " and my mom agreed"), ("Tell me about ", ""),
          ("", " please"), ("Please check ", " for me. Thanks!"), ("Ｃａｎ I get ", "?"), ("Pusan ", " Ch'ŏngju")]


class TestMixedScripts:
    """A Korean phrase inside English text is labelled as the phrase alone is: the Korean words form their own chain
    (features of their Korean neighbours, transitions from the chain's start). Before session 14 the English
    neighbours lost 강남구 in "Can I get the 강남구 주민이에요?" and in five more frames, and 서울 in
    "Pusan 서울에서 왔어요 Ch'ŏngju" (7 of these 48 framed phrases)."""

    @pytest.mark.parametrize(("phrase", "entity", "surface"), [
        ("대전으로 이사 가요", "city", "대전"), ("세종에서 이사 왔어요", "city", "세종"), ("강서구에서 신청할게요", "district", "강서구"),
        ("강남구 주민이에요", "district", "강남구"), ("서울에서 왔어요", "city", "서울"), ("광주로 이사했어요", "city", "광주"),
    ])
    @pytest.mark.parametrize(("before", "after"), FRAMES)
    def test_a_korean_phrase_in_an_english_frame(self, crf: CRFEntityExtractor, phrase: str, entity: str, surface: str,
                                                 before: str, after: str) -> None:
        text = before + phrase + after
        start = len(before) + phrase.index(surface)
        spans = crf.extract(text, TOK.tokenize(text))
        inside = [(s.entity, s.text, s.start, s.end) for s in spans if s.end > len(before) and s.start < len(before) + len(phrase)]
        assert inside == [(entity, surface, start, start + len(surface))], spans
        assert all(text[s.start : s.end] == s.text for s in spans)

    def test_training_counts_examples_not_chains(self) -> None:
        """A mixed example is learnt as two chains; the report still counts it once."""
        extra = [TrainingExample("I live in 마포구 now", "inform", (EntitySpan("district", 10, 13, "마포구"),)),
                 TrainingExample("We moved to 마포구 last year", "inform", (EntitySpan("district", 12, 15, "마포구"),))]
        report = CRFEntityExtractor().train([*EXAMPLES, *extra], TOK)
        assert (report["examples"], report["entities"]) == (len(EXAMPLES) + 2, sum(len(e.entities) for e in EXAMPLES) + 2)


class TestLatinAcronyms:
    """An entity is predicted only in the letter scripts its annotations were written in. The ~30 training examples
    annotate cities, districts and documents in Hangul only; before session 15 the CRF read the Latin acronym at the
    start of "KTX로 대전에 가요" as a city (and KB, SH the same way: a word before 로/에서 opening the sentence, like
    "부산으로 이사 가요")."""

    @pytest.mark.parametrize(("text", "acronym"), [
        ("KTX로 대전에 가요", "KTX"), ("SRT로 부산에 가요", "SRT"), ("KB에서 대출 받았어요", "KB"), ("SH로 이사 가요", "SH"),
        ("LH 임대주택 신청하려고요", "LH"), ("HPV 주사 맞으러 가요", "HPV"), ("대전에서 KTX로 가요", "KTX"),
        ("GTX로 출근해요", "GTX"), ("IBK에서 서류 떼요", "IBK"), ("SH에서 이사 왔어요", "SH"),
    ])
    def test_a_latin_acronym_is_no_hangul_trained_entity(self, crf: CRFEntityExtractor, text: str, acronym: str) -> None:
        at = text.index(acronym)
        spans = crf.extract(text, TOK.tokenize(text))
        assert [s for s in spans if s.start < at + len(acronym) and s.end > at] == [], spans

    @pytest.mark.parametrize(("text", "expected"), [
        ("SRT로 부산에 가요", [("city", "부산", 5, 7)]), ("대전에서 KTX로 가요", [("city", "대전", 0, 2)]),
    ])
    def test_the_hangul_city_beside_it_is_kept(self, crf: CRFEntityExtractor, text: str, expected: list[tuple[str, str, int, int]]) -> None:
        assert [(s.entity, s.text, s.start, s.end) for s in crf.extract(text, TOK.tokenize(text))] == expected

    def test_training_records_each_entitys_letter_scripts(self, crf: CRFEntityExtractor) -> None:
        # every annotation in entity_examples.ANNOTATED is Hangul
        assert crf.entity_scripts == {"city": ["hangul"], "district": ["hangul"], "document": ["hangul"]}

    def test_an_entity_annotated_in_latin_is_still_learnt(self) -> None:
        extra = [parse_annotated(line) for line in
                 ("[KTX](vehicle)로 가요", "[SRT](vehicle) 타고 왔어요", "[ITX](vehicle)로 출근해요", "내일 [KTX](vehicle) 예매했어요")]
        ext = CRFEntityExtractor()
        ext.train([*EXAMPLES, *extra], TOK)
        assert ext.entity_scripts["vehicle"] == ["latin"]
        for text, surface in (("KTX로 대전에 가요", "KTX"), ("GTX 타고 왔어요", "GTX")):  # GTX: never annotated
            got = [(s.entity, s.text) for s in ext.extract(text, TOK.tokenize(text)) if s.entity == "vehicle"]
            assert got == [("vehicle", surface)]

    def test_the_record_survives_save_and_a_model_without_it_is_not_filtered(self, crf: CRFEntityExtractor,
                                                                              tmp_path: Path) -> None:
        crf.save(tmp_path / "crf.pkl")
        assert CRFEntityExtractor.load(tmp_path / "crf.pkl").entity_scripts == crf.entity_scripts
        blob = pickle.loads((tmp_path / "crf.pkl").read_bytes())
        del blob["entity_scripts"]  # a model saved before session 15
        (tmp_path / "old.pkl").write_bytes(pickle.dumps(blob))
        old = CRFEntityExtractor.load(tmp_path / "old.pkl")
        assert old.entity_scripts == {}
        # the same chain labels, unfiltered: the CRF's own weights still read SH as a city, so the record is what drops it
        text = "SH로 이사 가요"
        assert [(s.entity, s.text) for s in old.extract(text, TOK.tokenize(text))] == [("city", "SH")]
        assert crf.extract(text, TOK.tokenize(text)) == []

"""EntityPipeline: case C01 replayed, the overlap rule, synonyms, config errors, save/load."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from entity_examples import EXAMPLES, TOK

from assistant.errors import InvalidConfigError, ModelNotFoundError
from assistant.nlu.entities import EntityPipeline, EntityPipelineConfig
from assistant.nlu.types import NluTrainingData

REF = dt.datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Seoul"))  # a Wednesday
NEXT_FRIDAY = (REF.date() - dt.timedelta(days=REF.weekday()) + dt.timedelta(days=7 + 4)).isoformat()
C01 = ["서울시 강남구에서 주민등록등본 발급받고 싶어요", "다음주 금요일에 부산으로 이사 가요"]
TABLES = {"district": ["강남구", "서초구"], "city": ["부산", "서울시"], "document": ["주민등록등본", "가족관계증명서"]}


def _pipe(data: NluTrainingData, **config: object) -> EntityPipeline:
    pipe = EntityPipeline(EntityPipelineConfig.from_dict(dict(config)), TOK, now=lambda: REF)
    pipe.train(data)
    return pipe


def _table(pipe: EntityPipeline, text: str) -> list[tuple[str, str, object]]:
    out = []
    for e in pipe.extract(text):
        assert text[e.start : e.end] == e.text
        out.append((e.entity, e.text, e.value))
    return out


@pytest.fixture(scope="module")
def crf_only() -> EntityPipeline:
    return _pipe(NluTrainingData(examples=list(EXAMPLES)), extractors=["duckling", "crf"])


class TestCaseC01:
    def test_with_lookup_tables(self) -> None:
        pipe = _pipe(NluTrainingData(lookups=TABLES))
        assert _table(pipe, C01[0]) == [("city", "서울시", "서울시"), ("district", "강남구", "강남구"), ("document", "주민등록등본", "주민등록등본")]
        assert _table(pipe, C01[1]) == [("time", "다음주 금요일", NEXT_FRIDAY), ("city", "부산", "부산")]

    def test_with_a_trained_crf(self, crf_only: EntityPipeline) -> None:
        first = {(e, t) for e, t, _ in _table(crf_only, C01[0])}
        assert {("district", "강남구"), ("document", "주민등록등본")} <= first
        second = _table(crf_only, C01[1])
        assert ("time", "다음주 금요일", NEXT_FRIDAY) in second
        assert ("city", "부산", None) in second  # CRF values stay raw unless a synonym maps them

    def test_rasa_json_shape(self) -> None:
        pipe = _pipe(NluTrainingData(lookups=TABLES))
        text = C01[0]
        (district,) = [e.to_json() for e in pipe.extract(text) if e.entity == "district"]
        assert district == {"entity": "district", "start": text.index("강남구"), "end": text.index("강남구") + 3,
                            "value": "강남구", "text": "강남구", "extractor": "lookup", "confidence_entity": 1.0}  # fmt: skip


class TestOverlapRule:
    def test_longest_span_wins_over_priority(self) -> None:
        data = NluTrainingData(regexes={"place": ["부산광역시"]}, lookups={"city": ["부산"], "place": []})
        assert _table(_pipe(data, extractors=["lookup", "regex"]), "부산광역시로 가요") == [("place", "부산광역시", None)]

    @pytest.mark.parametrize("order, winner", [(["regex", "lookup"], "place"), (["lookup", "regex"], "city")])
    def test_equal_length_goes_to_the_first_listed_extractor(self, order: list[str], winner: str) -> None:
        data = NluTrainingData(regexes={"place": ["부산"]}, lookups={"city": ["부산"], "place": []})
        assert [e for e, _, _ in _table(_pipe(data, extractors=order), "부산으로 가요")] == [winner]

    def test_money_beats_its_numbers_and_date_beats_weekday(self) -> None:
        pipe = _pipe(NluTrainingData())
        assert _table(pipe, "다음주 금요일까지 3억 5천만원") == [("time", "다음주 금요일", NEXT_FRIDAY), ("amount-of-money", "3억 5천만원", 350_000_000)]

    def test_synonyms_apply_to_regex_and_crf_values(self) -> None:
        data = NluTrainingData(regexes={"document": ["등본"]}, synonyms={"등본": "주민등록등본"}, lookups={"document": []})
        assert _table(_pipe(data), "등본 떼려고요") == [("document", "등본", "주민등록등본")]

    def test_regexes_not_named_after_entities_do_not_extract(self) -> None:
        data = NluTrainingData(regexes={"zipcode": [r"\d{5}"]})
        assert _table(_pipe(data, duckling_dimensions=[]), "우편번호 06236") == []


class TestConfig:
    @pytest.mark.parametrize("values, needle", [({"extractors": ["spacy"]}, "regex, lookup, duckling, crf"), ({"colour": 1}, "colour"),
                                                ({"duckling_dimensions": ["distance"]}, "amount-of-money")])  # fmt: skip
    def test_bad_values_name_the_choices(self, values: dict[str, object], needle: str) -> None:
        with pytest.raises(InvalidConfigError, match=needle):
            EntityPipelineConfig.from_dict(values)

    def test_dimensions_can_be_switched_off(self) -> None:
        pipe = _pipe(NluTrainingData(), duckling_dimensions=["time"])
        assert _table(pipe, "내일 3억원 010-1234-5678") == [("time", "내일", (REF.date() + dt.timedelta(days=1)).isoformat())]

    def test_invalid_date_flag_passes_through(self) -> None:
        pipe = _pipe(NluTrainingData())
        (e,) = pipe.extract("1990년 2월 31일생이에요")
        assert (e.entity, e.text, e.value) == ("invalid-time", "1990년 2월 31일", None)


class TestSaveLoad:
    def test_roundtrip(self, crf_only: EntityPipeline, tmp_path: Path) -> None:
        pipe = _pipe(NluTrainingData(examples=list(EXAMPLES), lookups=TABLES, regexes={"district": [r"\w+구(?=청)"]},
                                     synonyms={"서울": "서울시"}))  # fmt: skip
        pipe.save(tmp_path / "entities")
        loaded = EntityPipeline.load(tmp_path / "entities", TOK, now=lambda: REF)
        for text in [*C01, "서울에서 대전으로 이사했어요", "서초구청에서 가족관계증명서"]:
            assert loaded.extract(text) == pipe.extract(text)
        assert loaded.crf.trained and loaded.config == pipe.config

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(ModelNotFoundError):
            EntityPipeline.load(tmp_path)

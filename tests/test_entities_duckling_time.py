"""Duckling-shaped ``time`` entities for Rasa projects that use DucklingEntityExtractor.

Expected instants are computed here with ``datetime`` and ``zoneinfo`` from a fixed reference
time (independently of the date grammar), plus one value taken as is from a real Duckling
(the financial demo's test story: "in January 2019" → ``2019-01-01T00:00:00.000-08:00``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.errors import InvalidConfigError
from assistant.nlu.entities import EntityPipeline, EntityPipelineConfig
from assistant.nlu.entities.duckling_time import (
    DUCKLING_DEFAULT_TIMEZONE,
    DUCKLING_EXTRACTOR,
    DucklingTimeExtractor,
    DucklingTimeSettings,
    duckling_time_settings,
)
from assistant.nlu.pipeline import _entity_config
from assistant.nlu.project import load_project
from assistant.nlu.tokenizer import KoreanTokenizer

LA = ZoneInfo("America/Los_Angeles")
SEOUL = ZoneInfo("Asia/Seoul")
#: 2026-11-29 18:00 UTC: 10:00 in Los Angeles (PST, -08:00), 03:00 on 11-30 in Seoul.
REF = dt.datetime(2026, 11, 29, 18, 0, tzinfo=ZoneInfo("UTC"))


def _instant(year: int, month: int, day: int, tz: ZoneInfo, hour: int = 0) -> str:
    """Duckling's value format, computed with the standard library."""
    d = dt.datetime(year, month, day, hour, tzinfo=tz)
    offset = d.utcoffset()
    assert offset is not None
    sign = "-" if offset < dt.timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{d:%Y-%m-%dT%H:%M:%S}.000{sign}{minutes // 60:02d}:{minutes % 60:02d}"


@pytest.fixture(scope="module")
def tokenizer() -> KoreanTokenizer:
    return KoreanTokenizer()


def _extract(text: str, tokenizer: KoreanTokenizer, tz: str = DUCKLING_DEFAULT_TIMEZONE) -> list[tuple[str, object, object]]:
    ext = DucklingTimeExtractor(tz, now=lambda: REF)
    return [(s.text, s.value, (s.additional_info or {}).get("grain")) for s in ext.extract(text, tokenizer.tokenize(text))]


class TestDucklingTimeExtractor:
    def test_the_value_a_real_duckling_gave_in_the_financial_demo_story(self, tokenizer: KoreanTokenizer) -> None:
        assert _extract("how much did I earn in January 2019", tokenizer) == [
            ("in January 2019", "2019-01-01T00:00:00.000-08:00", "month")]

    @pytest.mark.parametrize(("text", "surface", "expected", "grain"), [
        # the reference is Sunday 2026-11-29 10:00 in Los Angeles
        ("I paid yesterday", "yesterday", _instant(2026, 11, 28, LA), "day"),
        ("what did I spend last month", "last month", _instant(2026, 10, 1, LA), "month"),  # PDT: -07:00
        ("pay it on Monday", "on Monday", _instant(2026, 11, 30, LA), "day"),
        ("call me at 3pm", "at 3pm", _instant(2026, 11, 29, LA, 15), "hour"),
        ("tomorrow at 3pm", "tomorrow at 3pm", _instant(2026, 11, 30, LA, 15), "hour"),
        ("during March", "during March", _instant(2027, 3, 1, LA), "month"),
        ("next week", "next week", _instant(2026, 11, 30, LA), "week"),
        ("어제 얼마 썼어요?", "어제", _instant(2026, 11, 28, LA), "day"),
        ("지난달에 받은 돈", "지난달", _instant(2026, 10, 1, LA), "month"),
        ("2019년 1월 내역", "2019년 1월", _instant(2019, 1, 1, LA), "month"),
    ])
    def test_values_are_instants_at_the_start_of_the_grain(self, tokenizer: KoreanTokenizer, text: str, surface: str,
                                                           expected: str, grain: str) -> None:
        assert _extract(text, tokenizer) == [(surface, expected, grain)]

    def test_the_zone_decides_the_day_and_the_offset(self, tokenizer: KoreanTokenizer) -> None:
        # 03:00 on 11-30 in Seoul: "yesterday" is 11-29 there, 11-28 in Los Angeles
        assert _extract("yesterday", tokenizer, "Asia/Seoul") == [("yesterday", _instant(2026, 11, 29, SEOUL), "day")]
        assert _extract("어제", tokenizer, "Asia/Seoul") == [("어제", _instant(2026, 11, 29, SEOUL), "day")]

    def test_the_rasa_entity_shape(self, tokenizer: KoreanTokenizer) -> None:
        text = "how much did I earn in January 2019"
        (span,) = DucklingTimeExtractor(now=lambda: REF).extract(text, tokenizer.tokenize(text))
        out = span.to_json()
        assert (out["entity"], out["start"], out["end"], out["extractor"]) == ("time", 20, 35, DUCKLING_EXTRACTOR)
        assert text[out["start"]:out["end"]] == out["text"] == "in January 2019"
        value = "2019-01-01T00:00:00.000-08:00"
        assert out["additional_info"] == {"type": "value", "grain": "month", "value": value,
                                          "values": [{"type": "value", "grain": "month", "value": value}]}

    @pytest.mark.parametrize("text", ["February 31", "1990년 2월 31일", "13월 1일"])
    def test_a_date_that_does_not_exist_gives_nothing_as_duckling_does(self, tokenizer: KoreanTokenizer, text: str) -> None:
        assert _extract(text, tokenizer) == []

    @pytest.mark.parametrize("text", ["in the morning I was in Seoul", "I live in Busan", "on it", "look at that"])
    def test_no_time_no_entity_and_prepositions_alone_are_not_absorbed(self, tokenizer: KoreanTokenizer, text: str) -> None:
        assert [t for t in _extract(text, tokenizer) if t[0].split()[0] in ("in", "on", "at")] == []

    def test_durations_pass_through_unchanged(self, tokenizer: KoreanTokenizer) -> None:
        text = "for 3 months"
        (span,) = DucklingTimeExtractor(now=lambda: REF).extract(text, tokenizer.tokenize(text))
        assert (span.entity, span.text, span.value) == ("duration", "3 months", 3)
        assert span.additional_info is not None and span.additional_info["normalized"] == {"value": 3 * 30 * 86_400, "unit": "second"}


class TestPipeline:
    def test_duckling_format_wins_over_the_number_inside(self, tokenizer: KoreanTokenizer) -> None:
        pipe = EntityPipeline(EntityPipelineConfig(time_format="duckling", timezone="America/Los_Angeles"), tokenizer, now=lambda: REF)
        ents = [(e.entity, e.text, e.value, e.extractor) for e in pipe.extract("how much did I earn in January 2019")]
        assert ents == [("time", "in January 2019", "2019-01-01T00:00:00.000-08:00", DUCKLING_EXTRACTOR)]

    def test_our_format_is_unchanged_by_default(self, tokenizer: KoreanTokenizer) -> None:
        pipe = EntityPipeline(tokenizer=tokenizer, now=lambda: REF)
        assert [(e.text, e.value) for e in pipe.extract("1990년 2월 31일")] == [("1990년 2월 31일", None)]
        assert [(e.entity, e.text, e.value) for e in pipe.extract("2019년 1월")] == [("time", "2019년 1월", "2019-01")]

    def test_the_config_round_trips_through_save_and_load(self, tokenizer: KoreanTokenizer, tmp_path: Path) -> None:
        pipe = EntityPipeline(EntityPipelineConfig(time_format="duckling", timezone="Europe/Berlin"), tokenizer, now=lambda: REF)
        pipe.save(tmp_path)
        loaded = EntityPipeline.load(tmp_path, tokenizer, now=lambda: REF)
        assert [e.value for e in loaded.extract("yesterday")] == [_instant(2026, 11, 28, ZoneInfo("Europe/Berlin"))]


class TestSettings:
    DOMAIN = {"time", "amount-of-money"}

    @pytest.mark.parametrize(("component", "expected"), [
        ({"name": "DucklingEntityExtractor", "url": "http://localhost:8000", "dimensions": ["time", "number"]},
         DucklingTimeSettings(DUCKLING_DEFAULT_TIMEZONE, "config.yml")),
        ({"name": "DucklingEntityExtractor", "timezone": "Europe/Berlin"}, DucklingTimeSettings("Europe/Berlin", "config.yml")),
        ({"name": "DucklingHTTPExtractor", "dimensions": ["time"]}, DucklingTimeSettings(DUCKLING_DEFAULT_TIMEZONE, "config.yml")),
        ({"name": "DucklingEntityExtractor", "dimensions": ["email", "number", "amount-of-money"]}, None),
        ({"name": "DIETClassifier"}, None),
    ])
    def test_config_yml_decides(self, component: dict[str, object], expected: DucklingTimeSettings | None) -> None:
        config = {"language": "en", "pipeline": [{"name": "WhitespaceTokenizer"}, component]}
        assert duckling_time_settings(config, self.DOMAIN, set()) == expected

    def test_without_config_a_time_entity_nothing_produces_means_duckling(self) -> None:
        assert duckling_time_settings(None, self.DOMAIN, {"credit_card"}) == DucklingTimeSettings(DUCKLING_DEFAULT_TIMEZONE, "inferred")
        assert duckling_time_settings({}, self.DOMAIN, {"time"}) is None  # annotated: a trained extractor gives it
        assert duckling_time_settings({}, {"city"}, set()) is None
        # our own entities: a domain that declares invalid-time uses our dates
        assert duckling_time_settings(None, {"time", "invalid-time"}, set()) is None

    @pytest.mark.parametrize("config", [
        {"pipeline": "DucklingEntityExtractor"},
        {"pipeline": [{"name": "DucklingEntityExtractor", "dimensions": "time"}]},
        {"pipeline": [{"name": "DucklingEntityExtractor", "timezone": 9}]},
    ])
    def test_a_malformed_config_is_a_clear_error(self, config: dict[str, object]) -> None:
        with pytest.raises(InvalidConfigError, match="config.yml"):
            duckling_time_settings(config, self.DOMAIN, set())

    def test_an_unknown_zone_is_a_clear_error(self) -> None:
        with pytest.raises(InvalidConfigError, match="time zone"):
            DucklingTimeExtractor("Mars/Olympus")


DOMAIN_YML = """
version: "3.1"
intents: [check_earnings, greet]
entities: [time]
"""
NLU_YML = """
version: "3.1"
nlu:
- intent: check_earnings
  examples: |
    - how much did I earn
    - what did I make last month
- intent: greet
  examples: |
    - hi
    - hello
"""


class TestProject:
    def _project(self, tmp_path: Path, config: str | None) -> Path:
        root = tmp_path / "p"
        (root / "data").mkdir(parents=True)
        (root / "domain.yml").write_text(DOMAIN_YML, encoding="utf-8")
        (root / "data" / "nlu.yml").write_text(NLU_YML, encoding="utf-8")
        if config is not None:
            (root / "config.yml").write_text(config, encoding="utf-8")
        return root

    def test_config_yml_is_read_and_its_duckling_zone_used(self, tmp_path: Path) -> None:
        proj = load_project(self._project(tmp_path, "language: en\npipeline:\n- name: DucklingEntityExtractor\n"
                                                    "  dimensions: [time]\n  timezone: Asia/Seoul\n"))
        assert proj.config["pipeline"][0]["timezone"] == "Asia/Seoul"
        assert (_entity_config(proj).time_format, _entity_config(proj).timezone) == ("duckling", "Asia/Seoul")

    def test_a_pipeline_without_duckling_keeps_our_dates(self, tmp_path: Path) -> None:
        proj = load_project(self._project(tmp_path, "language: en\npipeline:\n- name: DIETClassifier\n"))
        assert _entity_config(proj) == EntityPipelineConfig()

    def test_no_config_time_declared_and_never_annotated(self, tmp_path: Path) -> None:
        proj = load_project(self._project(tmp_path, None))
        assert proj.config == {}
        assert (_entity_config(proj).time_format, _entity_config(proj).timezone) == ("duckling", DUCKLING_DEFAULT_TIMEZONE)

    def test_the_bundled_project_keeps_our_dates(self) -> None:
        from shared_paths import ROOT

        assert _entity_config(load_project(ROOT / "intents")) == EntityPipelineConfig()

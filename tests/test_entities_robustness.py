"""Whole kinds of odd input: emoji, zero-width and full-width characters, Han, Latin, huge lines, arbitrary unicode.

Every extractor must return spans with ``text[start:end] == span.text`` and
never raise, whatever the text.
"""

from __future__ import annotations

import codecs
import datetime as dt
import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.nlu.entities import EntityPipeline, EntityPipelineConfig
from assistant.nlu.entities.base import DisjointSpans, analyse
from assistant.nlu.tokenizer import KoreanTokenizer, Token
from assistant.nlu.types import EntitySpan, NluTrainingData
from entity_examples import EXAMPLES, TOK

#: In the slow suite (./scripts/test.sh -m slow; CI runs it too): 49 s of test time in the default
#: suite's 2-worker run of session 28, which keeps under 15 minutes without it.
pytestmark = pytest.mark.slow

REF = dt.datetime(2026, 11, 25, 10, 0)
NAUGHTY = Path(__file__).parent / "data" / "naughty_strings.txt"
DATA = NluTrainingData(
    examples=list(EXAMPLES),
    lookups={"place": ["강남구", "부산", "東京", "Seoul", "New York"], "document": ["주민등록등본"]},
    regexes={"place": [r"[가-힣]+구청"], "flag": [r"\d+"]},
    synonyms={"서울": "Seoul"},
)


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    p = EntityPipeline(tokenizer=TOK, now=lambda: REF)
    p.train(DATA)
    return p


def _check_all_extractors(pipe: EntityPipeline, text: str) -> list[EntitySpan]:
    """Run every extractor directly (exceptions propagate) and then the pipeline; check offsets."""
    tokens = analyse(TOK, text)
    for t in tokens:
        assert 0 <= t.start <= t.end <= len(text)
    spans: list[EntitySpan] = []
    for ext in [pipe.regex, pipe.lookup, pipe.crf, *pipe.duckling_extractors]:
        spans += ext.extract(text, tokens)
    result = pipe.parse(text)
    spans += list(result.entities) + list(result.pii)
    for s in spans:
        assert 0 <= s.start < s.end <= len(text), s
        assert text[s.start : s.end] == s.text
    for n in result.negations:
        assert 0 <= n.scope_start <= n.start < n.end <= n.scope_end <= len(text)
    return list(result.entities)


@pytest.mark.parametrize(
    "text, surface, entity, value",
    [
        ("강남구에서 발급", "강남구", "place", "강남구"),  # Hangul + particle
        ("👨\u200d👩\u200d👧 강남구에서", "강남구", "place", "강남구"),  # ZWJ emoji sequence before
        ("🇰🇷🇰🇷부산으로", "부산", "place", "부산"),  # flags (regional indicators)
        ("👍🏽 東京에서 왔어요", "東京", "place", "東京"),  # Han after skin-tone emoji
        ("𠀀𠀁 東京", "東京", "place", "東京"),  # astral Han before
        ("I live in Seoul 🙂", "Seoul", "place", "Seoul"),
        ("\u200bSeoul\u200b", "Seoul", "place", "Seoul"),  # zero-width spaces around
        ("ＳＥＯＵＬ", "ＳＥＯＵＬ", "place", "Seoul"),  # full-width Latin
        ("서울\u00a0에서", "서울", "place", "Seoul"),  # synonym + no-break space
        ("\u3000강남구\u3000부산", "강남구", "place", "강남구"),  # ideographic spaces
        ("New\u3000York", "New\u3000York", "place", "New York"),
        ("나이는 ６５세", "６５세", "age", 65),  # full-width digits
        ("😀😀😀 3억 5천만원 😀", "3억 5천만원", "amount-of-money", 350_000_000),
        ("مرحبا 강남구청에서", "강남구청", "place", None),  # regex entity; RTL text before
        # durations and relative times (REF is 10:00 in Seoul): odd spaces, full-width digits, emoji around
        ("⏰ 2주\u200b반 동안 입원", "2주\u200b반 동안", "duration", 2 * 7 * 24 + 7 * 12),  # hours
        ("３시간\u00a0후에 📞", "３시간\u00a0후", "time", "2026-11-25T13:00:00.000+09:00"),
        ("🙂half\u3000an hour", "half\u3000an hour", "duration", 30),
        ("東京까지 1시간 30분 걸려요", "1시간 30분", "duration", 90),
        ("ｉｎ ３ ｈｏｕｒｓ", "ｉｎ ３ ｈｏｕｒｓ", "time", "2026-11-25T13:00:00.000+09:00"),
    ],
)
def test_offsets_across_scripts(pipe: EntityPipeline, text: str, surface: str, entity: str, value: object) -> None:
    found = _check_all_extractors(pipe, text)
    start = text.index(surface)
    assert (entity, start, start + len(surface), value) in [(e.entity, e.start, e.end, e.value) for e in found]


def _naughty() -> list[str]:
    lines = NAUGHTY.read_text(encoding="utf-8").split("\n")
    return [codecs.decode(line, "unicode_escape") for line in lines[:-1] if not line.startswith("#")]


def test_naughty_list_is_substantial() -> None:
    assert len(_naughty()) >= 50


@pytest.mark.parametrize("text", _naughty(), ids=lambda s: repr(s[:20]))
def test_naughty_strings(pipe: EntityPipeline, text: str) -> None:
    _check_all_extractors(pipe, text)


def test_emoji_only_messages_have_no_entities(pipe: EntityPipeline) -> None:
    for text in ["👍", "🙏🇰🇷", "👨\u200d👩\u200d👧", "", "   "]:
        assert pipe.extract(text) == []


def test_lone_surrogates_do_not_break_kiwi(pipe: EntityPipeline) -> None:
    text = "\ud800강남구에서 \udfff"
    assert [(e.text, e.start) for e in _check_all_extractors(pipe, text)] == [("강남구", 1)]


def test_long_line_is_windowed_with_a_warning(pipe: EntityPipeline, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[int] = []

    class Recording(KoreanTokenizer):
        def warm_up(self) -> None:
            TOK.warm_up()

        def tokenize(self, text: str) -> list[Token]:
            seen.append(len(text))
            return TOK.tokenize(text)

    recording = Recording()
    small = EntityPipeline(EntityPipelineConfig(max_analysed_chars=1000), tokenizer=recording, now=lambda: REF)
    small.train(NluTrainingData(lookups={"place": ["부산"]}))
    text = "부산으로 " + "가" * 20_000 + "주민번호 900101-1234567 부산"
    caplog.set_level(logging.WARNING)
    result = small.parse(text)
    # windows of at most 1,000 characters; over the 20,000 analysed in all, the middle is left out
    assert max(seen) <= 1000 and sum(seen) <= 20_000
    assert "long message analysed in windows" in caplog.text and "900101" not in caplog.text
    assert [(e.entity, e.start) for e in result.entities if e.entity == "place"] == [("place", 0), ("place", len(text) - 2)]
    assert [e.entity for e in result.pii] == ["rrn"]  # PII is searched in the whole message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_arbitrary_unicode(pipe: EntityPipeline, text: str) -> None:
    _check_all_extractors(pipe, text)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["강남구", "에서", "부산", "으로", "3억", "5천만원", " ", "\u200b", "👍", "東京", "Seoul", "내일", "010-1234-5678",
                                 "만 65세", "\u3000", "６５", ",", "안", "아니에요", "２월 ３１일",
                                 "3시간", "반", "후", "전", "동안", "2주", "이틀", "삼십 분", "in", "half an hour", " and a half",
                                 "3 days", "ago"]), max_size=12).map("".join))  # fmt: skip
def test_arbitrary_mixtures_of_entity_parts(pipe: EntityPipeline, text: str) -> None:
    _check_all_extractors(pipe, text)


def test_tokenizer_accepts_lone_surrogates() -> None:
    tokens = TOK.tokenize("\ud800강남구에서")
    assert ("강남구", 1, 4) in [(t.text, t.start, t.end) for t in tokens]


def test_long_message_with_thousands_of_entities(pipe: EntityPipeline) -> None:
    # every one is found with its offsets, also outside the windows Kiwi analyses (digits need no morphemes)
    text = "3시간 " * 5000
    found = [(e.entity, e.start, e.value) for e in pipe.extract(text)]
    assert found == [("duration", 4 * i, 3) for i in range(5000)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8)), max_size=30))
def test_disjoint_spans_agrees_with_pairwise_checks(spans: list[tuple[int, int]]) -> None:
    kept: list[tuple[int, int]] = []
    taken = DisjointSpans()
    for start, length in spans:
        end = start + length
        brute = any(start < e and end > s for s, e in kept)
        assert taken.overlaps(start, end) == brute
        if not brute:
            kept.append((start, end))
            taken.add(start, end)

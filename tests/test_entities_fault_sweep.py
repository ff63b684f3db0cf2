"""The issue's kinds of fault, swept again over the bundled NLU data: particles attached to entities (English place
names too), zero-width / full-width / no-break spaces inside an entity, emoji between tokens, 100 KB messages.

The expected value of each odd text is the value the same pipeline gives the plain text (typed separately in the
table), so a test fails when the odd character changes the reading; spans must index the odd text itself.
"""

from __future__ import annotations

import datetime as dt

import pytest
from shared_paths import ROOT

from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig
from assistant.nlu.project import load_project

SEOUL = dt.timezone(dt.timedelta(hours=9))
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=SEOUL)


@pytest.fixture(scope="module")
def pipe() -> EntityPipeline:
    project = load_project(ROOT / "intents")
    p = EntityPipeline(EntityPipelineConfig(extractors=["regex", "lookup", "duckling"]), now=lambda: NOW)
    p.train(project.nlu, entity_names=list(project.domain.entities))
    return p


def _read(pipe: EntityPipeline, text: str) -> list[tuple[str, object]]:
    found = pipe.extract(text)
    for e in found:
        assert text[e.start : e.end] == e.text
    return [(e.entity, e.value) for e in found]


@pytest.mark.parametrize(
    ("text", "name", "korean"),
    [("Suwon에서 왔어요", "Suwon", "수원시"), ("Busan에서 왔어요", "Busan", "부산"), ("Pusan에서요", "Pusan", "부산"),
     ("Haeundae-gu에서 살아요", "Haeundae-gu", "해운대구"), ("Seoul이요", "Seoul", "서울"), ("I live in Suwon에서", "Suwon", "수원시"),
     ("Gangnam-gu에 살아요", "Gangnam-gu", "강남구"), ("Taejŏn이에요", "Taejŏn", "대전"), ("Ch'ŏngju에서 일해요", "Ch'ŏngju", "청주시")],
)  # fmt: skip
def test_english_place_names_with_korean_particles(pipe: EntityPipeline, text: str, name: str, korean: str) -> None:
    (_, expected), = [(e.text, e.value) for e in pipe.extract(f"{korean}에 살아요") if e.entity == "region"]
    spans = [e for e in pipe.extract(text) if e.entity == "region"]
    assert [(e.text, e.value) for e in spans] == [(name, expected)]
    assert text[spans[0].start : spans[0].end] == name  # the particle is not in the span


@pytest.mark.parametrize(("text", "name"), [("해운대구에서요", "해운대구"), ("수원시에서요", "수원시"), ("부산에서요", "부산"),
                                            ("강남구에서부터요", "강남구")])  # fmt: skip
def test_korean_place_names_with_particles_and_endings(pipe: EntityPipeline, text: str, name: str) -> None:
    (expected,) = [e.value for e in pipe.extract(name) if e.entity == "region"]
    assert [(e.text, e.value) for e in pipe.extract(text) if e.entity == "region"] == [(name, expected)]


ODD_SPACES = [
    ("강남\u200b구에 살아요", "강남구에 살아요"), ("강남\u00a0구에 살아요", "강남 구에 살아요"), ("해운대\u3000구", "해운대 구"),
    ("Ｓｕｗｏｎ에서 왔어요", "Suwon에서 왔어요"), ("６５세 이상", "65세 이상"), ("65\u200b세예요", "65세예요"),
    ("만\u00a065세", "만 65세"), ("만\u200b65세", "만 65세"), ("3억\u200b5천만원", "3억 5천만원"), ("5\u00a0만원", "5만원"),
    ("5\u200b만원", "5만원"), ("5 만원", "5만원"), ("100\u00a0만\u00a0원 이하", "100만원 이하"), ("3\u00a0년 이상", "3년 이상"),
    ("2~3\u200b일 걸려요", "2~3일 걸려요"), ("010\u200b-1234-5678", "010-1234-5678"), ("오전\u00a011시~오후\u00a01시", "오전 11시~오후 1시"),
    ("Inch\u2019ŏn", "Inchon"),
]  # fmt: skip


@pytest.mark.parametrize(("odd", "plain"), ODD_SPACES)
def test_odd_spaces_inside_an_entity_keep_its_value(pipe: EntityPipeline, odd: str, plain: str) -> None:
    expected = _read(pipe, plain)
    assert expected, plain  # the plain text has an entity to compare with
    assert _read(pipe, odd) == expected


EMOJI = [("강남구🙂에 살아요", "강남구에 살아요"), ("65세🙂이에요", "65세이에요"), ("🙂부산🙂에 살아요", "부산에 살아요"),
         ("3년🎉이상 살았어요", "3년 이상 살았어요"), ("65세 🙂 이상", "65세 이상"), ("5만원👍 받았어요", "5만원 받았어요")]  # fmt: skip


@pytest.mark.parametrize(("odd", "plain"), EMOJI)
def test_emoji_between_tokens(pipe: EntityPipeline, odd: str, plain: str) -> None:
    assert _read(pipe, odd) == _read(pipe, plain)


UNIT = "Pusan에서 왔고 3년 이상 살았어요 🙂 오전 11시~오후 1시 가능, 해운대구에서요, 100\u00a0만원 이하, 65세 미만. "


def test_a_100_kb_message_indexes_the_original_text_and_gives_no_single_value_for_a_bound(pipe: EntityPipeline) -> None:
    text = UNIT * (100_000 // len(UNIT) + 1)
    assert len(text) >= 100_000
    alone = _read(pipe, UNIT)
    found = pipe.extract(text)
    for e in found:
        assert text[e.start : e.end] == e.text
    # the head (analysed by Kiwi) reads each unit as the unit alone is read
    head = [(e.entity, e.value) for e in found if e.end <= len(UNIT)]
    assert head == alone
    # nowhere (also in the middle, which only character-level extractors see) is "3년 이상" read as 3 years
    assert not [e for e in found if e.entity == "duration" and e.value == 3]
    assert len([e for e in found if e.entity == "time"]) == text.count("오전 11시~오후 1시")

"""Messages longer than one tokeniser window: every token extractor sees the whole message (issue 3, fault kind
"messages far longer than the encoder's maximum length"; until session 8 the middle of a message over 1,000
characters had no tokens, so a place, an age or a bounded amount there was lost).

Expected offsets are computed here from where the test put each expression; values from the expression's own
numbers.
"""

from __future__ import annotations

import pytest

from assistant.errors import InvalidInputError
from assistant.nlu.entities.base import analyse, windows
from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig
from assistant.nlu.tokenizer import KoreanTokenizer, Token
from assistant.nlu.types import NluTrainingData

TOK = KoreanTokenizer()
FILLER_KO = "오늘은 날씨가 맑고 바람이 조금 불어요. "  # 23 characters, no entity
FILLER_EN = "The weather is fine and a little windy today. "


class Recording(KoreanTokenizer):
    """The shared tokenizer, recording the length of every text it is given."""

    def __init__(self) -> None:
        self.seen: list[int] = []

    def warm_up(self) -> None:
        TOK.warm_up()

    def tokenize(self, text: str) -> list[Token]:
        self.seen.append(len(text))
        return TOK.tokenize(text)


@pytest.fixture(scope="module")
def rec() -> Recording:
    return Recording()


@pytest.fixture(scope="module")
def pipe(rec: Recording) -> EntityPipeline:
    p = EntityPipeline(EntityPipelineConfig(max_analysed_chars=1000), tokenizer=rec)
    p.train(NluTrainingData(lookups={"region": ["강남구", "부산"]}))
    return p


#: (expression, entity, value) put in the middle of a long message
MIDDLE = [
    ("강남구", "region", "강남구"),
    ("만 65세", "age", 65),
    ("3억 5천만원", "amount-of-money", 350_000_000),
    ("3년 이상", "duration", {"from": 3, "to": None}),
    ("65세 미만", "age", {"from": None, "to": 65}),
    ("65 years or older", "age", {"from": 65, "to": None}),
]


@pytest.mark.parametrize(("expr", "entity", "value"), MIDDLE)
@pytest.mark.parametrize(("filler", "repeat"), [(FILLER_KO, 60), (FILLER_KO, 200), (FILLER_EN, 40)])
def test_an_entity_in_the_middle_of_a_long_message(pipe: EntityPipeline, rec: Recording, expr: str, entity: str, value: object,
                                                   filler: str, repeat: int) -> None:  # fmt: skip
    head = filler * repeat
    text = head + expr + " 확인해 주세요. " + filler * repeat
    assert len(text) > 2_000
    rec.seen.clear()
    found = [e for e in pipe.extract(text) if e.entity == entity]
    assert [(e.start, e.end, e.value) for e in found] == [(len(head), len(head) + len(expr), value)]
    assert rec.seen and max(rec.seen) <= 1000  # no tokeniser call beyond one window


def test_negation_in_the_middle(pipe: EntityPipeline) -> None:
    head = FILLER_KO * 80
    text = head + "신청 안 할래요. " + FILLER_KO * 80
    negs = pipe.parse(text).negations
    assert any(n.start >= len(head) and n.end <= len(head) + 12 for n in negs)


@pytest.mark.parametrize("max_chars", [2, 7, 16, 100, 1000])
@pytest.mark.parametrize("text", [FILLER_KO * 50, "가" * 2_345, FILLER_EN * 30 + "나" * 900, " " * 50, "a b", ""])
def test_windows_cover_the_text_and_cut_at_spaces(text: str, max_chars: int) -> None:
    ws = windows(text, max_chars)
    assert [s for s, _ in ws] == ([0, *[e for _, e in ws[:-1]]] if text else [])
    assert (ws[-1][1] if ws else 0) == len(text)
    assert all(0 < e - s <= max_chars for s, e in ws)
    for s, e in ws[:-1]:  # a window that ends inside a word had no space in its second half
        if text[e - 1] != " ":
            assert " " not in text[s + max_chars // 2 : e]


def test_windows_need_two_characters() -> None:
    with pytest.raises(InvalidInputError):
        windows("abc", 1)


def test_tokens_of_a_windowed_text_are_those_of_each_window() -> None:
    text = FILLER_KO * 100
    tokens = analyse(TOK, text, max_chars=500)
    assert all(text[t.start : t.end] == t.text or t.tag.startswith(("V", "E", "X")) for t in tokens)
    assert [t.start for t in tokens] == sorted(t.start for t in tokens)
    nouns = [t for t in tokens if t.text == "날씨"]
    assert [t.start for t in nouns] == [i * len(FILLER_KO) + FILLER_KO.index("날씨") for i in range(100)]


def test_the_total_bound_leaves_out_the_middle_of_a_huge_message() -> None:
    rec = Recording()
    text = "부산 " + FILLER_KO * 2_000 + " 부산"
    tokens = analyse(rec, text, max_chars=1000, max_total_chars=4000)
    assert sum(rec.seen) <= 4000 and max(rec.seen) <= 1000
    assert min(t.start for t in tokens) == 0 and max(t.end for t in tokens) == len(text)
    assert not [t for t in tokens if 2000 < t.start < len(text) - 2000]

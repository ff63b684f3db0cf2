"""The colloquial Korean glossary: strict loading, expansion, and that every key of the bundled file can match."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import InvalidConfigError
from assistant.knowledge.glossary import DEFAULT_COLLOQUIAL, ColloquialGlossary
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms


def test_a_key_given_twice_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  돈: [지원금]\n  낳: [출산]\n  돈: [수당]\n", encoding="utf-8")
    with pytest.raises(InvalidConfigError, match="duplicate key '돈'"):
        ColloquialGlossary.load(path)


@pytest.mark.parametrize("body", ["terms:\n  돈: 지원금\n", "terms:\n  돈: []\n", "terms:\n  돈: ['  ']\n", "- 돈\n"])
def test_a_value_that_is_not_a_list_of_terms_is_an_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "g.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InvalidConfigError):
        ColloquialGlossary.load(path)


def test_expansion_of_an_inflected_question() -> None:
    g = ColloquialGlossary({"낳": ["출산", "출생"], "돈": ["지원금"], "애": ["자녀"]})
    tok = KoreanTokenizer()
    for question in ("애 낳으면 돈 주나요", "애낳으면돈주나요", "애를 낳았는데 돈이 나오나요"):
        got = dict(g.expand(lexical_terms(tok.tokenize(question))))
        assert got == {"애": ("자녀",), "낳": ("출산", "출생"), "돈": ("지원금",)}, question


def test_every_key_of_the_bundled_file_is_a_term_the_tokenizer_gives() -> None:
    """A key that is not a lexical term of any inflection of itself can never match (e.g. "혼인신고" is split into
    혼인 + 신고): each key must come back from the tokenizer, alone or followed by an ending."""
    raw = yaml.safe_load(DEFAULT_COLLOQUIAL.read_text(encoding="utf-8"))["terms"]
    g = ColloquialGlossary.load()
    assert len(g.terms) == len(raw) > 40
    tok = KoreanTokenizer()
    for key in g.terms:
        form, _, tag = key.partition("/")  # "일/NNG": the morpheme 일 where Kiwi tags it NNG
        texts = (form, form + "다", form + "면", form + "이")
        if tag:
            assert (form, tag) in {(t.text, t.tag) for text in texts for t in tok.tokenize(text)}, key
        else:
            assert key in {t for text in texts for t in lexical_terms(tok.tokenize(text))}, key

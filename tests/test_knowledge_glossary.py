"""The bilingual glossary file: strict loading (a phrase given twice is an error) and the bundled file's shape."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.errors import InvalidConfigError
from assistant.knowledge.glossary import DEFAULT_GLOSSARY, MAX_PHRASE_WORDS, Glossary, suffix_free


def test_a_phrase_given_twice_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  heating: [난방]\n  rent: [월세]\n  heating: [난방비]\n", encoding="utf-8")
    with pytest.raises(InvalidConfigError, match="duplicate key 'heating'"):
        Glossary.load(path)


def test_distinct_phrases_load_with_their_terms(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  Heating: [난방]\n  heating costs: [난방비, 난방]\n", encoding="utf-8")
    g = Glossary.load(path)
    assert g.terms == {"heating": ["난방"], "heating costs": ["난방비", "난방"]}
    assert g.translate("help with heating costs") == ["난방비", "난방"]


@pytest.mark.parametrize(("phrase", "question", "read_as"), [
    ("c-section", "I had a C-section last year", "c section"),
    ("k-12", "schools from K-12", "k 12"),
    ("after-school class", "an after-school class for my son", "after school class"),
    ("co-payment", "my co-payment at the clinic", "co payment"),
])
def test_a_hyphenated_phrase_matches_as_a_question_says_it(phrase: str, question: str, read_as: str) -> None:
    """A question is read into words split at hyphens, so a phrase written with one never matched (s29: 164 of the
    catalogue-noun block's phrases were such); the glossary keeps each phrase as it reads a question."""
    g = Glossary({phrase: ["용어"]})
    assert list(g.terms) == [read_as]
    assert [p for p, _ in g.matches(question)] == [read_as]


def test_two_spellings_read_as_one_phrase_are_an_error_naming_both(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  low income: [저소득]\n  rent: [월세]\n  low-income: [저소득층]\n", encoding="utf-8")
    with pytest.raises(InvalidConfigError, match="'low income' and 'low-income' are read as the same words"):
        Glossary.load(path)


def test_in_code_the_first_of_two_spellings_wins() -> None:
    assert Glossary({"low income": ["저소득"], "Low-Income": ["저소득층"]}).terms == {"low income": ["저소득"]}


@pytest.mark.parametrize(("question", "said"), [
    ("help paying for feed additives", "feed additives"),
    ("my daughters' school", "daughters"),
    ("apple trees", "apple trees"),
])
def test_with_plurals_a_phrase_matches_with_its_last_word_in_the_plural(question: str, said: str) -> None:
    terms = {"feed additive": ["사료첨가제"], "daughter": ["딸"], "apple tree": ["사과나무"]}
    assert [p for p, _ in Glossary(terms, plurals=True).matches(question)] == [said]
    assert Glossary(terms).matches(question) == []  # off by default


@pytest.mark.parametrize("question", ["we hired a feed additive expert last year", "a book of books", "two booked rooms"])
def test_plurals_never_read_a_verb_form_nor_an_exact_phrase(question: str) -> None:
    g = Glossary({"hire": ["채용"], "book": ["도서"]}, exact={"book"}, plurals=True)
    assert [p for p, _ in g.matches(question) if p != "book"] == []


FREE = Glossary({"free": ["무료"], "free meals": ["무상급식"], "pesticide": ["농약"], "fee": ["수수료"],
                 "barrier free": ["무장애"], "rice": ["쌀"]})


@pytest.mark.parametrize(("question", "said"), [
    # "-free" after a thing that is no price: without it, never free of charge (s30, dev3's pesticide-free rice); the
    # thing's Korean terms take 무 ("without"), as the catalogue writes 무농약
    ("Who sells pesticide-free rice?", [("pesticide free", ["무농약"]), ("rice", ["쌀"])]),
    ("gluten-free meals at school", []),
    ("Smoke‑free flats", []),  # a non-breaking hyphen joins them as well
    # a price word before it, or "free" standing alone: free of charge
    ("Are the ATMs fee-free?", [("fee", ["수수료"]), ("free", ["무료"])]),
    ("Is the rice free?", [("rice", ["쌀"]), ("free", ["무료"])]),
    ("free meals for pesticide farmers", [("free meals", ["무상급식"]), ("pesticide", ["농약"])]),
    ("pesticide - free", [("pesticide", ["농약"]), ("free", ["무료"])]),  # written apart: two words
    # a glossary phrase that holds the whole compound still matches from its first word
    ("a barrier-free home", [("barrier free", ["무장애"])]),
])
def test_free_as_a_compounds_suffix_is_not_free_of_charge(question: str, said: list) -> None:
    assert FREE.matches(question) == said


def test_suffix_free_gives_the_word_indexes_of_each_such_free() -> None:
    text = "Gluten-free or sugar-free meals? toll-free lines are free, and fee-FREE too"
    # words: gluten free or sugar free meals toll free lines are free and fee free too
    assert sorted(suffix_free(text)) == [1, 4]
    assert suffix_free("") == frozenset() and suffix_free("free-range eggs") == frozenset()


def test_bundled_glossary_has_each_phrase_once_and_lists_of_korean_terms() -> None:
    raw = yaml.safe_load(DEFAULT_GLOSSARY.read_text(encoding="utf-8"))["terms"]  # the lenient reader, for comparison
    g = Glossary.load(DEFAULT_GLOSSARY)  # raises on a duplicate
    assert len(g.terms) == len(raw)
    for phrase, korean in g.terms.items():
        assert phrase == phrase.strip().lower() and len(phrase.split()) <= MAX_PHRASE_WORDS, phrase  # a longer phrase never matches
        assert korean and all(t.strip() for t in korean), phrase

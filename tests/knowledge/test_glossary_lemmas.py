"""English glossary phrases match over lemmas (s22, issue 2): a phrase written in its base form matches its inflections.

Before, the glossary listed inflected forms one by one ("started a business", "started my company", "gave birth",
"had a baby" …) and a new question that said it another way ("I started my own shop", "she gives birth") found
nothing. With ``lemmas=True`` (opt-in, off by default: see the glossary module's docstring for why),
:meth:`Glossary.matches` reads each question word as written or as its lemma (simplemma's English
dictionary) and a determiner as any determiner, on the question's side only.

The collisions it must not make, one kind each:

* a comparative or superlative is not its base: "older", "younger", "elder" are no "old" / "young" (노인 / 청년 for
  "my older brother" was a real fault, s21);
* a glossary phrase written inflected keeps its sense to itself: "aids" (에이즈) gives nothing to "hearing aid",
  "minors" (미성년자) nothing to "a minor injury", "glasses" (안경) nothing to "a glass of water";
* a phrase of the ``exact:`` list matches only as written: "trained" is no "train" (철도), "booked" no "book" (도서).

The expected values are written from English grammar (what the inflection of what is), not read off the code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import InvalidConfigError
from assistant.knowledge.glossary import Glossary, default_glossary, lemma


@pytest.mark.parametrize(("word", "base"), [
    ("started", "start"), ("starting", "start"), ("starts", "start"),
    ("gave", "give"), ("given", "give"), ("giving", "give"),
    ("had", "have"), ("has", "have"),
    ("lost", "lose"), ("losing", "lose"),
    ("children", "child"), ("companies", "company"), ("women", "woman"), ("taxes", "tax"),
    ("applied", "apply"), ("studying", "study"),
])
def test_lemma_of_an_inflection_is_its_base(word: str, base: str) -> None:
    assert lemma(word) == base


@pytest.mark.parametrize("word", ["older", "oldest", "younger", "youngest", "elder", "eldest", "lower", "better",
                                  "best", "worse", "poorer", "bigger"])
def test_comparatives_and_superlatives_stay_as_written(word: str) -> None:
    assert lemma(word) == word


def test_lemma_of_a_base_word_is_itself() -> None:
    assert [lemma(w) for w in ("start", "child", "business", "baby", "old")] == ["start", "child", "business", "baby", "old"]


TOY = Glossary({
    "start a business": ["창업"],
    "give birth": ["출산", "분만"],
    "child": ["아동"],
    "old": ["노인"],
    "young": ["청년"],
    "aids": ["에이즈"],
    "minors": ["미성년자"],
    "train": ["철도"],
    "lose my job": ["실직"],
}, exact={"train"}, lemmas=True)


@pytest.mark.parametrize(("text", "expected"), [
    ("I started a business", [("started a business", ["창업"])]),
    ("starting my business in Busan", [("starting my business", ["창업"])]),
    ("he starts their business", [("starts their business", ["창업"])]),
    ("She gave birth in May", [("gave birth", ["출산", "분만"])]),
    ("giving birth", [("giving birth", ["출산", "분만"])]),
    ("three children", [("children", ["아동"])]),
    ("I lost my job", [("lost my job", ["실직"])]),
    ("my husband lost his job", [("lost his job", ["실직"])]),
])
def test_a_base_phrase_matches_its_inflections(text: str, expected: list[tuple[str, list[str]]]) -> None:
    assert TOY.matches(text) == expected


@pytest.mark.parametrize("text", [
    "my older brother", "my younger sister", "my elder son",          # comparatives are no "old" / "young"
    "a hearing aid", "financial aid",                                 # "aids" keeps its sense to itself
    "a minor injury",                                                 # "minors" too
    "I was trained as a nurse", "job training",                       # "train" is matched only as written
])
def test_no_collision(text: str) -> None:
    assert TOY.matches(text) == []


def test_an_exact_phrase_still_matches_as_written() -> None:
    assert TOY.matches("the train to Busan") == [("train", ["철도"])]


def test_the_phrase_as_written_wins_over_a_lemma_reading() -> None:
    g = Glossary({"fire": ["화재"], "fired": ["해고"]}, lemmas=True)
    assert g.matches("I got fired") == [("fired", ["해고"])]
    assert g.matches("a fire broke out") == [("fire", ["화재"])]


@pytest.mark.parametrize(("text", "absent"), [
    ("My older brother lost his job", {"노인", "고령"}),
    ("my younger sister wants a job", {"청년"}),
    ("my elder daughter is 30", {"노인", "고령"}),
    ("Is there support for a hearing aid?", {"에이즈"}),
    ("a minor injury at work", {"미성년자"}),
    ("I was trained as a welder", {"철도", "열차"}),
    ("I booked a room at a hotel", {"도서"}),
    ("I parked my car on the street", {"공원"}),
    ("the window blinds are broken", {"시각장애"}),
])
def test_bundled_glossary_makes_no_collision(text: str, absent: set[str]) -> None:
    assert not absent & set(default_glossary(lemmas=True).translate(text))


@pytest.mark.parametrize(("text", "present"), [
    ("I just started my own company", {"창업"}),
    ("My wife gives birth next month", {"출산"}),
    ("My dad lost his job", {"실직"}),
    ("benefits for my grandchildren", {"손자녀"}),
])
def test_bundled_glossary_matches_inflections(text: str, present: set[str]) -> None:
    assert present <= set(default_glossary(lemmas=True).translate(text))


def test_exact_must_name_glossary_phrases(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_text("terms:\n  train: [철도]\nexact: [trains]\n", encoding="utf-8")
    with pytest.raises(InvalidConfigError, match="trains"):
        Glossary.load(path, lemmas=True)
    path.write_text("terms:\n  train: [철도]\nexact: [train]\n", encoding="utf-8")
    assert Glossary.load(path, lemmas=True).matches("trained staff") == []


def test_own_after_a_determiner_is_passed_over_and_kept_in_the_phrase() -> None:
    assert TOY.matches("I want to start my own business") == [("start my own business", ["창업"])]
    assert TOY.matches("on my own") == []


@pytest.mark.parametrize("text", ["I'm in my late 20s, working, and rent a flat", "my son is registered as disabled",
                                  "money he lent to a friend", "I worked in a mine"])
def test_a_verb_form_alone_is_not_read_as_its_base(text: str) -> None:
    g = Glossary({"work": ["일자리"], "register": ["등록"], "lend": ["대여"]}, lemmas=True)
    assert g.matches(text) == []


@pytest.mark.parametrize(("text", "expected"), [
    ("grants for babies", [("babies", ["영아"])]),
    ("my daughter's school", [("daughter's", ["자녀"])]),
    ("three children", [("children", ["아동"])]),
    ("support for women", [("women", ["여성"])]),
])
def test_a_noun_plural_or_possessive_alone_is_read_as_its_base(text: str, expected: list[tuple[str, list[str]]]) -> None:
    g = Glossary({"baby": ["영아"], "daughter": ["자녀"], "child": ["아동"], "woman": ["여성"]}, lemmas=True)
    assert g.matches(text) == expected


def test_bundled_glossary_reads_no_job_into_working() -> None:
    assert "일자리" not in default_glossary(lemmas=True).translate("I'm in my late 20s, working, and I don't own a home")


def test_lemma_matching_is_off_by_default() -> None:
    """Off by default (it moves the English gate's features; module docstring): phrases match only as written, "own"
    is a word like any other, and the bundled glossary translates as it did before lemmas."""
    g = Glossary({"start a business": ["창업"], "child": ["아동"], "start my own business": ["창업"]})
    assert g.matches("I started my business and have two children") == []
    assert g.matches("start my own business") == [("start my own business", ["창업"])]
    # "daughter" is in the bundled glossary, "daughters" is not
    assert "자녀" not in default_glossary().translate("I have two daughters")
    assert "자녀" in default_glossary(lemmas=True).translate("I have two daughters")

"""The English gate's ``names_top`` signal: an English phrase of the question names the top page (a Korean word the
glossary gives for the phrase is in the page's title).

Why (s21, s22): English questions whose first page was right were abstained on ("Do I get money if I have a baby?" on
the bundled corpus: its Korean twin asks the region). Overlap and BM25 read the page's words through the glossary's
lexical terms and their pieces (지원금 → 지원, 원금), which say little about whether the question is about the page;
a title that holds the very word the question's phrase translates to does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.errors import InvalidConfigError
from assistant.knowledge.composer import (
    FEATURES,
    GATE_FILE,
    TITLE_BOILERPLATE,
    AnswerabilityGate,
    gate_features,
    names_top,
)
from assistant.knowledge.glossary import DEFAULT_GLOSSARY

GLOSSARY = yaml.safe_load(Path(DEFAULT_GLOSSARY).read_text(encoding="utf-8"))["terms"]


@pytest.mark.parametrize(("translations", "title", "expected"), [
    ([("have a baby", ["출산", "출생"])], "(창원시) 출산축하금(시민1주년 축하금)", True),
    # an English page that keeps the Korean name in its title
    ([("childbirth", ["출산", "분만"])], "Health insurance pregnancy and childbirth medical voucher (건강보험 임신·출산 진료비 지원)", True),
    ([("babysitter", ["아이 돌봄"])], "아이돌봄서비스", True),  # spaces ignored on both sides
    ([("support", ["지원"])], "청년 월세 지원", False),  # boilerplate names no page
    ([("money", ["지원금"]), ("gym", ["체육관"])], "예술활동준비금 지원 사업", False),
    ([], "출산축하금", False),
])
def test_a_phrase_names_the_page_by_a_glossary_word_in_its_title(translations: list[tuple[str, list[str]]], title: str,
                                                                  expected: bool) -> None:
    assert names_top(translations, title) is expected


def test_boilerplate_is_the_words_that_name_no_kind_of_help() -> None:
    assert "지원" in TITLE_BOILERPLATE and "출산" not in TITLE_BOILERPLATE


def _by_hand(text: str, title: str) -> float:
    """names_top from the glossary file itself: the longest phrases of ``text`` found left to right (as the glossary
    matches them), each of their Korean words looked for in the title without spaces."""
    words = re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower())
    i, found = 0, []
    while i < len(words):
        for n in range(min(4, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in GLOSSARY:
                found.append(phrase)
                i += n
                break
        else:
            i += 1
    flat = title.replace(" ", "")
    return 1.0 if any(k.replace(" ", "") in flat and k not in TITLE_BOILERPLATE for p in found for k in GLOSSARY[p]) else 0.0


@pytest.mark.parametrize("text", [
    "Do I get money if I have a baby?",
    "How much is the childbirth grant?",
    "Is there monthly rent support for young people?",
    "What's the weather like in Seoul today?",
    "renew gym membership",
])
def test_the_signal_of_an_english_question_is_its_phrases_against_the_top_title(bundled_router: Any, text: str) -> None:
    result = bundled_router.retriever.run(text, k=5)
    assert result.language == "en"
    _, signals = bundled_router.composer.answerability(result, 0.0)
    assert signals["names_top"] == _by_hand(text, result.hits[0].doc.title)


def test_the_baby_question_names_its_top_page(bundled_router: Any) -> None:
    result = bundled_router.retriever.run("Do I get money if I have a baby?", k=5)
    _, signals = bundled_router.composer.answerability(result, 0.0)
    assert "출산" in result.hits[0].doc.title and signals["names_top"] == 1.0


def test_a_korean_question_has_no_names_top(bundled_router: Any) -> None:
    result = bundled_router.retriever.run("아기 낳으면 돈 주나요?", k=5)
    _, signals = bundled_router.composer.answerability(result, 0.0)
    assert signals["names_top"] == 0.0


def test_a_gate_reads_the_features_it_was_fitted_on(tmp_path: Path) -> None:
    signals = {"p_oos": 0.2, "dense": 0.85, "agree": 1.0, "overlap": 0.5, "margin": 0.3, "bm25": 4.0, "translated": 1.0,
               "names_top": 1.0}
    assert gate_features(signals) == [0.2, 0.85, 1.0, 0.5, 0.0, 0.3, pytest.approx(1.6094379), 1.0, 1.0]
    assert gate_features(signals, ("names_top", "dense")) == [1.0, 0.85]
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"features": ["dense", "names_top"], "weights": [2.0, 1.5], "bias": -0.5,
                                "mean": [0.8, 0.5], "scale": [0.1, 0.5]}), encoding="utf-8")
    z = -0.5 + 2.0 * (0.85 - 0.8) / 0.1 + 1.5 * (1.0 - 0.5) / 0.5  # 2.0
    assert AnswerabilityGate.load(path).probability(signals) == pytest.approx(1 / (1 + 2.718281828459045 ** -z))


@pytest.mark.parametrize("blob", [
    {"features": ["dense", "loudness"], "weights": [1.0, 1.0], "bias": 0.0},
    {"features": ["dense", "dense"], "weights": [1.0, 1.0], "bias": 0.0},
    {"features": ["dense", "names_top"], "weights": [1.0], "bias": 0.0},
    {"features": [], "weights": [], "bias": 0.0},
])
def test_a_gate_file_that_does_not_match_its_features_is_refused(tmp_path: Path, blob: dict[str, object]) -> None:
    path = tmp_path / "g.json"
    path.write_text(json.dumps(blob), encoding="utf-8")
    with pytest.raises(InvalidConfigError):
        AnswerabilityGate.load(path)


def test_the_korean_gate_does_not_read_names_top() -> None:
    blob = json.loads(GATE_FILE.read_text(encoding="utf-8"))
    assert "names_top" not in blob["features"] and set(blob["features"]) < set(FEATURES)
    gate = AnswerabilityGate.load(GATE_FILE)
    base = {"p_oos": 0.1, "dense": 0.86, "agree": 1.0, "overlap": 0.4, "margin": 0.2, "bm25": 3.0, "translated": 0.0}
    assert gate.probability({**base, "names_top": 1.0}) == gate.probability({**base, "names_top": 0.0})

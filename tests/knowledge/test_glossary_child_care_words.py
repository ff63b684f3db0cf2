"""English child-care words as the catalogue says them (s20, q065 of bench/citizen_questions.yaml).

"We both work full time and need someone to look after our 2-year-old at home. Does the government subsidise a
babysitter?" ranked 아이돌보미 건강검진비 지원 (a health check for the carers) above 아이돌봄 서비스 on the catalogue and
abstained: "babysitter" searched 아이돌보미, the carer, and 아이돌봄 at the end of the string, which Kiwi reads as 아이 + 돌보
(no page holds 돌보 for 돌봄); and "2-year-old" searched 노인 through "old".
"""

from __future__ import annotations

import pytest

from assistant.knowledge.glossary import default_glossary
from assistant.nlu.tokenizer import KoreanTokenizer, lexical_terms


@pytest.mark.parametrize("word", ["babysitter", "nanny"])
def test_a_parents_babysitter_searches_the_service_not_the_carer(word: str) -> None:
    matches = dict(default_glossary().matches(f"Does the government subsidise a {word}?"))
    terms = lexical_terms(KoreanTokenizer().tokenize(" ".join(matches[word])))  # as the retriever reads them
    assert "돌봄" in terms and "아이" in terms
    assert "아이돌보미" not in terms and "돌보" not in terms


@pytest.mark.parametrize("text", ["our 2-year-old at home", "my 4 year old", "a 15-year-old son"])
def test_a_childs_age_is_an_age_not_old_age(text: str) -> None:
    matches = default_glossary().matches(text)
    korean = {k for _phrase, ks in matches for k in ks}
    assert ("year old", ["연령"]) in [(p, list(k)) for p, k in matches]
    assert "노인" not in korean


def test_an_old_person_is_still_old() -> None:
    assert "노인" in default_glossary().translate("help for old people")

"""An English question's word meets the other forms of it a page writes (assistant/knowledge/stems.py).

s54 §4: "My father is 80 and needs to renew his driving licence. What should he do?" abstained on the bundled corpus,
whose English page of 운전면허 적성검사 간소화 (knowledge/en/license-aptitude-test-simplified.md) says "renewing" and
"renewal" but never "renew": the answerability overlap read "renew" as a word the page lacks, and only the Korean page
(the ranked hit; the English one its alternate) was read at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.knowledge.stems import english_stem, same_stem

ROOT = Path(__file__).resolve().parents[2]


def _front_matter(path: Path) -> dict[str, object]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8").split("---", 2)[1]))


@pytest.mark.parametrize(("word", "forms"), [
    ("renew", ["renewal", "renewing", "renewed", "renews"]),
    ("account", ["accounts"]),
    ("apply", ["applies", "applied"]),
    ("licence", ["licences"]),
])
def test_the_forms_of_a_word_share_its_stem(word: str, forms: list[str]) -> None:
    for form in forms:
        assert english_stem(form) == english_stem(word), form
        assert same_stem(word, {form, "운전면허"}) and same_stem(form, [word])


@pytest.mark.parametrize(("word", "other"), [("university", "universal"), ("card", "care"), ("renew", "new")])
def test_other_words_do_not(word: str, other: str) -> None:
    assert not same_stem(word, {other})


def test_korean_terms_and_numbers_are_matched_as_written() -> None:
    assert english_stem("운전면허") == "운전면허" and english_stem("80") == "80" and english_stem("id") == "id"
    assert not same_stem("면허", {"운전면허"}) and same_stem("면허", {"면허"})


def test_an_english_question_is_judged_on_the_services_english_page_too(bundled_router) -> None:  # type: ignore[no-untyped-def]
    page = ROOT / "knowledge/en/license-aptitude-test-simplified.md"
    meta = _front_matter(page)
    text = page.read_text(encoding="utf-8").lower()
    assert "renew " not in text and "renewal" in text  # the page has the word only in other forms
    question = "My father is 80 and needs to renew his driving licence. What should he do?"
    result = bundled_router.retriever.run(question, k=5)
    answer = bundled_router.composer.run(result)
    assert not answer.abstained, answer.signals
    assert answer.citations[0].url == meta["url"], [c.title for c in answer.citations]


@pytest.mark.parametrize("question", ["How do I renew my passport?", "I need to renew my residence card.",
                                      "How do I apply for renewal of my ID card?"])
def test_a_renewal_the_documents_lack_still_abstains(bundled_router, question: str) -> None:  # type: ignore[no-untyped-def]
    answer = bundled_router.composer.run(bundled_router.retriever.run(question, k=5))
    assert answer.abstained, [c.title for c in answer.citations]


def _lexical_of(router, question: str, service_id: str) -> float:  # type: ignore[no-untyped-def]
    hits = router.retriever.run(question, k=10).hits
    return max(h.lexical for h in hits if service_id in {d.service_id for d in (h.doc, *h.alternates)})


def test_a_word_searches_the_form_the_page_writes(bundled_router) -> None:  # type: ignore[no-untyped-def]
    """BM25 reads "renew" as the page's "renewal" (RetrieverConfig.english_stems): the page scores as for the word it
    writes. Without the stems the question's form scores less."""
    from dataclasses import replace

    from assistant.knowledge.retriever import HybridRetriever

    service = str(_front_matter(ROOT / "knowledge/en/license-aptitude-test-simplified.md")["service_id"])
    asked = _lexical_of(bundled_router, "aptitude test renew", service)
    written = _lexical_of(bundled_router, "aptitude test renewal", service)
    assert asked == pytest.approx(written)
    on = bundled_router.retriever
    off = HybridRetriever(on.index, on.embedder, on.tokenizer, config=replace(on.config, english_stems=False),
                          glossary=on.glossary)
    unstemmed = max(h.lexical for h in off.run("aptitude test renew", k=10).hits
                    if service in {d.service_id for d in (h.doc, *h.alternates)})
    assert unstemmed < asked

"""English word stems, so that an English question's word meets the other forms of it a page writes.

A citizen asks to "renew" a licence; the page says "renewal" and "renewing". The lexical terms
(:func:`~assistant.nlu.tokenizer.lexical_terms`) keep Latin words as written, so the two never met: the answerability
overlap read "renew" as a word the page lacks, and "My father is 80 and needs to renew his driving licence" abstained on
the bundled corpus, whose English page answers it (s54 §4). Here words are compared by their Snowball (Porter2)
English stem, the stemmer Lucene's and Elasticsearch's English analyzers use: ``renew``, ``renewal`` and ``renewing``
all stem to ``renew``, ``accounts`` to ``account``, while ``university`` and ``universal`` stay apart.

Why a stemmer and not simplemma's lemmas (already a dependency, :mod:`~assistant.knowledge.glossary`): a lemma keeps
the part of speech, so "renewal" stays "renewal" and never meets "renew"; a stemmer joins the word family, which is
what a lexical match across a question and a page needs. The stemmer is the ``snowballstemmer`` package (BSD, pure
Python, the algorithms of snowballstem.org; M. F. Porter, "Snowball: A language for stemming algorithms", 2001).

Only Latin words of three letters or more are stemmed; every other term (Korean morphemes, numbers) is its own stem.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer

#: a lower-case Latin word (as :func:`~assistant.nlu.tokenizer.lexical_terms` gives an English word): letters with
#: an inner apostrophe or hyphen ("driver's", "check-up")
_LATIN_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]\Z")

_local = threading.local()  # a snowballstemmer stemmer keeps its state on the object: one per thread


def _stemmer() -> snowballstemmer.stemmer:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


def stemmed(term: str) -> bool:
    """Whether :func:`english_stem` stems ``term``: a lower-case Latin word of three letters or more."""
    return len(term) >= 3 and _LATIN_WORD.match(term) is not None


@lru_cache(maxsize=65536)
def english_stem(term: str) -> str:
    """The Snowball English stem of ``term`` when it is a lower-case Latin word of three letters or more, else
    ``term`` itself.

    Args:
        term: one lexical term ("renewal", "licences", "운전면허", "80").

    Returns:
        The stem ("renew", "licenc"); a possessive's "'s" is dropped first ("driver's" → "driver"). Deterministic, no
        data files; about 10 µs a new word, cached after.
    """
    if not stemmed(term):
        return term
    return str(_stemmer().stemWord(term))


def same_stem(term: str, terms: Iterable[str]) -> bool:
    """Whether ``term`` or another form of it (same :func:`english_stem`) is among ``terms``.

    Args:
        term: a question's lexical term.
        terms: a page's lexical terms.

    Returns:
        True when ``term`` is in ``terms`` as written, or it is an English word and one of ``terms`` has its stem
        ("renew" among {"renewal", "licence"}); a Korean term must be there as written.
    """
    pool = terms if isinstance(terms, frozenset) else frozenset(terms)
    if term in pool:
        return True
    return stemmed(term) and english_stem(term) in stems_of(pool)


@lru_cache(maxsize=4096)
def stems_of(terms: frozenset[str]) -> frozenset[str]:
    """The English stems of the English words among ``terms`` (a page's term set; cached per set, as the composer keeps
    one set per page; a Korean page's is empty)."""
    return frozenset(english_stem(t) for t in terms if stemmed(t))

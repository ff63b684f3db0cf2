"""The dialogue engine's view of the knowledge index: answers and service names.

:class:`RetrievalKnowledge` wraps the hybrid retriever and the answer composer
(the same call the first router made). :class:`ServiceTitleMatcher` finds the
services a message names by their titles: whitespace, punctuation and case are
ignored ("연탄 쿠폰" names 연탄쿠폰), and a title's parenthesised part and the part
before it count as names of their own ("Energy voucher (에너지바우처)").
Names shorter than :data:`MIN_NAME_CHARS` characters are ignored (too generic).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from assistant.knowledge.composer import Answer, AnswerComposer
from assistant.knowledge.retriever import HybridRetriever

MIN_NAME_CHARS = 3
_SQUASH = re.compile(r"[\W_]+", re.UNICODE)
_PAREN = re.compile(r"\(([^()]*)\)")


def _squash(text: str) -> str:
    return _SQUASH.sub("", text).lower()


class RetrievalKnowledge:
    """Retrieval + composer behind :class:`~assistant.dialogue.actions.Knowledge`.

    Args:
        retriever: the loaded hybrid retriever; composer: the answer composer; top_k: documents to retrieve.
    """

    def __init__(self, retriever: HybridRetriever, composer: AnswerComposer, top_k: int) -> None:
        self.retriever = retriever
        self.composer = composer
        self.top_k = top_k

    def answer(self, text: str, vector: np.ndarray | None, p_oos: float, region: str | None = None) -> Answer:
        """The composed answer for ``text`` (``vector``: its embedding, if known; ``region``: where the citizen
        lives, if known: the retriever ranks that region's and national programmes first, and the composer picks
        the region's variant, see :meth:`HybridRetriever.run` and :meth:`AnswerComposer.run`)."""
        result = self.retriever.run(text, k=self.top_k, query_vector=vector, region=region)
        return self.composer.run(result, p_oos=p_oos, region=region)


class ServiceTitleMatcher:
    """Finds service titles in a message.

    Example:
        >>> ServiceTitleMatcher(["연탄쿠폰", "Energy voucher (에너지바우처)"]).find("연탄 쿠폰 받을 수 있나요")
        ['연탄쿠폰']
    """

    def __init__(self, titles: Iterable[str]) -> None:
        self._names: dict[str, str] = {}
        for title in titles:
            variants = {title, _PAREN.sub("", title), *_PAREN.findall(title)}
            for v in variants:
                key = _squash(v)
                if len(key) >= MIN_NAME_CHARS:
                    self._names.setdefault(key, title)
        self._keys = sorted(self._names, key=len, reverse=True)

    @property
    def empty(self) -> bool:
        """True when there are no titles (nothing can be named)."""
        return not self._keys

    def find(self, text: str) -> list[str]:
        """Titles named in ``text``, longest name first, each once."""
        squashed = _squash(text or "")
        if not squashed:
            return []
        out: list[str] = []
        for k in self._keys:
            if k in squashed and self._names[k] not in out:
                out.append(self._names[k])
        return out


class IndexTitleMatcher:
    """:class:`ServiceTitleMatcher` over the titles of the index a retriever answers from *now*.

    The retriever reloads its index when the index's ``CURRENT`` pointer moves (an import or a retraction in
    this or another process, :meth:`HybridRetriever.refresh`); this matcher checks for that on every
    :meth:`find` (one ``stat``) and rebuilds its titles when the index object changed, so a newly imported
    service's name is recognised without a restart. Rebuilding takes a few milliseconds for the catalogue.

    Args:
        retriever: the retriever whose index is followed.
        source: only documents of this source (e.g. ``gov24``); None: all.
    """

    def __init__(self, retriever: HybridRetriever, source: str | None = None) -> None:
        self.retriever = retriever
        self.source = source
        self._state: tuple[object, ServiceTitleMatcher] | None = None

    @property
    def matcher(self) -> ServiceTitleMatcher:
        """The matcher for the retriever's current index (refreshed first)."""
        self.retriever.refresh()
        index = self.retriever.index
        state = self._state
        if state is None or state[0] is not index:
            titles = (d.title for d in index.docs.values() if self.source is None or d.source == self.source)
            state = (index, ServiceTitleMatcher(titles))
            self._state = state  # one assignment: a concurrent find sees the old pair or the new one, never a mix
        return state[1]

    def find(self, text: str) -> list[str]:
        """Titles named in ``text`` (see :meth:`ServiceTitleMatcher.find`)."""
        return self.matcher.find(text)

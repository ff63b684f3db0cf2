"""Regular-expression entity extraction (Rasa's ``regex:`` entries).

Rasa's rule: a regex whose name equals an entity name extracts that entity;
other regexes are only features (here: flags for the CRF). Patterns are Python
``re`` syntax, matched case-insensitively (Rasa's default) against a
same-length folded copy of the message (full-width → ASCII, any space → " ").

Where Rasa wraps patterns in ``\\b`` (which never fires between a Korean word
and its particle), a match here is kept when each end is either a word
boundary or, next to Hangul, a morpheme boundary from Kiwi's analysis:
"010-1234-5678로" keeps the number, "abc123def" does not match ``\\d+``.

Patterns come from data files, so they run on the ``regex`` package with a
time limit: a pattern that backtracks catastrophically on some message is
skipped for that message with a warning instead of hanging the turn.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

import regex

from assistant.errors import InvalidConfigError
from assistant.nlu.entities.base import boundaries, fold, is_hangul
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

logger = logging.getLogger(__name__)


def _word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"



def _boundary(key: str, i: int, morpheme_boundaries: set[int]) -> bool:
    """A word boundary at ``i``, or a morpheme boundary next to Hangul (a particle or ending attached)."""
    if i <= 0 or i >= len(key) or not (_word(key[i - 1]) and _word(key[i])):
        return True
    return i in morpheme_boundaries and (is_hangul(key[i - 1]) or is_hangul(key[i]))


class RegexEntityExtractor:
    """Extracts entities with the patterns named after them.

    Args:
        regexes: name → patterns (Rasa ``regex:`` entries).
        entity_names: names that are entities; patterns with other names only
            produce features (:meth:`matches`). None: every name is an entity.
        timeout_s: time limit for one pattern on one message (seconds).
        sources: name → ``"file:line"`` for error messages.

    Raises:
        InvalidConfigError: a pattern does not compile, or matches the empty string.

    Example:
        >>> ext = RegexEntityExtractor({"account": [r"\\d{3}-\\d{2}-\\d{4}"]})
        >>> [s.text for s in ext.extract("계좌 123-45-6789로", [])]
        ['123-45-6789']
    """

    name = "regex"

    def __init__(
        self,
        regexes: dict[str, list[str]],
        entity_names: Iterable[str] | None = None,
        timeout_s: float = 0.05,
        sources: dict[str, str] | None = None,
    ) -> None:
        self.regexes = {k: list(v) for k, v in regexes.items()}
        self.entity_names = set(regexes) if entity_names is None else set(entity_names) & set(regexes)
        self.timeout_s = timeout_s
        self._compiled: list[tuple[str, regex.Pattern[str]]] = []
        for name, patterns in regexes.items():
            for pattern in patterns:
                where = f" ({sources[name]})" if sources and name in sources else ""
                try:
                    compiled = regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
                except regex.error as e:
                    raise InvalidConfigError(f"regex {name!r}{where}: pattern {pattern!r} does not compile: {e}") from e
                if compiled.fullmatch(""):
                    raise InvalidConfigError(f"regex {name!r}{where}: pattern {pattern!r} matches the empty string")
                self._compiled.append((name, compiled))

    def matches(self, text: str, tokens: list[Token]) -> list[tuple[str, int, int]]:
        """All boundary-respecting matches as ``(name, start, end)``, entity names or not."""
        key = fold(text)
        starts, ends = boundaries(tokens)
        out: list[tuple[str, int, int]] = []
        for name, pattern in self._compiled:
            try:
                for m in pattern.finditer(key, timeout=self.timeout_s):
                    s, e = m.span()
                    if s == e:
                        continue
                    if _boundary(key, s, starts) and _boundary(key, e, ends):
                        out.append((name, s, e))
            except TimeoutError:
                logger.warning(
                    "regex timed out; skipped for this message",
                    extra={"stage": "nlu.entities", "regex": name, "chars": len(text), "timeout_s": self.timeout_s},
                )
        return out

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Entities from patterns named after an entity (``extractor="regex"``, ``confidence=1.0``)."""
        return [
            EntitySpan(entity=name, start=s, end=e, text=text[s:e], extractor=self.name, confidence=1.0)
            for name, s, e in self.matches(text, tokens)
            if name in self.entity_names
        ]

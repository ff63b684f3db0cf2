"""Do entity annotations sit on word and morpheme boundaries?

An entity extractor learns spans of tokens; an annotation that cuts a token,
or that swallows a Korean particle (``[강남구에서](district)``: 에서 is the
postposition "at/in", not part of the district's name), teaches it the wrong
span. Rules, applied to each edge of an annotation in the plain text:

* whitespace at either edge is wrong;
* an edge between two Latin/digit word characters cuts a word (``[playground](product)s``);
* an edge between two characters where Hangul is involved must fall on a
  kiwipiepy morpheme boundary. If kiwipiepy's own analysis does not put one
  there, the edge is re-analysed with the span forced as one token; it is
  accepted when what follows is a particle, ending or suffix (``[제주](city)도``:
  도 "also"), or when it splits a compound noun at a likely place (``[부산](city)광역시``,
  but not ``[강남](district)구``; see :data:`COMPOUND_SPLIT_COST`);
* the span must not end with a particle or ending (J*, E* tags of the Sejong tag set).

Each problem comes with the corrected span.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.nlu.tokenizer import KoreanTokenizer, Token, normalize_spaces, script_views
from assistant.nlu.types import EntitySpan

__all__ = ["BoundaryChecker", "BoundaryProblem"]

_FUNCTION_PREFIXES = ("J", "E", "XS", "VCP", "VCN")
_NOUNISH_PREFIXES = ("N", "SL", "SN", "SH", "XPN", "XR")


def _is_hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" or "\u3130" <= c <= "\u318f"


def _is_word(c: str) -> bool:
    return c.isalnum()


#: How much less likely (kiwipiepy log score) a forced split of a compound noun may be and still
#: count as a boundary: 부산|광역시 costs 1.5, 강남|구 5.3, 강|남구 17.3 (measured with kiwipiepy 0.24).
COMPOUND_SPLIT_COST = 3.0


def _compound(left: Token, right: Token, cost: float) -> bool:
    """A plausible split between the parts of a compound noun (서울|강남구, 부산|광역시)."""
    return left.tag.startswith(_NOUNISH_PREFIXES) and right.tag.startswith(_NOUNISH_PREFIXES) and cost <= COMPOUND_SPLIT_COST


@dataclass(frozen=True)
class BoundaryProblem:
    """One misplaced annotation: why, and the span it should have (``start``/``end`` in the plain text)."""

    reason: str
    start: int
    end: int


class _ForcingTokenizer(KoreanTokenizer):
    """KoreanTokenizer that can force one span to be a single token (kiwipiepy's ``pretokenized``)."""

    def analyze_forced(self, text: str, start: int, end: int) -> tuple[list[Token], float]:
        """Tokens of ``text`` with ``text[start:end]`` kept as one token, and how much less likely
        that analysis is than kiwipiepy's own (log-score difference, >= 0 when worse). A mixed-script text is
        analysed in its Korean view (:func:`~assistant.nlu.tokenizer.script_views`), as the plain tokens are (the
        edges checked here lie in words that hold Hangul), unless the span covers a Latin word."""
        self.warm_up()
        assert self._kiwi is not None
        clean = normalize_spaces(text)
        views = script_views(clean)
        if views and views[0][start:end] == clean[start:end]:  # a span over a Latin word: the whole text
            clean = views[0]
        with self._lock:
            free = self._kiwi.analyze(clean, top_n=1)[0]
            forced = self._kiwi.analyze(clean, top_n=1, pretokenized=[(start, end)])[0]
        tokens = [Token(t.form, t.tag, t.start, t.start + t.len) for t in forced[0]]
        return tokens, float(free[1] - forced[1])


class BoundaryChecker:
    """Checks entity annotations against word and morpheme boundaries.

    Example:
        >>> BoundaryChecker().check("강남구에서 신청", EntitySpan("district", 0, 5, "강남구에서"))
        BoundaryProblem(reason="the span ends with the particle/ending '에서' (JKB)", start=0, end=3)
    """

    def __init__(self, tokenizer: KoreanTokenizer | None = None) -> None:
        self._tok = _ForcingTokenizer()
        self._plain = tokenizer or self._tok

    def tokenize(self, text: str) -> list[Token]:
        """The plain kiwipiepy analysis of ``text`` (what :meth:`check` expects as ``tokens``)."""
        return self._plain.tokenize(text)

    def check(self, text: str, span: EntitySpan, tokens: list[Token] | None = None) -> BoundaryProblem | None:
        """Return the problem with ``span`` in ``text`` (None when it is well placed).

        Args:
            text: the plain example text.
            span: an annotation with offsets into ``text``.
            tokens: ``KoreanTokenizer().tokenize(text)`` if already computed.
        """
        tokens = tokens if tokens is not None else self._plain.tokenize(text)
        s, e = span.start, span.end
        reasons: list[str] = []
        inner = text[s:e]
        if inner != inner.strip():
            s += len(inner) - len(inner.lstrip())
            e -= len(inner) - len(inner.rstrip())
            reasons.append("the span has whitespace at its edge")
        if s >= e:
            return BoundaryProblem("the span is empty", span.start, span.end)
        s2, why = self._start(text, s, e, tokens)
        if why:
            reasons.append(why)
        e2, why = self._end(text, s2, e, tokens)
        if why:
            reasons.append(why)
        e3, why = self._trailing_function(tokens, s2, e2)
        if why:
            reasons.append(why)
        if not reasons:
            return None
        return BoundaryProblem("; ".join(reasons), s2, e3)

    def _start(self, text: str, s: int, e: int, tokens: list[Token]) -> tuple[int, str | None]:
        if s == 0 or not (_is_word(text[s - 1]) and _is_word(text[s])):
            return s, None
        if not (_is_hangul(text[s - 1]) or _is_hangul(text[s])):
            ws = s
            while ws > 0 and _is_word(text[ws - 1]) and not _is_hangul(text[ws - 1]):
                ws -= 1
            return ws, f"the span starts inside the word {text[ws:s] + text[s:e]!r}"
        if any(t.start == s for t in tokens):
            return s, None
        forced, cost = self._tok.analyze_forced(text, s, e)
        before = [t for t in forced if t.end == s]
        after = [t for t in forced if t.start == s]
        if before and after and _compound(before[-1], after[0], cost):
            return s, None
        covering = [t for t in tokens if t.start < s < t.end]
        ns = covering[0].start if covering else s
        return ns, f"the span starts inside the morpheme {text[ns:covering[0].end] if covering else text[s]!r}"

    def _end(self, text: str, s: int, e: int, tokens: list[Token]) -> tuple[int, str | None]:
        if e == len(text) or not (_is_word(text[e - 1]) and _is_word(text[e])):
            return e, None
        if not (_is_hangul(text[e - 1]) or _is_hangul(text[e])):
            we = e
            while we < len(text) and _is_word(text[we]) and not _is_hangul(text[we]):
                we += 1
            return we, f"the span ends inside the word {text[s:we]!r}"
        if any(t.end == e for t in tokens):
            return e, None
        forced, cost = self._tok.analyze_forced(text, s, e)
        before = [t for t in forced if t.end == e]
        after = [t for t in forced if t.start == e]
        if after and after[0].tag.startswith(_FUNCTION_PREFIXES):
            return e, None
        if before and after and _compound(before[-1], after[0], cost):
            return e, None
        covering = [t for t in tokens if t.start < e < t.end]
        ne = covering[-1].end if covering else e
        return ne, f"the span ends inside the morpheme {text[covering[-1].start:ne] if covering else text[e - 1]!r}"

    @staticmethod
    def _trailing_function(tokens: list[Token], s: int, e: int) -> tuple[int, str | None]:
        inside = [t for t in tokens if s <= t.start and t.end <= e]
        cut = len(inside)
        while cut > 1 and inside[cut - 1].tag.startswith(("J", "E")):
            cut -= 1
        if cut == len(inside):
            return e, None
        trailing = inside[cut:]
        new_end = inside[cut - 1].end
        forms = "".join(t.text for t in trailing)
        tags = "+".join(t.tag for t in trailing)
        return new_end, f"the span ends with the particle/ending {forms!r} ({tags})"

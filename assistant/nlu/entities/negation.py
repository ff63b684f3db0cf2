"""Negation cues and their scopes, from Kiwi's morphemes (Korean) and words (English).

Korean negation is marked by a closed set of morphemes that Kiwi tags:

* short-form negation: adverbs 안 / 못 (``MAG``) before the predicate: "신청 안 할래요";
* long-form negation: 않- / 못하- / 말- (``VX``) after ``-지`` (``EC``): "신청하지 않을래요", "하지 마세요";
* negative copula 아니- (``VCN``): "주민이 아니에요";
* the existential negative 없- (``VA``): "소득이 없어요" (kind ``"absence"``).

Korean is head-final: the negated predicate ends the clause and its object or
complement comes before it, so a Korean cue's scope runs from the start of its
clause to the end of the cue's word. English negation (not, n't, no, never,
without) scopes rightwards to the end of the clause. Clauses end at sentence
punctuation, commas, and Korean final endings (``EF``); this is the usual
clause-bounded approximation (cf. NegEx, Chapman et al. 2001), not a parser.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

_EN_CUES = frozenset({"not", "no", "never", "without", "cannot", "nobody", "nothing", "neither", "nor"})
_EN_NT_STEMS = frozenset({"don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "can", "couldn", "shouldn", "wouldn", "haven", "hasn", "hadn", "mustn", "ain"})  # fmt: skip
_CLAUSE_PUNCT = frozenset(".,;:!?。，！？…")


@dataclass(frozen=True)
class Negation:
    """One negation cue and the part of the message it negates.

    Attributes:
        cue: the cue's surface text ("안", "않", "아니", "don't" ...).
        start, end: the cue's offsets in the original text.
        scope_start, scope_end: offsets of the negated stretch (includes the cue).
        kind: ``"not"`` (안/않/not), ``"cannot"`` (못), ``"prohibit"`` (말-),
            ``"is-not"`` (아니-), ``"absence"`` (없-).
    """

    cue: str
    start: int
    end: int
    scope_start: int
    scope_end: int
    kind: str

    def covers(self, span: EntitySpan) -> bool:
        """True when ``span`` lies inside this negation's scope."""
        return self.scope_start <= span.start and span.end <= self.scope_end


def _korean_cue(tokens: list[Token], i: int) -> str | None:
    t = tokens[i]
    if t.tag == "MAG" and t.text in ("안", "못"):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if nxt is not None and (nxt.tag.startswith(("VV", "VA", "VX", "XR")) or nxt.tag in ("NNG", "XSV")):
            return "not" if t.text == "안" else "cannot"
        return None
    prev = tokens[i - 1] if i > 0 else None
    if t.tag == "VX" and prev is not None and prev.tag == "EC" and prev.text == "지":
        return {"않": "not", "못하": "cannot", "말": "prohibit"}.get(t.text)
    if t.tag == "VCN" and t.text == "아니":
        return "is-not"
    if t.tag == "VA" and t.text == "없":
        return "absence"
    return None


def _clause_bounds(text: str, tokens: list[Token]) -> list[int]:
    """Offsets where clauses end (exclusive), in order, always ending with ``len(text)``.

    A clause ends before sentence punctuation or a comma, and at the end of the
    word that carries a final ending (``EF``; "할래요" is 하 + ᆯ래 + 요).
    """
    cuts = [i for i, ch in enumerate(text) if ch in _CLAUSE_PUNCT]
    for t in tokens:
        if t.tag == "EF":
            j = t.end
            while j < len(text) and not text[j].isspace() and text[j] not in _CLAUSE_PUNCT:
                j += 1
            cuts.append(j)
    cuts.append(len(text))
    return sorted(set(cuts))


def negations(text: str, tokens: list[Token]) -> list[Negation]:
    """Negation cues in a message with their scopes.

    Args:
        text: the original message.
        tokens: its tokens from :class:`~assistant.nlu.tokenizer.KoreanTokenizer`.

    Returns:
        One :class:`Negation` per cue, in text order.

    Example:
        >>> text = "저는 이 지역 주민이 아니에요. 그래도 카드 만들 수 있나요?"
        >>> [(n.cue, text[n.scope_start:n.scope_end]) for n in negations(text, KoreanTokenizer().tokenize(text))]
        [('아니', '저는 이 지역 주민이 아니')]
    """
    cuts = _clause_bounds(text, tokens)
    out: list[Negation] = []
    for i, t in enumerate(tokens):
        kind = _korean_cue(tokens, i)
        english = t.tag == "SL" and (t.text in _EN_CUES or (t.text in _EN_NT_STEMS and _is_nt(tokens, i)))
        if kind is None and not english:
            continue
        clause_start = max([0] + [c + 1 if c < len(text) and text[c] in _CLAUSE_PUNCT else c for c in cuts if c < t.start])
        while clause_start < t.start and text[clause_start].isspace():
            clause_start += 1
        clause_end = min(c for c in cuts if c >= t.end)
        if english:
            end = tokens[i + 2].end if t.text in _EN_NT_STEMS else t.end
            out.append(Negation(text[t.start : end], t.start, end, t.start, clause_end, "not"))
            continue
        assert kind is not None
        if kind in ("not", "cannot") and t.tag == "MAG":
            # scope runs to the end of the predicate after 안/못 (its word), within the clause
            word_end = t.end
            for u in tokens[i + 1 :]:
                if u.start > word_end + 1 or u.start >= clause_end:
                    break
                word_end = max(word_end, u.end)
                if text[u.end : u.end + 1].isspace() and u is not tokens[i]:
                    break
            scope_end = min(word_end, clause_end)
        else:
            scope_end = t.end
        out.append(Negation(text[t.start : t.end], t.start, t.end, clause_start, scope_end, kind))
    return out


def _is_nt(tokens: list[Token], i: int) -> bool:
    """``don`` + ``'`` + ``t`` as Kiwi splits "don't"."""
    return i + 2 < len(tokens) and tokens[i + 1].text in ("'", "’") and tokens[i + 2].text == "t"


def negated_spans(text: str, tokens: list[Token], spans: list[EntitySpan]) -> list[EntitySpan]:
    """The entities of ``spans`` that lie in some negation's scope (for facts like resident=false)."""
    found = negations(text, tokens)
    return [s for s in spans if any(n.covers(s) for n in found)]

"""Lookup-table entity extraction with synonyms, aligned to morpheme boundaries.

Rasa's lookup tables list the values of an entity (the table's name is the
entity's name); synonyms map a variant to its canonical value. Rasa itself
matches lookup entries with ``\\b...\\b`` regexes, which fails for Korean
("강남구에서" has no word boundary after 강남구). Here an entry matches where it
starts on a morpheme start and ends on a morpheme end (Kiwi's analysis of the
message), so a particle or ending attached to it is left out of the span and
run-together text ("서울시강남구에서") still matches; a match that would cut a
morpheme ("강남" inside "강남구") does not. Latin entries match
case-insensitively, without regard to diacritics or the kind of apostrophe ("Inch'ŏn" ~ "Inchon"), and only
on word boundaries.

The matcher is a character trie walked from each morpheme start (our own
code: no maintained library does morpheme-aligned matching; the walk is a few
lines and linear in the message times the longest entry).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.nlu.entities.base import boundaries, fold, is_hangul
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    #: (entity, value) pairs for entries ending here
    values: list[tuple[str, str]] = field(default_factory=list)


def entry_key(entry: str) -> str:
    """The matching key of a lookup entry or synonym: folded (see :func:`fold`), spaces collapsed."""
    return " ".join(fold(entry).split())



#: The last syllable of a Korean administrative area's name (시·도 / 시·군·구 / 읍·면·동 / 리).
_ADMIN_SUFFIXES = frozenset("구시군동읍면리도")
#: What may follow such a name to the end of its word: a particle, then the copula's or a polite ending ("동탄구요",
#: "영덕군요", "흥덕구고요", "장안구인데요", "세종특별자치시요", "강남구에서요").
_ADMIN_TAIL = re.compile(
    r"(?:에서|에게|에|으로|로|은|는|이|가|을|를|도|만|의|과|와|이랑|랑|하고)?"
    r"(?:이에요|예요|에요|이요|요|인데요|인데|이고요|고요|이고|고|입니다|이라서|라서|이라고|라고|이야|야|이죠|죠|인가요|"
    r"이니까|니까|이면|면|이면요|면요)?"
)


def _admin_name_then_ending(key: str, end: int) -> bool:
    """Whether a Hangul entry ending at ``end`` with an administrative suffix is followed, to the end of its word, by
    particles and endings only. Kiwi does not always cut there: it reads "동탄구요" as 동탄 + 구요 (an ending),
    "흥덕구고요" or "영덕군요" as one unknown noun and "장안구인데요" with 구이 (grilled food), so the morpheme-end test
    alone loses these names; the closed list of what a name may be followed by decides instead."""
    if not 0 < end < len(key) or key[end - 1] not in _ADMIN_SUFFIXES:
        return False
    stop = end
    while stop < len(key) and is_hangul(key[stop]):
        stop += 1
    return stop > end and _ADMIN_TAIL.fullmatch(key, end, stop) is not None


def _is_latin_word(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class LookupEntityExtractor:
    """Finds lookup-table entries (and synonym variants) in a message.

    Args:
        lookups: entity name → entries (Rasa ``lookup:`` tables).
        synonyms: variant → canonical value (Rasa ``synonym:``). A variant of a
            value that some table lists is matched too; any match of a variant
            gets the canonical value.

    Spaces: an entry's spaces match any run of spaces (including no-break,
    full-width and zero-width ones); between two Hangul characters a space may
    also be present or absent on either side ("주민등록 등본" ~ "주민등록등본"),
    because Korean spacing is loose.

    Example:
        >>> ext = LookupEntityExtractor({"district": ["강남구"]})
        >>> text = "서울시강남구에서 발급"
        >>> [(s.text, s.start, s.end) for s in ext.extract(text, KoreanTokenizer().tokenize(text))]
        [('강남구', 3, 6)]
    """

    name = "lookup"

    def __init__(self, lookups: dict[str, list[str]], synonyms: dict[str, str] | None = None) -> None:
        self._root = _Node()
        self.size = 0
        self._synonyms = {entry_key(k): v for k, v in (synonyms or {}).items() if entry_key(k)}
        canonical_entity: dict[str, list[str]] = {}
        for entity, entries in lookups.items():
            for entry in entries:
                if entry_key(entry):
                    self._add(entry, entity, self._synonyms.get(entry_key(entry), entry))
                    canonical_entity.setdefault(entry_key(entry), []).append(entity)
        for variant, canonical in (synonyms or {}).items():
            entities = canonical_entity.get(entry_key(canonical), []) + canonical_entity.get(entry_key(variant), [])
            for entity in dict.fromkeys(entities):
                self._add(variant, entity, canonical)

    def _add(self, entry: str, entity: str, value: str) -> None:
        node = self._root
        for ch in entry_key(entry):
            node = node.children.setdefault(ch, _Node())
        if (entity, value) not in node.values:
            node.values.append((entity, value))
            self.size += 1

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Lookup matches in ``text``.

        Args:
            text: the original message.
            tokens: its tokens (offsets into ``text``); no tokens, no matches.

        Returns:
            Non-overlapping spans (longest match wins) with ``extractor="lookup"``,
            ``confidence=1.0`` and the table entry (or the synonym's canonical
            value) as ``value``, in text order.
        """
        if not tokens or not self._root.children:
            return []
        key = fold(text)
        starts, ends = boundaries(tokens)
        # Latin words use word boundaries (Kiwi keeps "nyc." as one token)
        latin_starts = {
            i
            for t in tokens
            if t.tag == "SL"
            for i in range(t.start, t.end)
            if _is_latin_word(key[i]) and (i == 0 or not _is_latin_word(key[i - 1]))
        }
        found: list[EntitySpan] = []
        for s in sorted(starts | latin_starts):
            if s >= len(key) or key[s] not in self._root.children:
                continue
            if _is_latin_word(key[s]) and s > 0 and _is_latin_word(key[s - 1]):
                continue
            for end, entity, value in self._walk(key, s):
                latin_end = _is_latin_word(key[end - 1])
                if latin_end and end < len(key) and _is_latin_word(key[end]):
                    continue
                if not latin_end and end not in ends and not _admin_name_then_ending(key, end):
                    continue
                found.append(
                    EntitySpan(entity=entity, start=s, end=end, text=text[s:end], value=value, extractor=self.name, confidence=1.0)
                )
        # A one-morpheme Hangul match directly followed by another noun is the head of a longer
        # compound noun ("주민" in "주민센터" or "주민등록등본" is not a resident), unless that noun
        # starts another match ("부산" + "시민"). Longer matches ("주민등록등본" + "발급" in run-together
        # text) are specific enough to keep.
        noun_at = {t.start for t in tokens if t.tag in ("NNG", "NNP")}
        morpheme_at = {t.start: t.end for t in tokens}
        match_starts = {sp.start for sp in found}
        found = [
            sp for sp in found
            if not (is_hangul(text[sp.end - 1]) and morpheme_at.get(sp.start) == sp.end
                    and sp.end in noun_at and sp.end not in match_starts)
        ]  # fmt: skip
        # longest match first; a match inside a longer one is dropped ("등본" inside "주민등록등본")
        found.sort(key=lambda sp: (-(sp.end - sp.start), sp.start))
        kept: list[EntitySpan] = []
        for sp in found:
            if all(sp.end <= k.start or sp.start >= k.end for k in kept):
                kept.append(sp)
        return sorted(kept, key=lambda sp: sp.start)

    def _walk(self, key: str, start: int) -> Iterable[tuple[int, str, str]]:
        """Yield ``(end, entity, value)`` for every entry matching ``key`` from ``start``."""
        stack: list[tuple[_Node, int]] = [(self._root, start)]
        seen: set[tuple[int, int]] = set()
        while stack:
            node, i = stack.pop()
            if (id(node), i) in seen:
                continue
            seen.add((id(node), i))
            if node is not self._root:
                for entity, value in node.values:
                    yield i, entity, value
            if i >= len(key):
                continue
            ch = key[i]
            if i > start and unicodedata.combining(ch):
                stack.append((node, i + 1))  # "Incho\u0306n": a combining breve typed apart from its letter
                continue
            if ch == " ":
                j = i
                while j < len(key) and key[j] == " ":
                    j += 1
                if " " in node.children:
                    stack.append((node.children[" "], j))
                elif i > start and j < len(key) and is_hangul(key[i - 1]) and is_hangul(key[j]):
                    stack.append((node, j))  # a space in the text that the entry does not have
                continue
            child = node.children.get(ch)
            if child is not None:
                stack.append((child, i + 1))
            spaced = node.children.get(" ")
            if spaced is not None and i > start and is_hangul(key[i - 1]) and is_hangul(ch):
                stack.append((spaced, i))  # the entry has a space the text does not

"""Where a person lives, written in English: the romanised names of the 시·도 and 시·군·구 (issue #5).

``"Seongnam, Gyeonggi-do"``, ``"Gangnam-gu, Seoul"``, ``"Busan"``, ``"Jeju"``, ``"North Chungcheong Province"``
→ the same :class:`~connectors.eligibility.regions.Area` as the Korean names.

The table is derived, not typed: each Korean name of :data:`~connectors.eligibility.regions.SIDO`,
:data:`~connectors.eligibility.regions.SIDO_ALIASES` and :data:`~connectors.eligibility.regions.SIGUNGU` is
romanised with ``koroman`` (Revised Romanization of Korean, 문화관광부 고시 제2000-8호, with its sound-change rules:
종로 → Jongno, 울릉 → Ulleung, 강릉 → Gangneung). As the rules for place names say (제3장 제5항), the unit (도, 시,
군, 구) is romanised apart from the name and joined with a hyphen (``Seongnam-si``), so a sound change never
crosses it. Keys are the romanisation with case, spaces and hyphens removed, so ``Seongnam-si``, ``seongnam si``
and ``SEONGNAMSI`` are one key. For each name:

* the name alone (``Seongnam``; a one-syllable 시·군·구 name such as 중구 only with its unit: ``Jung-gu``);
* with its unit romanised (``Seongnam-si``, ``Gyeonggi-do``, ``Seoul-teukbyeolsi``) or in English (``Seongnam
  City``, ``Gapyeong County``, ``Gangnam District``, ``Gyeonggi Province``, ``Busan Metropolitan City``,
  ``Jeju Special Self-Governing Province``, ``Gangwon State``);
* for a 도 named after its north or south half (충청북도, 경상남도, 전라남도 …): ``North Chungcheong``,
  ``South Gyeongsang Province``;
* the literal transliteration too when it differs (``Jongro``, ``Ulreung``), a spelling people often type.

``koroman`` gets two names wrong that RR's rules get right: 밀양 [미량] is ``Miryang`` (no ㄹ doubling before ㅇ)
and 덕양 [더걍] is ``Deogyang`` (no ㄴ insertion: 고양시 덕양구 writes Deogyang-gu), which :data:`EXCEPTIONS` fixes. The older McCune–Reischauer spellings are read too (:func:`romanise_mr`: Pusan,
Taegu, Inch'ŏn or Inchon, Kyŏnggi-do, North Ch'ungch'ŏng), with or without their breves and apostrophes, except
those that are English words (:data:`MR_NOT_PLACES`: Sŏul → "soul").

Reading (:func:`normalise_english_region`): the text is split at commas, each part into words, and the longest
runs of words that are keys are taken, in any order. It must name one 시·도, or one 시·군·구 (with or without its
시·도), or both; a 일반구 (:data:`~connectors.eligibility.regions.GENERAL_GU`) names its city, alone or after it
(``Bundang-gu`` and ``Bundang-gu, Seongnam-si`` are 경기도 성남시; :func:`english_general_gu` keeps the 구 for the
reply), as in Korean; another ``<name>-gu`` after a city is dropped; ``Korea`` and
``South Korea`` are ignored. A name that is both a 시·도 and a 시·군·구 (Gwangju: 광주광역시, and 광주시 in 경기도)
is the 시·도 unless another word names the 시·도 (``Gwangju-si, Gyeonggi-do``). A 시·군·구 name shared by several
시·도 (Jung-gu, Gangseo-gu) needs its 시·도.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable

from connectors.eligibility.regions import GENERAL_GU, GENERAL_GU_STEMS, SIDO, SIDO_ALIASES, SIGUNGU, Area

#: Names the romaniser gets wrong, with the RR spelling (see the module docstring).
EXCEPTIONS: dict[str, str] = {"밀양": "miryang", "덕양": "deogyang"}

#: Unit of a 시·도 name → its romanisation (RR) and English words (as the 시·도 write them in English).
_SIDO_UNITS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("통합특별시", ("special city", "city")),
    ("특별자치시", ("special self-governing city", "city")),
    ("특별자치도", ("special self-governing province", "state", "province")),
    ("특별시", ("special city", "metropolitan city", "city")),
    ("광역시", ("metropolitan city", "city")),
    ("도", ("province",)),
    ("시", ("city",)),
)
_SIGUNGU_UNITS: dict[str, tuple[str, ...]] = {"시": ("city",), "군": ("county",), "구": ("district",)}
#: Words that name no place but may end an address.
_IGNORED = ("korea", "south korea", "republic of korea")
_GENERAL_GU = ("gu", "district")

Candidate = tuple[str, str | None]  # (시·도, 시·군·구 or None); ("", None) = an ignored word


def _fold(text: str) -> str:
    """Diacritics and in-word apostrophes dropped: McCune–Reischauer's ``Inch'ŏn`` reads as ``Inchon``."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return re.sub(r"(?<=[A-Za-z])['’ʼ`‘](?=[A-Za-z])", "", plain)


def _key(text: str) -> str:
    return re.sub(r"[^a-z]", "", _fold(text).lower())


#: McCune–Reischauer spellings that are English words, never read as places ("my soul" is not 서울).
MR_NOT_PLACES = frozenset({"soul"})


@functools.cache
def romanise_mr(name: str) -> str:
    """The McCune–Reischauer romanisation of a Korean name, folded to plain letters (``"인천"`` → ``"inchon"``).

    MR (1939; South Korea's official system 1984–2000, North Korea's today) is how older maps, documents and many
    people still write places: Pusan, Taegu, Inch'ŏn, Kyŏnggi. Romanised by ``ko-pron`` (MIT; the Wiktionary
    ko-pron module's rules).

    Example:
        >>> romanise_mr("부산"), romanise_mr("인천"), romanise_mr("경기")
        ('pusan', 'inchon', 'kyonggi')
    """
    from ko_pron import romanise as ko_pron_romanise

    return _key(str(ko_pron_romanise(name, "mr")))


@functools.cache
def romanise(name: str, pronounced: bool = True) -> str:
    """The Revised Romanization of a Korean name (lower case), with :data:`EXCEPTIONS`.

    Args:
        name: Hangul, e.g. ``"종로"``.
        pronounced: apply RR's sound-change rules (``False``: letter by letter, ``"jongro"``).

    Example:
        >>> romanise("종로"), romanise("종로", pronounced=False), romanise("밀양")
        ('jongno', 'jongro', 'miryang')
    """
    import koroman  # MIT; RR with its sound-change rules (https://github.com/gerosyab/koroman)

    if pronounced and name in EXCEPTIONS:
        return EXCEPTIONS[name]
    return str(koroman.romanize(name, use_pronunciation_rules=pronounced)).lower()


def _spellings(stem: str) -> list[str]:
    mr = romanise_mr(stem) if len(stem) >= 2 else ""
    return list(dict.fromkeys((romanise(stem), romanise(stem, pronounced=False),
                               *([mr] if mr and mr not in MR_NOT_PLACES else []))))


def _sido_keys(korean: str) -> Iterable[str]:
    """Keys of one Korean 시·도 name (official, short or former)."""
    stem, unit = korean, ""
    english: tuple[str, ...] = ()
    for u, words in _SIDO_UNITS:
        if korean.endswith(u) and len(korean) > len(u):
            stem, unit, english = korean[: -len(u)], u, words
            break
    for r in _spellings(stem):
        yield r
        if unit:
            yield r + _key(romanise(unit))
        for w in english:
            yield r + _key(w)
        if unit == "도":
            yield r + "do"
    if len(stem) >= 3 and stem[-1] in "북남":  # 충청북도 → North Chungcheong (Province)
        half = "north" if stem[-1] == "북" else "south"
        for r in _spellings(stem[:-1]):
            yield half + r
            yield half + r + "province"


def _general_gu_keys(gu: str) -> Iterable[str]:
    """Keys of a 일반구: its stem alone (two syllables or more) and with "gu" or "district" ("Bundang", "Bundang-gu")."""
    for r in _spellings(gu[:-1]):
        if len(gu) >= 3:
            yield r
        yield r + "gu"
        yield r + "district"


def english_general_gu(area: Area, text: str) -> str:
    """``area`` as text with the 일반구 of its city that the English ``text`` names, with its unit or without
    ("I live in Bundang-gu", "I live in Bundang" → ``"경기도 성남시 분당구"``: fresh-user s10 #2 dropped the 구 said
    without its unit); ``str(area)`` when it names none ("Ilsan", of 일산동구 and 일산서구, is 고양시 only).

    Example:
        >>> english_general_gu(Area("경기도", "성남시"), "I live in Bundang-gu, Seongnam")
        '경기도 성남시 분당구'
        >>> english_general_gu(Area("경기도", "성남시"), "I live in Bundang"), english_general_gu(Area("경기도", "고양시"), "Ilsan")
        ('경기도 성남시 분당구', '경기도 고양시')
    """
    words = [_key(w) for w in re.split(r"[\s,;/]+", _fold(text)) if w]
    joined = {a + b for a, b in zip(words, words[1:], strict=False)} | set(words)
    gus = GENERAL_GU.get((area.sido, area.sigungu or ""), ())
    for gu in gus:
        if any(k in joined for k in _general_gu_keys(gu) if k.endswith(("gu", "district"))):
            return f"{area} {gu}"
    for gu in gus:  # its name alone ("I live in Bundang", "Suji"), as its unit-less key reads it (table())
        if len(gu) >= 3 and any(k in words for k in _spellings(gu[:-1])):
            return f"{area} {gu}"
    return str(area)


@functools.cache
def table() -> dict[str, frozenset[Candidate]]:
    """Key (romanised, letters only, lower case) → the areas it may name (see the module docstring)."""
    out: dict[str, set[Candidate]] = {}
    names = {s: s for s in SIDO} | dict(SIDO_ALIASES)
    for korean, sido in names.items():
        for k in _sido_keys(korean):
            out.setdefault(k, set()).add((sido, None))
    for sido, districts in SIGUNGU.items():
        for name in districts:
            stem, unit = name[:-1], name[-1]
            for r in _spellings(stem):
                if len(stem) >= 2:
                    out.setdefault(r, set()).add((sido, name))
                for suffix in (_key(romanise(unit)), *map(_key, _SIGUNGU_UNITS[unit])):
                    out.setdefault(r + suffix, set()).add((sido, name))
    shared = {n for names in SIGUNGU.values() for n in names}
    for (sido, city), gus in GENERAL_GU.items():  # a 일반구 names its city (Bundang-gu → 경기도 성남시)
        for gu in gus:
            if gu in shared:  # 포항's Nam-gu/Buk-gu: the 자치구 keys stand; read with the city (_combine)
                continue
            for k in _general_gu_keys(gu):
                out.setdefault(k, set()).add((sido, city))
    for stem, (sido, city) in GENERAL_GU_STEMS.items():  # the names people use for parts of a city: Ilsan, Dongtan
        for k in _spellings(stem):
            out.setdefault(k, set()).add((sido, city))
    for w in _IGNORED:
        out.setdefault(_key(w), set()).add(("", None))
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def _unit_words() -> frozenset[str]:
    """The words of the units' English and romanised forms, and of North/South ("province", "metropolitan", "gu",
    "do", "teukbyeolsi"): what joins a place name written as several words."""
    phrases = [w for _u, words in _SIDO_UNITS for w in words] + [w for ws in _SIGUNGU_UNITS.values() for w in ws]
    romanised = [_key(romanise(u)) for u, _w in _SIDO_UNITS] + [_key(romanise(u)) for u in _SIGUNGU_UNITS]
    return frozenset(_key(w) for p in phrases for w in p.split()) | frozenset(romanised) | {"north", "south", "do"}


def _spans(words: list[str], keys: dict[str, frozenset[Candidate]],
           written: list[int] | None = None) -> list[frozenset[Candidate]] | None:
    """The longest key runs of one comma part, left to right; an unknown ``<name>-gu`` (a 일반구 such as
    Bundang-gu) reads as ``{("?gu", None)}``; ``None`` when any other word is not a key.

    ``written`` (inside a sentence): for each word, the index of the space-separated word of the text it is part of
    ("Jung-gu" is one, "Busan Metropolitan City" three). A run over several of them is then read only when one of its
    words is a key by itself or a word of a unit (:func:`_unit_words`: "*Busan* Metropolitan City", "*North*
    Chungcheong", "Jung *District*"): "from now on" joins two English words into ``nowon`` (노원구), and a name's
    syllables written apart ("Hae undae") cannot be told from such words inside a sentence (a reply that is only a
    place still reads them)."""
    out: list[frozenset[Candidate]] = []
    i = 0
    while i < len(words):
        for j in range(len(words), i, -1):
            hit = keys.get("".join(words[i:j]))
            if hit is not None and written is not None and written[i] != written[j - 1] \
                    and not any(w in keys or w in _unit_words() for w in words[i:j]):
                hit = None
            if hit is not None:
                out.append(hit)
                i = j
                break
        else:
            if i + 1 < len(words) and words[i + 1] in _GENERAL_GU:
                i += 2
            elif len(words[i]) > 2 and words[i].endswith("gu"):
                i += 1
            else:
                return None
            out.append(frozenset({("?gu", None)}))
    return out


def names_places_only(text: str) -> bool:
    """Whether every word of ``text`` is part of a place name the reader knows (``"Haeundae"``, ``"Jung-gu"``,
    ``"Bundang-gu, Seongnam"``), even when the names do not fit together or name several places (``"Jung-gu"``
    alone is in seven 시·도): what :func:`normalise_english_region` would read, before it resolves anything.

    Example:
        >>> names_places_only("Jung-gu"), names_places_only("Haeundae"), names_places_only("I live in Busan")
        (True, True, False)
    """
    keys = table()
    found = False
    for part in re.split(r"[,;/]", _fold(text)):
        words = re.findall(r"[a-z]+", part.lower())
        spans = _spans(words, keys)
        if spans is None:
            return False
        found = found or any(s != frozenset({("", None)}) for s in spans)
    return found


def normalise_english_region(text: str, in_sentence: bool = False) -> Area:
    """Read an English (romanised) place of residence (see the module docstring for what is accepted).

    Args:
        text: e.g. ``"Seongnam, Gyeonggi-do"``, ``"Gangnam-gu, Seoul"``, ``"Busan"``.
        in_sentence: ``text`` is a run of words from a sentence (:func:`find_english_region`): words written apart
            join into one name only when one of them is a name by itself (see :func:`_spans`).

    Returns:
        The :class:`~connectors.eligibility.regions.Area` the Korean names give.

    Raises:
        ValueError: no place is named, a word is not a place name (the text is not echoed: it may be an
            address), two different 시·도 are named, or a 시·군·구 name is shared by several 시·도 and none is given.

    Example:
        >>> normalise_english_region("Seongnam, Gyeonggi-do"), normalise_english_region("busan")
        (Area(sido='경기도', sigungu='성남시'), Area(sido='부산광역시', sigungu=None))
    """
    keys = table()
    spans: list[frozenset[Candidate]] = []
    for part in re.split(r"[,;/]", _fold(text)):
        matches = list(re.finditer(r"[a-z]+", part.lower()))
        words = [m.group() for m in matches]
        written = [len(re.findall(r"\s+", part[: m.start()].lstrip())) for m in matches] if in_sentence else None
        found = _spans(words, keys, written)
        if found is None:
            raise ValueError("region: not a 시·도 or 시·군·구 name in English (e.g. 'Seongnam, Gyeonggi-do', "
                             "'Gangnam-gu, Seoul', 'Busan'), nor a Korean one")
        spans += found
    spans = [s for s in spans if s != frozenset({("", None)})]
    if not spans:
        raise ValueError("region is empty; give a 시·도 such as Busan or Gyeonggi-do, optionally with a 시·군·구")
    best: dict[Area, int] = {}
    for choice in itertools.product(*spans):
        area = _combine(choice)
        if area is not None:
            sigungu_picks = sum(1 for c in choice if c[1] is not None)
            best[area] = min(best.get(area, sigungu_picks), sigungu_picks)
    if not best:
        raise ValueError("region: the names do not fit together (two different 시·도, or a 시·군·구 of another 시·도)")
    fewest = min(best.values())
    areas = [a for a, n in best.items() if n == fewest]
    if len(areas) > 1:
        raise ValueError("region: that 시·군·구 name is used in several 시·도 ("
                         + ", ".join(sorted({a.sido for a in areas})) + "); give the 시·도 too")
    return areas[0]


def _combine(choice: tuple[Candidate, ...]) -> Area | None:
    """One reading of the spans as an area, or ``None`` when they do not fit together."""
    sidos = {s for s, g in choice if g is None and s not in ("?gu",)}
    districts = list(dict.fromkeys((s, g) for s, g in choice if g is not None))  # a city and its 일반구: one area
    if len(districts) == 2:  # "Nam-gu, Pohang": a 자치구 name that is also a 일반구 of the city named beside it
        for (s, city), (_, other) in (districts, districts[::-1]):
            if other in GENERAL_GU.get((s, city or ""), ()):
                districts = [(s, city)]
                break
    general_gu = sum(1 for s, _ in choice if s == "?gu")
    if len(sidos) > 1 or len(districts) > 1 or general_gu > 1:
        return None
    if districts:
        sido, name = districts[0]
        if sidos and sidos != {sido}:
            return None
        if general_gu and not name.endswith("시"):
            return None
        return Area(sido, name)
    if general_gu or not sidos:
        return None
    return Area(sidos.pop(), None)



_UNITS = {"구": "gu", "군": "gun", "시": "si", "도": "do"}
#: 시·도 name endings that English drops ("부산광역시" is "Busan", "제주특별자치도" is "Jeju").
_METRO_ENDINGS = ("통합특별시", "특별자치시", "특별자치도", "특별시", "광역시")


def _joined_name(stem: str) -> str | None:
    """A 시·도 whose name joins the short names of the two it merged ("전남광주" of 전남광주통합특별시: 전남 and 광주), as
    English writes such a pair: each romanised and capitalised, a hyphen between ("Jeonnam-Gwangju"; s44 probe: the
    one word "Jeonnamgwangju" hid the 광주 an English reader looks for). None for any other stem."""
    from connectors.eligibility.regions import SIDO_ALIASES

    for cut in range(2, len(stem) - 1):
        head, tail = stem[:cut], stem[cut:]
        if head in SIDO_ALIASES and tail in SIDO_ALIASES:
            return f"{romanise(head).capitalize()}-{romanise(tail).capitalize()}"
    return None


def english_place_name(korean: str) -> str:
    """A Korean place name as English writes it: Revised Romanization of each word, its unit after a hyphen, the
    smallest unit first with commas between, as an English address is written ("경기도 성남시 분당구" →
    "Bundang-gu, Seongnam-si, Gyeonggi-do").

    Metropolitan and special names drop their ending; other units keep theirs as RR does on road signs
    ("중구" → "Jung-gu", "수원시" → "Suwon-si", "경기도 성남시" → "Seongnam-si, Gyeonggi-do", "부산광역시 해운대구" →
    "Haeundae-gu, Busan"; a merged 시·도 joins its two names with a hyphen: "전남광주통합특별시 북구" → "Buk-gu,
    Jeonnam-Gwangju"). A word without a known unit is romanised whole. The one writer of a place in an English
    reply (the form's messages, the eligibility results and conditions, the regional follow-up, the knowledge
    answers: through :func:`assistant.regions.place_for_language`), so that a place reads the same everywhere and
    no reply prints Hangul. A list of such places is joined with "; " (:func:`assistant.regions.places_for_language`).

    Source: Ministry of Culture, Sports and Tourism, Romanization of Korean (2000), art. 5 (administrative units
    after a hyphen: 도 do, 시 si, 군 gun, 구 gu).

    Args:
        korean: one or more words of Hangul, e.g. ``"중구"``.

    Returns:
        The English name; ``korean`` unchanged when it holds no Hangul.
    """
    words = []
    for word in korean.split():
        if not re.search(r"[가-힣]", word):
            words.append(word)
            continue
        metro = next((e for e in _METRO_ENDINGS if word.endswith(e) and len(word) > len(e)), None)
        if metro is not None:
            words.append(_joined_name(word[: -len(metro)]) or romanise(word[: -len(metro)]).capitalize())
        elif len(word) > 1 and word[-1] in _UNITS:
            words.append(f"{romanise(word[:-1]).capitalize()}-{_UNITS[word[-1]]}")
        else:
            words.append(romanise(word).capitalize())
    return ", ".join(reversed(words))

__all__ = ["EXCEPTIONS", "MR_NOT_PLACES", "english_general_gu", "english_place_name", "find_english_region", "names_places_only",
           "normalise_english_region", "romanise", "romanise_mr", "table"]


_MAX_PLACE_WORDS = 6


@functools.cache
def _key_pieces() -> frozenset[str]:
    """Every run of letters inside a key of :func:`table`: each word of a place name written in parts is one."""
    return frozenset(k[i:j] for k in table() for i in range(len(k)) for j in range(i + 1, len(k) + 1))


def _may_be_place_words(words: list[str]) -> list[bool]:
    """For each space-separated word, whether it can be part of a place name :func:`normalise_english_region` reads:
    each of its letter runs (as that function folds them) is a piece of a key, a ``<name>gu`` or a name followed by
    "gu"/"district" (an unknown 일반구, see :func:`_spans`). A necessary condition only: a run of words that
    passes may still not be a place."""
    pieces = _key_pieces()
    runs = [re.findall(r"[a-z]+", _fold(w).lower()) for w in words]
    flat = [r for rs in runs for r in rs]
    ok_flat = [r in pieces or (len(r) > 2 and r.endswith("gu")) or (k + 1 < len(flat) and flat[k + 1] in _GENERAL_GU)
               for k, r in enumerate(flat)]
    out, k = [], 0
    for rs in runs:
        out.append(all(ok_flat[k:k + len(rs)]))
        k += len(rs)
    return out


def find_english_region(text: str) -> Area | None:
    """The place of residence named inside an English sentence ("I live in Seongnam, Gyeonggi-do" → 경기도 성남시),
    or ``None`` when none is named (or the name is ambiguous).

    The longest run of consecutive words (at most six, commas kept) that :func:`normalise_english_region` reads
    wins; the first such run on a tie. Text with Hangul is not read (the Korean path handles it).

    Example:
        >>> find_english_region("My mother lives in Gangnam-gu, Seoul."), find_english_region("I am 67 years old")
        (Area(sido='서울특별시', sigungu='강남구'), None)
    """
    if re.search(r"[가-힣]", text):
        return None
    words = text[:300].split()
    # A run holding a word that no place name can contain is never read (normalise_english_region would raise on
    # it): skipping those runs keeps the answer and saves ~100 failed readings of an ordinary sentence (4.6 ms of an
    # English question's retrieval, s25). ``blocked[k]``: how many of the first k words cannot be in a place name.
    blocked = [0]
    for ok in _may_be_place_words(words):
        blocked.append(blocked[-1] + (not ok))
    for size in range(min(_MAX_PLACE_WORDS, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            if blocked[i + size] != blocked[i]:
                continue
            chunk = " ".join(words[i:i + size]).strip(" .!?\"'()")
            if not re.search(r"[A-Za-z]", chunk):
                continue
            try:
                return normalise_english_region(chunk, in_sentence=True)
            except ValueError:
                continue
    return None

"""Write ``intents/regions.yml``: the NLU's ``region`` lookup and synonyms for every 시·군·구, Korean and English.

One source of truth: the 시·군·구 come from :data:`connectors.eligibility.regions.SIGUNGU` and their English
spellings from :mod:`connectors.eligibility.regions_en` (Revised Romanization with its sound-change rules, the
letter-by-letter transliteration, McCune–Reischauer), the same the eligibility form reads. The NLU does not
import the connector (DESIGN.md: the engine never imports connectors); it reads this generated Rasa data, which a
Rasa project can use unchanged. ``tests/test_nlu_regions.py`` fails when the file and the tables drift apart.

Values (the same for the Korean and the English names):

* a name found in one 시·도 only → ``"<시·도> <시·군·구>"`` (``"부산광역시 해운대구"``), what
  :func:`connectors.eligibility.regions.normalise_region` returns for it;
* a name found in several 시·도 (중구, 동구, 강서구, 고성군 …) → the Korean name alone (``"중구"``): the 시·도 is
  not guessed; the form completes it from a 시·도 given before or asks. Two-syllable ones are Korean words too
  (서구 "the West", 남구, 북구, 동구), so in Korean only 중구 (listed before) and the longer names are entries;
  in English all are ("Seo-gu");
* 경기도 광주시 is left out: "광주" is the former 광주광역시 (as in the region reader);
* a 일반구 (:data:`connectors.eligibility.regions.GENERAL_GU`: 분당구, 덕양구, "Bundang-gu") → ``"<시·도> <시>
  <일반구>"`` (``"경기도 성남시 분당구"``), the value the eligibility form keeps as it is
  (:func:`connectors.eligibility.regions.general_gu_value`; its region conditions read the city); its stem said
  alone (``GENERAL_GU_STEMS``: "분당", "일산") → that value, or the city's where the stem starts two 일반구
  ("일산" → ``"경기도 고양시"``); after its city ("성남시 분당구", "성남 분당구") it is one entity. 포항's 남구 and 북구 are also 광역시 자치구 names: they stay bare ("남구", "Nam-gu"),
  and the form asks which 시·도 (경상북도 → 경상북도 포항시 남구).

English forms of each spelling: the name alone when its stem has two syllables or more ("Suwon", "Mapo"),
"<Name>-<unit>", "<Name> <unit>", "<Name><unit>" with the unit romanised (si, gun, gu), and "<Name> City /
County / District". A spelling that also names a 시·도 ("Jeju": 제주특별자치도) or another 시·군·구 is left out.

The 시·도 (the values :file:`intents/nlu.yml` gives them, the official names of the connector's ``SIDO``: "서울특별시",
"전남광주통합특별시" for 광주 and 전남 since their 2026 merger …) get their English spellings here too, Revised Romanization and McCune–Reischauer (:data:`SIDO_NLU`): "Busan", "Pusan", "Pusan
Metropolitan City"; "Gyeonggi-do", "Kyŏnggi", "Kyonggi Province"; "North Chungcheong", "Ch'ungch'ŏng-bukto",
"Chungbuk", "Ch'ungbuk". An MR spelling is written as MR writes it (breves, apostrophes: "Inch'ŏn") and in plain
letters ("Inchon"); the NLU's matching key ignores diacritics and the kind of apostrophe, so "Inch’on" and
"INCHON" match too. Left out: a spelling nlu.yml already lists; MR "Sŏul" (plain "Soul" is an English word); the
bare halves "Ch'ungch'ŏng", "Chŏlla", "Kyŏngsang", "Chungcheong" … (each names two 도: not guessed).

Usage: ``python scripts/region_lookup.py`` (writes the file) or ``--check`` (exit 1 when it is out of date).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "intents" / "regions.yml"
_EN_UNITS = {"시": "City", "군": "County", "구": "District"}
#: Two-syllable names that are kept in Korean although ambiguous (listed by hand before this file existed).
_KO_SHORT_AMBIGUOUS_KEPT = frozenset({"중구"})


def _key(text: str) -> str:
    from connectors.eligibility.regions_en import _key as key  # the reader's own folding

    return str(key(text))


#: The 시·도 names whose English spellings are written → (Korean stem, kind, short name for a 도 named after its
#: half). kind: "city" (특별시, 광역시, 특별자치시), "province" (도, 특별자치도), "north"/"south" (…북도, …남도).
#: The former 광주광역시 and 전라남도 are spelled as before ("Gwangju", "South Jeolla"), and their spellings name
#: the merged 전남광주통합특별시 (:func:`sido_value`).
SIDO_NLU: dict[str, tuple[str, str, str]] = {
    "서울특별시": ("서울", "city", ""), "부산광역시": ("부산", "city", ""), "대구광역시": ("대구", "city", ""),
    "인천광역시": ("인천", "city", ""), "광주광역시": ("광주", "city", ""), "대전광역시": ("대전", "city", ""),
    "울산광역시": ("울산", "city", ""), "세종특별자치시": ("세종", "city", ""), "경기도": ("경기", "province", ""),
    "강원특별자치도": ("강원", "province", ""), "충청북도": ("충청", "north", "충북"), "충청남도": ("충청", "south", "충남"),
    "전북특별자치도": ("전라", "north", "전북"), "전라남도": ("전라", "south", "전남"), "경상북도": ("경상", "north", "경북"),
    "경상남도": ("경상", "south", "경남"), "제주특별자치도": ("제주", "province", ""),
}  # fmt: skip
_CITY_WORDS = {"특별시": "Special City", "광역시": "Metropolitan City", "특별자치시": "Special Self-Governing City"}


def sido_value(name: str) -> str:
    """The NLU's value for a 시·도 name of :data:`SIDO_NLU`: the official name the eligibility connector reads
    (:data:`connectors.eligibility.regions.SIDO`; "광주광역시", "전라남도" → "전남광주통합특별시")."""
    from connectors.eligibility.regions import SIDO, SIDO_ALIASES

    value = SIDO_ALIASES.get(name, name)
    if value not in SIDO:
        raise ValueError(f"{name!r} is no 시·도 of connectors/eligibility/regions.py")
    return value


def _mr_forms(stem: str) -> list[str]:
    """MR spellings of a stem, capitalised: as MR writes it and in plain letters ("Inch'ŏn", "Inchon")."""
    from ko_pron import romanise as ko_pron_romanise  # MIT; the Wiktionary ko-pron module's rules

    from connectors.eligibility.regions_en import MR_NOT_PLACES, romanise_mr

    plain = romanise_mr(stem)
    if plain in MR_NOT_PLACES:
        return []
    raw = str(ko_pron_romanise(stem, "mr"))
    return list(dict.fromkeys(x[:1].upper() + x[1:] for x in (raw, plain)))


def sido_spellings(value: str) -> list[str]:
    """English spellings (RR and MR) of one NLU 시·도 value (see the module docstring), before removing duplicates."""
    from connectors.eligibility.regions_en import romanise

    stem, kind, short = SIDO_NLU[value]
    rr = romanise(stem).capitalize()
    names = [rr, *_mr_forms(stem)]
    out: list[str] = []
    for n in names:
        if kind == "city":
            unit = next(u for u in _CITY_WORDS if value.endswith(u))
            out += [n, f"{n} City", f"{n}-si", f"{n} {_CITY_WORDS[unit]}"]
        elif kind == "province":
            out += [n, f"{n}-do", f"{n} Province"]
        else:
            half, syllable = ("North", "buk") if kind == "north" else ("South", "nam")
            out += [f"{half} {n}", f"{half} {n} Province", f"{n}-{syllable}do", f"{n}{syllable}-do"]
    if short:
        out += [romanise(short).capitalize(), *_mr_forms(short)]
    return list(dict.fromkeys(out))


def _nlu_region_keys() -> set[str]:
    """Matching keys of the region entries and synonym variants nlu.yml already has."""
    import yaml

    from assistant.nlu.entities.lookup import entry_key

    data = yaml.safe_load((ROOT / "intents" / "nlu.yml").read_text(encoding="utf-8"))
    region_values: set[str] = set()
    keys: set[str] = set()
    for item in data.get("nlu", []):
        if item.get("lookup") == "region":
            region_values |= {x.strip()[2:] for x in item["examples"].splitlines() if x.strip().startswith("- ")}
    for item in data.get("nlu", []):
        if "synonym" in item and item["synonym"] in region_values | set(SIDO_NLU) | {sido_value(n) for n in SIDO_NLU}:
            keys |= {entry_key(x.strip()[2:]) for x in item["examples"].splitlines() if x.strip().startswith("- ")}
    return keys | {entry_key(v) for v in region_values}


def sido_synonyms() -> dict[str, list[str]]:
    """NLU 시·도 value (:func:`sido_value`) → its English spellings not already in nlu.yml, each unique by matching key."""
    from assistant.nlu.entities.lookup import entry_key

    seen = _nlu_region_keys()
    out: dict[str, list[str]] = {}
    for name in SIDO_NLU:
        kept = out.setdefault(sido_value(name), [])
        for spelling in sido_spellings(name):
            k = entry_key(spelling)
            if k not in seen:
                seen.add(k)
                kept.append(spelling)
    return out


def values() -> dict[str, str]:
    """시·군·구 or 일반구 name → the region value (see the module docstring); 경기도 광주시 left out."""
    from connectors.eligibility.regions import GENERAL_GU, SIGUNGU

    where: dict[str, list[str]] = {}
    for sido, names in SIGUNGU.items():
        for name in names:
            where.setdefault(name, []).append(sido)
    out: dict[str, str] = {}
    for name, sidos in sorted(where.items()):
        if name == "광주시":
            continue
        out[name] = f"{sidos[0]} {name}" if len(sidos) == 1 else name
    cities: dict[str, list[tuple[str, str]]] = {}
    for (sido, city), gus in GENERAL_GU.items():
        for gu in gus:
            cities.setdefault(gu, []).append((sido, city))
    for gu, where_gu in sorted(cities.items()):
        if gu not in where and len(where_gu) == 1:  # 남구, 북구 (포항) stay the 자치구 names: asked which
            out[gu] = f"{where_gu[0][0]} {where_gu[0][1]} {gu}"
    return out


def general_gu_stems() -> dict[str, str]:
    """Stem of a 일반구 said alone (:data:`connectors.eligibility.regions.GENERAL_GU_STEMS`: "분당", "일산") → the
    region value: the 일반구's ("경기도 성남시 분당구") when the stem starts one 일반구 of its city, else the city's
    ("일산" → "경기도 고양시": 일산동구 or 일산서구)."""
    from connectors.eligibility.regions import GENERAL_GU, GENERAL_GU_STEMS

    out: dict[str, str] = {}
    for stem, (sido, city) in GENERAL_GU_STEMS.items():
        gus = [g for g in GENERAL_GU[(sido, city)] if g.startswith(stem)]
        out[stem] = f"{sido} {city} {gus[0]}" if len(gus) == 1 else f"{sido} {city}"
    return out


def english(name: str) -> list[str]:
    """English spellings of one 시·군·구 (see the module docstring), before the collision filter."""
    from connectors.eligibility.regions_en import MR_NOT_PLACES, romanise, romanise_mr

    stem, unit = name[:-1], name[-1]
    spellings = [romanise(stem), romanise(stem, pronounced=False)]
    if len(stem) >= 2 and (mr := romanise_mr(stem)) not in MR_NOT_PLACES:
        spellings.append(mr)
        raw = _mr_forms(stem)[0].lower()
        if "'" in raw:  # "Ch'ŏngju": the apostrophe is part of the matching key, the breve is not
            spellings.append(raw)
    unit_rr = romanise(unit)
    out: list[str] = []
    for s in dict.fromkeys(spellings):
        title = s[:1].upper() + s[1:]
        if len(stem) >= 2:
            out.append(title)
        out += [f"{title}-{unit_rr}", f"{title} {unit_rr}", f"{title}{unit_rr}", f"{title} {_EN_UNITS[unit]}"]
    return list(dict.fromkeys(out))


def synonyms() -> dict[str, list[str]]:
    """Region value → its variants (Korean name, English spellings), collisions removed."""
    from connectors.eligibility.regions_en import table

    keys = table()
    vals = values()
    out: dict[str, list[str]] = {}
    for name, value in vals.items():
        variants: list[str] = []
        short_ambiguous = value == name and len(name) == 2 and name not in _KO_SHORT_AMBIGUOUS_KEPT
        if name != value and not short_ambiguous:
            variants.append(name)
        if value.count(" ") == 2:  # a 일반구 after its city: "성남시 분당구", "성남 분당구" (one entity, not two)
            city = value.split()[1]
            variants += [f"{city} {name}", f"{city[:-1]} {name}"]
        # the reader reads a 일반구's spelling as its city ("Bundang-gu" → 경기도 성남시)
        reads_as = name if value.count(" ") < 2 else value.split()[1]
        for spelling in english(name):
            hits = keys.get(_key(spelling), frozenset())
            # the reader must read this spelling as this name, and as nothing else (a 시·도, another 시·군·구)
            if hits and all(sigungu == reads_as for _, sigungu in hits):
                variants.append(spelling)
        out[value] = variants
    for stem, value in general_gu_stems().items():
        if value in out and stem not in out[value]:
            out[value].append(stem)
    return out


def render() -> str:
    """The file's text."""
    vals = values()
    syn = synonyms()
    korean_entries = [v for n, v in vals.items() if not (v == n and len(n) == 2 and n not in _KO_SHORT_AMBIGUOUS_KEPT)]
    lines = [
        "# Generated by scripts/region_lookup.py from connectors/eligibility/regions.py (SIGUNGU) and",
        "# regions_en.py (romanisation). Do not edit by hand: run `python scripts/region_lookup.py`.",
        "# Values: '<시·도> <시·군·구>' for a name in one 시·도; the name alone where several 시·도 have it (not guessed).",
        'version: "3.1"',
        "nlu:",
        "- lookup: region",
        "  examples: |",
        *(f"    - {v}" for v in korean_entries),
        # a two-syllable ambiguous name is an entry in English only ("Seo-gu"; 서구 is also "the West")
        *(f"    - {x}" for v in sorted(set(vals.values()) - set(korean_entries)) for x in syn.get(v, [])),
    ]
    for value, variants in syn.items():
        if variants:
            lines += [f"- synonym: {value}", "  examples: |", *(f"    - {x}" for x in variants)]
    # the 시·도 in English (RR and McCune–Reischauer), beside the Korean names nlu.yml lists
    sido = sido_synonyms()
    lines += ["- lookup: region", "  examples: |", *(f"    - {x}" for v in sido.values() for x in v)]
    for value, variants in sido.items():
        if variants:
            lines += [f"- synonym: {value}", "  examples: |", *(f"    - {x}" for x in variants)]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    text = render()
    if "--check" in argv:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date: run python scripts/region_lookup.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

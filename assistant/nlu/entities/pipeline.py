"""The entity pipeline: every extractor over one message, overlaps resolved, synonyms applied.

Overlap rule (documented contract): candidates from all extractors are taken
longest span first; among equal lengths the extractor listed first in
``EntityPipelineConfig.extractors`` wins (default ``regex`` > ``lookup`` >
``duckling`` > ``crf``: hand-written patterns and tables are more precise than
the statistical model, and the duckling-like values are normalised); a
candidate overlapping an already kept span is dropped, so a range ("2~3일", "2-3 days":
:mod:`assistant.nlu.entities.ranges`) wins over the single value inside it. Then Rasa's synonym
rule: an entity whose text is a synonym variant gets the canonical value; a value with a bound word ("3년 이상",
"at least 3 years") becomes an open interval (:mod:`~assistant.nlu.entities.open_ranges`); an English count of years
whose sentence is about age ("65 years or older", "aged over 65 years") is an ``age``, not a ``duration``
(:mod:`~assistant.nlu.entities.age_context`); and values with 약/about
or 정도/쯤 are flagged approximate (:func:`~assistant.nlu.entities.ranges.mark_approximate`).

Example:
    >>> pipe = EntityPipeline(now=lambda: dt.datetime(2026, 11, 25, 10, 0))
    >>> pipe.train(NluTrainingData(lookups={"city": ["부산"]}))
    >>> [(e.entity, e.text, e.value) for e in pipe.extract("다음주 금요일에 부산으로 이사 가요")]
    [('time', '다음주 금요일', '2026-12-04'), ('city', '부산', '부산')]
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import json
import logging
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import InvalidConfigError, ModelNotFoundError
from assistant.nlu.entities import age_context, birth_ages, dates, member_ages, numbers, open_ranges, pii, ranges
from assistant.nlu.entities.base import DEFAULT_MAX_ANALYSED_CHARS, DEFAULT_MAX_TOTAL_ANALYSED_CHARS, DisjointSpans, EntityExtractor, PiiEntitySpan, analyse, safe_text
from assistant.nlu.entities.crf import CrfConfig, CRFEntityExtractor
from assistant.nlu.entities.duckling_time import DucklingTimeExtractor
from assistant.nlu.entities.english_numbers import EnglishNumberExtractor
from assistant.nlu.entities.lookup import LookupEntityExtractor, entry_key
from assistant.nlu.entities.negation import Negation, negations
from assistant.nlu.entities.regexes import RegexEntityExtractor
from assistant.nlu.pii import NUMBER_KINDS, find_pii
from assistant.nlu.tokenizer import KoreanTokenizer, Token
from assistant.nlu.types import EntitySpan, NluTrainingData

logger = logging.getLogger(__name__)

EXTRACTOR_NAMES = ("regex", "lookup", "duckling", "crf")
DUCKLING_DIMENSIONS = (numbers.NUMBER, numbers.MONEY, numbers.AGE, numbers.PERCENT, dates.TIME, dates.DURATION, pii.PHONE, pii.RRN)
_FORMAT_VERSION = 1
_CONFIG_FILE = "entities.json"
_CRF_FILE = "crf.pkl"


class EntityPipelineConfig(BaseModel):
    """Configuration of :class:`EntityPipeline` (defaults merged with user values here, validated).

    Attributes:
        extractors: extractors to run, in priority order (see the overlap rule).
        duckling_dimensions: which built-in entities to produce (``invalid-time``
            comes with ``time``, ``percentage`` with ``number``: a model saved before percentages existed lists
            ``number`` only, and "50%" must not lose its number).
        timezone: IANA zone for relative dates; prefer_dates: month-day without year.
        time_format: ``"iso"`` (ours: a value at the expression's grain, ``invalid-time``
            for impossible dates) or ``"duckling"`` (Rasa's DucklingEntityExtractor's:
            an instant, Duckling's span; :mod:`assistant.nlu.entities.duckling_time`).
        phone_region: region for phone numbers without a country code.
        max_analysed_chars: longest text given to Kiwi in one call (a longer message is analysed window by window).
        max_total_analysed_chars: most characters of one message analysed in all (beyond: its first and last
            halves of this many; :func:`~assistant.nlu.entities.base.analyse`).
        regex_timeout_s: time limit for one user regex on one message.
        crf: CRF hyper-parameters.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    extractors: list[str] = Field(default_factory=lambda: list(EXTRACTOR_NAMES))
    duckling_dimensions: list[str] = Field(default_factory=lambda: list(DUCKLING_DIMENSIONS))
    timezone: str = "Asia/Seoul"
    prefer_dates: Literal["future", "past"] = "future"
    time_format: Literal["iso", "duckling"] = "iso"
    phone_region: str = "KR"
    max_analysed_chars: int = Field(default=DEFAULT_MAX_ANALYSED_CHARS, ge=16)
    max_total_analysed_chars: int = Field(default=DEFAULT_MAX_TOTAL_ANALYSED_CHARS, ge=16)
    regex_timeout_s: float = Field(default=0.05, gt=0)
    crf_c1: float = Field(default=CrfConfig.c1, ge=0)
    crf_c2: float = Field(default=CrfConfig.c2, ge=0)
    crf_max_iterations: int = Field(default=CrfConfig.max_iterations, ge=1)
    crf_min_confidence: float = Field(default=CrfConfig.min_confidence, ge=0, le=1)

    @field_validator("extractors")
    @classmethod
    def _known_extractors(cls, v: list[str]) -> list[str]:
        bad = [n for n in v if n not in EXTRACTOR_NAMES]
        if bad or len(set(v)) != len(v):
            raise ValueError(f"unknown or repeated extractor(s) {bad or v}; valid names: {', '.join(EXTRACTOR_NAMES)}")
        return v

    @field_validator("duckling_dimensions")
    @classmethod
    def _known_dimensions(cls, v: list[str]) -> list[str]:
        bad = [n for n in v if n not in DUCKLING_DIMENSIONS]
        if bad:
            raise ValueError(f"unknown dimension(s) {bad}; valid: {', '.join(DUCKLING_DIMENSIONS)}")
        return v

    @classmethod
    def from_dict(cls, values: dict[str, Any] | None) -> EntityPipelineConfig:
        """Validate user values over the defaults.

        Raises:
            InvalidConfigError: unknown keys, extractor names or bad values (the message lists valid names).
        """
        try:
            return cls(**(values or {}))
        except ValidationError as e:
            raise InvalidConfigError(f"entity pipeline config: {e}") from e


def personal_numbers(text: str) -> list[tuple[int, int]]:
    """Spans of the personal numbers in ``text``: card, account, phone and resident registration numbers exactly as
    log masking finds them (:func:`assistant.nlu.pii.find_pii`, kinds :data:`~assistant.nlu.pii.NUMBER_KINDS`)."""
    return personal_spans(text)[0]


def personal_spans(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """``(personal numbers, addresses and e-mails)`` of ``text`` from one :func:`~assistant.nlu.pii.find_pii` pass:
    the spans of kinds :data:`~assistant.nlu.pii.NUMBER_KINDS` (:func:`personal_numbers`) and of
    :data:`DIGITS_OF_PERSONAL_DATA` (:func:`personal_data_digits`)."""
    found = find_pii(text)
    return ([(p.start, p.end) for p in found if p.kind in NUMBER_KINDS],
            [(p.start, p.end) for p in found if p.kind in DIGITS_OF_PERSONAL_DATA])


#: The kinds of personal data whose digits are no entity's either (an address's building, 동 and 호 numbers, an
#: e-mail's): a number, age, amount or date read inside one is dropped; a word without digits (강남구 in an address)
#: stays.
DIGITS_OF_PERSONAL_DATA = frozenset({"address", "email"})


def personal_data_digits(text: str, span: EntitySpan, spans: list[tuple[int, int]]) -> bool:
    """Whether ``span`` (an entity other than the PII ones) overlaps an address or e-mail (``spans``, found by
    :func:`assistant.nlu.pii.find_pii`, kinds :data:`DIGITS_OF_PERSONAL_DATA`) and its own text holds a digit.

    s35 probe: "주소는 서울시 강남구 테헤란로 123, 101동 202호예요" filled the ``age`` slot with "101동 202호" (the CRF's
    age), a wrong fact and the raw flat number in the store (the address itself was masked, its fragment was not)."""
    if isinstance(span, PiiEntitySpan) or not any(ch.isdigit() for ch in span.text):
        return False
    return any(span.start < e and s < span.end for s, e in spans)


def finite(value: Any) -> bool:
    """Whether ``value`` (an entity's value or its additional info: numbers, strings, dicts, lists) holds no inf or
    nan anywhere. An entity holding one is dropped (:meth:`EntityPipeline.parse`): JSON has no such number, so the
    tracker store refuses the event and the turn is lost (s35: "1" * 400 read as the number inf by an extractor)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return all(finite(v) for v in value)
    return True


def inside_personal_number(span: EntitySpan, spans: list[tuple[int, int]]) -> bool:
    """Whether ``span`` is some other entity overlapping a personal number (``spans``: :func:`personal_numbers`).

    The digits of a card, account, phone or registration number are no age, amount, count or date: the CRF read
    "4111 1111 1111 1111" after "my card is" as an ``age`` (s15-fresh F4), and the value would have spoilt a valid
    age said in the same message. The ``phone-number`` and ``rrn`` entities themselves (``PiiEntitySpan``) stay.
    """
    if isinstance(span, PiiEntitySpan):
        return False
    return any(span.start < e and s < span.end for s, e in spans)


@dataclass(frozen=True)
class EntityResult:
    """What the entity stage found in one message.

    Attributes:
        entities: resolved entities in text order (Rasa dicts via ``EntitySpan.to_json()``).
        negations: negation cues and scopes (:func:`negations`).
        pii: every personal-data span found (phone numbers, resident registration
            numbers), kept even where a longer entity won the overlap: use it to mask logs.
    """

    entities: tuple[EntitySpan, ...]
    negations: tuple[Negation, ...]
    pii: tuple[EntitySpan, ...]

    def is_negated(self, span: EntitySpan) -> bool:
        """True when ``span`` is inside a negation's scope ("주민이 아니에요" → the 주민 entity)."""
        return any(n.covers(span) for n in self.negations)


class EntityPipeline:
    """Regex, lookup, duckling-like and CRF extraction with one overlap rule.

    Args:
        config: validated config (defaults when None).
        tokenizer: shared tokenizer (a new :class:`KoreanTokenizer` when None).
        now: reference-time source for relative dates (tests pass a fixed time).
    """

    def __init__(
        self,
        config: EntityPipelineConfig | None = None,
        tokenizer: KoreanTokenizer | None = None,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.config = config or EntityPipelineConfig()
        self.tokenizer = tokenizer or KoreanTokenizer()
        self._now = now
        self.synonyms: dict[str, str] = {}
        self.regex = RegexEntityExtractor({}, timeout_s=self.config.regex_timeout_s)
        self.lookup = LookupEntityExtractor({})
        self.crf = CRFEntityExtractor(self._crf_config(), flags=self._flags)
        self._duckling: list[EntityExtractor] = []
        self._resources: dict[str, Any] = {"regexes": {}, "regex_entities": [], "lookups": {}, "synonyms": {}}
        self._lookup_entities: frozenset[str] | None = None
        #: the reference time (the conversation's current date in ``config.timezone``): relative dates, birth ages
        self._clock = dates.DateExtractor(self.config.timezone, self._now, self.config.prefer_dates)
        self._build_duckling()

    def today(self) -> dt.date:
        """The conversation's current date: the reference time's date in ``config.timezone`` (Asia/Seoul by default),
        on the clock given as ``now`` (the machine's clock when None). Relative dates, birth ages and the form's age
        validator (:class:`assistant.dialogue.validators.ValidatorRegistry`) all read this one date."""
        return self._clock.today()

    def _crf_config(self) -> CrfConfig:
        c = self.config
        return CrfConfig(c.crf_c1, c.crf_c2, c.crf_max_iterations, c.crf_min_confidence)

    def _build_duckling(self) -> None:
        dims = set(self.config.duckling_dimensions)
        self._duckling = []
        if dims & {numbers.NUMBER, numbers.MONEY, numbers.AGE, numbers.PERCENT}:
            self._duckling.append(numbers.NumberExtractor())
            self._duckling.append(EnglishNumberExtractor())  # "sixty seven", "I'm seventy" (s8 fresh #7)
        if dims & {dates.TIME, dates.DURATION}:
            kind = DucklingTimeExtractor if self.config.time_format == "duckling" else dates.DateExtractor
            self._duckling.append(kind(self.config.timezone, self._now, self.config.prefer_dates))
        if dims & {pii.PHONE, pii.RRN}:
            self._duckling.append(pii.PiiExtractor(self.config.phone_region))
        if dims & {numbers.NUMBER, numbers.MONEY, numbers.AGE, numbers.PERCENT, dates.TIME, dates.DURATION}:
            clock = self._clock
            self._duckling.append(ranges.RangeExtractor(clock.reference, clock if dates.TIME in dims else None))

    @property
    def duckling_extractors(self) -> list[EntityExtractor]:
        """The built-in extractors in use (numbers, dates, PII, per ``duckling_dimensions``)."""
        return list(self._duckling)

    def warm_up(self) -> None:
        """Load Kiwi (idempotent)."""
        self.tokenizer.warm_up()

    def _set_resources(self, regexes: dict[str, list[str]], regex_entities: list[str], lookups: dict[str, list[str]],
                       synonyms: dict[str, str], sources: dict[str, str] | None = None,
                       lookup_entities: list[str] | None = None) -> None:  # fmt: skip
        self._resources = {"regexes": regexes, "regex_entities": sorted(regex_entities), "lookups": lookups, "synonyms": synonyms,
                           "lookup_entities": None if lookup_entities is None else sorted(lookup_entities)}  # fmt: skip
        self._lookup_entities = None if lookup_entities is None else frozenset(lookup_entities)
        self.regex = RegexEntityExtractor(regexes, regex_entities, self.config.regex_timeout_s, sources)
        self.lookup = LookupEntityExtractor(lookups, synonyms)
        self.synonyms = {entry_key(k): v for k, v in synonyms.items() if entry_key(k)}

    def train(self, data: NluTrainingData, entity_names: Collection[str] | None = None) -> dict[str, Any]:
        """Build regex and lookup extractors from ``data`` and fit the CRF on its annotations.

        Rasa's rule decides which regexes extract: a regex named after an
        annotated entity or a lookup table; the rest are CRF features only.
        With ``entity_names`` (the domain's entities) a lookup table extracts
        only when named after one of them or after an annotated entity; the
        others are CRF features only. Rasa's RegexEntityExtractor extracts only
        for entities annotated in the training data (``use_only_entities``) and
        its RegexFeaturizer uses every table as a feature: Sara's ``products``
        table must not take "Rasa X" from the trained ``product`` entity. The
        domain's entities are added so that a table-only entity (our
        ``resident``) still extracts. None: every lookup table extracts.

        Returns:
            The CRF's training report plus ``"regexes"``, ``"lookup_entries"``, ``"synonyms"``.

        Raises:
            InvalidConfigError: a regex does not compile (the message names it and its source).
        """
        regex_names = (data.entity_types | set(data.lookups)) & set(data.regexes)
        lookup_names = None if entity_names is None else sorted(set(data.lookups) & (data.entity_types | set(entity_names)))
        self._set_resources(dict(data.regexes), sorted(regex_names), dict(data.lookups), dict(data.synonyms), data.sources,
                            lookup_names)
        report: dict[str, Any] = {"examples": 0, "entities": 0, "annotations_trimmed": 0, "seconds": 0.0}
        if "crf" in self.config.extractors:
            report = self.crf.train(data.examples, self.tokenizer)
        report.update(regexes=len(data.regexes), lookup_entries=self.lookup.size, synonyms=len(data.synonyms))
        return report

    def _flags(self, text: str, tokens: list[Token]) -> list[set[str]]:
        flags: list[set[str]] = [set() for _ in tokens]
        spans = [("re:" + n, s, e) for n, s, e in self.regex.matches(text, tokens)]
        spans += [("lk:" + sp.entity, sp.start, sp.end) for sp in self.lookup.extract(text, tokens)]
        if not spans:
            return flags
        starts = [t.start for t in tokens]  # tokens come in text order
        for name, s, e in spans:
            i = max(0, bisect.bisect_left(starts, s) - 2)  # fused morphemes may start a little before
            while i < len(tokens) and tokens[i].start < e:
                if tokens[i].end > s:
                    flags[i].add(name)
                i += 1
        return flags

    def _extractors(self) -> list[tuple[str, list[EntityExtractor]]]:
        by_name: dict[str, list[EntityExtractor]] = {
            "regex": [self.regex], "lookup": [self.lookup], "duckling": self._duckling, "crf": [self.crf],
        }  # fmt: skip
        return [(n, by_name[n]) for n in self.config.extractors]

    def parse(self, text: str, tokens: list[Token] | None = None) -> EntityResult:
        """Entities, negations and PII spans of one message; never raises on odd text.

        Args:
            text: the original message (any string; very long ones are windowed with a warning).
            tokens: the message's tokens if the caller already has them (offsets into ``text``).
        """
        if tokens is None:
            tokens = analyse(self.tokenizer, text, self.config.max_analysed_chars, self.config.max_total_analysed_chars) if text.strip() else []
        dims = set(self.config.duckling_dimensions) | ({dates.INVALID_TIME} if dates.TIME in self.config.duckling_dimensions else set())
        dims |= {numbers.PERCENT} if numbers.NUMBER in dims else set()
        cands: list[tuple[int, EntitySpan]] = []
        for rank, (name, extractors) in enumerate(self._extractors()):
            for ext in extractors:
                try:
                    found = ext.extract(text, tokens)
                except Exception as e:  # noqa: BLE001 - one extractor's bug must not lose the turn
                    logger.error("entity extractor failed", extra={"stage": "nlu.entities", "extractor": ext.name, "error": type(e).__name__})
                    continue
                if name == "duckling":
                    found = [f for f in found if f.entity in dims]
                elif name == "lookup" and self._lookup_entities is not None:
                    found = [f for f in found if f.entity in self._lookup_entities]
                cands.extend((rank, f) for f in found)
        pii_spans = tuple(sorted((f for _, f in cands if isinstance(f, PiiEntitySpan)), key=lambda f: f.start))
        numbers_, places = personal_spans(text)
        cands = [(r, f) for r, f in cands if not inside_personal_number(f, numbers_) and not personal_data_digits(text, f, places)]
        kept = open_ranges.open_intervals(text, tokens, self._resolve(text, cands))
        if numbers.AGE in dims:
            kept = age_context.ages_in_context(text, kept)
            kept = birth_ages.with_birth_ages(text, kept, self._clock.today())  # "58년생", "born in 1958": an age
            if member_ages.BENEFICIARY in self._resources["lookups"]:  # "my 4 year old": the age is a child's
                kept = member_ages.with_member_of_age(text, kept)
        kept = ranges.mark_approximate(text, [f for f in kept if not inside_personal_number(f, numbers_)
                                              and not personal_data_digits(text, f, places)])
        kept = [f for f in kept if finite(f.value) and finite(f.additional_info)]
        try:
            negs = tuple(negations(safe_text(text), tokens))
        except Exception as e:  # noqa: BLE001
            logger.error("negation detection failed", extra={"stage": "nlu.entities", "error": type(e).__name__})
            negs = ()
        return EntityResult(tuple(kept), negs, pii_spans)

    def extract(self, text: str, tokens: list[Token] | None = None) -> list[EntitySpan]:
        """Resolved entities of one message, in text order (see :meth:`parse`)."""
        return list(self.parse(text, tokens).entities)

    def _resolve(self, text: str, cands: list[tuple[int, EntitySpan]]) -> list[EntitySpan]:
        cands.sort(key=lambda c: (-(c[1].end - c[1].start), c[0], c[1].start))
        kept: list[EntitySpan] = []
        taken = DisjointSpans()
        for _, span in cands:
            if span.end <= span.start or text[span.start : span.end] != span.text:
                logger.error("entity span dropped: offsets do not match the text", extra={"stage": "nlu.entities", "extractor": span.extractor})
                continue
            if taken.overlaps(span.start, span.end):
                continue
            taken.add(span.start, span.end)
            if span.value is None and span.entity != dates.INVALID_TIME:
                canonical = self.synonyms.get(entry_key(span.text))
                if canonical is not None:
                    span = dataclasses.replace(span, value=canonical)
            kept.append(span)
        return sorted(kept, key=lambda s: (s.start, s.end))

    def save(self, directory: Path) -> None:
        """Write config, regexes, lookups, synonyms (JSON) and the CRF (pickle) under ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        if self.crf.trained:
            self.crf.save(directory / _CRF_FILE)
        elif (directory / _CRF_FILE).exists():
            (directory / _CRF_FILE).unlink()
        blob = {"version": _FORMAT_VERSION, "config": self.config.model_dump(), **self._resources}
        tmp = directory / (_CONFIG_FILE + ".tmp")
        tmp.write_text(json.dumps(blob, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(directory / _CONFIG_FILE)

    @classmethod
    def load(
        cls, directory: Path, tokenizer: KoreanTokenizer | None = None, now: Callable[[], dt.datetime] | None = None
    ) -> EntityPipeline:
        """Read a pipeline written by :meth:`save`.

        Raises:
            ModelNotFoundError: nothing saved there, or another format version.
        """
        path = directory / _CONFIG_FILE
        if not path.exists():
            raise ModelNotFoundError(f"entity pipeline not found at {path} (run `assistant train`)")
        blob = json.loads(path.read_text(encoding="utf-8"))
        if blob.get("version") != _FORMAT_VERSION:
            raise ModelNotFoundError(f"{path} has format {blob.get('version')}, expected {_FORMAT_VERSION}; retrain")
        pipe = cls(EntityPipelineConfig.from_dict(blob["config"]), tokenizer, now)
        pipe._set_resources(blob["regexes"], blob["regex_entities"], blob["lookups"], blob["synonyms"],
                            lookup_entities=blob.get("lookup_entities"))
        if (directory / _CRF_FILE).exists():
            pipe.crf = CRFEntityExtractor.load(directory / _CRF_FILE, flags=pipe._flags)
        return pipe

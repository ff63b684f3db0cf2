"""``time`` entities as Rasa's ``DucklingEntityExtractor`` gives them, for Rasa projects that use Duckling.

Our own ``time`` entities (:mod:`assistant.nlu.entities.dates`) carry a value at the
expression's grain (``2019-01`` for "January 2019", ``2026-11-28`` for "yesterday"), which
is what our forms validate. A Rasa project that runs Duckling expects Duckling's value
instead, an instant at the start of the grain with the zone's offset, and Duckling's span.
This module turns the same grammar's output (no second date parser) into that shape:

* ``value``: the instant, Duckling's format (``2019-01-01T00:00:00.000-08:00``);
  ``additional_info``: Duckling's value object (``{"type": "value", "grain", "value",
  "values": [...]}``), as Rasa passes it on (``convert_duckling_format_to_rasa`` in
  ``rasa/nlu/extractors/duckling_entity_extractor.py``); ``extractor``:
  ``"DucklingEntityExtractor"`` (Rasa's ``add_extractor_name``); ``confidence`` 1.0.
* the span: Duckling's English grammar absorbs a preposition into the time
  (``Duckling/Time/EN/Rules.hs``: ``ruleAbsorbInMonthYear`` "in|during <named-month>|year",
  ``ruleAbsorbOnDay`` "on <day>", ``ruleAbsorbOnADOW`` "on a <named-day>",
  ``ruleAtTimeofday`` "at|@ <time-of-day>"), so "how much did I earn in January 2019" gives
  the entity text "in January 2019". Korean has no such rule (particles stay outside).
* the zone: the component's ``timezone``; when unset Rasa sends none and Duckling's server
  uses its default, ``America/Los_Angeles`` (``defaultTimeZone`` in Duckling's
  ``exe/ExampleMain.hs``), so a story recorded against a stock Duckling has ``-08:00`` /
  ``-07:00`` offsets.
* an impossible date ("February 31") gives nothing, as Duckling gives nothing (our
  ``invalid-time`` is not a Duckling dimension).

Which projects get this (:func:`duckling_time_settings`): a ``config.yml`` whose pipeline
has ``DucklingEntityExtractor`` (or its old name ``DucklingHTTPExtractor``) with ``time`` among
its ``dimensions`` (or no ``dimensions``: Duckling then returns every dimension). A project
folder without ``config.yml`` (Rasa refuses to train one; the peer projects in ../shared/data
were copied without it) whose domain declares ``time`` while its NLU data never annotates
it and no regex or lookup table produces it gets ``time`` only from a pretrained extractor,
and Rasa's one with a ``time`` dimension is Duckling: Duckling with its defaults is assumed.
A domain that declares our ``invalid-time`` entity uses our own dates (this repository's
``intents/``).

Not done (Duckling has them): intervals ("from 3 to 5 pm" → ``{"from", "to"}`` values),
several ``values`` for an expression without a year (Duckling lists the next three
Januaries; we give the first), other locales' grammars.

Example:
    >>> ext = DucklingTimeExtractor(now=lambda: dt.datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("UTC")))
    >>> text = "how much did I earn in January 2019"
    >>> [(s.text, s.value) for s in ext.extract(text, KoreanTokenizer().tokenize(text))]
    [('in January 2019', '2019-01-01T00:00:00.000-08:00')]
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from assistant.errors import InvalidConfigError
from assistant.nlu.entities.dates import INVALID_TIME, TIME, DateExtractor
from assistant.nlu.tokenizer import Token
from assistant.nlu.types import EntitySpan

logger = logging.getLogger(__name__)

DUCKLING_EXTRACTOR = "DucklingEntityExtractor"
#: Rasa's component names for Duckling (``DucklingHTTPExtractor`` before Rasa 2.0).
DUCKLING_COMPONENTS = ("DucklingEntityExtractor", "DucklingHTTPExtractor")
#: Duckling's server default when the request names no zone (``exe/ExampleMain.hs``).
DUCKLING_DEFAULT_TIMEZONE = "America/Los_Angeles"

#: Duckling's English absorption rules: preposition → the grains it may precede.
_ABSORB: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"(?:\b(?:in|during)\s+)$", re.IGNORECASE), frozenset({"month", "year"})),
    (re.compile(r"(?:\bon\s+a\s+)$", re.IGNORECASE), frozenset({"day"})),
    (re.compile(r"(?:\bon\s+)$", re.IGNORECASE), frozenset({"day"})),
    (re.compile(r"(?:(?:\bat|@)\s*)$", re.IGNORECASE), frozenset({"hour", "minute"})),
)


@dataclass(frozen=True)
class DucklingTimeSettings:
    """How a project's ``time`` entities are to look (Duckling's, with this zone).

    Attributes:
        timezone: IANA zone of the instants.
        source: ``"config.yml"`` (read from the project's pipeline) or ``"inferred"``
            (no config.yml; see :func:`duckling_time_settings`).
    """

    timezone: str = DUCKLING_DEFAULT_TIMEZONE
    source: Literal["config.yml", "inferred"] = "config.yml"


def duckling_time_settings(
    config: Mapping[str, Any] | None,
    domain_entities: Collection[str],
    produced_entities: Collection[str],
) -> DucklingTimeSettings | None:
    """Whether a Rasa project expects Duckling-shaped ``time`` entities, and in which zone.

    Args:
        config: the project's ``config.yml`` as read (None or empty when there is none).
        domain_entities: the entity names the domain declares.
        produced_entities: the entity names its NLU data can produce (annotated in examples,
            or the name of a regex or lookup table).

    Returns:
        The settings, or None when the project's ``time`` entities (if any) are ours.

    Raises:
        InvalidConfigError: ``pipeline`` is not a list, or a Duckling component's
            ``dimensions`` is not a list of names or its ``timezone`` not a string.
    """
    pipeline = (config or {}).get("pipeline")
    if pipeline is not None:
        if not isinstance(pipeline, list):
            raise InvalidConfigError(f"config.yml: 'pipeline' must be a list of components, not {type(pipeline).__name__}")
        for component in pipeline:
            if not isinstance(component, Mapping) or component.get("name") not in DUCKLING_COMPONENTS:
                continue
            dims = component.get("dimensions")
            if dims is not None and not (isinstance(dims, list) and all(isinstance(d, str) for d in dims)):
                raise InvalidConfigError(f"config.yml: {component['name']} 'dimensions' must be a list of names, not {dims!r}")
            tz = component.get("timezone")
            if tz is not None and not isinstance(tz, str):
                raise InvalidConfigError(f"config.yml: {component['name']} 'timezone' must be an IANA name such as 'Europe/Berlin'")
            if dims is None or TIME in dims:
                return DucklingTimeSettings(tz or DUCKLING_DEFAULT_TIMEZONE, "config.yml")
        if pipeline:
            return None  # the project's own pipeline has no Duckling time
    if TIME in domain_entities and INVALID_TIME not in domain_entities and TIME not in produced_entities:
        return DucklingTimeSettings(DUCKLING_DEFAULT_TIMEZONE, "inferred")
    return None


class DucklingTimeExtractor:
    """Dates and clock times as Duckling's ``time`` entities (see the module docstring).

    Durations from the same grammar are passed through unchanged; ``invalid-time`` is dropped.

    Args:
        timezone: IANA zone of the instants (default Duckling's, ``America/Los_Angeles``).
        now: the reference time (Rasa sends the message's time, else now); tests pass a fixed one.
        prefer: for a month and day without a year, ``"future"`` (Duckling's) or ``"past"``.

    Raises:
        InvalidConfigError: unknown time zone or ``prefer`` value.
    """

    name = DUCKLING_EXTRACTOR

    def __init__(
        self,
        timezone: str = DUCKLING_DEFAULT_TIMEZONE,
        now: Callable[[], dt.datetime] | None = None,
        prefer: Literal["future", "past"] = "future",
    ) -> None:
        self.dates = DateExtractor(timezone, now, prefer)

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Duckling-shaped ``time`` spans (plus the grammar's durations); never raises on odd text."""
        out: list[EntitySpan] = []
        for span in self.dates.extract(text, tokens):
            if span.entity == INVALID_TIME:
                continue
            if span.entity == TIME and span.additional_info is not None:
                span = self._duckling(text, span, span.additional_info)
            out.append(span)
        return out

    @staticmethod
    def _duckling(text: str, span: EntitySpan, info: dict[str, Any]) -> EntitySpan:
        grain = str(info.get("grain"))
        start = span.start
        for pattern, grains in _ABSORB:
            if grain in grains and (m := pattern.search(text, 0, span.start)) is not None:
                start = m.start()
                break
        return dataclasses.replace(span, start=start, text=text[start : span.end], value=info["value"],
                                   extractor=DUCKLING_EXTRACTOR, confidence=1.0)  # fmt: skip

"""Entity extraction and normalisation, Korean first, with offsets into the original text.

Public interface:

* :class:`EntityPipeline` (``train`` / ``extract`` / ``parse`` / ``save`` / ``load``)
  and :class:`EntityPipelineConfig`;
* extractors, each ``extract(text, tokens) -> list[EntitySpan]``:
  :class:`RegexEntityExtractor`, :class:`LookupEntityExtractor`,
  :class:`CRFEntityExtractor`, :class:`NumberExtractor`, :class:`DateExtractor`,
  :class:`PiiExtractor`, :class:`RangeExtractor` (ranges and vague amounts as intervals);
* :func:`negations` / :func:`negated_spans` and :class:`Negation`;
* :func:`parse_korean_number`, :func:`annotation_problems`, :class:`PiiEntitySpan`.
"""

from assistant.nlu.entities.base import PiiEntitySpan, trim_span
from assistant.nlu.entities.crf import CRFEntityExtractor, CrfConfig, annotation_problems
from assistant.nlu.entities.dates import DURATION, INVALID_TIME, TIME, DateExtractor
from assistant.nlu.entities.lookup import LookupEntityExtractor
from assistant.nlu.entities.negation import Negation, negated_spans, negations
from assistant.nlu.entities.numbers import AGE, MONEY, NUMBER, PERCENT, NumberExtractor, parse_korean_number
from assistant.nlu.entities.pii import PHONE, RRN, PiiExtractor
from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig, EntityResult
from assistant.nlu.entities.ranges import RangeExtractor, mark_approximate
from assistant.nlu.entities.regexes import RegexEntityExtractor

__all__ = [
    "AGE", "DURATION", "INVALID_TIME", "MONEY", "NUMBER", "PERCENT", "PHONE", "RRN", "TIME",
    "CRFEntityExtractor", "CrfConfig", "DateExtractor", "EntityPipeline", "EntityPipelineConfig", "EntityResult",
    "LookupEntityExtractor", "Negation", "NumberExtractor", "PiiEntitySpan", "PiiExtractor", "RangeExtractor",
    "RegexEntityExtractor", "annotation_problems", "mark_approximate", "negated_spans", "negations", "parse_korean_number",
    "trim_span",
]  # fmt: skip

"""Reading Rasa 3.x NLU training data (``nlu:`` files) unchanged.

Supports what Rasa 3.x's ``RasaYAMLReader`` reads: intent examples as a block
string (``- ``-prefixed lines) or a list of ``{text, metadata}``; inline entity
annotations (see :mod:`assistant.nlu.annotations`); ``synonym:``, ``regex:``
and ``lookup:`` blocks (Rasa 3 lookup tables list their entries inline; the
file references of Rasa 1.x Markdown are gone); retrieval intents
(``faq/ask_x``) keep their full name. Synonyms written as annotation values
(``[서울시](city:서울)``) are collected like Rasa's
``add_synonyms_from_entities``. Every example, synonym, regex and lookup
records its ``"file:line"``.

:class:`~assistant.nlu.domain.Domain` is re-exported here for the callers that
import it from this module.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from assistant.nlu.annotations import parse_example, strip_annotations
from assistant.nlu.domain import Domain
from assistant.nlu.types import NluTrainingData, TrainingExample
from assistant.nlu.yaml_io import LineDict, LineList, LineStr, Reporter, line_of, load_yaml_file, to_plain, yaml_files

__all__ = [
    "Domain",
    "NluTrainingData",
    "TrainingExample",
    "block_items",
    "load_nlu_examples",
    "load_training_data",
    "read_nlu_section",
    "strip_annotations",
]


def block_items(value: Any, path: Path, reporter: Reporter, owner: str) -> list[tuple[str, int]]:
    """The ``- item`` lines of a Rasa block string, each with its 1-based line in ``path``.

    A literal block (``|``) maps line for line onto the file; other styles get
    the line where the value starts. Lines that do not start with ``-`` are
    skipped with a warning, as Rasa does.
    """
    if not isinstance(value, str):
        return []
    first = line_of(value, 1)
    literal = isinstance(value, LineStr) and value.style == "|"
    out: list[tuple[str, int]] = []
    for i, raw in enumerate(value.splitlines()):
        line = first + 1 + i if literal else first
        if not raw.strip():
            continue
        if not raw.startswith("-"):
            reporter.warning("example-format", f"{owner}: line {raw.strip()!r} does not start with '- ' and is skipped",
                             f"{path}:{line}", "start each example with '- ' at the block's indentation")
            continue
        item = raw[1:].strip("\n\r ")
        if item:
            out.append((item, line))
    return out


def _src(path: Path, line: int) -> str:
    return f"{path}:{line}"


def _intent(item: LineDict, path: Path, out: NluTrainingData, reporter: Reporter) -> None:
    name = item.get("intent")
    line = item.key_lines.get("intent", item.line)
    if not isinstance(name, str) or not name.strip():
        reporter.error("intent-name", "intent block without a name", _src(path, line), "write '- intent: some_name'")
        return
    name = str(name).strip()
    out.sources.setdefault(f"intent:{name}", _src(path, line))
    examples = item.get("examples")
    intent_meta = item.get("metadata")
    rows: list[tuple[str, int, Any]] = []
    if isinstance(examples, str):
        rows = [(t, ln, None) for t, ln in block_items(examples, path, reporter, f"intent {name!r}")]
    elif isinstance(examples, list):
        item_lines = examples.item_lines if isinstance(examples, LineList) else [line] * len(examples)
        for ex, ex_line in zip(examples, item_lines, strict=True):
            if isinstance(ex, dict) and isinstance(ex.get("text"), str):
                text = ex["text"]
                t_line = line_of(text, ex_line) + (1 if isinstance(text, LineStr) and text.style in ("|", ">") else 0)
                rows.append((text.strip("\n\r "), t_line, ex.get("metadata")))
            else:
                reporter.error("example-format", f"intent {name!r}: a list example must be a mapping with 'text'",
                               _src(path, ex_line), "write '- text: ...' (and optionally 'metadata:')")
    elif examples is not None:
        reporter.error("example-format", f"intent {name!r}: 'examples' must be a block string or a list of {{text, metadata}}",
                       _src(path, line_of(examples, line)))
        return
    if not rows:
        reporter.warning("intent-no-examples", f"intent {name!r} has no examples", _src(path, line))
    for raw, ex_line, meta in rows:
        if not raw:
            continue
        parsed = parse_example(raw)
        for problem in parsed.problems:
            reporter.error("annotation-syntax", problem, _src(path, ex_line))
        for span in parsed.entities:
            if isinstance(span.value, str) and span.value != span.text:
                _add_synonym(out, span.text, span.value, _src(path, ex_line), reporter)
        metadata = meta if meta is not None else intent_meta
        out.examples.append(TrainingExample(parsed.text, name, parsed.entities, _src(path, ex_line),
                                            metadata=to_plain(metadata) if metadata is not None else None))


def _add_synonym(out: NluTrainingData, variant: str, value: str, source: str, reporter: Reporter) -> None:
    variant, value = str(variant), str(value)
    old = out.synonyms.get(variant)
    if old is not None and old != value:
        reporter.warning("synonym-conflict", f"{variant!r} is a synonym of {old!r} ({out.sources.get('synonym-variant:' + variant)}) "
                         f"and of {value!r} here; the later one wins", source, f"keep {variant!r} under one synonym")
    out.synonyms[variant] = value
    out.sources[f"synonym-variant:{variant}"] = source


def _named_block(item: LineDict, key: str, path: Path, reporter: Reporter) -> tuple[str, int, list[tuple[str, int]]] | None:
    name = item.get(key)
    line = item.key_lines.get(key, item.line)
    if not isinstance(name, str | int | float) or not str(name).strip():
        reporter.error(f"{key}-name", f"{key} block without a name", _src(path, line))
        return None
    examples = item.get("examples")
    if examples is not None and not isinstance(examples, str):
        reporter.error("example-format", f"{key} {name!r}: 'examples' must be a block string of '- ' lines", _src(path, line_of(examples, line)))
        return None
    return str(name), line, block_items(examples or "", path, reporter, f"{key} {name!r}")


def read_nlu_section(nlu: Any, path: Path, out: NluTrainingData, reporter: Reporter) -> None:
    """Add the items of one file's ``nlu:`` list to ``out`` (examples, synonyms, regexes, lookups)."""
    if nlu is None:
        return
    if not isinstance(nlu, list):
        reporter.error("yaml-structure", "'nlu' must be a list of intent/synonym/regex/lookup blocks", _src(path, line_of(nlu, 1)))
        return
    item_lines = nlu.item_lines if isinstance(nlu, LineList) else [1] * len(nlu)
    for item, line in zip(nlu, item_lines, strict=True):
        if not isinstance(item, LineDict):
            reporter.warning("yaml-structure", "items under 'nlu' must be mappings; this one is skipped", _src(path, line))
        elif "intent" in item:
            _intent(item, path, out, reporter)
        elif "synonym" in item:
            got = _named_block(item, "synonym", path, reporter)
            if got:
                name, def_line, entries = got
                out.sources.setdefault(f"synonym:{name}", _src(path, def_line))
                if not entries:
                    reporter.warning("synonym-empty", f"synonym {name!r} has no examples", _src(path, def_line))
                for variant, ln in entries:
                    _add_synonym(out, variant, name, _src(path, ln), reporter)
        elif "regex" in item:
            got = _named_block(item, "regex", path, reporter)
            if got:
                name, def_line, entries = got
                out.sources.setdefault(f"regex:{name}", _src(path, def_line))
                if not entries:
                    reporter.error("regex-empty", f"regex {name!r} has no patterns", _src(path, def_line), "add '- PATTERN' lines under examples: |")
                for pattern, ln in entries:
                    try:
                        re.compile(pattern)
                    except re.error as e:
                        reporter.error("regex-invalid", f"regex {name!r}: pattern {pattern!r} does not compile: {e}", _src(path, ln),
                                       "fix the pattern (escape literal brackets and parentheses with a backslash)")
                        continue
                    out.regexes.setdefault(name, []).append(pattern)
        elif "lookup" in item:
            got = _named_block(item, "lookup", path, reporter)
            if got:
                name, def_line, entries = got
                out.sources.setdefault(f"lookup:{name}", _src(path, def_line))
                if not entries:
                    reporter.error("lookup-empty", f"lookup table {name!r} has no entries", _src(path, def_line),
                                   "list the entries inline as '- entry' lines under examples: | (Rasa 3 does not read lookup files)")
                out.lookups.setdefault(name, []).extend(e for e, _ in entries)
        else:
            reporter.warning("yaml-structure", f"nlu item with keys {sorted(map(str, item))} is not an intent, synonym, regex or lookup; skipped",
                             _src(path, line))


def load_training_data(paths: list[Path], reporter: Reporter | None = None) -> NluTrainingData:
    """Read and merge Rasa ``nlu:`` data from files and folders.

    Args:
        paths: YAML files or folders (searched recursively for ``*.yml``/``*.yaml``;
            hidden folders skipped). Files without an ``nlu:`` key (domain, stories,
            rules) are skipped.
        reporter: where problems go; default raises on the first error.

    Returns:
        Examples in file order with entity annotations, synonyms (variant →
        canonical value), regexes, lookups, and ``sources`` keyed
        ``"intent:NAME"``, ``"synonym:NAME"``, ``"regex:NAME"``, ``"lookup:NAME"``
        and ``"synonym-variant:TEXT"``.

    Raises:
        InvalidConfigError: a path is missing, a file is not valid YAML, or an
            annotation, regex or lookup table is malformed (with ``file:line``).

    Example:
        >>> data = load_training_data([Path("intents")])
        >>> data.examples[0].source
        'intents/nlu.yml:10'
    """
    reporter = reporter or Reporter()
    out = NluTrainingData()
    for f in yaml_files(paths):
        data = load_yaml_file(f, reporter)
        if data is not None and "nlu" in data:
            read_nlu_section(data["nlu"], f, out, reporter)
    return out


def load_nlu_examples(paths: list[Path]) -> list[TrainingExample]:
    """Intent examples of Rasa ``nlu:`` files (see :func:`load_training_data`).

    Raises:
        InvalidConfigError: a file is not valid YAML or an example block is malformed.
    """
    return load_training_data(paths).examples

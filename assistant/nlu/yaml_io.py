"""YAML reading that keeps line numbers, and the problem reports of the Rasa-format loaders.

Rasa's own reader (ruamel.yaml) reports problems with a file and line; so do
we. PyYAML (already a dependency) gives every node a ``start_mark``; the loader
here builds ordinary ``dict``/``list``/``str`` values whose subclasses carry
the 1-based line they start on, so a loader can say ``nlu.yml:42`` for an
example without a second parse.

Booleans follow YAML 1.2, as Rasa's reader does: only ``true``/``false`` are
booleans, so a slot mapping's ``value: yes`` stays the string ``"yes"``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant.errors import InvalidConfigError

logger = logging.getLogger(__name__)

__all__ = ["DEFAULT_SKIP_DIRS", "Issue", "LineDict", "LineList", "LineStr", "Reporter", "line_of", "load_yaml_file", "to_plain", "yaml_files"]

Level = Literal["error", "warning"]


class LineDict(dict[Any, Any]):
    """A mapping from YAML; ``line`` is where it starts, ``key_lines[key]`` where each key is."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A sequence from YAML; ``line`` is where it starts, ``item_lines[i]`` where item ``i`` starts."""

    line: int = 0
    item_lines: list[int]


class LineStr(str):
    """A string scalar from YAML with its first line, last line and style (``"|"``, ``">"``, ``'"'``, ``"'"``, or None)."""

    line: int = 0
    end_line: int = 0
    style: str | None = None


def to_plain(value: Any) -> Any:
    """Line-annotated YAML values → plain ``dict``/``list``/``str`` (for values handed to other code)."""
    if isinstance(value, dict):
        return {to_plain(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def line_of(value: Any, default: int = 0) -> int:
    """The 1-based line a loaded YAML value starts on (``default`` for values without one, e.g. numbers)."""
    return int(getattr(value, "line", default) or default)


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    """SafeLoader building Line* values and recording duplicate keys."""

    duplicates: list[tuple[str, int]]


# YAML 1.2 booleans (Rasa reads YAML 1.2): drop PyYAML's yes/no/on/off resolver.
_LineLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_LineLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as e:
            raise yaml.constructor.ConstructorError(None, None, "found an unhashable key", key_node.start_mark) from e
        if key in out:
            loader.duplicates.append((str(key), key_node.start_mark.line + 1))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_str(loader: _LineLoader, node: yaml.ScalarNode) -> LineStr:
    out = LineStr(loader.construct_scalar(node))
    out.line = node.start_mark.line + 1
    out.end_line = node.end_mark.line + 1
    out.style = node.style
    return out


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)


@dataclass(frozen=True)
class Issue:
    """One problem found in a project's files.

    Attributes:
        level: ``"error"`` (training or serving would be wrong) or ``"warning"``.
        code: a stable short name, e.g. ``"annotation-boundary"``, ``"yaml-syntax"``.
        message: what is wrong, in words.
        source: ``"path:LINE"`` (None when the problem is not in one place).
        fix: a suggested change, or None.
    """

    level: Level
    code: str
    message: str
    source: str | None = None
    fix: str | None = None

    def format(self) -> str:
        """``"path:LINE: error [code] message (fix: ...)"``."""
        where = f"{self.source}: " if self.source else ""
        fix = f"\n    fix: {self.fix}" if self.fix else ""
        return f"{where}{self.level} [{self.code}] {self.message}{fix}"

    def to_json(self) -> dict[str, Any]:
        """``{"level", "code", "message", "source", "fix"}``."""
        return {"level": self.level, "code": self.code, "message": self.message, "source": self.source, "fix": self.fix}


class Reporter:
    """Where loaders send problems.

    With ``collect=False`` (loading to train or serve) the first error raises
    :class:`InvalidConfigError` and warnings are logged; with ``collect=True``
    (``assistant data validate``) every problem is kept in :attr:`issues` and
    the loader goes on with what it could read.
    """

    def __init__(self, collect: bool = False) -> None:
        self.collect = collect
        self.issues: list[Issue] = []

    def error(self, code: str, message: str, source: str | None = None, fix: str | None = None) -> None:
        """Report an error (raises :class:`InvalidConfigError` unless collecting)."""
        issue = Issue("error", code, message, source, fix)
        if not self.collect:
            raise InvalidConfigError(issue.format())
        self.issues.append(issue)

    def warning(self, code: str, message: str, source: str | None = None, fix: str | None = None) -> None:
        """Report a warning (logged unless collecting)."""
        issue = Issue("warning", code, message, source, fix)
        if self.collect:
            self.issues.append(issue)
        else:
            logger.warning(issue.format(), extra={"stage": "training-data", "code": code})

    @property
    def errors(self) -> list[Issue]:
        """The error-level issues collected so far."""
        return [i for i in self.issues if i.level == "error"]


def load_yaml_file(path: Path, reporter: Reporter) -> LineDict | None:
    """Read one YAML file into :class:`LineDict` values.

    Returns:
        The top-level mapping; an empty one for an empty file; None when the
        file could not be read (the problem went to ``reporter``).

    Raises:
        InvalidConfigError: syntax error, duplicate key or a non-mapping top
            level, when ``reporter`` does not collect.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        reporter.error("file-unreadable", f"cannot read {path}: {e}", str(path))
        return None
    loader = _LineLoader(text)
    loader.duplicates = []
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if e.context_mark is not None and mark is not None and mark.line >= len(text.rstrip("\n").splitlines()):
            mark = e.context_mark  # the parser ran to the end of the file: the cause is where the construct opened
        line = mark.line + 1 if mark is not None else 1
        problem = (e.problem or str(e)).strip()
        context = f" ({e.context.strip()}, opened at line {e.context_mark.line + 1})" if e.context and e.context_mark else ""
        reporter.error("yaml-syntax", f"invalid YAML: {problem}{context}", f"{path}:{line}", "fix the YAML syntax at this line (indentation, quotes, a ':' in an unquoted value)")
        return None
    except yaml.YAMLError as e:
        reporter.error("yaml-syntax", f"invalid YAML: {e}", f"{path}:1")
        return None
    finally:
        loader.dispose()
    for key, line in loader.duplicates:
        reporter.error("yaml-duplicate-key", f"key {key!r} appears twice in the same mapping; the later one silently wins", f"{path}:{line}",
                       "merge the two entries into one")
    if data is None:
        out = LineDict()
        out.line, out.key_lines = 1, {}
        return out
    if not isinstance(data, LineDict):
        reporter.error("yaml-structure", "expected a mapping (keys like version, nlu, intents) at the top level", f"{path}:1")
        return None
    return data


#: Folders of a Rasa project that hold no training data (test stories, trained models, action code).
DEFAULT_SKIP_DIRS = frozenset({"tests", "models", "results", "actions", "__pycache__", "node_modules"})


def yaml_files(paths: list[Path], skip_dirs: frozenset[str] = frozenset()) -> list[Path]:
    """Expand files and folders into ``*.yml``/``*.yaml`` files, sorted per folder, recursing.

    Hidden folders and any folder named in ``skip_dirs`` are not entered.

    Raises:
        InvalidConfigError: a path does not exist.
    """
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).parts
                if any(part.startswith(".") or part in skip_dirs for part in rel[:-1]):
                    continue
                if f.is_file() and f.suffix in (".yml", ".yaml"):
                    out.append(f)
        elif p.exists():
            out.append(p)
        else:
            raise InvalidConfigError(f"training data path {p} does not exist")
    return out


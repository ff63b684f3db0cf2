"""Reading Rasa 3.x training data and domain files.

Only the parts the first NLU needs: intent examples (entity annotations are
reduced to their text here; issue #3 extends this to entities) and responses
with their ``language`` slot conditions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import InvalidConfigError
from assistant.nlu.types import TrainingExample

__all__ = ["Domain", "TrainingExample", "load_nlu_examples", "strip_annotations"]

_ANNOTATION_RE = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")


def strip_annotations(text: str) -> str:
    """``"[강남구](district)에서"`` → ``"강남구에서"``."""
    return _ANNOTATION_RE.sub(lambda m: m.group(1), text)


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as e:
        raise InvalidConfigError(f"{path}: invalid YAML: {e}") from e
    if not isinstance(data, dict):
        raise InvalidConfigError(f"{path}: expected a mapping at the top level")
    return data


def load_nlu_examples(paths: list[Path]) -> list[TrainingExample]:
    """Read intent examples from Rasa ``nlu:`` files.

    Args:
        paths: YAML files or directories (searched recursively for ``*.yml``/``*.yaml``).

    Raises:
        InvalidConfigError: a file is not valid YAML or an example block is malformed.
    """
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(p.rglob("*.y*ml")) if p.is_dir() else [p])
    out: list[TrainingExample] = []
    for f in files:
        data = _load_yaml(f)
        for item in data.get("nlu") or []:
            if not isinstance(item, dict) or "intent" not in item:
                continue
            examples = item.get("examples", "")
            if isinstance(examples, str):
                lines = [ln.strip() for ln in examples.splitlines()]
                texts = [ln[2:].strip() for ln in lines if ln.startswith("- ")]
            elif isinstance(examples, list):
                texts = [str(e["text"] if isinstance(e, dict) else e) for e in examples]
            else:
                raise InvalidConfigError(f"{f}: intent {item['intent']!r}: 'examples' must be a block string or a list")
            out.extend(TrainingExample(strip_annotations(t), str(item["intent"])) for t in texts if t)
    return out


class Domain:
    """Intents and responses from a Rasa 3.x ``domain.yml``.

    Responses with a ``condition`` on the ``language`` slot are the English
    (or other language) variants; the unconditioned variant is the default.

    Example:
        >>> Domain.load(Path("intents/domain.yml")).response("utter_greet", "en")
        'Hello! ...'
    """

    def __init__(self, intents: list[str], responses: dict[str, list[dict[str, Any]]]) -> None:
        self.intents = intents
        self.responses = responses

    @classmethod
    def load(cls, path: Path) -> Domain:
        """Read ``path``; raises :class:`InvalidConfigError` on a malformed file."""
        data = _load_yaml(path)
        intents = [i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []]
        responses = data.get("responses") or {}
        if not isinstance(responses, dict):
            raise InvalidConfigError(f"{path}: 'responses' must be a mapping")
        return cls(intents, responses)

    def response(self, name: str, language: str) -> dict[str, Any]:
        """The variant of response ``name`` for ``language`` (text, buttons ...).

        Raises:
            InvalidConfigError: the response is not defined in the domain.
        """
        variants = self.responses.get(name)
        if not variants:
            raise InvalidConfigError(f"response {name!r} is not defined in domain.yml; defined: {sorted(self.responses)}")
        default = None
        for v in variants:
            conds = v.get("condition") or []
            if not conds:
                default = default or v
                continue
            if all(c.get("name") == "language" and c.get("value") == language for c in conds):
                return v
        return default or variants[-1]

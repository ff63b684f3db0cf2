"""A bilingual glossary for cross-language lexical retrieval (English question → Korean terms).

Dictionary-based query translation is the classic answer to cross-language
retrieval without a machine-translation model (Ballesteros & Croft 1997,
"Phrasal translation and query expansion techniques for cross-language
information retrieval", SIGIR). The glossary is a YAML file the operator can
extend (``glossary_en_ko.yaml``: ``terms: {english phrase: [korean terms]}``);
phrases of up to four words are matched longest first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.errors import InvalidConfigError

DEFAULT_GLOSSARY = Path(__file__).resolve().parent / "glossary_en_ko.yaml"
MAX_PHRASE_WORDS = 4
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


class Glossary:
    """English words and phrases mapped to Korean search terms.

    Example:
        >>> g = Glossary({"energy voucher": ["에너지바우처"], "heating": ["난방"]})
        >>> g.translate("How do I apply for the energy voucher for heating?")
        ['에너지바우처', '난방']
    """

    def __init__(self, terms: dict[str, list[str]]) -> None:
        self.terms = {k.lower().strip(): list(v) for k, v in terms.items()}

    @classmethod
    def load(cls, path: Path = DEFAULT_GLOSSARY) -> Glossary:
        """Read a glossary YAML file.

        Raises:
            InvalidConfigError: missing file, bad YAML or a value that is not a list of strings.
        """
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise InvalidConfigError(f"{path}: cannot read the glossary: {e}") from e
        terms = data.get("terms") if isinstance(data, dict) else None
        if not isinstance(terms, dict):
            raise InvalidConfigError(f"{path}: expected 'terms:' mapping English phrases to lists of Korean terms")
        for k, v in terms.items():
            if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                raise InvalidConfigError(f"{path}: the value of {k!r} must be a list of strings")
        return cls({str(k): v for k, v in terms.items()})

    def matches(self, text: str) -> list[tuple[str, list[str]]]:
        """The glossary phrases found in ``text`` (longest first, left to right) with their Korean terms."""
        words = _WORD.findall(text.lower().replace("’", "'"))
        found: list[tuple[str, list[str]]] = []
        i = 0
        while i < len(words):
            for n in range(min(MAX_PHRASE_WORDS, len(words) - i), 0, -1):
                phrase = " ".join(words[i : i + n])
                if phrase in self.terms:
                    found.append((phrase, self.terms[phrase]))
                    i += n
                    break
            else:
                i += 1
        return found

    def translate(self, text: str) -> list[str]:
        """Korean terms for the English words and phrases of ``text``, in order, without repeats."""
        out: list[str] = []
        for _phrase, korean in self.matches(text):
            out.extend(t for t in korean if t not in out)
        return out


@lru_cache(maxsize=4)
def default_glossary() -> Glossary:
    """The bundled glossary (empty when the file is absent)."""
    if not DEFAULT_GLOSSARY.exists():
        return Glossary({})
    return Glossary.load(DEFAULT_GLOSSARY)

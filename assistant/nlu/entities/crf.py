"""A CRF entity extractor learnt from annotated examples (Rasa's CRFEntityExtractor, over Korean morphemes).

A linear-chain conditional random field (Lafferty, McCallum & Pereira 2001)
through ``sklearn-crfsuite`` (CRFsuite, L-BFGS with elastic-net
regularisation) labels each Kiwi morpheme with a BILOU tag (Ratinov & Roth
2009): ``B-``/``I-``/``L-`` for the begin/inside/last token of a multi-token
entity, ``U-`` for a one-token entity, ``O`` outside. Working on morphemes
rather than space-delimited words is what lets it separate "부산" from the
particle in "부산으로", and find entities in run-together text.

Features per morpheme (and for its neighbours ±2): form, POS tag and its first
two letters, prefixes and suffixes of 1–2 characters, digits, script
(Hangul/Han/Latin/digit/other), whether a space precedes it, and flags for
regex and lookup-table matches covering it.

Mixed-script text is labelled as two chains, one per script view (:func:`~assistant.nlu.tokenizer.script_views`):
the Korean words in order, and the English words in order, in training and in prediction. A Korean word's context
(its neighbours' features, and the chain's transitions into it) is then the Korean words around it, as when the
Korean phrase stands alone: before session 14, "Can I get the 강남구 주민이에요?" lost the district 강남구 that
"강남구 주민이에요" gives (7 of 56 Korean phrases in English frames lost or changed an entity). An entity written
across both scripts in one span is not learnt (none in the bundled data or the two Rasa demos).

An entity is only predicted in the scripts its annotations were written in: training records, per entity, the
letter scripts (Hangul, Latin, Han) of its annotated tokens, and a predicted span holding a token of another letter
script is dropped. Without it a CRF that saw cities only in Hangul read the Latin acronym at the start of "KTX로
대전에 가요" as a city (and SH, KB, SRT the same way: a word before 로/에서 at the start of a chain looks like the
training set's "부산으로 이사 가요"); no feature weight for Latin tokens can be learnt from Hangul-only annotations, so
the constraint is structural. Digits and other symbols are not letter scripts ("2동" stays possible). A model saved
before session 15 has no such record and is not filtered.

Annotations are trimmed of trailing particles and endings before training
(see :func:`~assistant.nlu.entities.base.trim_span`) and reported by
:func:`annotation_problems`, so a "[강남구에서](district)" slip does not teach
the model to swallow particles; predictions are trimmed the same way.

The model lives in memory: ``sklearn_crfsuite.CRF`` keeps it in a ``model*.crfsuite`` temp file from fit and from
every unpickling, removed only when the object is garbage-collected, so each killed server or test worker left one
behind (about 100 of 75 KB in /tmp, s13). CRFsuite's trainer needs a file, so fit writes into a temporary directory
removed as soon as the model's bytes are read; tagging opens those bytes with ``pycrfsuite.Tagger.open_inmemory``
and the saved artifact holds them, so loading and predicting write no file.
"""

from __future__ import annotations

import logging
import pickle
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pycrfsuite
import sklearn_crfsuite

from assistant.errors import ModelNotFoundError
from assistant.nlu.entities.base import is_function_tag, trim_span
from assistant.nlu.tokenizer import KoreanTokenizer, Token, script_views
from assistant.nlu.types import EntitySpan, TrainingExample

logger = logging.getLogger(__name__)

#: Returns, for each token, the names of the regexes / lookup entities that cover it.
FlagFunction = Callable[[str, list[Token]], list[set[str]]]
#: 2: the model's CRFsuite bytes (1 pickled a ``sklearn_crfsuite.CRF``, which writes a temp file when unpickled)
_FORMAT_VERSION = 2


@dataclass(frozen=True)
class CrfConfig:
    """CRF hyper-parameters (CRFsuite's L-BFGS trainer).

    Attributes:
        c1: L1 penalty; c2: L2 penalty; max_iterations: L-BFGS iterations.
        min_confidence: predictions whose mean token marginal is below are dropped (0..1).
    """

    c1: float = 0.05
    c2: float = 0.05
    max_iterations: int = 150
    min_confidence: float = 0.3


def _script(form: str) -> str:
    ch = form[:1]
    if not ch:
        return "none"
    if "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f":
        return "hangul"
    if ch.isdigit():
        return "digit"
    if ch.isascii() and ch.isalpha():
        return "latin"
    if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0002ffff" or "\uf900" <= ch <= "\ufaff":
        return "han"
    return "other"


#: The scripts :attr:`CRFEntityExtractor.entity_scripts` records (digits and symbols are not letter scripts).
LETTER_SCRIPTS = frozenset({"hangul", "latin", "han"})


def letter_scripts(tokens: Sequence[Token]) -> set[str]:
    """The letter scripts (:data:`LETTER_SCRIPTS`) of the first character of each token's form."""
    return {s for t in tokens if (s := _script(t.text)) in LETTER_SCRIPTS}


def script_chains(text: str, tokens: list[Token]) -> list[list[int]]:
    """The token indexes of each chain the CRF labels: all of them, or for a text that mixes Hangul and Latin words
    (:func:`~assistant.nlu.tokenizer.script_views`) the tokens of the Korean view and those of the Latin view, each in
    order (empty chains left out)."""
    views = script_views(text)
    if views is None:
        return [list(range(len(tokens)))] if tokens else []
    latin = views[1]
    is_latin = [t.start < len(latin) and not latin[t.start].isspace() for t in tokens]
    chains = [[i for i, x in enumerate(is_latin) if not x], [i for i, x in enumerate(is_latin) if x]]
    return [c for c in chains if c]


def token_features(text: str, tokens: list[Token], flags: list[set[str]]) -> list[dict[str, Any]]:
    """CRFsuite feature dicts, one per token (see the module docstring for the list)."""
    own: list[dict[str, Any]] = []
    for i, t in enumerate(tokens):
        form = t.text
        space = i == 0 or t.start == 0 or text[t.start - 1 : t.start].isspace()
        f: dict[str, Any] = {
            "bias": 1.0,
            "form": form,
            "tag": t.tag,
            "tag2": t.tag[:2],
            "pre1": form[:1],
            "pre2": form[:2],
            "suf1": form[-1:],
            "suf2": form[-2:],
            "digit": form.isdigit(),
            "script": _script(form),
            "space": space,
        }
        for name in flags[i]:
            f["flag:" + name] = True
        own.append(f)
    out: list[dict[str, Any]] = []
    for i, f in enumerate(own):
        g = dict(f)
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < len(own):
                n = own[j]
                g[f"{d}:form"] = n["form"]
                g[f"{d}:tag"] = n["tag"]
                g[f"{d}:tag2"] = n["tag2"]
                if abs(d) == 1:
                    g[f"{d}:script"] = n["script"]
                    g[f"{d}:space"] = n["space"]
                    g.update({f"{d}:{k}": True for k in n if k.startswith("flag:")})
            else:
                g[f"{d}:edge"] = True
        out.append(g)
    return out


def bilou_labels(tokens: list[Token], spans: Sequence[tuple[int, int, str]]) -> list[str]:
    """BILOU labels for tokens given entity spans ``(start, end, entity)``; tokens outside any span get ``O``."""
    labels = ["O"] * len(tokens)
    for start, end, entity in spans:
        inside = [i for i, t in enumerate(tokens) if t.start >= start and t.end <= end and t.end > t.start]
        if not inside:
            continue
        if len(inside) == 1:
            labels[inside[0]] = f"U-{entity}"
            continue
        labels[inside[0]] = f"B-{entity}"
        for i in inside[1:-1]:
            labels[i] = f"I-{entity}"
        labels[inside[-1]] = f"L-{entity}"
    return labels


def decode_bilou(labels: list[str]) -> list[tuple[int, int, str]]:
    """Token index ranges ``(first, last_inclusive, entity)`` from (possibly ill-formed) BILOU labels.

    Tolerant: a run of non-``O`` labels of one entity type is one entity
    unless a ``U-``/``B-`` starts a new one or an ``L-`` closes it.
    """
    out: list[tuple[int, int, str]] = []
    cur: tuple[int, str] | None = None
    for i, lab in enumerate(labels):
        if lab == "O":
            if cur is not None:
                out.append((cur[0], i - 1, cur[1]))
                cur = None
            continue
        prefix, _, entity = lab.partition("-")
        if cur is not None and (prefix in ("B", "U") or entity != cur[1]):
            out.append((cur[0], i - 1, cur[1]))
            cur = None
        if prefix == "U":
            out.append((i, i, entity))
        elif prefix == "L":
            out.append(((cur[0] if cur else i), i, entity))
            cur = None
        elif cur is None:
            cur = (i, entity)
    if cur is not None:
        out.append((cur[0], len(labels) - 1, cur[1]))
    return out


def annotation_problems(example: TrainingExample, tokens: list[Token]) -> list[str]:
    """Problems with an example's entity annotations, for data validation.

    Reports annotations that include a trailing particle or ending ("[강남구에서]
    (district)" → ends with 에서) and ones whose edges cut a morpheme.

    Returns:
        Human-readable messages (empty when all annotations are clean).
    """
    problems = []
    starts = {t.start for t in tokens}
    ends = {t.end for t in tokens}
    where = f" ({example.source})" if example.source else ""
    for e in example.entities:
        s, t_end = trim_span(example.text, e.start, e.end, tokens)
        if (s, t_end) != (e.start, e.end) and t_end > s:
            extra = example.text[t_end : e.end].strip()
            if extra:
                problems.append(f"entity {e.entity!r} annotation {e.text!r}{where} includes {extra!r} after the entity; annotate {example.text[s:t_end]!r}")
        if e.start not in starts or e.end not in ends:
            problems.append(f"entity {e.entity!r} annotation {e.text!r}{where} does not start and end on morpheme boundaries")
    return problems


class CRFEntityExtractor:
    """Learns entities from annotated examples.

    Args:
        config: hyper-parameters.
        flags: per-token regex/lookup flags (the pipeline passes its regex and
            lookup extractors' matches); None for no flags.

    Example:
        >>> crf = CRFEntityExtractor()
        >>> crf.train(examples, KoreanTokenizer())
        >>> crf.extract(text, tokens)
    """

    name = "crf"

    def __init__(self, config: CrfConfig | None = None, flags: FlagFunction | None = None) -> None:
        self.config = config or CrfConfig()
        self.flags = flags
        self._model: bytes | None = None
        self._tagger: pycrfsuite.Tagger | None = None
        self._tag_lock = threading.Lock()  # a Tagger holds the sequence it was last given: one at a time
        self.entity_types: list[str] = []
        #: entity -> the letter scripts its training annotations were written in (empty: not filtered, older model)
        self.entity_scripts: dict[str, list[str]] = {}

    @property
    def trained(self) -> bool:
        """True once :meth:`train` found annotations (or a trained model was loaded)."""
        return self._model is not None

    def _use(self, model: bytes | None) -> None:
        """Tag with the CRFsuite model ``model`` (its file's bytes; None: untrained), opened in memory."""
        self._model = model
        self._tagger = None
        if model is not None:
            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(model)
            self._tagger = tagger

    def _chains(self, text: str, tokens: list[Token]) -> list[tuple[list[Token], list[dict[str, Any]]]]:
        """Each chain's tokens and their features (flags are matched on the whole text)."""
        flags = self.flags(text, tokens) if self.flags else [set() for _ in tokens]
        out = []
        for chain in script_chains(text, tokens):
            toks = [tokens[i] for i in chain]
            out.append((toks, token_features(text, toks, [flags[i] for i in chain])))
        return out

    def train(self, examples: Sequence[TrainingExample], tokenizer: KoreanTokenizer) -> dict[str, Any]:
        """Fit on the examples' annotations (examples without entities teach ``O``).

        Returns:
            ``{"examples", "entities", "annotations_trimmed", "seconds"}``; the
            model stays untrained when no example has an annotation.
        """
        t0 = time.perf_counter()
        X, y = [], []
        trimmed = 0
        n_entities = 0
        n_examples = 0
        scripts: dict[str, set[str]] = {}
        for ex in examples:
            tokens = tokenizer.tokenize(ex.text)
            if not tokens:
                continue
            spans = []
            for e in ex.entities:
                s, t_end = trim_span(ex.text, e.start, e.end, tokens)
                trimmed += (s, t_end) != (e.start, e.end)
                if t_end > s:
                    spans.append((s, t_end, e.entity))
                    n_entities += 1
                    inside = [t for t in tokens if t.start >= s and t.end <= t_end]
                    scripts.setdefault(e.entity, set()).update(letter_scripts(inside))
            n_examples += 1
            for toks, feats in self._chains(ex.text, tokens):
                X.append(feats)
                y.append(bilou_labels(toks, spans))
        self.entity_types = sorted({e.entity for ex in examples for e in ex.entities})
        self.entity_scripts = {k: sorted(v) for k, v in sorted(scripts.items())}
        if n_entities == 0:
            self._use(None)
            return {"examples": n_examples, "entities": 0, "annotations_trimmed": trimmed, "seconds": time.perf_counter() - t0}
        with tempfile.TemporaryDirectory(prefix="crf-train-") as work:  # removed on return and on any exception
            model_file = Path(work) / "model.crfsuite"
            crf = sklearn_crfsuite.CRF(
                algorithm="lbfgs",
                c1=self.config.c1,
                c2=self.config.c2,
                max_iterations=self.config.max_iterations,
                all_possible_transitions=True,
                model_filename=str(model_file),  # an own file: the CRF object never makes a temp file of its own
            )
            crf.fit(X, y)
            self._use(model_file.read_bytes())
        if trimmed:
            logger.warning("entity annotations trimmed of particles/endings", extra={"stage": "nlu.entities", "count": trimmed})
        return {"examples": n_examples, "entities": n_entities, "annotations_trimmed": trimmed, "seconds": time.perf_counter() - t0}

    def extract(self, text: str, tokens: list[Token]) -> list[EntitySpan]:
        """Predicted entities (``extractor="crf"``, ``confidence`` = mean marginal of the entity's labels)."""
        if self._tagger is None or not tokens:
            return []
        out = []
        for toks, feats in self._chains(text, tokens):
            out.extend(self._extract_chain(text, tokens, toks, feats))
        return sorted(out, key=lambda e: (e.start, e.end))

    def _extract_chain(self, text: str, tokens: list[Token], chain: list[Token], feats: list[dict[str, Any]]) -> list[EntitySpan]:
        """The entities of one chain (``chain``: its tokens; ``tokens``: the whole text's, for trimming)."""
        assert self._tagger is not None
        with self._tag_lock:
            labels = list(self._tagger.tag(feats))
            if all(lab == "O" for lab in labels):
                return []
            # each chosen label's marginal in the sequence just tagged (sklearn_crfsuite's predict_marginals_single)
            marginals = [self._tagger.marginal(lab, i) for i, lab in enumerate(labels)]
        out = []
        for first, last, entity in decode_bilou(labels):
            conf = sum(marginals[first : last + 1]) / (last - first + 1)
            if conf < self.config.min_confidence:
                continue
            group = chain[first : last + 1]
            if all(is_function_tag(t.tag) for t in group):
                continue
            if self.entity_scripts and not letter_scripts(group) <= set(self.entity_scripts.get(entity, ())):
                continue  # a script this entity was never annotated in (module docstring)
            s, e = trim_span(text, min(t.start for t in group), max(t.end for t in group), tokens)
            if e > s:
                out.append(EntitySpan(entity, s, e, text[s:e], extractor=self.name, confidence=round(float(conf), 4)))
        return out

    def save(self, path: Path) -> None:
        """Write the model to ``path`` (a pickle of our own artifact: load only files you wrote)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        blob = {"version": _FORMAT_VERSION, "config": asdict(self.config), "entity_types": self.entity_types,
                "entity_scripts": self.entity_scripts, "model": self._model}
        tmp = path.with_suffix(path.suffix + ".tmp")
        with tmp.open("wb") as f:
            pickle.dump(blob, f)
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, flags: FlagFunction | None = None) -> CRFEntityExtractor:
        """Read a model written by :meth:`save`.

        Raises:
            ModelNotFoundError: ``path`` is missing or not a model of this version.
        """
        if not path.exists():
            raise ModelNotFoundError(f"CRF entity model not found at {path} (run `assistant train`)")
        with path.open("rb") as f:
            blob = pickle.load(f)  # noqa: S301 - our own artifact
        if not isinstance(blob, dict) or blob.get("version") not in (1, _FORMAT_VERSION):
            raise ModelNotFoundError(f"{path} is not a CRF entity model of format {_FORMAT_VERSION}; retrain")
        ext = cls(CrfConfig(**blob["config"]), flags)
        if blob["version"] == 1:  # a home trained before s13: its CRF object just wrote a temp file; take the bytes
            old = blob["crf"]
            model = None
            if old is not None:
                model = Path(old.modelfile.name).read_bytes()
                old.modelfile.cleanup()
            ext._use(model)
        else:
            ext._use(blob["model"])
        ext.entity_types = list(blob["entity_types"])
        ext.entity_scripts = {str(k): list(v) for k, v in blob.get("entity_scripts", {}).items()}
        return ext

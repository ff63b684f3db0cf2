"""A Rasa project folder: domain, NLU data, rules and stories, read unchanged.

Where things are looked for (Rasa's defaults, then ours):

* domain: ``DIR/domain.yml``, a ``DIR/domain/`` folder (merged), or ``DIR/intents/domain.yml``
  (this repository keeps its domain at ``intents/domain.yml``);
* training data: ``DIR/data/`` (Rasa's default); else ``DIR/intents/``; else ``DIR`` itself
  (our bundled ``intents/`` folder holds ``nlu.yml``, ``domain.yml`` and ``rules.yml``
  side by side). ``tests/``, ``models/``, ``results/``, ``actions/`` and hidden folders are
  not searched.

The model configuration ``DIR/config.yml`` (Rasa's pipeline and policies) is read as is when
present; only what the engine honours is used (e.g. DucklingEntityExtractor's ``time``, see
:mod:`assistant.nlu.entities.duckling_time`).

Each data file is sorted by its top-level keys as Rasa does: ``nlu`` → NLU data,
``stories``/``rules`` → dialogue data, ``responses`` → merged into the domain
(Rasa's ResponsesSyncImporter; used for retrieval-intent responses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import InvalidConfigError
from assistant.nlu.domain import Domain, is_domain_data
from assistant.nlu.stories import Rule, Story, read_rules, read_stories
from assistant.nlu.training_data import read_nlu_section
from assistant.nlu.types import NluTrainingData
from assistant.nlu.yaml_io import DEFAULT_SKIP_DIRS, Reporter, load_yaml_file, yaml_files

__all__ = ["Project", "find_domain", "find_data_paths", "load_project"]


@dataclass
class Project:
    """Everything in a Rasa project folder.

    Attributes:
        root: the project folder.
        domain: the merged domain (plus responses from data files).
        nlu: the merged NLU training data.
        rules, stories: in file order.
        files: every YAML file read.
        config: the project's ``config.yml`` (empty when there is none).
    """

    root: Path
    domain: Domain
    nlu: NluTrainingData
    rules: list[Rule] = field(default_factory=list)
    stories: list[Story] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)


def find_domain(root: Path) -> Path | None:
    """The domain file or folder of the project at ``root`` (None when there is none)."""
    for cand in (root / "domain.yml", root / "domain.yaml", root / "domain", root / "intents" / "domain.yml"):
        if cand.exists():
            return cand
    return None


def find_data_paths(root: Path) -> list[Path]:
    """The folders holding the project's training data (see the module docstring)."""
    for cand in (root / "data", root / "intents"):
        if cand.is_dir():
            return [cand]
    return [root]


def load_project(root: Path, reporter: Reporter | None = None) -> Project:
    """Read the Rasa project at ``root``.

    Args:
        root: the project folder (e.g. a Rasa demo checkout, or our ``intents/``).
        reporter: where problems go; default raises on the first error.

    Raises:
        InvalidConfigError: ``root`` is not a folder, has no domain, or a file is
            malformed (unless ``reporter`` collects).
    """
    reporter = reporter or Reporter()
    if not root.is_dir():
        raise InvalidConfigError(f"project {root} is not a folder")
    domain_path = find_domain(root)
    domain = Domain()
    files: list[Path] = []
    if domain_path is None:
        reporter.error("domain-missing", f"no domain.yml in {root} (nor domain/ or intents/domain.yml)", str(root),
                       "create domain.yml listing intents, entities, slots and responses")
    else:
        domain = Domain.load(domain_path, reporter)
        files.extend(yaml_files([domain_path]))
    nlu = NluTrainingData()
    rules: list[Rule] = []
    stories: list[Story] = []
    domain_files = set(files)
    for f in yaml_files(find_data_paths(root), DEFAULT_SKIP_DIRS):
        if f in domain_files:
            continue
        data = load_yaml_file(f, reporter)
        files.append(f)
        if data is None:
            continue
        if is_domain_data(data) and "responses" not in data:
            continue  # a domain file next to the data (our intents/ folder); already read above
        if "nlu" in data:
            read_nlu_section(data["nlu"], f, nlu, reporter)
        if "responses" in data:
            domain.add_responses(data["responses"], f, reporter)
        if "rules" in data:
            rules.extend(read_rules(data["rules"], f, reporter))
        if "stories" in data:
            stories.extend(read_stories(data["stories"], f, reporter))
    config: dict[str, Any] = {}
    for cand in (root / "config.yml", root / "config.yaml"):
        if cand.is_file():
            loaded = load_yaml_file(cand, reporter)
            config = dict(loaded) if loaded is not None else {}
            if cand not in files:
                files.append(cand)
            break
    return Project(root, domain, nlu, rules, stories, files, config)

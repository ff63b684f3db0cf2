"""Building the assistant from ``ASSISTANT_HOME``: train, import, load.

:func:`ensure_ready` makes a fresh home usable (imports the bundled corpus
and trains the NLU when either is missing); :func:`load_router` loads the
trained parts into a :class:`~assistant.dialogue.router.Router`;
:func:`build_processor` puts the conversation engine
(:class:`~assistant.dialogue.processor.MessageProcessor`) on top of them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sys
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.dialogue.router import Router
from assistant.errors import InvalidConfigError

if TYPE_CHECKING:
    from assistant.dialogue.actions import ActionExecutor
    from assistant.dialogue.processor import MessageProcessor
    from assistant.stores.locks import LockStore
    from assistant.stores.trackers import TrackerStore
from assistant.knowledge.composer import AnswerComposer
from assistant.knowledge.embedder import Embedder, make_embedder
from assistant.knowledge.index import current_version, load_index
from assistant.knowledge.ingest import ImportReport, import_documents
from assistant.knowledge.loaders import load_directory
from assistant.knowledge.retriever import HybridRetriever
from assistant.knowledge.periods import clock
from assistant.nlu.pipeline import NluPipeline
from assistant.nlu.tokenizer import KoreanTokenizer
from assistant.nlu.project import Project, load_project
from assistant.nlu.training_data import Domain
from assistant.settings import Settings

logger = logging.getLogger(__name__)

BUNDLED_SOURCE = "bundled"


def train_nlu(settings: Settings, embedder: Embedder, project: Path | None = None) -> dict[str, Any]:
    """Train the NLU (intent classifier + entity extractors) on ``project`` and save it under ``settings.nlu_dir``.

    ``project`` is a Rasa-style project folder (``domain.yml`` and ``data/``, or
    our ``intents/`` layout; default: the bundled ``intents/``); see
    :func:`assistant.nlu.project.load_project`.

    Returns:
        ``{"examples", "intents", "seconds", "entity": {...}}``.

    Raises:
        InvalidConfigError: the training data is malformed or has fewer than two intents.
    """
    root = project or settings.intents_dir
    loaded = load_project(root)
    # training embeddings are cached under the home (used by the optional MlpIntentClassifier head)
    pipeline, stats = NluPipeline.train(loaded, embedder, cache_dir=settings.home / "cache" / "embeddings")
    pipeline.save(settings.nlu_dir)
    (settings.nlu_dir / TRAINING_DATA_FILE).write_text(json.dumps(training_fingerprint(loaded), ensure_ascii=False, indent=1),
                                                       encoding="utf-8")
    return stats


#: Written beside the trained NLU: which project's files, with which content, it was trained on.
TRAINING_DATA_FILE = "training_data.json"


def training_fingerprint(project: Project) -> dict[str, Any]:
    """What a model was trained on: ``{"project": absolute folder, "files": [paths relative to it], "sha256": hex}``.

    The digest covers every YAML file :func:`~assistant.nlu.project.load_project` read (their relative paths and
    bytes, in order), so any edit to the training data, responses, rules or config changes it; nothing else does
    (a test-stories folder the loader skips, file times).
    """
    root = project.root.resolve()
    digest = hashlib.sha256()
    names = []
    for f in project.files:
        name = f.resolve().relative_to(root).as_posix() if f.resolve().is_relative_to(root) else f.resolve().as_posix()
        names.append(name)
        digest.update(name.encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
    return {"project": str(root), "files": names, "sha256": digest.hexdigest()}


def training_data_status(settings: Settings) -> tuple[str, Path | None]:
    """Whether the NLU in ``settings.nlu_dir`` was trained on the training data as it is now.

    Returns:
        ``(status, project)``: ``"current"``; ``"changed"`` (the project it was trained on has other content now);
        ``"unknown"`` (no record: trained by a version before the record existed, or the record is unreadable);
        ``"missing"`` (no trained NLU). ``project`` is the recorded project folder (None when there is no record).
    """
    if not (settings.nlu_dir / "pipeline.json").exists():
        return "missing", None
    try:
        recorded = json.loads((settings.nlu_dir / TRAINING_DATA_FILE).read_text(encoding="utf-8"))
        project = Path(recorded["project"])
        sha = str(recorded["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return "unknown", None
    if not project.is_dir():
        return "unknown", project
    try:
        now = training_fingerprint(load_project(project))["sha256"]
    except InvalidConfigError:
        return "changed", project
    return ("current" if now == sha else "changed"), project


def import_bundled(settings: Settings, embedder: Embedder, progress: bool = True) -> ImportReport:
    """Import the bundled corpus (``knowledge/``) as the ``bundled`` source."""
    docs = list(load_directory(settings.knowledge_dir, source=BUNDLED_SOURCE))
    return import_documents(settings, BUNDLED_SOURCE, docs, embedder, progress=progress)


def ensure_ready(settings: Settings, embedder: Embedder, progress: bool = True) -> None:
    """Import the bundled corpus and train the NLU if this home has neither; retrain the NLU when it was trained on
    the bundled ``intents/`` and those files changed since (an upgrade, an edited domain). A model trained on another
    project (``assistant train --project``) is never replaced here: a change there, or a model without a record of
    its training data, is logged as a warning (see :func:`training_data_status`)."""
    settings.home.mkdir(parents=True, exist_ok=True)
    if current_version(settings.index_dir) is None:
        print(f"first start in {settings.home}: importing the bundled corpus from {settings.knowledge_dir} ...", file=sys.stderr)
        import_bundled(settings, embedder, progress)
    status, project = training_data_status(settings)
    if status == "missing":
        print(f"first start in {settings.home}: training the intent classifier on {settings.intents_dir} ...", file=sys.stderr)
        train_nlu(settings, embedder)
    elif status == "changed" and project == settings.intents_dir.resolve():
        print(f"the training data in {settings.intents_dir} changed since the NLU in {settings.nlu_dir} was trained: "
              "retraining ...", file=sys.stderr)
        train_nlu(settings, embedder)
    elif status == "changed":
        logger.warning("the NLU in %s was trained on %s, whose files changed since; run 'assistant train --project %s'",
                       settings.nlu_dir, project, project)
    elif status == "unknown":
        logger.warning("the NLU in %s has no record of its training data (trained by an older version?); "
                       "run 'assistant train' if %s changed since", settings.nlu_dir, settings.intents_dir)


def load_router(settings: Settings, embedder: Embedder | None = None) -> Router:
    """Load everything a turn needs from ``settings.home``.

    Raises:
        ModelNotFoundError: the index or the classifier is missing (run :func:`ensure_ready`).
    """
    embedder = embedder or make_embedder(settings.embedder, settings.embed_threads)
    tokenizer = KoreanTokenizer()
    index = load_index(settings.index_dir)
    if index.embedder_name != embedder.name:
        from assistant.errors import ModelNotFoundError

        raise ModelNotFoundError(f"the index was built with {index.embedder_name}, not {embedder.name}; re-import the knowledge")
    retriever = HybridRetriever(index, embedder, tokenizer)
    retriever.warm_up()
    composer = AnswerComposer(index, tokenizer, settings.abstain_threshold, settings.oos_threshold,
                              today=clock(settings.period_today))
    nlu = NluPipeline.load(settings.nlu_dir, embedder, tokenizer, oos_threshold=settings.nlu_oos_threshold)
    nlu.entities.warm_up()
    domain = Domain.load(settings.intents_dir / "domain.yml")
    return Router(settings, embedder, nlu, retriever, composer, domain)


#: Skippable slots of the bundled forms (the rest must be answered).
BUNDLED_SKIPPABLE = {"eligibility_form": ("region", "income_pct", "sex", "disabled", "household_disabled", "veteran", "farmer", "pregnant",
                                          "recent_birth_or_adoption", "single_parent_family", "single_person_household", "multi_child_household", "job_seeker",
                                          "welfare_recipient", "near_poverty", "master_craftsman",
                                          "target_groups", "household_size")}


def build_processor(settings: Settings, router: Router, tracker_store: TrackerStore | None = None,
                    lock_store: LockStore | None = None, executor: ActionExecutor | None = None) -> MessageProcessor:
    """The conversation engine over a loaded router's parts (NLU, retrieval, composer): :func:`build_engine`."""
    return build_engine(settings, router.nlu, router.embedder, router.retriever, router.composer, tracker_store,
                        lock_store, executor)


def eligibility_data(settings: Settings, catalogue_indexed: Callable[[], bool]) -> Callable[[], bool]:
    """Whether the eligibility check can answer here now: an eligibility service is configured
    (``settings.eligibility_url``), or the catalogue is imported (``catalogue_indexed()``: its titles are in the
    index) and its conditions are in the document store the embedded check reads
    (:meth:`connectors.eligibility.service.CatalogueSource.from_home`: ``<home>/assistant.db``'s gov24 documents).

    A home whose index holds the catalogue without that store (an index copied alone) cannot check: offering the
    check there led to "아직 이곳에서는 자격 확인을 할 수 없어요" after the citizen accepted (s14). The store is read
    once per index version (an import changes both)."""
    known: dict[str, bool] = {}

    def present() -> bool:
        if settings.eligibility_url:
            return True
        if not catalogue_indexed():
            return False
        path = settings.home / "assistant.db"
        if not path.exists():  # not created here: the store is the import's
            return False
        stamp = current_version(settings.index_dir) or ""
        if stamp not in known:
            from assistant.stores.documents import DocumentStore

            known.clear()
            known[stamp] = DocumentStore(settings.db_url).sources().get("gov24", 0) > 0
        return known[stamp]
    return present


def build_engine(settings: Settings, nlu: NluPipeline, embedder: Embedder, retriever: HybridRetriever | None,
                 composer: AnswerComposer | None, tracker_store: TrackerStore | None = None,
                 lock_store: LockStore | None = None, executor: ActionExecutor | None = None) -> MessageProcessor:
    """The conversation engine over an NLU and, when the project has knowledge, its retriever and composer.

    Without a retriever (``None``: a project with no knowledge, e.g. a peer Rasa project's test stories) knowledge
    questions abstain, no service names are known and the document-based routes of the bundled domain (the
    eligibility route's service matching, applying from documents) are not set up.

    Reads the domain and rules from ``settings.intents_dir``; the tracker store and the lock
    store come from ``settings.tracker_store_url`` / ``settings.lock_store_url`` unless given.
    The bundled task route: ``check_eligibility`` naming no known service starts
    ``eligibility_form`` (when the domain has it). ``executor`` runs custom actions that are
    not registered in-process; default: the Rasa action-server client for
    ``settings.action_endpoint_url`` when set, else none, and such an action fails the turn
    with "no action server configured for action X". The connector actions of
    ``settings.connector_action_modules`` run in-process before either (loaded by name).

    Raises:
        InvalidConfigError: a malformed domain or rules file, or a bad store URL.
        StoreUnavailableError: the tracker store cannot be reached to create its tables.
    """
    from assistant.dialogue.actions import ActionRegistry
    from assistant.dialogue.builtin_actions import register_builtins
    from assistant.dialogue.forms import FormAction
    from assistant.dialogue.handoff import FileHandoffQueue, HttpHandoff, queue_path
    from assistant.dialogue.knowledge_base import IndexTitleMatcher, RetrievalKnowledge
    from assistant.dialogue.policies import PolicyEnsemble, TaskPolicy, TaskPredicate
    from assistant.dialogue.processor import MessageProcessor
    from assistant.dialogue.after_form import ActionCorrectAfterForm
    from assistant.dialogue.validators import ValidatorRegistry
    from assistant.stores.locks import make_lock_store
    from assistant.stores.trackers import make_tracker_store

    project = load_project(settings.intents_dir)
    domain = project.domain
    if executor is None and settings.action_endpoint_url:
        from assistant.dialogue.action_server import ActionServerClient

        executor = ActionServerClient.from_settings(settings)
    from assistant.dialogue.sdk import SdkActionExecutor, load_actions

    connector_actions = load_actions(settings.connector_action_modules, settings)
    if connector_actions:
        executor = SdkActionExecutor(connector_actions, fallback=executor)
    registry = ActionRegistry(executor)
    queue = FileHandoffQueue(queue_path(settings.home))
    register_builtins(registry, queue)
    validators = ValidatorRegistry(today=nlu.entities.today)  # the NLU's clock: one "today" per conversation
    tasks = TaskPolicy()
    restarts: dict[str, TaskPredicate] = {}
    whose_route: TaskPredicate | None = None
    has_eligibility_data: Callable[[], bool] | None = None  # the route's: whether a check can run here now
    if "eligibility_form" in domain.forms and retriever is not None:
        # "제가 받을 수 있는 혜택이 뭐가 있나요?" (no service named), or a service of the imported catalogue
        # ("에너지바우처 받을 수 있나요?"); any other named service is answered from its documents. Both title
        # matchers follow the retriever's index, so a service imported while serving is known at once.
        # A question about one kind of help ("연탄값 지원되나요"), an unsure one, a one-shot `ask`, or a home without
        # eligibility data is answered from the documents instead, with the check offered (eligibility_route.py).
        from assistant.dialogue.builtin_actions import ActionAnswerFromKnowledge
        from assistant.dialogue.eligibility_route import EligibilityRoute

        catalogue = IndexTitleMatcher(retriever, source="gov24")
        every_title = IndexTitleMatcher(retriever)
        route = EligibilityRoute(every_title.find, catalogue.find, retriever.glossary, retriever.tokenizer,
                                 eligibility_data(settings, lambda: not catalogue.matcher.empty),
                                 titles_hold=every_title.holds_any)
        tasks.register("check_eligibility", "eligibility_form", route)
        # "제가 받을 수 있는 혜택이 뭐가 있나요?" while the questions are about the mother: asked from the start for the
        # citizen (s14 #1), as the opening question would
        restarts["eligibility_form"] = route.switches_person
        whose_route = route
        has_eligibility_data = route.has_data
        registry.register(ActionAnswerFromKnowledge(offer_check=route.offer_check), replace=True)
    for form in domain.forms.values():
        registry.register(FormAction(form, validators, registry, BUNDLED_SKIPPABLE.get(form.name, ()),
                                     restarts.get(form.name)), replace=True)
    registry.register(ActionCorrectAfterForm(validators), replace=True)  # a correction after a form's result
    ensemble = PolicyEnsemble(project.rules, tasks, project.stories, domain, settings.intent_threshold)
    if whose_route is not None:
        # "아이가 있는데 받을 수 있는 혜택이 뭐가 있나요?": whose benefits, the citizen's or the child's? asked with buttons
        # before the questionnaire starts (assistant/dialogue/whose_benefits.py)
        from assistant.dialogue.whose_benefits import WhoseBenefitsPolicy

        ensemble.policies.insert(ensemble.policies.index(ensemble.rule_policy), WhoseBenefitsPolicy(whose_route))
    if has_eligibility_data is not None and "subscribe_alerts" in domain.intents:
        # alerts need the check's facts: where no check can run, said at once (assistant/dialogue/alerts_route.py)
        from assistant.dialogue.alerts_route import AlertsWithoutCheckPolicy

        ensemble.policies.insert(ensemble.policies.index(ensemble.rule_policy), AlertsWithoutCheckPolicy(has_eligibility_data))
    if "apply_service" in domain.intents and retriever is not None:
        # where nothing can be applied for (no catalogue, no task back end) a named service's documents say how
        from assistant.dialogue.eligibility_route import ApplyFromDocumentsPolicy

        gov24 = IndexTitleMatcher(retriever, source="gov24")
        ensemble.policies.insert(ensemble.policies.index(ensemble.rule_policy), ApplyFromDocumentsPolicy(
            IndexTitleMatcher(retriever).find, gov24.find, lambda: bool(settings.tasks_url) or not gov24.matcher.empty))
    return MessageProcessor(
        settings, domain, nlu, embedder, ensemble,
        registry,
        tracker_store or make_tracker_store(settings.tracker_store_url, settings.home, effects_retention=settings.effects_retention_s),
        lock_store or make_lock_store(settings.lock_store_url, lease=settings.lock_lease_s, ttl=settings.lock_max_hold_s),
        knowledge=RetrievalKnowledge(retriever, composer, settings.top_k) if retriever is not None and composer is not None else None,
        services=IndexTitleMatcher(retriever) if retriever is not None else None,
        handoff=HttpHandoff(settings.handoff_url, settings.connector_timeout) if settings.handoff_url else queue,
    )

"""The ``assistant`` command line.

Commands::

    assistant serve [--host H] [--port P]       web widget + REST channel (imports/trains on first start)
    assistant ask [--json] "question" | -       one answer (``-``: one question per stdin line)
          [--agency A ...] [--on YYYY-MM-DD] [--doc-language ko|en]   only documents of these agencies / in effect that day
    assistant chat                              a terminal conversation
    assistant train [--project DIR]             train the intent classifier
    assistant knowledge import gov24 DIR        import the public-service catalogue (open-API JSON)
    assistant knowledge import dir DIR          import .md/.html/.txt documents
    assistant knowledge status                  what the index holds: version, documents per source, retractions
    assistant knowledge retract SOURCE [DOC_ID ...] [--restore]
                                                remove documents (all of SOURCE when no id) from the store and the
                                                indexes without a re-import; --restore lets a re-import bring ids back
    assistant data validate [--project DIR] [--json]   check Rasa-format training data and domain
    assistant test nlu [--project DIR] (--nlu FILE [--retrain] | --cross-validation N) [--json]
                                                intent and entity metrics, confusion matrix, calibration; --nlu
                                                tests the NLU trained on DIR under ASSISTANT_HOME when DIR is
                                                unchanged since (else, or with --retrain, trains one in memory)
    assistant test e2e PATH [--project DIR] [--json] [--fail-on-failure] [--forced]
                                                run Rasa test stories through the dialogue engine
    assistant eligibility check --facts F.json [--service ID] [--json] [--url URL]
                                                judge facts against the catalogue's coded conditions
    assistant alerts run [--json] [--server URL]  re-evaluate benefit-alert subscriptions once (cron-able); in the
                                                server when given (pushes into conversations), else here
    assistant trackers mask [--json]            mask personal data in conversations stored by an older version

Errors print one line to stderr starting with ``error:`` and exit with status 2;
``data validate`` exits with 1 when it finds errors in the data, ``test e2e --fail-on-failure``
when a test story fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assistant.errors import AssistantError, InvalidInputError
from assistant.logging_config import configure_logging
from assistant.settings import get_settings

if TYPE_CHECKING:
    from assistant.knowledge.ingest import ImportReport
    from assistant.settings import Settings


def _processor(progress: bool = True, filters=None):  # type: ignore[no-untyped-def]
    """The conversation engine over ``ASSISTANT_HOME`` (prepared on first use); ``filters`` (a
    :class:`~assistant.knowledge.retriever.RetrievalFilters`) restrict every retrieval."""
    from assistant.app_state import build_processor, ensure_ready, load_router
    from assistant.knowledge.embedder import make_embedder

    settings = get_settings()
    embedder = make_embedder(settings.embedder, settings.embed_threads)
    ensure_ready(settings, embedder, progress=progress)
    router = load_router(settings, embedder)
    if filters is not None:
        router.retriever.default_filters = filters
    return build_processor(settings, router)


def _filters(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """Retrieval filters from ``ask``'s options (None when none is given)."""
    from assistant.knowledge.retriever import RetrievalFilters

    f = RetrievalFilters(tuple(args.agency or ()), args.doc_language, args.on)
    return f if f.active else None


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.dialogue.messages import UserMessage

    processor = _processor(progress=not args.json, filters=_filters(args))
    questions = (line.rstrip("\n") for line in sys.stdin) if args.question == "-" else iter([args.question])
    for q in questions:  # a blank stdin line gets the empty-message reply, so outputs line up with inputs
        # each question is its own conversation: `ask` answers questions, it does not hold a dialogue
        # one_shot: nothing can follow, so no questionnaire starts (the documents answer, with citations)
        turn = processor.handle_message(UserMessage(f"cli-{uuid.uuid4().hex[:12]}", q, channel="cli", metadata={"one_shot": True}))
        if args.json:
            print(json.dumps(turn.to_json(), ensure_ascii=False), flush=True)
        else:
            print("\n\n".join(m.text for m in turn.messages), flush=True)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.dialogue.messages import UserMessage

    processor = _processor()
    sender = f"chat-{uuid.uuid4().hex[:8]}"
    buttons: list[dict[str, str]] = []
    print("정부 서비스 도우미 / Government services assistant. Ctrl-D to quit.")
    while True:
        try:
            q = input("> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if q.strip().isdigit() and 0 < int(q) <= len(buttons):  # a number picks the button shown with it
            q = buttons[int(q) - 1]["payload"]
        turn = processor.handle_message(UserMessage(sender, q, channel="cli"))
        buttons = [b for m in turn.messages for b in m.buttons]
        for m in turn.messages:
            print(m.text)
            for c in m.custom.get("citations", []):
                print(f"  - {c['title']} | {c['agency']} | {c['section']} | {c['url']} | {c['updated_at']}")
        for i, b in enumerate(buttons, 1):
            print(f"  [{i}] {b['title']}")


def cmd_train(args: argparse.Namespace) -> int:
    from assistant.app_state import train_nlu
    from assistant.knowledge.embedder import make_embedder

    settings = get_settings()
    stats = train_nlu(settings, make_embedder(settings.embedder, settings.embed_threads), args.project)
    print(f"trained intent classifier: {stats['examples']} examples, {stats['intents']} intents, "
          f"{stats['seconds']:.1f} s -> {settings.nlu_dir}")
    return 0


def _dir_source(path: Path, knowledge_dir: Path) -> str:
    """The source name of ``import dir PATH`` without ``--source``.

    The bundled corpus folder (``settings.knowledge_dir``, where knowledge/README.md tells agencies to add documents)
    keeps the source it is imported under at first start (``bundled``): named ``dir:<abs path>`` it became a second
    source that took the bundled documents over, and the absolute path of one machine was recorded in the index.
    Any other folder is ``dir:<abs path>``.
    """
    from assistant.app_state import BUNDLED_SOURCE

    resolved = path.resolve()
    return BUNDLED_SOURCE if resolved == knowledge_dir.resolve() else f"dir:{resolved}"


def cmd_import(args: argparse.Namespace) -> int:
    from assistant.knowledge.embedder import make_embedder
    from assistant.knowledge.ingest import import_documents
    from assistant.knowledge.loaders import load_directory, load_gov24

    settings = get_settings()
    if args.kind == "gov24":
        docs, source = load_gov24(args.path), "gov24"
    else:
        source = args.source or _dir_source(args.path, settings.knowledge_dir)
        docs = list(load_directory(args.path, source=source))
    rep = import_documents(settings, source, docs, make_embedder(settings.embedder, settings.embed_threads), progress=not args.quiet)
    print(import_summary(rep))
    return 0


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def import_summary(rep: ImportReport) -> str:
    """The line ``knowledge import`` prints: this source's documents and chunks first, then the whole index's (other
    sources' chunks are in it too), then the vectors computed and reused (distinct texts of every source).

    Fresh-user s10 #5: "imported 1 documents from dir:… ; index: 146 chunks, 2 embedded now, 48 from cache" read
    as if the source had 146 chunks and 48 cached vectors (they were the catalogue's), and its rate counted the
    model's loading.

    Example:
        >>> from assistant.knowledge.ingest import ImportReport
        >>> print(import_summary(ImportReport("gov24", 12, 12, 0, 146, 50, 0, 3.0, 2.0, "v", 0, 144, 48, 13, 2)))
        imported 12 documents from gov24 (12 new or changed, 0 removed): 144 chunks, 48 of them embedded; the index now holds 146 chunks of 13 documents from 2 sources; vectors: 50 computed now, 0 reused from the cache; 3.0 s (25.0 texts/s embedding)
    """
    skipped = f", {_n(rep.retracted_skipped, 'retracted document')} left out" if rep.retracted_skipped else ""
    rate = f" ({rep.chunks_per_second:.1f} texts/s embedding)" if rep.embedded and rep.embed_seconds > 0 else ""
    return (f"imported {_n(rep.documents, 'document')} from {rep.source} ({rep.changed:,} new or changed, "
            f"{rep.removed:,} removed{skipped}): {_n(rep.source_chunks, 'chunk')}, {rep.source_dense:,} of them embedded; "
            f"the index now holds {_n(rep.chunks, 'chunk')} of {_n(rep.index_documents, 'document')} from "
            f"{_n(rep.index_sources, 'source')}; vectors: {rep.embedded:,} computed now, {rep.cached:,} reused from the "
            f"cache; {rep.seconds:.1f} s{rate}")


def cmd_retract(args: argparse.Namespace) -> int:
    from assistant.knowledge.embedder import make_embedder
    from assistant.knowledge.ingest import retract_documents
    from assistant.stores.documents import DocumentStore

    settings = get_settings()
    if args.restore:
        if not args.doc_ids:
            raise InvalidInputError("--restore needs the document ids to bring back")
        found = DocumentStore(settings.db_url).restore(args.source, args.doc_ids)
        unknown = sorted(set(args.doc_ids) - set(found))
        print(f"restored {len(found)} retracted ids of {args.source}; the next import of {args.source} brings them back"
              + (f"; not retracted: {', '.join(unknown)}" if unknown else ""))
        return 0
    rep = retract_documents(settings, args.source, args.doc_ids, make_embedder(settings.embedder, settings.embed_threads))
    print(f"retracted {len(rep.retracted)} documents from {rep.source} ({rep.documents} left); "
          f"index: {rep.chunks} chunks, {rep.embedded} embedded now; {rep.seconds:.1f} s")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from assistant.knowledge.index import current_version
    from assistant.stores.documents import DocumentStore

    settings = get_settings()
    version = current_version(settings.index_dir)
    store = DocumentStore(settings.db_url) if (settings.home / "assistant.db").exists() else None
    sources = store.sources() if store else {}
    # retracted documents (left out of every later import of their source until 'knowledge retract --restore')
    retracted = {src: [{"doc_id": d, "retracted_at": when} for d, when in rows]
                 for src, rows in (store.retractions() if store else {}).items()}
    print(json.dumps({"home": str(settings.home), "index_version": version, "sources": sources, "retractions": retracted},
                     ensure_ascii=False, indent=2))
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from assistant.nlu.validate import format_report, validate_project

    root = args.project or get_settings().intents_dir
    issues = validate_project(root)
    print(format_report(issues, as_json=args.json))
    return 1 if any(i.level == "error" for i in issues) else 0
def cmd_eligibility(args: argparse.Namespace) -> int:
    """Evaluate in-process over the catalogue in ASSISTANT_HOME (same code as the service), or over HTTP with --url."""
    from connectors.eligibility.facts import load_facts

    facts = load_facts(args.facts)
    services = args.service or None
    if args.url:
        from connectors.eligibility.client import EligibilityClient

        settings = get_settings()
        with EligibilityClient(args.url, settings.connector_timeout, settings.connector_retries) as client:
            results = client.check(facts, services).results
    else:
        from connectors.eligibility.service import CatalogueSource, EligibilityService

        results = EligibilityService(CatalogueSource.from_home(get_settings())).check(facts, services)
    if args.json:
        print(json.dumps([r.to_json() for r in results], ensure_ascii=False))
        return 0
    for r in results:
        why = ", ".join(f"{c.code} {c.meaning}" + (f" {c.value}" if c.value != "Y" else "") for c in r.decided_by)
        print(f"{r.status:12} {r.service_id} {r.service_name}" + (f" | {why}" if why else "")
              + (f" | missing: {', '.join(r.missing)}" if r.missing else ""))
    return 0


def cmd_alerts_run(args: argparse.Namespace) -> int:
    """One round of benefit alerts: re-evaluate changed subscriptions, deliver due notifications.

    With a server (``--server URL`` or ``ASSISTANT_ALERTS_URL``) the round runs there (``POST
    /connectors/alerts/run`` with the admin token ``ASSISTANT_API_TOKEN``), so new matches are pushed into the
    subscribers' conversations at once; without one it runs in this process, which holds no conversation: it
    says how many notifications wait in the inbox for the subscriber's next widget session (none is lost)."""
    settings = get_settings()
    base = (args.server.rstrip("/") + "/connectors/alerts") if args.server else settings.alerts_url
    if base:
        from connectors.alerts.client import AlertsClient

        # one attempt: a round that timed out may still be running in the server (a second would find nothing new)
        with AlertsClient(base, timeout=args.timeout, retries=1, api_token=settings.api_token) as client:
            counts = client.run()
        out: dict[str, object] = {**counts, "server": base}
        print(json.dumps(out) if args.json else " ".join(f"{k}={v}" for k, v in out.items()))
        return 0
    from connectors.alerts.service import build_engine

    engine = build_engine(settings)
    report = engine.run_once()
    waiting, subscribers = engine.waiting()
    local: dict[str, object] = {**report.to_json(), "not_pushed": waiting}
    print(json.dumps(local) if args.json else " ".join(f"{k}={v}" for k, v in local.items()))
    if waiting:
        print(f"note: {waiting} notification(s) for {subscribers} subscriber(s) could not be pushed into their conversations "
              "from this process (no assistant server: give --server URL or set ASSISTANT_ALERTS_URL); they are kept and "
              "will be delivered at the subscriber's next widget session. Nothing is lost.", file=sys.stderr)
    return 0


def cmd_trackers_mask(args: argparse.Namespace) -> int:
    """Mask personal data in the tracker store's old rows (:meth:`SQLTrackerStore.mask_stored`)."""
    from assistant.stores.trackers import make_tracker_store

    settings = get_settings()
    events, replies = make_tracker_store(settings.tracker_store_url, settings.home).mask_stored()
    print(json.dumps({"events": events, "replies": replies}) if args.json else f"events={events} replies={replies}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from assistant.server.app import create_app

    settings = get_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    # the app checks the bound host: admin endpoints without a token answer only on loopback
    settings = settings.model_copy(update={"host": host, "port": port})
    # log_config=None: uvicorn's loggers go through our masking handler (configured in main).
    uvicorn.run(create_app(settings), host=host, port=port, log_config=None)
    return 0


def _model_to_test(settings: Settings, project: Path, retrain: bool) -> tuple[Path | None, str]:
    """Which NLU ``assistant test nlu --nlu FILE`` tests: the trained one under ``settings.nlu_dir`` when it was
    trained on ``project`` as it is now (:func:`assistant.app_state.training_data_status`: the same folder and the
    same content digest), as ``rasa test nlu`` tests the trained model; else None (train in memory). Returns the
    folder (or None) and why, for the output (s15-fresh F6: it always retrained, 17 min for Sara under load)."""
    from assistant.app_state import training_data_status

    if retrain:
        return None, "--retrain: trained in memory"
    status, recorded = training_data_status(settings)
    where = settings.nlu_dir
    if status == "missing":
        return None, f"no trained NLU in {where}: trained in memory"
    if recorded is None:
        return None, f"the NLU in {where} has no record of its training data: trained in memory"
    if recorded.resolve() != project.resolve():
        return None, f"the NLU in {where} was trained on {recorded}, not on {project.resolve()}: trained in memory"
    if status != "current":
        return None, f"{project.resolve()} changed since the NLU in {where} was trained: trained in memory"
    return where, f"the NLU in {where}, trained on {recorded} as it is now"


def cmd_test_nlu(args: argparse.Namespace) -> int:
    from assistant.knowledge.embedder import make_embedder
    from assistant.nlu.testing import evaluate_project

    settings = get_settings()
    out_dir = args.out or settings.home / "results" / "nlu"
    project = args.project or settings.intents_dir
    trained, note = (None, "") if args.nlu is None else _model_to_test(settings, project, args.retrain)
    result = evaluate_project(project, make_embedder(settings.embedder, settings.embed_threads),
                              args.nlu, args.cross_validation, out_dir, trained_model=trained, model_note=note)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(f"model: {result['model']['reason']}")
    ent = result["entity_f1"]
    print(f"intent accuracy {result['intent_accuracy']:.3f}  macro F1 {result['intent_macro_f1']:.3f}  "
          f"entity F1 {'-' if ent is None else f'{ent:.3f}'}  ECE {result['calibration_ece']:.3f}")
    for c in result.get("worst_confusions", [])[:10]:
        print(f"  {c['gold']} -> {c['predicted']}: {c['count']}")
    print(f"report: {out_dir}/report.json, {out_dir}/confusion_matrix.png")
    return 0


def cmd_test_e2e(args: argparse.Namespace) -> int:
    from assistant.dialogue.e2e import FAILED_STORIES_FILE, REPORT_FILE, run_e2e
    from assistant.knowledge.embedder import make_embedder

    settings = get_settings()
    result = run_e2e(args.path, settings, make_embedder(settings.embedder, settings.embed_threads), args.project, args.out,
                     forced=args.forced)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "report_dir"}, ensure_ascii=False))
    else:
        def pct(x: float | None) -> str:
            return "-" if x is None else f"{x:.3f}"

        print(f"{result['passed']}/{result['stories']} stories passed  action accuracy {pct(result['action_accuracy'])}  "
              f"intent accuracy {pct(result['intent_accuracy'])}")
        for f in result["failed"]:
            what = "action" if f["kind"] == "action_failed" else f["kind"]
            exp, got = (v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for v in (f["expected"], f["predicted"]))
            print(f"  FAILED {f['story']} ({f['source']}) step {f['step'] + 1}: expected {what} {exp}, predicted {got}"
                  + (f" ({f['reason']})" if f["reason"] else ""))
        print(f"report: {args.out}/{REPORT_FILE}, {args.out}/{FAILED_STORIES_FILE}")
    return 1 if args.fail_on_failure and result["failed"] else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    p = argparse.ArgumentParser(prog="assistant", description="Citizen assistant for government services.")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="run the web widget and REST channel")
    s.add_argument("--host", default=None)
    s.add_argument("--port", type=int, default=None)
    s.set_defaults(func=cmd_serve)

    a = sub.add_parser("ask", help="answer one question (or '-' for one per stdin line)")
    a.add_argument("question")
    a.add_argument("--json", action="store_true", help="print one JSON object per question")
    a.add_argument("--agency", action="append", default=None, metavar="AGENCY",
                   help="only documents of this agency or its sub-units ('서울특별시' matches '서울특별시 종로구'); repeatable")
    a.add_argument("--on", default=None, metavar="YYYY-MM-DD", help="only documents in effect on this date")
    a.add_argument("--doc-language", choices=["ko", "en"], default=None, help="only documents in this language")
    a.set_defaults(func=cmd_ask)

    c = sub.add_parser("chat", help="talk in the terminal")
    c.set_defaults(func=cmd_chat)

    t = sub.add_parser("train", help="train the intent classifier")
    t.add_argument("--project", type=Path, default=None, help="Rasa-style project dir (default: bundled intents/)")
    t.set_defaults(func=cmd_train)

    k = sub.add_parser("knowledge", help="manage the document corpus")
    ksub = k.add_subparsers(dest="knowledge_command", required=True)
    imp = ksub.add_parser("import", help="import documents (replaces the source's previous import)")
    imp.add_argument("kind", choices=["gov24", "dir"])
    imp.add_argument("path", type=Path)
    imp.add_argument("--source", default=None, help="source name for 'dir' (default: bundled for the bundled corpus folder, else dir:<abs path>)")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(func=cmd_import)
    st = ksub.add_parser("status", help="show the index and its sources")
    st.set_defaults(func=cmd_status)
    rt = ksub.add_parser("retract", help="remove documents from the store and the indexes (no re-import)")
    rt.add_argument("source", help="the source that owns them (see 'knowledge status')")
    rt.add_argument("doc_ids", nargs="*", metavar="DOC_ID", help="documents to retract (none: the whole source)")
    rt.add_argument("--restore", action="store_true", help="forget these retractions so a re-import brings them back")
    rt.set_defaults(func=cmd_retract)

    dt = sub.add_parser("data", help="check training data and domain")
    dsub = dt.add_subparsers(dest="data_command", required=True)
    val = dsub.add_parser("validate", help="report problems with file:line and a fix; exit 1 on errors")
    val.add_argument("--project", type=Path, default=None, help="Rasa project dir (default: bundled intents/)")
    val.add_argument("--json", action="store_true", help="print one JSON object {errors, warnings, issues}")
    val.set_defaults(func=cmd_validate)
    te = sub.add_parser("test", help="evaluate the NLU")
    tsub = te.add_subparsers(dest="test_command", required=True)
    tn = tsub.add_parser("nlu", help="intent and entity metrics on held-out data (--nlu) or by cross-validation")
    tn.add_argument("--project", type=Path, default=None, help="Rasa project dir (default: bundled intents/)")
    tn.add_argument("--nlu", type=Path, default=None, help="held-out test data (Rasa NLU YAML)")
    tn.add_argument("--cross-validation", type=int, default=None, metavar="N", help="stratified N-fold cross-validation instead")
    tn.add_argument("--out", type=Path, default=None, help="report folder (default: $ASSISTANT_HOME/results/nlu)")
    tn.add_argument("--json", action="store_true", help="print one JSON object")
    tn.add_argument("--retrain", action="store_true",
                    help="with --nlu: train in memory even when a model trained on this project as it is now exists")
    tn.set_defaults(func=cmd_test_nlu)
    t2 = tsub.add_parser("e2e", help="run Rasa end-to-end test stories through the dialogue engine")
    t2.add_argument("path", type=Path, help="a test-story file (Rasa 3.x 'stories:') or a folder of them")
    t2.add_argument("--project", type=Path, default=None, help="Rasa project the stories test (default: bundled intents/)")
    t2.add_argument("--out", type=Path, default=Path("results"), help="report folder (default: results/)")
    t2.add_argument("--json", action="store_true", help="print one JSON object")
    t2.add_argument("--fail-on-failure", action="store_true", help="exit with 1 when any story fails")
    t2.add_argument("--forced", action="store_true",
                    help="score as 'rasa test' does: each prediction on the story's own history, no action runs")
    t2.set_defaults(func=cmd_test_e2e)

    e = sub.add_parser("eligibility", help="benefit eligibility from the catalogue's coded conditions")
    esub = e.add_subparsers(dest="eligibility_command", required=True)
    ec = esub.add_parser("check", help="judge a person's facts (JSON object) against the catalogue")
    ec.add_argument("--facts", type=Path, required=True, help="JSON file: {\"age\": 34, \"sex\": \"female\", ...}")
    ec.add_argument("--service", action="append", default=None, metavar="ID", help="only this 서비스ID (repeatable)")
    ec.add_argument("--json", action="store_true", help="print a JSON list of results")
    ec.add_argument("--url", default=None, help="ask this eligibility service over HTTP instead of evaluating in-process")
    ec.set_defaults(func=cmd_eligibility)
    al = sub.add_parser("alerts", help="benefit alerts")
    alsub = al.add_subparsers(dest="alerts_command", required=True)
    ar = alsub.add_parser("run", help="re-evaluate all subscriptions once and deliver due notifications")
    ar.add_argument("--json", action="store_true", help="print the counts as JSON")
    ar.add_argument("--server", default=None, metavar="URL",
                    help="run the round in this assistant server (POST URL/connectors/alerts/run, admin token "
                         "ASSISTANT_API_TOKEN), which pushes new matches into conversations; default ASSISTANT_ALERTS_URL, "
                         "else in this process")
    ar.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the server's round (default 300)")
    ar.set_defaults(func=cmd_alerts_run)
    tr = sub.add_parser("trackers", help="the tracker store")
    trsub = tr.add_subparsers(dest="trackers_command", required=True)
    tm = trsub.add_parser("mask", help="mask personal data in conversations stored before masking at rest")
    tm.add_argument("--json", action="store_true", help="print the counts as JSON")
    tm.set_defaults(func=cmd_trackers_mask)
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``assistant`` console script."""
    args = build_parser().parse_args(argv)
    try:
        configure_logging(args.verbose, get_settings().log_format)
        return int(args.func(args) or 0)
    except AssistantError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except ValidationError as e:  # an ASSISTANT_* environment variable with a bad value
        bad = "; ".join(f"ASSISTANT_{'_'.join(map(str, err['loc'])).upper()}: {err['msg']}" for err in e.errors())
        print(f"error: invalid setting: {bad}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # pragma: no cover - e.g. piped into head
        return 0


if __name__ == "__main__":
    raise SystemExit(main())

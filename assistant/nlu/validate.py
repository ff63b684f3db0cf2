"""``assistant data validate``: problems in a Rasa project, each with file, line and a fix.

Checks (errors unless marked *warning*): YAML syntax and duplicate keys;
annotation syntax and boundaries (:mod:`assistant.nlu.boundaries`); annotations that a built-in entity
overlaps and always wins over (*warning*: ``[50](income_pct)%`` beside the ``percentage`` "50%"); entities,
roles (*warning*), intents, slots, actions and loops used but not declared in
the domain; intents without examples or examples of undeclared intents
(*warning*); the same example under two intents; responses used by rules,
stories, forms or the ``actions`` list that are not defined; form slots not
declared; slot mappings from unknown entities; malformed slots; regexes that do
not compile; empty lookup tables. The spirit is Rasa's ``rasa data validate``
(``rasa/validator.py``), with Korean morpheme boundaries added.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from collections.abc import Sequence
from typing import Any

from assistant.nlu.boundaries import BoundaryChecker
from assistant.nlu.domain import MAPPING_TYPES, SLOT_TYPES, ResponseVariant, SlotMapping
from assistant.nlu.project import Project, load_project
from assistant.nlu.stories import ActionStep, ActiveLoopStep, IntentStep, OrStep, SlotWasSetStep, Step
from assistant.nlu.types import EntitySpan
from assistant.nlu.yaml_io import Issue, Reporter

__all__ = ["DEFAULT_ACTIONS", "DEFAULT_INTENTS", "format_report", "validate_project"]

#: Rasa 3.x default intents and actions (rasa/shared/core/constants.py): always available.
DEFAULT_INTENTS = frozenset({"restart", "back", "out_of_scope", "session_start", "nlu_fallback"})
DEFAULT_ACTIONS = frozenset({
    "action_listen", "action_restart", "action_session_start", "action_default_fallback", "action_deactivate_loop",
    "action_revert_fallback_events", "action_default_ask_affirmation", "action_default_ask_rephrase",
    "action_two_stage_fallback", "action_unlikely_intent", "action_back", "action_extract_slots",
})


def _markup(span: EntitySpan) -> str:
    if span.role is None and span.group is None and span.value == span.text:
        return f"({span.entity})"
    d: dict[str, Any] = {"entity": span.entity}
    if span.value != span.text:
        d["value"] = span.value
    if span.role is not None:
        d["role"] = span.role
    if span.group is not None:
        d["group"] = span.group
    return json.dumps(d, ensure_ascii=False)


def _render(text: str, s: int, e: int, lo: int, hi: int, markup: str) -> str:
    return f"{text[lo:s]}[{text[s:e]}]{markup}{text[e:hi]}"


def _check_annotations(project: Project, reporter: Reporter, checker: BoundaryChecker) -> None:
    for ex in project.nlu.examples:
        if not ex.entities:
            continue
        tokens = checker.tokenize(ex.text)
        for span in ex.entities:
            problem = checker.check(ex.text, span, tokens)
            if problem is None:
                continue
            lo, hi = min(span.start, problem.start), max(span.end, problem.end)
            markup = _markup(span)
            bad = _render(ex.text, span.start, span.end, lo, hi, markup)
            good = _render(ex.text, problem.start, problem.end, lo, hi, markup)
            reporter.error("annotation-boundary", f"intent {ex.intent!r}, example {ex.text!r}: annotation {bad!r}: {problem.reason}",
                           ex.source, f"write {good} instead of {bad}")


def _check_builtin_spans(project: Project, reporter: Reporter, checker: BoundaryChecker) -> None:
    """*Warning* ``annotation-builtin-span``: an annotation that a built-in entity (numbers, percentages, money, ages,
    dates: the ``duckling`` extractors) overlaps with another span or name, at least as long. The pipeline keeps the
    longer span, the built-in one on a tie (:mod:`assistant.nlu.entities.pipeline`), so such an annotation is never
    predicted as written and ``assistant test nlu`` counts the built-in extraction as wrong: ``[50](income_pct)%``
    beside the ``percentage`` "50%". Rasa's convention for a pretrained extractor's dimension is to map the slot from
    it (``from_entity: amount-of-money``) and, where it is annotated, to annotate its whole surface (Duckling's span
    includes the unit, "$50"); the fix says so."""
    from assistant.nlu.entities.pipeline import EntityPipeline, EntityPipelineConfig

    builtin: EntityPipeline | None = None
    for ex in project.nlu.examples:
        if not ex.entities:
            continue
        if builtin is None:
            builtin = EntityPipeline(EntityPipelineConfig(extractors=["duckling"]))
        found = builtin.extract(ex.text, checker.tokenize(ex.text))
        for span in ex.entities:
            for b in found:
                if b.end <= span.start or span.end <= b.start or (b.start, b.end, b.entity) == (span.start, span.end, span.entity):
                    continue
                if b.end - b.start < span.end - span.start:
                    continue
                lo, hi = min(span.start, b.start), max(span.end, b.end)
                bad = _render(ex.text, span.start, span.end, lo, hi, _markup(span))
                good = _render(ex.text, b.start, b.end, lo, hi, f"({b.entity})")
                reporter.warning("annotation-builtin-span",
                                 f"intent {ex.intent!r}, example {ex.text!r}: annotation {bad!r} overlaps the built-in "
                                 f"{b.entity!r} entity {b.text!r}, which the pipeline keeps instead (the longer span, or "
                                 "the built-in one on a tie): the annotation is never predicted as written",
                                 ex.source, f"write {good} and map the slot from_entity {b.entity!r}")
                break


def _check_declarations(project: Project, reporter: Reporter) -> None:
    d = project.domain
    first: dict[str, str | None] = {}
    for ex in project.nlu.examples:
        for span in ex.entities:
            first.setdefault(f"entity:{span.entity}", ex.source)
            edef = d.entity_defs.get(span.entity)
            if edef is None:
                continue
            for kind, val, allowed in (("role", span.role, edef.roles), ("group", span.group, edef.groups)):
                if val is not None and val not in allowed and f"{kind}:{span.entity}:{val}" not in first:
                    first[f"{kind}:{span.entity}:{val}"] = ex.source
                    reporter.warning("entity-role-undeclared", f"entity {span.entity!r} is annotated with {kind} {val!r}, not declared in the domain",
                                     ex.source, f"declare it: entities: - {span.entity}: {{{kind}s: [{val}]}}")
    for key, src in first.items():
        if key.startswith("entity:") and key[7:] not in d.entity_defs:
            reporter.error("entity-undeclared", f"entity {key[7:]!r} is annotated in the NLU data but not declared in the domain", src,
                           f"add '- {key[7:]}' under entities: in the domain")
    nlu_intents: dict[str, str | None] = {}
    for ex in project.nlu.examples:
        nlu_intents.setdefault(ex.intent.split("/")[0], ex.source)
    for name, src in nlu_intents.items():
        if name not in d.intent_defs:
            reporter.warning("intent-undeclared", f"intent {name!r} has NLU examples but is not in the domain", src,
                             f"add '- {name}' under intents: in the domain (or remove its examples)")
    for name, idef in d.intent_defs.items():
        if name not in nlu_intents and name not in DEFAULT_INTENTS:
            reporter.warning("intent-no-examples", f"intent {name!r} is in the domain but has no NLU examples", idef.source,
                             f"add examples under '- intent: {name}' (or remove it from the domain)")


def _check_duplicates(project: Project, reporter: Reporter) -> None:
    """Conflicts: the same text (case and spacing ignored, as a lower-casing featurizer sees it) under two
    intents, reported once with each intent named once and each of its places (``file:line``) listed after it,
    and a fix naming the intents to choose from ("rasa nlu" three times under enter_data and once under nlu_info
    was "under 2 intents: enter_data (…), enter_data (…), enter_data (…), nlu_info (…)", fresh-user s10 #6).
    Repeats: the exact same text twice under one intent (case variants are
    often deliberate)."""
    seen: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for ex in project.nlu.examples:
        spaced = " ".join(ex.text.split())
        seen[spaced.casefold()].append((ex.intent, spaced, ex.source))
    for where in seen.values():
        by_intent: dict[str, list[str | None]] = defaultdict(list)
        for intent, _, src in where:
            by_intent[intent].append(src)
        text = where[0][1]
        if len(by_intent) > 1:
            places = "; ".join(f"{i} ({', '.join(str(s) for s in srcs)})" for i, srcs in by_intent.items())
            variants = sorted({t for _, t, _ in where} - {text})
            also = f" (also written {', '.join(map(repr, variants))})" if variants else ""
            fix = (f"keep {text!r} under the one intent it means ({' or '.join(by_intent)}); delete or reword it at the "
                   "other intents' lines")
            reporter.error("example-conflict", f"example {text!r}{also} is under {len(by_intent)} intents: {places}",
                           where[0][2], fix)
            continue
        exact: dict[str, list[str | None]] = defaultdict(list)
        for _, spaced, src in where:
            exact[spaced].append(src)
        for spaced, srcs in exact.items():
            if len(srcs) > 1:
                reporter.warning("example-duplicate", f"example {spaced!r} appears {len(srcs)} times under {where[0][0]!r}: "
                                 + ", ".join(str(s) for s in srcs), srcs[1],
                                 f"keep the first ({srcs[0]}); delete the repeat{'s' * (len(srcs) > 2)} at "
                                 + ", ".join(str(s) for s in srcs[1:]))


def _walk(steps: tuple[Step, ...]) -> list[Step]:
    out: list[Step] = []
    for s in steps:
        out.append(s)
        if isinstance(s, OrStep):
            out.extend(s.alternatives)
    return out


def _has_response(project: Project, name: str) -> bool:
    return name in project.domain.response_variants or any(r.startswith(name + "/") for r in project.domain.response_variants)


def _check_dialogue(project: Project, reporter: Reporter) -> None:
    d = project.domain
    known_actions = set(d.actions) | set(d.forms) | DEFAULT_ACTIONS
    reported: set[tuple[str, str]] = set()

    def once(code: str, key: str, message: str, src: str | None, fix: str) -> None:
        if (code, key) not in reported:
            reported.add((code, key))
            reporter.error(code, message, src, fix)

    blocks = [(s.steps, f"story {s.name!r}") for s in project.stories]
    blocks += [(r.condition + r.steps, f"rule {r.name!r}") for r in project.rules]
    for steps, owner in blocks:
        for step in _walk(steps):
            if isinstance(step, ActionStep) and step.action:
                a = step.action
                if a.startswith("utter_") and not _has_response(project, a):
                    once("response-missing", a, f"{owner} uses {a!r}, which has no response in the domain", step.source,
                         f"add a response '{a}:' with at least one '- text:' variant under responses:")
                elif not a.startswith("utter_") and a not in known_actions:
                    once("action-undeclared", a, f"{owner} uses action {a!r}, not listed in the domain", step.source,
                         f"add '- {a}' under actions: in the domain")
            elif isinstance(step, IntentStep) and step.intent and step.intent.split("/")[0] not in d.intent_defs \
                    and step.intent.split("/")[0] not in DEFAULT_INTENTS:  # nlu_fallback etc. are always available
                once("intent-undeclared", step.intent, f"{owner} uses intent {step.intent!r}, not declared in the domain", step.source,
                     f"add '- {step.intent.split('/')[0]}' under intents: in the domain")
            elif isinstance(step, SlotWasSetStep):
                for sv in step.slots:
                    if sv.slot not in d.slots and sv.slot != "requested_slot":
                        once("slot-undeclared", sv.slot, f"{owner} sets slot {sv.slot!r}, not declared in the domain", step.source,
                             f"declare it under slots: ({sv.slot}: {{type: any, mappings: [{{type: custom}}]}})")
            elif isinstance(step, ActiveLoopStep) and step.name and step.name not in known_actions:
                once("loop-undeclared", step.name, f"{owner} has active_loop {step.name!r}, which is no form or action in the domain", step.source,
                     f"declare the form {step.name!r} under forms:")
            if isinstance(step, IntentStep):
                for ent in step.entities:
                    if ent.entity not in d.entity_defs:
                        once("entity-undeclared", ent.entity, f"{owner} uses entity {ent.entity!r}, not declared in the domain", step.source,
                             f"add '- {ent.entity}' under entities: in the domain")
    for a in d.actions:
        if a.startswith("utter_") and not _has_response(project, a):
            once("response-missing", a, f"action {a!r} is listed under actions but has no response", d.sources.get(f"action:{a}"),
                 f"add a response '{a}:' under responses: (or remove it from actions:)")


def _check_mapping(project: Project, reporter: Reporter, slot: str, m: SlotMapping) -> None:
    d = project.domain
    if m.type not in MAPPING_TYPES:
        reporter.error("slot-mapping", f"slot {slot!r}: mapping type {m.type!r} is not one of {sorted(MAPPING_TYPES)}", m.source)
    if m.type == "from_entity":
        if not m.entity:
            reporter.error("slot-mapping", f"slot {slot!r}: a from_entity mapping needs 'entity'", m.source)
        elif m.entity not in d.entity_defs:
            reporter.error("slot-mapping-entity", f"slot {slot!r} is filled from entity {m.entity!r}, which is not declared in the domain",
                           m.source, f"add '- {m.entity}' under entities: (or map the slot from a declared entity)")
    for i in (*m.intent, *m.not_intent):
        if i.split("/")[0] not in d.intent_defs and i not in d.forms:
            reporter.warning("slot-mapping-intent", f"slot {slot!r}: mapping names intent {i!r}, not declared in the domain", m.source)


def _check_slots_forms(project: Project, reporter: Reporter) -> None:
    d = project.domain
    for slot in d.slots.values():
        base = slot.type.split(".")[-1]
        if slot.type not in SLOT_TYPES and "." not in slot.type:
            reporter.error("slot-type", f"slot {slot.name!r} has type {slot.type!r}", slot.source, f"use one of {sorted(SLOT_TYPES)} or a custom slot class path")
        if base == "categorical" and not slot.values:
            reporter.error("slot-values", f"categorical slot {slot.name!r} lists no values", slot.source, "add values: [...]")
        if not slot.mappings:
            reporter.warning("slot-no-mappings", f"slot {slot.name!r} has no mappings (Rasa 3 requires them)", slot.source,
                             "add 'mappings: [{type: custom}]' (or from_entity/from_text ...)")
        for m in slot.mappings:
            _check_mapping(project, reporter, slot.name, m)
    for form in d.forms.values():
        for s in form.required_slots:
            if s not in d.slots:
                reporter.error("form-slot-undeclared", f"form {form.name!r} requires slot {s!r}, which is not declared under slots", form.source,
                               f"declare it: slots: {s}: {{type: text, mappings: [{{type: from_text}}]}}")
            asks = (f"utter_ask_{form.name}_{s}", f"utter_ask_{s}")
            if not any(_has_response(project, a) for a in asks) and not any(
                a in d.actions for a in (f"action_ask_{form.name}_{s}", f"action_ask_{s}")
            ):
                reporter.error("response-missing", f"form {form.name!r} cannot ask for slot {s!r}: no response {asks[0]!r} or {asks[1]!r}",
                               form.source, f"add a response '{asks[1]}:' with a question, or an action 'action_ask_{s}'")
        for s, mappings in form.legacy_mappings.items():
            for m in mappings:
                _check_mapping(project, reporter, s, m)
    for name, variants in d.response_variants.items():
        for v in variants:
            for c in v.condition:
                if c.get("type", "slot") == "slot" and str(c.get("name")) not in d.slots:
                    reporter.error("response-condition", f"response {name!r}: condition on slot {c.get('name')!r}, not declared in the domain",
                                   v.source, "declare the slot or fix the condition's name")
        _check_response_buttons(reporter, name, variants)


def _check_response_buttons(reporter: Reporter, name: str, variants: Sequence[ResponseVariant]) -> None:
    """Warn about a variant that offers other buttons than its siblings (same channel).

    A conditional variant (for a language, or for whom a question is about) that lacks the buttons the others offer
    makes the same question answerable by a click in one case and not in another; seen in s15 on the parent variants
    of eight yes/no questions. Variants for a named channel are compared only with variants for that channel.
    """
    by_channel: dict[str | None, list[ResponseVariant]] = {}
    for v in variants:
        by_channel.setdefault(v.channel, []).append(v)
    for group in by_channel.values():
        payloads = [tuple(str(b.get("payload")) for b in (v.data.get("buttons") or []) if isinstance(b, dict)) for v in group]
        if len(set(payloads)) <= 1:
            continue
        common = max(set(payloads), key=payloads.count)
        for v, p in zip(group, payloads, strict=True):
            if p != common:
                reporter.warning("response-buttons", f"response {name!r}: this variant offers buttons {list(p)} where the "
                                 f"other variants offer {list(common)}", v.source,
                                 "give every variant of the response the same buttons (titles in its own language)")


def validate_project(root: Path, checker: BoundaryChecker | None = None) -> list[Issue]:
    """Every problem found in the Rasa project at ``root`` (see the module docstring).

    Args:
        root: a project folder (``domain.yml`` + ``data/``) or our ``intents/`` folder.
        checker: a boundary checker to reuse (it holds the kiwipiepy model).

    Returns:
        Issues in the order found: loading problems first, then each check.

    Raises:
        InvalidConfigError: ``root`` is not a folder.
    """
    reporter = Reporter(collect=True)
    project = load_project(root, reporter)
    checker = checker or BoundaryChecker()
    _check_annotations(project, reporter, checker)
    _check_builtin_spans(project, reporter, checker)
    _check_declarations(project, reporter)
    _check_duplicates(project, reporter)
    _check_dialogue(project, reporter)
    _check_slots_forms(project, reporter)
    return reporter.issues


def format_report(issues: list[Issue], as_json: bool = False) -> str:
    """Human-readable lines (one issue each, with its fix) and a summary; or one JSON object.

    JSON shape: ``{"errors": int, "warnings": int, "issues": [{"level", "code", "message", "source", "fix"}]}``.
    """
    errors = sum(i.level == "error" for i in issues)
    warnings = len(issues) - errors
    if as_json:
        return json.dumps({"errors": errors, "warnings": warnings, "issues": [i.to_json() for i in issues]}, ensure_ascii=False, indent=2)
    lines = [i.format() for i in issues]
    lines.append(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")
    return "\n".join(lines)


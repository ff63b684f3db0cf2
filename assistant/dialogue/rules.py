"""Rule matching for the RulePolicy (rules.yml in Rasa 3.x format).

A rule's steps are a sequence of *tokens*, user turns (``intent``, or an
``or`` of intents, with optional ``entities``) and ``action`` steps, with
``slot_was_set`` / ``active_loop`` steps checked in the gap after the token
before them. The conversation since its latest restart or session start
(``tracker.applied_events()``) is read the same way: one token per user
message and per action other than ``action_listen``/``action_session_start``.

The rule predicts its action ``k`` when its first ``k`` tokens equal the
conversation's last ``k`` tokens (and the gap checks hold, and its
``condition`` holds where the match starts); when every token matched and the
rule waits for user input (the default), it predicts ``action_listen``; so does a
match that ends on an action followed by the rule's next user turn. The
longest match wins, then the one with more conditions (Rasa prefers the more
specific rule); remaining ties go to the first rule in the file. ``conversation_start`` rules match only at the start.
A rule that starts with a state step before its first action (``- active_loop: null`` then
``- action: submit``) predicts that action right after the action that brought the state about.
A rule that starts with an action and its own ``active_loop`` step (``- action: f``, ``- active_loop: null``)
no longer checks its condition's loop once the conversation recorded that change (Rasa's rule keys; see
:func:`_live_condition`).
A user message below ``intent_threshold`` reads as ``nlu_fallback`` (Rasa's
FallbackClassifier), so rules never fire on a guess. A user turn closed by ``action_confirm_again`` (a question
answered while a confirmation was pending) is not read at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.dialogue.events import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from assistant.dialogue.tracker import DialogueStateTracker
from assistant.nlu.stories import ActionStep, ActiveLoopStep, IntentStep, OrStep, Rule, SlotWasSetStep, Step

NLU_FALLBACK = "nlu_fallback"
#: Asks a pending confirmation again after a question was answered in between
#: (:mod:`assistant.dialogue.confirmation`): the user turn it closes, and that turn's actions, are not tokens.
CONFIRM_AGAIN = "action_confirm_again"
#: Says the bot's last turn again ("다시 말해줘"): the dialogue's state is as before it (:func:`conversation_tokens`).
REPEAT_ACTION = "action_repeat"
_SKIPPED_ACTIONS = frozenset({ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME, "action_extract_slots"})


@dataclass(frozen=True)
class _Tok:
    kind: str  # "intent" | "action"
    names: frozenset[str]
    entities: tuple[Any, ...] = ()
    checks: tuple[Step, ...] = ()  # slot_was_set / active_loop steps after this token
    text: str | None = None


@dataclass(frozen=True)
class _Seen:
    kind: str
    name: str
    index: int  # position in the applied events
    entities: tuple[dict[str, Any], ...] = ()
    text: str | None = None


#: ``id(steps) → (steps, lead, tokens)``: a rule's tokens, read once (the policy matched every rule each turn and read
#: each rule's steps again every time, ~2 ms a turn on the bundled rules). The entry keeps ``steps`` alive and is used
#: only while it is the same object, so an id reused by another tuple never reads a stale entry.
_TOKENS: dict[int, tuple[tuple[Step, ...], tuple[Step, ...], tuple[_Tok, ...]]] = {}
_TOKENS_MAX = 4096


def _rule_tokens(steps: tuple[Step, ...]) -> tuple[tuple[Step, ...], tuple[_Tok, ...]]:
    """``(the state steps before the first token, the tokens)`` of a rule's ``steps`` (cached by identity)."""
    hit = _TOKENS.get(id(steps))
    if hit is not None and hit[0] is steps:
        return hit[1], hit[2]
    lead, toks = _read_tokens(steps)
    if len(_TOKENS) >= _TOKENS_MAX:  # rules of many reloaded models: start again rather than grow
        _TOKENS.clear()
    _TOKENS[id(steps)] = (steps, lead, toks)
    return lead, toks


def _read_tokens(steps: tuple[Step, ...]) -> tuple[tuple[Step, ...], tuple[_Tok, ...]]:
    lead: list[Step] = []
    toks: list[_Tok] = []
    for s in steps:
        if isinstance(s, IntentStep):
            toks.append(_Tok("intent", frozenset({s.intent}) if s.intent else frozenset(), s.entities, (), s.user))
        elif isinstance(s, OrStep):
            intents = frozenset(a.intent for a in s.alternatives if isinstance(a, IntentStep) and a.intent)
            toks.append(_Tok("intent", intents))
        elif isinstance(s, ActionStep) and s.action:
            toks.append(_Tok("action", frozenset({s.action})))
        elif isinstance(s, SlotWasSetStep | ActiveLoopStep):
            if toks:
                last = toks[-1]
                toks[-1] = _Tok(last.kind, last.names, last.entities, (*last.checks, s), last.text)
            else:
                lead.append(s)
    return tuple(lead), tuple(toks)


def conversation_tokens(events: list[Event], intent_threshold: float) -> list[_Seen]:
    """The user turns and actions of ``events`` (applied events) as rule tokens."""
    out: list[_Seen] = []
    for i, e in enumerate(events):
        if isinstance(e, UserUttered):
            conf = float(e.intent.get("confidence") or 0.0)
            name = e.intent_name if e.intent_name and conf >= intent_threshold else NLU_FALLBACK
            out.append(_Seen("intent", name, i, tuple(e.entities), e.text))
        elif isinstance(e, ActionExecuted) and e.action_name in (CONFIRM_AGAIN, REPEAT_ACTION):
            # a digression, or "다시 말해줘" that said the last turn again (s45 probe: a yes to the repeated "이대로
            # 신청을 접수할까요?" was "기다리는 요청이 없어요"): drop its user turn and what answered it, as if the
            # question had just been asked
            while out and out[-1].kind == "action":
                out.pop()
            if out:
                out.pop()
        elif isinstance(e, ActionExecuted) and e.action_name and e.action_name not in _SKIPPED_ACTIONS:
            out.append(_Seen("action", e.action_name, i))
    return out


def _entities_match(wanted: tuple[Any, ...], got: tuple[dict[str, Any], ...]) -> bool:
    for w in wanted:
        if not any(g.get("entity") == w.entity and (w.any_value or g.get("value") == w.value)
                   and (w.role is None or g.get("role") == w.role) for g in got):
            return False
    return True


def _tok_matches(t: _Tok, s: _Seen) -> bool:
    if t.kind != s.kind:
        return False
    if t.kind == "intent" and not t.names and t.text is not None:
        return t.text == s.text
    return s.name in t.names and (t.kind == "action" or _entities_match(t.entities, s.entities))


def _state_at(events: list[Event], end: int) -> tuple[dict[str, Any], str | None]:
    slots: dict[str, Any] = {}
    loop: str | None = None
    for e in events[:end]:
        if isinstance(e, SlotSet):
            slots[e.name] = e.value
        elif isinstance(e, ActiveLoop):
            loop = e.name
    return slots, loop


def _check(step: Step, gap: list[Event], state: tuple[dict[str, Any], str | None] | None) -> bool:
    """A slot_was_set / active_loop step holds at the end of ``gap`` (or, for the last gap when the gap
    does not set it, in the current ``state``). As in Rasa, which compares states, not events: a form
    that activates and ends in the same run (``active_loop: f`` then ``active_loop: null``) is not active."""
    if isinstance(step, ActiveLoopStep):
        loops = [e for e in gap if isinstance(e, ActiveLoop)]
        if loops:
            return loops[-1].name == step.name
        return state is not None and state[1] == step.name
    if isinstance(step, SlotWasSetStep):
        for sv in step.slots:
            sets = [e for e in gap if isinstance(e, SlotSet) and e.name == sv.slot]
            ok = bool(sets) and (sets[-1].value == sv.value or (sv.any_value and sets[-1].value is not None))
            if not sets and state is not None:
                cur = state[0].get(sv.slot)
                ok = cur == sv.value or (sv.any_value and cur is not None)
            if not ok:
                return False
    return True


def _condition_holds(condition: tuple[Step, ...], events: list[Event], start: int, first_gap: list[Event]) -> bool:
    slots, loop = _state_at(events, start)
    for c in condition:
        # a form that activates in the rule's first action counts as active (it may finish in the same run)
        if isinstance(c, ActiveLoopStep) and loop != c.name and not (
            c.name and isinstance(events[start], ActionExecuted) and any(isinstance(e, ActiveLoop) and e.name == c.name for e in first_gap)
        ):
            return False
        if isinstance(c, SlotWasSetStep):
            for sv in c.slots:
                cur = slots.get(sv.slot)
                if not (cur == sv.value or (sv.any_value and cur is not None)):
                    return False
    return True


@dataclass(frozen=True)
class RuleMatch:
    """A prediction: the next ``action`` (``action_listen`` when the rule is done) and the rule."""

    action: str | None
    rule: str
    length: int
    conditions: int = 0
    complete: bool = True  # False while the rule has steps left (its next user turn, for an action_listen)
    loops: frozenset[str] = frozenset()  # the forms its ``condition`` names (``active_loop: f``)


def match_rules(rules: list[Rule], tracker: DialogueStateTracker, intent_threshold: float) -> RuleMatch | None:
    """The best rule prediction for the tracker's current state, or None.

    ``action`` is None for a rule that matched completely and does not wait for
    user input (``wait_for_user_input: false``): other policies decide next.
    """
    events = tracker.applied_events()
    seen = conversation_tokens(events, intent_threshold)
    best: RuleMatch | None = None
    for rule in rules:
        lead, toks = _rule_tokens(rule.steps)
        for k in range(len(toks), 0, -1):
            if k < len(toks) and toks[k].kind != "action" and toks[k - 1].kind != "action":
                continue
            spec = len(rule.condition) + len(lead)
            if k > len(seen) or (best is not None and (k, spec) <= (best.length, best.conditions)):
                continue
            tail = seen[len(seen) - k :]
            if rule.conversation_start and len(seen) != k:
                continue
            if not all(_tok_matches(t, s) for t, s in zip(toks[:k], tail, strict=True)):
                continue
            ends = [s.index for s in tail[1:]] + [len(events)]
            cur = _state_at(events, len(events))
            if not all(_check(c, events[s.index + 1 : end], cur if j == k - 1 else None)
                       for j, (t, s, end) in enumerate(zip(toks[:k], tail, ends, strict=True)) for c in t.checks):
                continue
            first_gap = events[tail[0].index + 1 : ends[0]]
            if not _condition_holds(_live_condition(rule, toks[0], first_gap) + lead, events, tail[0].index, first_gap):
                continue
            if k == len(toks):
                if toks[-1].kind != "action":
                    continue
                action = ACTION_LISTEN_NAME if rule.wait_for_user_input else None
            elif toks[k].kind != "action":
                action = ACTION_LISTEN_NAME  # the rule's user turn comes next (Rasa's implicit action_listen)
            else:
                action = next(iter(toks[k].names))
            best = RuleMatch(action, rule.name, k, spec, k == len(toks), _condition_loops(rule))
            break
        if best is None and lead and toks and toks[0].kind == "action":
            action = _lead_state_match(rule, lead, toks, events, seen)
            if action is not None:
                best = RuleMatch(action, rule.name, 0, len(rule.condition) + len(lead), False, _condition_loops(rule))
    return best


def _live_condition(rule: Rule, first: _Tok, first_gap: list[Event]) -> tuple[Step, ...]:
    """The rule's ``condition`` as Rasa's RulePolicy still checks it after the rule's first token.

    Rasa keys a rule by the states from its first step on; a condition is part of a state only while no step of the
    rule has replaced it. A rule that starts with an action followed by its own ``- active_loop: ...`` (Rasa's
    "submit" rule: ``condition: active_loop: f``, ``- action: f``, ``- active_loop: null``, ``- action: submit``)
    is stored as ``[{prev_action: f, active_loop: should_not_be_set}] -> submit``: the condition's loop is in none
    of its states (read from the lookup of a RulePolicy trained by Rasa 3.6.20 on Sara's rules), so the submit
    follows ``f`` ending even where the loop was never recorded active (a test story that writes the form as
    ``- action: f`` / ``- active_loop: null``, replayed as ``rasa test`` does). Here that holds only when the
    conversation recorded the loop change right after the action (an ``ActiveLoop`` event in ``first_gap``, which
    the rule's own step then matched); otherwise the condition's loop must hold where the rule starts.
    """
    if first.kind == "action" and any(isinstance(c, ActiveLoopStep) for c in first.checks) and any(
            isinstance(e, ActiveLoop) for e in first_gap):
        return tuple(c for c in rule.condition if not isinstance(c, ActiveLoopStep))
    return rule.condition


def _condition_loops(rule: Rule) -> frozenset[str]:
    return frozenset(c.name for c in rule.condition if isinstance(c, ActiveLoopStep) and c.name)


def _lead_state_match(rule: Rule, lead: tuple[Step, ...], toks: tuple[_Tok, ...], events: list[Event], seen: list[_Seen]) -> str | None:
    """A rule that starts with a state (``- active_loop: null`` / ``- slot_was_set``) before its first action
    (Rasa: "when the form is done, submit"): its first action, when the latest action just brought that
    state about and the rule's condition held where that action started. Lowest precedence (no token matched)."""
    if not seen or seen[-1].kind != "action":
        return None
    start = seen[-1].index
    gap = events[start + 1 :]
    for c in lead:
        changed = any(isinstance(e, ActiveLoop) for e in gap) if isinstance(c, ActiveLoopStep) else any(
            isinstance(e, SlotSet) and e.name in {v.slot for v in c.slots} for e in gap) if isinstance(c, SlotWasSetStep) else False
        if not changed or not _check(c, gap, _state_at(events, len(events))):
            return None
    if not _condition_holds(rule.condition, events, start, gap):
        return None
    return next(iter(toks[0].names))

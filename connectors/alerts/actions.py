"""Benefit-alert conversation actions: consent to alerts, stop them, and hear them at the next visit (issue #5).

Connector actions in ``rasa_sdk``'s shape (see :mod:`assistant.dialogue.sdk`), run in-process or behind
``python -m connectors``; they reach the alert API only through :class:`~connectors.alerts.client.AlertsClient`.

================================= ============================== =================================================
action                            runs after (intents/rules.yml) does
================================= ============================== =================================================
``action_offer_alerts``           ``subscribe_alerts``           shows the facts that would be stored (the
                                                                 conversation's fact slots), the purpose, how the
                                                                 alerts arrive and how to stop them; asks yes/no.
                                                                 Without facts: says so and offers the check,
                                                                 and sets ``alerts_requested``: after the
                                                                 check's results (``action_check_eligibility``)
                                                                 this offer runs again, with the facts
``action_subscribe_alerts``       that, then ``affirm``          subscribes (channel ``conversation``, the
                                                                 sealed address of this conversation) with the text
                                                                 shown as the consent record; sets
                                                                 ``alerts_subscribed``
``action_offer_unsubscribe_alerts`` ``unsubscribe_alerts``       asks once whether to stop (and delete the facts);
                                  (also while the eligibility    an active form pauses for the answer and asks
                                  form asks)                     again after the yes or no
``action_unsubscribe_alerts``     that, then ``affirm``          deletes the subscription
``action_alerts_declined``        either ask, then ``deny``      nothing is stored or deleted (and says so)
                                  (or a second unsure yes)
``action_alerts_after_questions`` ``subscribe_alerts`` while the  says the alerts are offered with the results;
                                  eligibility form asks          sets ``alerts_requested``
``action_deliver_alerts``         ``greet`` → ``utter_greet``    the pending notifications, each service with
                                  while ``alerts_subscribed``;   its title and gov.kr URL (marked delivered
                                                                 once the turn is kept: at least once)
                                  ``alerts_new`` (a run found
                                  new services: pushed)
================================= ============================== =================================================

Only a confident yes (``settings.consent_affirm_threshold``, :mod:`connectors.consent`) subscribes or
unsubscribes: an unsure affirm (👍 at 0.499) is asked once for a clear yes or no (the offer stands), and a
second unsure one is a no.

When the alerts are delivered: at once, when the run that found them happens in ``assistant serve``: the
``conversation`` channel's notifier wakes this conversation with the intent ``alerts_new``
(:mod:`connectors.alerts.conversation`), and the turn's messages go to the conversation's proactive channel (the
widget shows them as soon as it opens or polls; a messaging app's channel sends them). Otherwise (a run from
cron in another process, an assistant that was down) the assistant reads the inbox when the citizen comes back. The trigger is a rule, conditioned on the slot
``alerts_subscribed`` (carried over to new sessions by the domain's ``session_config``), that runs
``action_deliver_alerts`` after ``utter_greet``. Not ``action_session_start``: it is a built-in of the engine
(:class:`assistant.dialogue.builtin_actions.ActionSessionStart`) that a connector cannot extend, and it runs
before the citizen says anything, so its messages would precede the greeting. Conversations of citizens who never
subscribed make no call to the alert API, and the engine's existing greet stories are unchanged.
A return visit that does not start with a greeting hears its alerts at the next greeting.

The subscriber id is ``"al:" +`` the hex HMAC-SHA256 (RFC 2104) of ``"alerts:" + sender_id`` under the
deployment secret (:func:`connectors.tasks.auth.deployment_secret`): the raw sender id (a chat id, a phone
number) never reaches the alert store, and the id differs from the task back end's applicant key (same secret,
other message), so the alert store's ids unlock nothing there.

Faults: an alert API that is down, slow or answers garbage gets :func:`~connectors.resilience.failure_reply`'s
polite text with a handoff button when the citizen asked for something (subscribe, unsubscribe); at a greeting
(delivery) nothing is said and the notifications stay in the inbox for the next visit.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.responses import fill_template
from assistant.dialogue.sdk import ProtocolTracker, StepAction, active_loop, followup_action, slot_set
from assistant.errors import ConnectorError, InvalidInputError
from assistant.nlu.domain import Domain
from assistant.regions import place_for_language
from connectors.alerts.client import AlertsClient
from connectors.alerts.conversation import CHANNEL as CONVERSATION_CHANNEL
from connectors.alerts.conversation import TOLD_SLOT, seal_address, told_before
from connectors.consent import unclear_yes
from connectors.eligibility.actions import _SEX, _fact_label, facts_from_slots  # one wording of fact names
from connectors.resilience import failure_reply

if TYPE_CHECKING:
    from assistant.dialogue.sdk import SdkAction
    from assistant.settings import Settings

logger = logging.getLogger(__name__)

PENDING_SLOT = "alerts_pending"
SUBSCRIBED_SLOT = "alerts_subscribed"
#: The citizen asked for alerts before the facts they keep were collected: offered after the eligibility results.
REQUESTED_SLOT = "alerts_requested"
CHANNEL = CONVERSATION_CHANNEL
PURPOSE = {
    "ko": "새로 받을 수 있게 된 정부 혜택(서비스 목록 변경 또는 정보 변경 시) 알림",
    "en": "notify new government benefits you may qualify for (when the catalogue or your facts change)",
}
_WHAT = {"ko": "혜택 알림", "en": "benefit alerts"}
_WORDS = {"ko": {"handoff": "상담원 연결", "retry": "다시 시도", "yes": "예", "no": "아니요"},
          "en": {"handoff": "Talk to a person", "retry": "Try again", "yes": "yes", "no": "no"}}

EventDict = dict[str, Any]


def subscriber_id_for(secret: bytes, sender_id: str) -> str:
    """The pseudonymous alert subscriber id of a conversation (see the module docstring).

    Returns:
        ``"al:" +`` 64 hex digits.

    Raises:
        ValueError: an empty secret or sender id.
    """
    if not secret or not sender_id:
        raise ValueError("subscriber_id_for needs a non-empty secret and sender id")
    return "al:" + hmac.new(secret, ("alerts:" + sender_id).encode("utf-8"), hashlib.sha256).hexdigest()


def groups_text(groups: dict[str, Any], language: str) -> str:
    """The groups a citizen answered (``target_groups``: ``{"business": False, "artist": True}``) as they read them:
    each by its label (:data:`connectors.eligibility.text_groups.BY_NAME`), those they belong to first.

    >>> groups_text({"business": False, "artist": True}, "ko"), groups_text({"artist": False}, "en")
    ('예술인: 예; 사업자·소상공인: 아니요', 'artists: no')
    """
    from connectors.eligibility.text_groups import BY_NAME

    w = _WORDS[language]

    def label(name: str) -> str:
        group = BY_NAME.get(name)
        return name if group is None else group.en if language == "en" else group.ko

    ordered = sorted(groups.items(), key=lambda kv: (kv[1] is not True, kv[0]))
    return "; ".join(f"{label(k)}: {w['yes'] if v is True else w['no'] if v is False else str(v)}" for k, v in ordered)


def format_facts(facts: dict[str, Any], language: str) -> str:
    """One ``- label: value`` line per fact, in the conversation's language, as a citizen reads them: the sex
    as 남성/여성 (male/female), the income as a whole percentage (``249.912`` → ``250``; the stored fact is
    unchanged), flags as 예/아니요 (yes/no), the place in English in English
    (:func:`assistant.regions.place_for_language`)."""
    w = _WORDS[language]

    def value(k: str, v: Any) -> str:
        if isinstance(v, bool):
            return w["yes"] if v else w["no"]
        if k == "sex" and str(v) in _SEX[language]:
            return _SEX[language][str(v)]
        if k == "income_pct_median" and isinstance(v, int | float):
            return f"{round(v):d}"
        if k == "region" and isinstance(v, str):
            return place_for_language(v, language)  # "Haeundae-gu, Busan" in English, as every reply writes a place
        if isinstance(v, dict):
            # the groups answered ({"business": False, …}), each by its label (s44 probe: the raw dict was shown in the
            # text the citizen agrees to)
            return groups_text(v, language)
        return f"{v:g}" if isinstance(v, float) else str(v)

    return "\n".join(f"- {_fact_label(k, language)}: {value(k, v)}" for k, v in sorted(facts.items()))


def format_notification(note: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """The services of one notification as ``- title: url`` lines, and their citations ``[{"title", "url"}]``."""
    lines: list[str] = []
    cites: list[dict[str, str]] = []
    for s in note.get("services") or []:
        if not isinstance(s, dict):
            continue
        src = next((x for x in s.get("sources") or [] if isinstance(x, dict)), {})
        title = str(src.get("title") or s.get("service_name") or s.get("service_id") or "")
        url = str(src.get("url") or "")
        lines.append(f"- {title}: {url}" if url else f"- {title}")
        cites.append({"title": title, "url": url, "agency": str(src.get("agency") or "")})
    return "\n".join(lines), cites


class AlertsContext:
    """What the alert actions share: settings, how to reach the API, and the deployment secret.

    Args:
        settings: the deployment settings (``alerts_base_url``, timeouts, retries, breaker, ``api_token``).
        client_factory: makes an :class:`AlertsClient` per call (default :meth:`AlertsClient.from_settings`).
    """

    def __init__(self, settings: Settings, client_factory: Callable[[], AlertsClient] | None = None) -> None:
        self.settings = settings
        self.client_factory = client_factory or (lambda: AlertsClient.from_settings(settings))
        self._secret: bytes | None = None

    def secret(self) -> bytes:
        """:func:`connectors.tasks.auth.deployment_secret` (read once)."""
        from connectors.tasks.auth import deployment_secret

        if self._secret is None:
            self._secret = deployment_secret(self.settings)
        return self._secret


class _Turn:
    def __init__(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any],
                 ctx: AlertsContext) -> None:
        self.dispatcher, self.tracker, self.domain, self.ctx = dispatcher, tracker, domain, ctx
        self.language = "en" if tracker.get_slot("language") == "en" else "ko"
        self.subscriber = subscriber_id_for(ctx.secret(), tracker.sender_id)

    def render(self, response: str, **values: Any) -> tuple[str, list[dict[str, str]]]:
        """The text and buttons of ``response``'s variant for this conversation, filled with ``values``."""
        variant = Domain(responses=self.domain.get("responses") or {}).response(
            response, self.language, self.tracker.latest_input_channel, self.tracker.slots)
        fill = {**self.tracker.slots, **values}
        buttons = [{"title": fill_template(str(b.get("title", "")), fill), "payload": str(b.get("payload", ""))}
                   for b in variant.get("buttons") or [] if isinstance(b, dict)]
        return fill_template(str(variant.get("text", "")), fill), buttons

    def fail(self, exc: ConnectorError, retry: str | None = None) -> None:
        out = failure_reply(exc, _WHAT[self.language], self.language)
        logger.warning("alerts back end failed", extra={"conversation_id": self.tracker.sender_id, "stage": "action",
                                                         "kind": out["kind"], "error": type(exc).__name__})
        w = _WORDS[self.language]
        buttons = ([{"title": w["retry"], "payload": retry}] if retry else []) + \
            [{"title": w["handoff"], "payload": "/human_handoff"}]
        self.dispatcher.utter_message(text=out["text"], buttons=buttons,
                                      json_message={"response": "alerts_backend_failed", "error": out["kind"],
                                                    "handoff_offer": True})

    def pending(self, kind: str) -> dict[str, Any] | None:
        p = self.tracker.get_slot(PENDING_SLOT)
        return p if isinstance(p, dict) and p.get("kind") == kind else None

    def resume(self, pending: dict[str, Any] | None) -> list[EventDict]:
        """The form the stop question paused (``pending["resume"]``: :class:`OfferUnsubscribeAlerts`) asks again
        (a ``followup_action``), when the domain has it; else nothing."""
        form = (pending or {}).get("resume")
        return [followup_action(form)] if isinstance(form, str) and form in (self.domain.get("forms") or {}) else []

    def unsure(self, pending: dict[str, Any], declined: str) -> list[EventDict] | None:
        """None for a confident yes (:mod:`connectors.consent`); else the events of asking once for a clear
        yes (the offer stands), or, when that was asked already, of running ``declined``."""
        return unclear_yes(self.dispatcher, self.tracker, self.language, self.ctx.settings.consent_affirm_threshold, pending, PENDING_SLOT, declined)


class _AlertAction(StepAction[AlertsContext, _Turn]):
    """An alerts action: :class:`~assistant.dialogue.sdk.StepAction` whose turn knows the subscriber."""

    def turn(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> _Turn:
        """The run's :class:`_Turn`."""
        return _Turn(dispatcher, tracker, domain, self.ctx)


class OfferAlerts(_AlertAction):
    """``action_offer_alerts``: what would be stored, why, how alerts arrive and stop; the yes/no question."""

    action_name = "action_offer_alerts"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        facts = facts_from_slots(t.tracker.slots)
        if not facts:
            # the check is offered first; the alerts are offered after its results (REQUESTED_SLOT, intents/rules.yml)
            t.dispatcher.utter_message(response="utter_alerts_need_facts")
            return [slot_set(PENDING_SLOT, None), slot_set(REQUESTED_SLOT, True)]
        text, buttons = t.render("utter_alerts_offer", facts=format_facts(facts, t.language), purpose=PURPOSE[t.language])
        t.dispatcher.utter_message(text=text, buttons=buttons, json_message={"response": "utter_alerts_offer"})
        return [slot_set(PENDING_SLOT, {"kind": "subscribe", "facts": facts, "consent_text": text,
                                        "purpose": PURPOSE[t.language]}), slot_set(REQUESTED_SLOT, None)]


class AlertsAfterQuestions(_AlertAction):
    """``action_alerts_after_questions``: alerts asked for while the eligibility questions wait (s45 probe: "새 혜택
    생기면 알려줘" was refused as a target group). Says they will be offered with the results
    (``utter_alerts_after_questions``) and sets :data:`REQUESTED_SLOT`; the form then asks its question again and, when
    it is done, the rule "Offer the benefit alerts asked for earlier after the eligibility results" runs
    :class:`OfferAlerts` after ``action_check_eligibility`` (s47: before, the citizen had to ask again)."""

    action_name = "action_alerts_after_questions"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the class docstring."""
        t.dispatcher.utter_message(response="utter_alerts_after_questions")
        return [slot_set(REQUESTED_SLOT, True)]


class SubscribeAlerts(_AlertAction):
    """``action_subscribe_alerts``: the yes to :class:`OfferAlerts` (or "try again" after a failure)."""

    action_name = "action_subscribe_alerts"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        pending = t.pending("subscribe")
        if pending is None:
            t.dispatcher.utter_message(response="utter_how_can_i_help")
            return []
        if (unsure := t.unsure(pending, AlertsDeclined.action_name)) is not None:
            return unsure
        try:
            with t.ctx.client_factory() as client:
                client.subscribe(t.subscriber, pending["facts"], str(pending["consent_text"]), str(pending["purpose"]),
                                 channel=CHANNEL, address=seal_address(t.ctx.secret(), t.tracker.latest_input_channel or "rest",
                                                                       t.tracker.sender_id))
        except InvalidInputError:
            logger.warning("alert subscription refused", extra={"conversation_id": t.tracker.sender_id, "stage": "action"})
            t.dispatcher.utter_message(response="utter_alerts_refused")
            return [slot_set(PENDING_SLOT, None)]
        except ConnectorError as e:
            t.fail(e, retry="/affirm")
            return []  # the offer stands: "try again" subscribes (a repeated subscribe replaces the same one)
        logger.info("alerts subscribed", extra={"conversation_id": t.tracker.sender_id, "stage": "action"})
        t.dispatcher.utter_message(response="utter_alerts_subscribed")
        return [slot_set(PENDING_SLOT, None), slot_set(SUBSCRIBED_SLOT, True)]


class OfferUnsubscribeAlerts(_AlertAction):
    """``action_offer_unsubscribe_alerts``: asks once whether to stop the alerts and delete the facts."""

    action_name = "action_offer_unsubscribe_alerts"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring. Without a subscription it says at once that there is nothing to stop (no
        question first); when the service cannot be asked, the question is asked and the yes finds out."""
        try:
            with t.ctx.client_factory() as client:
                subscribed = client.is_subscribed(t.subscriber)
        except ConnectorError:
            subscribed = True
        form = t.tracker.active_loop_name
        if not subscribed:
            t.dispatcher.utter_message(response="utter_alerts_not_subscribed")
            # asked while a form waits: the form asks its question again
            return [slot_set(PENDING_SLOT, None), slot_set(SUBSCRIBED_SLOT, False)] + ([followup_action(form)] if form else [])
        t.dispatcher.utter_message(response="utter_alerts_confirm_unsubscribe")
        if form:
            # asked while the eligibility questions wait (s45 probe: "혜택 알림 그만 받을래요" was refused as an answer,
            # "숫자처럼 짧은 값 하나로 답해 주세요"): the form pauses for the yes or no and resumes after it
            return [slot_set(PENDING_SLOT, {"kind": "unsubscribe", "resume": form}), active_loop(None)]
        return [slot_set(PENDING_SLOT, {"kind": "unsubscribe"})]


class UnsubscribeAlerts(_AlertAction):
    """``action_unsubscribe_alerts``: the yes to :class:`OfferUnsubscribeAlerts`."""

    action_name = "action_unsubscribe_alerts"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        pending = t.pending("unsubscribe")
        if pending is None:
            t.dispatcher.utter_message(response="utter_how_can_i_help")
            return []
        if (unsure := t.unsure(pending, AlertsDeclined.action_name)) is not None:
            return unsure
        try:
            with t.ctx.client_factory() as client:
                deleted = client.unsubscribe(t.subscriber)
        except ConnectorError as e:
            t.fail(e, retry="/affirm")
            return []
        logger.info("alerts unsubscribed", extra={"conversation_id": t.tracker.sender_id, "stage": "action",
                                                  "deleted": deleted})
        t.dispatcher.utter_message(response="utter_alerts_unsubscribed" if deleted else "utter_alerts_not_subscribed")
        return [slot_set(PENDING_SLOT, None), slot_set(SUBSCRIBED_SLOT, False)] + t.resume(pending)


class AlertsDeclined(_AlertAction):
    """``action_alerts_declined``: a no to either question; nothing is sent."""

    action_name = "action_alerts_declined"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        if t.pending("subscribe") is not None:
            t.dispatcher.utter_message(response="utter_alerts_not_subscribed_declined")
        elif t.tracker.get_slot(REQUESTED_SLOT):
            # a no to the check offered first (utter_alerts_need_facts): neither the check nor the alerts later
            t.dispatcher.utter_message(response="utter_how_can_i_help")
            return [slot_set(PENDING_SLOT, None), slot_set(REQUESTED_SLOT, None)]
        elif (pending := t.pending("unsubscribe")) is not None:
            t.dispatcher.utter_message(response="utter_alerts_kept")
            return [slot_set(PENDING_SLOT, None)] + t.resume(pending)
        else:
            t.dispatcher.utter_message(response="utter_how_can_i_help")
        return [slot_set(PENDING_SLOT, None)]


class DeliverAlerts(_AlertAction):
    """``action_deliver_alerts``: the inbox as messages, one per notification, each service cited; at least once,
    deduplicated by notification id (see :mod:`connectors.alerts.conversation`).

    The inbox is only read (:meth:`AlertsClient.peek`). A notification this conversation told in a kept turn
    (:data:`~connectors.alerts.conversation.TOLD_SLOT`, saved with that turn) and whose delivery did not fail since
    is not told again: it is acknowledged now (:meth:`AlertsClient.acknowledge`). The others are told, each message
    carrying its ``alert_id``, and recorded in the slot; the push path acknowledges them once the turn is kept and
    sent, a greeting's at the next read. A turn that is not kept records nothing, so they are told again.
    """

    action_name = "action_deliver_alerts"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the class docstring."""
        told_slot = t.tracker.get_slot(TOLD_SLOT)
        told: dict[str, Any] = dict(told_slot) if isinstance(told_slot, dict) else {}
        try:
            with t.ctx.client_factory() as client:
                notes = client.peek(t.subscriber)
                seen = [n for n in notes if told_before(told, n)]
                empty = [n for n in notes if not told_before(told, n) and not format_notification(n)[1]]  # nothing to tell
                acked: list[int] = []
                if seen or empty:
                    try:
                        acked = client.acknowledge(t.subscriber, [int(n["id"]) for n in seen + empty])
                    except ConnectorError as e:  # told already; acknowledged at a later read
                        logger.warning("alerts not acknowledged", extra={"conversation_id": t.tracker.sender_id,
                                                                        "stage": "action", "error": type(e).__name__})
        except ConnectorError as e:  # the citizen only said hello: say nothing; the inbox keeps them
            logger.warning("alerts inbox not read", extra={"conversation_id": t.tracker.sender_id, "stage": "action",
                                                           "error": type(e).__name__})
            return []
        keep = {str(n["id"]): told[str(n["id"])] for n in seen if int(n["id"]) not in acked}
        for note in notes:
            if told_before(told, note):
                continue
            services, cites = format_notification(note)
            if not cites:
                continue
            text, buttons = t.render("utter_alerts_new_services", services=services)
            t.dispatcher.utter_message(text=text, buttons=buttons,
                                       json_message={"response": "utter_alerts_new_services", "citations": cites,
                                                     "catalogue_version": note.get("catalogue_version"),
                                                     "alert_id": int(note["id"])})
            keep[str(note["id"])] = int(note.get("attempts") or 0)
        return [slot_set(TOLD_SLOT, keep or None)] if keep != told else []


def make_actions(ctx: AlertsContext) -> list[SdkAction]:
    """The alert actions over one :class:`AlertsContext` (tests pass their own)."""
    return [cls(ctx) for cls in (OfferAlerts, SubscribeAlerts, OfferUnsubscribeAlerts, UnsubscribeAlerts,
                                 AlertsDeclined, DeliverAlerts, AlertsAfterQuestions)]


def actions(settings: Settings) -> list[SdkAction]:
    """The alert connector's actions (loaded by name from ``ASSISTANT_CONNECTOR_ACTIONS``)."""
    return make_actions(AlertsContext(settings))

"""The MyData consent dialogue: connector actions in the Rasa-SDK shape (see :mod:`assistant.dialogue.sdk`).

The conversation (rules in ``intents/rules.yml``, block "MyData consent"):

* ``use_mydata`` → ``action_offer_mydata``: records a *pending* consent for all three records (주민등록표 등본,
  건강보험 자격득실 확인서, 소득금액증명), purpose ``eligibility_check`` (while an application is on offer,
  ``task_pending``: only the records its documents need, purpose ``application``, see
  :mod:`connectors.tasks.documents`), valid ``settings.mydata_consent_days``,
  and shows its notice (what, why, until when, what is kept, how to withdraw) with 동의합니다 / 동의하지 않습니다
  buttons (``/affirm`` / ``/deny``). An active form is paused and resumed afterwards.
* a confident ``affirm`` (``settings.consent_affirm_threshold``, default 0.8; a less confident one, e.g. 👍 at
  0.5, is treated as an unclear answer: asked once more, then dropped) right after it → ``action_grant_mydata``: a link to our ``/mydata/authorize`` (signed
  ticket, :mod:`connectors.mydata.ticket`) where the citizen authenticates at the provider (OAuth2 code flow;
  the sandbox shows a login page with its synthetic citizens). The provider redirects to ``/mydata/callback``
  (:func:`connectors.mydata.api.create_flow_router`), which grants the consent with the code and triggers the
  intent ``mydata_granted`` (or ``mydata_denied``) in the conversation.
* ``mydata_granted`` → ``action_fetch_mydata``: fetches, derives facts, sets the fact slots that exist in the
  domain (``age``, ``sex``, ``income_pct``, flags named as :class:`connectors.eligibility.facts.Facts`),
  ``mydata_household`` and ``mydata_consent_id``, says which facts came from which record (no values), and
  resumes a paused form (or, with an application on offer, shows its checklist again:
  ``action_prepare_application``).
* the citizen's records describe the citizen only: while the questions are about someone else (the eligibility
  form's ``beneficiary`` slot: parent, child, grandparent, spouse …), ``action_offer_mydata`` offers nothing and says
  so (``utter_mydata_not_for_member``), and ``action_fetch_mydata`` fetches nothing under an eligibility-check consent
  granted before the questions turned to that person (the consent is withdrawn, ``utter_mydata_fetch_not_for_member``);
  a paused form continues either way (s12 #1; the activation offer checks the same: ``connectors.eligibility.actions``).
  An application on offer (``task_pending``) asks for the applicant's documents: not affected.
* ``deny`` / ``cancel`` / ``mydata_denied`` → ``action_decline_mydata`` (the pending consent is withdrawn;
  nothing was fetched). Anything else → ``action_mydata_ask_again`` once, then ``action_mydata_drop``.
* ``list_consents`` → ``action_list_consents``; ``revoke_consent`` → ``action_revoke_consent`` (asks to confirm)
  → ``affirm`` → ``action_revoke_consent_confirmed`` (the connector deletes what was fetched; the fact slots
  MyData filled are reset unless the citizen changed them since; when this conversation applied for something,
  ``action_reconcile_mydata_documents`` follows: documents supplied under the consent are needed again); a no →
  ``action_keep_consent``. Asked while the eligibility form waits, the form pauses for the question and resumes
  after the answer, asking again what the withdrawal cleared.

The citizen is known to the consent store only as :func:`connectors.mydata.ticket.citizen_ref` of the
conversation id. Messages and log lines carry no personal data: facts are named, never their values.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from assistant.dialogue.sdk import ContextAction, ProtocolTracker, active_loop, followup_action, slot_set
from connectors.consent import confident_affirm, previous_action
from assistant.errors import ConnectorError
from connectors.mydata.derive import SEOUL
from connectors.mydata.scopes import PURPOSES, SCOPES, ConsentError
from connectors.mydata.ticket import TICKET_TTL_S, Ticket, citizen_ref, secret_key, sign

if TYPE_CHECKING:
    from assistant.dialogue.executors import CollectingDispatcher
    from assistant.dialogue.sdk import SdkAction
    from assistant.settings import Settings
    from connectors.mydata.consent import MyDataConnector
    from connectors.mydata.store import Consent

logger = logging.getLogger(__name__)

EventDict = dict[str, Any]

#: Every record type, asked for together (what the eligibility check needs).
ALL_SCOPES = ("resident_registration", "health_insurance", "income", "recipient_certificate", "near_poverty_certificate")
PURPOSE = "eligibility_check"
PENDING = "mydata_pending_consent"
CONSENT = "mydata_consent_id"
HOUSEHOLD = "mydata_household"
FILLED = "mydata_filled_slots"
RESUME = "mydata_resume_form"
#: The reply to a refused offer; "그럼 어떻게 확인해요?" right after it is the eligibility check
#: (:func:`assistant.dialogue.typed_buttons.asks_how_to_check`).
DECLINED_RESPONSE = "utter_mydata_declined"
#: The task actions' slots (connectors/tasks/actions.py: the application on offer, the latest receipt) and the
#: actions run after a grant / a revocation when the domain has them and the task actions have run in this
#: conversation (those slots are set): the application's checklist is shown again with the documents now
#: attached, and documents of submitted applications supplied under a revoked consent are marked needed again.
TASK_PENDING = "task_pending"
LAST_RECEIPT = "last_receipt"
PREPARE_APPLICATION = "action_prepare_application"
RECONCILE_DOCUMENTS = "action_reconcile_mydata_documents"

#: Facts field → the slot it fills (others keep the field's name), and the records each fact comes from.
SLOT_FOR_FACT = {"income_pct_median": "income_pct"}
SOURCES = {
    "age": ("resident_registration",), "sex": ("resident_registration",),
    "single_person_household": ("resident_registration",), "multi_child_household": ("resident_registration",),
    "single_parent_family": ("resident_registration",), "extended_family": ("resident_registration",),
    "employed": ("health_insurance",), "income_pct_median": ("income", "resident_registration"),
    "welfare_recipient": ("recipient_certificate",), "near_poverty": ("near_poverty_certificate",),
}
LABELS = {
    "age": ("나이", "age"), "sex": ("성별", "sex"),
    "income_pct_median": ("기준 중위소득 대비 가구 소득 비율(가구원 수는 등본)",
                          "household income as a percentage of the median income (household size from the certificate)"),
    "single_person_household": ("1인 가구 여부", "single-person household"),
    "multi_child_household": ("다자녀 가구 여부", "multi-child household"),
    "single_parent_family": ("한부모·조손 가정 여부", "single-parent or grandparent family"),
    "extended_family": ("확대가족 여부", "extended family"),
    "employed": ("직장 가입(근로자) 여부", "whether you are insured as an employee"),
    "welfare_recipient": ("기초생활보장 수급자 여부", "whether you receive a basic livelihood security benefit"),
    "near_poverty": ("차상위계층 여부", "whether your household is near-poverty"),
    HOUSEHOLD: ("가구원 구성(관계·나이·성별)", "household members (relation, age and sex)"),
}
STATUS = {"pending": ("동의 대기", "waiting for your approval"), "active": ("동의 중", "active"),
          "revoked": ("철회됨", "withdrawn"), "expired": ("만료됨", "expired"), "declined": ("동의하지 않음", "declined")}


def _en(tracker: ProtocolTracker) -> bool:
    return bool(tracker.get_slot("language") == "en")


def _date(epoch_s: float, en: bool) -> str:
    d = dt.datetime.fromtimestamp(epoch_s, SEOUL)
    return f"{d:%Y-%m-%d}" if en else f"{d:%Y년 %m월 %d일}"


def authorize_link(settings: Settings) -> str:
    """Where the chat's consent link points: ``/mydata/authorize`` next to the registered ``/mydata/callback``."""
    parts = urlsplit(settings.mydata_callback_url)
    path = parts.path[: -len("/callback")] if parts.path.endswith("/callback") else "/mydata"
    return urlunsplit((parts.scheme, parts.netloc, path + "/authorize", "", ""))


class MyDataDialogue:
    """State shared by the consent dialogue's actions: settings, the connector (built on first use), the key.

    Args:
        settings: ``mydata_*`` settings, ``intent_threshold``.
        connector: the connector to use (tests); default: :meth:`MyDataConnector.from_settings`, built once.
    """

    def __init__(self, settings: Settings, connector: MyDataConnector | None = None) -> None:
        self.settings = settings
        self.key = secret_key(settings)
        self._connector = connector
        self._lock = threading.Lock()

    @property
    def connector(self) -> MyDataConnector:
        """The connector (built from settings on first use)."""
        with self._lock:
            if self._connector is None:
                from connectors.mydata.consent import MyDataConnector

                self._connector = MyDataConnector.from_settings(self.settings)
            return self._connector

    def ref(self, tracker: ProtocolTracker) -> str:
        """The conversation's pseudonymous ``citizen_ref``."""
        return citizen_ref(tracker.sender_id, self.key)

    def resume(self, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        """Continue the form paused by the offer, if any."""
        form = tracker.get_slot(RESUME)
        if isinstance(form, str) and form in (domain.get("forms") or {}):
            return [slot_set(RESUME, None), followup_action(form)]
        return [slot_set(RESUME, None)] if form else []

    def withdraw_pending(self, tracker: ProtocolTracker) -> None:
        """Decline the conversation's pending consent request (nothing was granted or fetched under it: recorded as
        ``declined``, not as a withdrawn consent)."""
        cid = tracker.get_slot(PENDING)
        if not cid:
            return
        c = self.connector.store.get_consent(str(cid))
        if c is not None and c.citizen_ref == self.ref(tracker) and c.stored_status == "pending":
            self.connector.decline(c.id, actor="conversation")

    def consent_line(self, c: Consent, en: bool) -> str:
        """One consent for the citizen: records, purpose, status, until when (no personal data)."""
        now = self.connector.clock()
        docs = ", ".join(SCOPES[s].document_en if en else SCOPES[s].document_ko for s in c.scopes)
        purpose = PURPOSES[c.purpose].en if en else PURPOSES[c.purpose].ko
        state = c.status(now)
        status = STATUS[state][1 if en else 0]
        # a withdrawn consent shows when it was withdrawn and an expired one when it expired; only the others say
        # "until" (fresh-user report s6 item 15: a withdrawn consent was listed "철회됨 · 2026년 12월 30일까지")
        ended = c.revoked_at if state == "revoked" else c.expires_at if state == "expired" else None
        if ended is not None:
            when = f"{status} on {_date(ended, True)}" if en else f"{_date(ended, False)}에 {status}"
        else:
            when = f"{status} · until {_date(c.expires_at, True)}" if en else f"{status} · {_date(c.expires_at, False)}까지"
        if en:
            return f"- {docs} · purpose: {purpose} · {when}"
        return f"- {docs} · 목적: {purpose} · {when}"


class _Action(ContextAction[MyDataDialogue]):
    """A consent dialogue action: :class:`~assistant.dialogue.sdk.ContextAction` over the shared
    :class:`MyDataDialogue` (``self.d``)."""

    @property
    def d(self) -> MyDataDialogue:
        """The shared dialogue state."""
        return self.ctx


#: Whom the eligibility questions are about (``beneficiary`` slot of connectors/eligibility/actions.py) and how the
#: replies name someone other than the citizen (Korean, English).
BENEFICIARY = "beneficiary"
MEMBER_NAMES = {"child": ("자녀분", "your child"), "parent": ("부모님", "your parent"),
                "grandparent": ("조부모님", "your grandparent"), "spouse": ("배우자분", "your spouse")}
OTHER_PERSON = ("그분", "the person you're asking about")


def member_asked_about(tracker: ProtocolTracker) -> str | None:
    """Whom the eligibility questions are about when it is not the citizen (the ``beneficiary`` slot's value:
    ``"parent"``, ``"child"`` …), else None (``self`` or not set). The citizen's MyData records do not describe them."""
    who = tracker.get_slot(BENEFICIARY)
    return str(who) if who not in (None, "", "self") else None


def member_label(who: str, en: bool) -> str:
    """How a reply names the household member ``who`` (a ``beneficiary`` value): "자녀분" / "your child" …"""
    return MEMBER_NAMES.get(who, OTHER_PERSON)[1 if en else 0]


_member_label = member_label


def _application_on_offer(tracker: ProtocolTracker) -> dict[str, Any] | None:
    """The application the task actions have on offer (``task_pending`` of kind ``apply``), if any."""
    pending = tracker.get_slot(TASK_PENDING)
    return pending if isinstance(pending, dict) and pending.get("kind") == "apply" else None


def _what_to_ask(tracker: ProtocolTracker) -> tuple[tuple[str, ...], str]:
    """The scopes and purpose of the offer: for an application on offer, only the records its documents need and
    the purpose ``application`` (:mod:`connectors.tasks.documents`); otherwise every record, ``eligibility_check``."""
    from connectors.tasks.documents import APPLICATION_PURPOSE, needed_records

    application = _application_on_offer(tracker)
    checklist = application.get("checklist") if application else None
    records = needed_records(c for c in checklist if isinstance(c, dict)) if isinstance(checklist, list) else []
    if records:
        return tuple(records), APPLICATION_PURPOSE
    return ALL_SCOPES, PURPOSE


class OfferMyData(_Action):
    """``action_offer_mydata``: record a pending consent and show exactly what it covers; ask for a clear yes."""

    action_name = "action_offer_mydata"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        self.d.withdraw_pending(tracker)
        scopes, purpose = _what_to_ask(tracker)
        # the citizen's records say nothing about the mother, nor are they the child's documents for the child's
        # application: no consent asked, the form (or the application) goes on
        member = member_asked_about(tracker)
        if member is not None:
            # an application on offer for the member has no MyData documents left (connectors.tasks.actions), so its
            # purpose reads as the eligibility one: the application's wording all the same
            applying = purpose != PURPOSE or _application_on_offer(tracker) is not None
            dispatcher.utter_message(response="utter_mydata_not_for_member_application" if applying
                                     else "utter_mydata_not_for_member", who=_member_label(member, _en(tracker)))
            logger.info("mydata not offered: the questions are about someone else", extra={"stage": "mydata"})
            events = [slot_set(PENDING, None)] if tracker.get_slot(PENDING) else []
            form = tracker.active_loop_name
            return events + ([followup_action(form)] if form else [])  # the form asks its question again
        c = self.d.connector.request_consent(self.d.ref(tracker), scopes, purpose,
                                             dt.timedelta(days=self.d.settings.mydata_consent_days), actor="conversation")
        dispatcher.utter_message(response="utter_mydata_offer", notice=c.notice_en if _en(tracker) else c.notice_ko)
        events = [slot_set(PENDING, c.id)]
        if tracker.active_loop_name:  # pause the form while the citizen decides; resumed after the answer
            events += [slot_set(RESUME, tracker.active_loop_name), active_loop(None)]
        logger.info("mydata consent offered", extra={"stage": "mydata", "consent_id": c.id})
        return events


class GrantMyData(_Action):
    """``action_grant_mydata``: after a confident yes, the link where the citizen authenticates at the provider."""

    action_name = "action_grant_mydata"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        if not confident_affirm(tracker, self.d.settings.consent_affirm_threshold):
            # only a clear yes grants: an unclear one takes the "anything else" path (ask once more, then drop),
            # so the rules see the ask-again step and the next answer is judged as an answer to it
            again = previous_action(tracker) == AskAgain.action_name
            return [followup_action(DropMyData.action_name if again else AskAgain.action_name)]
        c = self.d.connector.store.get_consent(str(tracker.get_slot(PENDING) or ""))
        now = self.d.connector.clock()
        if c is None or c.citizen_ref != self.d.ref(tracker) or c.status(now) != "pending":
            dispatcher.utter_message(response="utter_mydata_not_pending")
            return [slot_set(PENDING, None), *self.d.resume(tracker, domain)]
        ticket = sign(Ticket(c.id, tracker.sender_id, min(c.expires_at, now + TICKET_TTL_S)), self.d.key)
        dispatcher.utter_message(response="utter_mydata_authenticate", link=f"{authorize_link(self.d.settings)}?ticket={ticket}",
                                 minutes=TICKET_TTL_S // 60)
        return []


class FetchMyData(_Action):
    """``action_fetch_mydata`` (after ``mydata_granted``): fetch under the consent, fill slots, say from where."""

    action_name = "action_fetch_mydata"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        cid = str(tracker.get_slot(PENDING) or tracker.get_slot(CONSENT) or "")
        conn = self.d.connector
        c = conn.store.get_consent(cid) if cid else None
        if c is None or c.citizen_ref != self.d.ref(tracker):
            dispatcher.utter_message(response="utter_mydata_fetch_refused")
            return [slot_set(PENDING, None), *self.d.resume(tracker, domain)]
        member = member_asked_about(tracker) if c.purpose == PURPOSE else None
        if member is not None:  # granted for the citizen's own check; the questions are now about someone else
            conn.revoke(c.id, actor="conversation")  # nothing fetched; a consent nothing will use is not left active
            dispatcher.utter_message(response="utter_mydata_fetch_not_for_member", who=_member_label(member, _en(tracker)))
            logger.info("mydata not fetched: the questions are about someone else", extra={"stage": "mydata", "consent_id": c.id})
            return [slot_set(PENDING, None), *self.d.resume(tracker, domain)]
        try:
            # once per key: a retry of this turn (its save failed) reads what the first fetch kept
            conn.fetch(c.id, actor="conversation", key=tracker.idempotency_key)
            facts = conn.facts(c.id, actor="conversation")
        except ConsentError:
            dispatcher.utter_message(response="utter_mydata_fetch_refused")
            return [slot_set(PENDING, None), *self.d.resume(tracker, domain)]
        except ConnectorError as e:
            logger.warning("mydata fetch failed", extra={"stage": "mydata", "consent_id": c.id, "error": type(e).__name__})
            dispatcher.utter_message(response="utter_mydata_provider_down")
            return [slot_set(PENDING, None), *self.d.resume(tracker, domain)]
        slots = set(domain.get("slots") or {})
        events: list[EventDict] = [slot_set(PENDING, None)]
        filled: dict[str, Any] = {}
        by_scope: dict[str, list[str]] = {s: [] for s in c.scopes}
        for field, value in facts.model_dump().items():
            slot = SLOT_FOR_FACT.get(field, field)
            if value is None or slot not in slots:
                continue
            filled[slot] = value
            events.append(slot_set(slot, value))
            by_scope[SOURCES.get(field, ("resident_registration",))[0]].append(field)
        household = (conn.store.records(c.id).get("resident_registration") or {}).get("household")
        if HOUSEHOLD in slots and isinstance(household, list):
            events.append(slot_set(HOUSEHOLD, [{"relation": m["relation"], "age": m["age"], "sex": m["sex"]} for m in household]))
            by_scope["resident_registration"].append(HOUSEHOLD)
        events += [slot_set(CONSENT, c.id), slot_set(FILLED, filled)]
        en = _en(tracker)
        lines = []
        for scope, fields in by_scope.items():
            doc = SCOPES[scope].document_en if en else SCOPES[scope].document_ko
            what = ", ".join(LABELS[f][1 if en else 0] for f in fields) or ("nothing I could use" if en else "채울 수 있는 정보 없음")
            lines.append(f"- {doc}: {what}")
        dispatcher.utter_message(response="utter_mydata_fetched", summary="\n".join(lines))
        logger.info("mydata facts filled", extra={"stage": "mydata", "consent_id": c.id, "slots": sorted(filled)})
        resumed = self.d.resume(tracker, domain)
        if not any(e.get("event") == "followup" for e in resumed) and _application_on_offer(tracker) is not None \
                and PREPARE_APPLICATION in (domain.get("actions") or ()):
            resumed.append(followup_action(PREPARE_APPLICATION))  # the checklist again, now with what is attached
        return events + resumed


class DeclineMyData(_Action):
    """``action_decline_mydata``: a no (or the provider's denial): withdraw the request; nothing was fetched."""

    action_name = "action_decline_mydata"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        self.d.withdraw_pending(tracker)
        dispatcher.utter_message(response=DECLINED_RESPONSE)
        return [slot_set(PENDING, None), *self.d.resume(tracker, domain)]


class AskAgain(_Action):
    """``action_mydata_ask_again``: the answer to the offer was not a clear yes or no; ask once more."""

    action_name = "action_mydata_ask_again"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        dispatcher.utter_message(response="utter_mydata_ask_again")
        return []


class DropMyData(_Action):
    """``action_mydata_drop``: still no clear answer: withdraw the request, fetch nothing."""

    action_name = "action_mydata_drop"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        self.d.withdraw_pending(tracker)
        dispatcher.utter_message(response="utter_mydata_dropped")
        return [slot_set(PENDING, None), *self.d.resume(tracker, domain)]


class ListConsents(_Action):
    """``action_list_consents``: this conversation's consents (records, purpose, status, until when)."""

    action_name = "action_list_consents"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        now = self.d.connector.clock()
        # a request said no to was never a consent: not listed (neither as withdrawn)
        consents = [c for c in self.d.connector.list_consents(self.d.ref(tracker)) if c.status(now) != "declined"]
        if not consents:
            dispatcher.utter_message(response="utter_mydata_no_consents")
            return []
        en = _en(tracker)
        dispatcher.utter_message(response="utter_mydata_consents", consents="\n".join(self.d.consent_line(c, en) for c in consents))
        return []


def _revocable(d: MyDataDialogue, tracker: ProtocolTracker) -> list[Consent]:
    now = d.connector.clock()
    return [c for c in d.connector.list_consents(d.ref(tracker)) if c.status(now) in ("active", "pending")]


class RevokeConsent(_Action):
    """``action_revoke_consent``: show what would be withdrawn and ask to confirm."""

    action_name = "action_revoke_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        live = _revocable(self.d, tracker)
        form = tracker.active_loop_name
        if not live:
            dispatcher.utter_message(response="utter_mydata_nothing_to_revoke")
            return [followup_action(form)] if form else []  # the form asks its question again
        en = _en(tracker)
        dispatcher.utter_message(response="utter_mydata_confirm_revoke", consents="\n".join(self.d.consent_line(c, en) for c in live))
        # a withdrawal asked while the eligibility form waits (s45 probe: "마이데이터 동의 철회할게요" at the region
        # question was read as a place and refused, and the records stayed held): the form pauses for the answer and
        # resumes after it, asking again what the withdrawal cleared
        return [slot_set(RESUME, form), active_loop(None)] if form else []


class RevokeConsentConfirmed(_Action):
    """``action_revoke_consent_confirmed``: withdraw (the connector deletes what was fetched) and reset the slots."""

    action_name = "action_revoke_consent_confirmed"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        deleted = 0
        for c in _revocable(self.d, tracker):
            deleted += self.d.connector.revoke(c.id, actor="conversation").deleted_records
        events: list[EventDict] = []
        filled = tracker.get_slot(FILLED)
        for slot, value in (filled.items() if isinstance(filled, dict) else ()):
            if tracker.get_slot(slot) == value:  # an answer the citizen changed since is theirs, not MyData's
                events.append(slot_set(slot, None))
        events += [slot_set(s, None) for s in (HOUSEHOLD, CONSENT, FILLED, PENDING) if tracker.get_slot(s) is not None]
        dispatcher.utter_message(response="utter_mydata_revoked", deleted=deleted)
        if tracker.get_slot(LAST_RECEIPT) and RECONCILE_DOCUMENTS in (domain.get("actions") or ()):
            events.append(followup_action(RECONCILE_DOCUMENTS))  # this conversation applied: documents may be needed again
            return events
        return events + self.d.resume(tracker, domain)


class KeepConsent(_Action):
    """``action_keep_consent``: a no to the withdrawal question: nothing is withdrawn (``utter_mydata_revoke_kept``);
    a form paused for the question resumes."""

    action_name = "action_keep_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> list[EventDict]:
        dispatcher.utter_message(response="utter_mydata_revoke_kept")
        return self.d.resume(tracker, domain)


def actions(settings: Settings, connector: MyDataConnector | None = None) -> list[SdkAction]:
    """The consent dialogue's actions (``connector``: tests pass one; default: built from settings on first use)."""
    d = MyDataDialogue(settings, connector)
    kinds: list[Callable[[MyDataDialogue], SdkAction]] = [
        OfferMyData, GrantMyData, FetchMyData, DeclineMyData, AskAgain, DropMyData, ListConsents, RevokeConsent,
        RevokeConsentConfirmed, KeepConsent]
    return [k(d) for k in kinds]

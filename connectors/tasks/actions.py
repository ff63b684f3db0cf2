"""Task conversation actions: apply for a service, look up an application, cancel it (issue #5).

Connector actions in ``rasa_sdk``'s shape (see :mod:`assistant.dialogue.sdk`), run in-process or behind
``python -m connectors``; they reach the task back end only through :class:`~connectors.tasks.client.TasksClient`.

=============================== ============================ ===================================================
action                          runs after (intents/rules.yml) does
=============================== ============================ ===================================================
``action_prepare_application``  ``apply_service``            finds the service (a ``service_id`` entity, e.g. the
                                                             button ``/apply_service{"service_id": "…"}``; a name in
                                                             the ``eligible_services`` slot; a catalogue title in the
                                                             text), shows its 구비서류 marking what MyData can supply
                                                             and what the citizen brings, asks yes/no
``action_submit_application``   that, then ``affirm``        submits once (the engine's idempotency key of this
                                                             action call, see below), replies with the receipt;
                                                             sets ``last_receipt``
``action_application_status``   ``check_application_status`` one receipt (``receipt`` entity) or the applicant's list
``action_prepare_cancellation`` ``cancel_application``       picks the receipt (named, else ``last_receipt`` or the
                                                             newest open one), asks yes/no; a decided one is explained
``action_cancel_application``   that, then ``affirm``        cancels
``action_task_declined``        either ask, then ``deny``    nothing is done (and says so); also after a second
                                (or a second unsure yes)     unsure yes: only a confident affirm
                                                             (``settings.consent_affirm_threshold``,
                                                             :mod:`connectors.consent`) submits or cancels, an
                                                             unsure one (👍 at 0.499) is asked once for a clear yes
``action_reconcile_mydata_      a follow-up of               documents of applications not yet decided that were
documents``                     ``action_revoke_consent_     supplied under a now revoked MyData consent are marked
                                confirmed``                  withdrawn at the back end; says which to submit again
=============================== ============================ ===================================================

MyData documents (:mod:`connectors.tasks.documents`): the checklist marks each document a live consent of this
conversation for the purpose ``application`` covers as ``provided: mydata`` with its ``consent_id`` (the back end
stores the consent id and record type, never the record), and says which were attached and which the citizen
brings. Without such a consent the checklist offers one (a "/use_mydata" button: the MyData offer then asks only
for the records these documents need, for the application's purpose); after the grant the checklist is shown
again with the documents attached. The consents are read again at the yes (one revoked in between is not used).
A status look-up also tells the back end about consents revoked or expired since (if nobody did), and shows
the documents needed again.

Slots: ``task_pending`` (what a yes would do: ``{"kind": "apply", "service_id", "service_name", "checklist",
"facts", "key"?}`` or ``{"kind": "cancel", "receipt", "service_name"}``), ``last_receipt``, and
``eligible_services`` (read: ``[{"service_id", "service_name"}]`` set by the eligibility flow).

The applicant is the conversation's applicant key (:func:`connectors.tasks.auth.applicant_key`: an HMAC of its
sender id under :func:`connectors.tasks.auth.deployment_secret`), sent as ``X-Applicant-Key``, always,
so another conversation can neither see nor cancel these applications.

Faults: a back end that is down, slow or answers garbage (:class:`~assistant.errors.ConnectorError`) gets
:func:`~connectors.resilience.failure_reply`'s polite text with a handoff button (and "try again" where a
retry makes sense); the turn completes normally. A failed submission keeps its key in ``task_pending``, so a
"try again" after a timeout (the first attempt may have been stored) returns the same application.

Idempotency (one application per intent to apply, across a failed save, a crash and a redone turn): the first
attempt submits with the engine's key of this action call (``tracker.idempotency_key``: in-process, or
``"idempotency_key"`` in the action-server request; :func:`assistant.dialogue.effects.effect_key` of
conversation, turn, call index and action), which a retry of the same turn (the channel's redelivery, the
engine's redo on a conflict, the citizen's re-send of a message without id whose turn was never stored:
:func:`assistant.dialogue.processor.turn_key`) gives the same call again; the client sends it as the ``Idempotency-Key`` header
(and in the body), and the back end stores one application per key. Only a caller that gives no key (a Rasa
server, which has none) falls back to :func:`connectors.tasks.dialogue.idempotency_key` of applicant, service
and the confirming message's id.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from assistant.dialogue.executors import CollectingDispatcher
from assistant.dialogue.knowledge_base import ServiceTitleMatcher, squash
from assistant.dialogue.sdk import ProtocolTracker, StepAction, slot_set
from assistant.errors import ConnectorError, InvalidInputError
from assistant.knowledge.periods import Clock, clock, ended_note, parse_period
from assistant.knowledge.region_preference import PLACE_SLOTS, lives_elsewhere, service_place
from connectors.consent import unclear_yes
from connectors.mydata.actions import member_asked_about, member_label
from connectors.eligibility.catalogue import UnknownServiceError
from connectors.resilience import failure_reply
from connectors.tasks.checklist import ChecklistSource
from connectors.tasks.client import Receipt, TasksClient
from connectors.eligibility.actions import facts_from_slots
from connectors.tasks.documents import (
    ConsentView,
    MyDataConsents,
    attach_documents,
    documents_summary,
    lapsed_consents,
    live_consents,
    needed_records,
)
from connectors.tasks.documents import words as document_words
from connectors.shared import knowledge_retriever
from connectors.tasks.service_search import KnowledgeSearch, ServiceSearch, requested_name
from connectors.tasks.dialogue import (
    ServiceNames,
    ServiceRef,
    checklist_items,
    confirming_message_id,
    format_checklist,
    idempotency_key,
    kst_date,
    receipts_in,
    state_name,
    words,
)
from connectors.tasks.store import ApplicationNotFoundError, InvalidTransitionError

if TYPE_CHECKING:
    from assistant.dialogue.sdk import SdkAction
    from assistant.settings import Settings

logger = logging.getLogger(__name__)

PENDING_SLOT = "task_pending"
#: Asks which of several services of one name (each local government's own) the citizen means.
CHOOSE_PLACE_RESPONSE = "utter_task_choose_place"
#: ``custom`` key of that question: the services offered (``service_id``, ``name``, ``agency``), one per button.
OFFERED_KEY = "offered_services"


#: the question where the citizen lives, asked before applying by a name that many local governments' services hold
#: (its ``custom`` holds them all under :data:`OFFERED_KEY`; the place said next chooses)
ASK_PLACE_RESPONSE = "utter_task_ask_place"
#: which service to apply for, one button each
ASK_SERVICE_RESPONSE = "utter_task_ask_service"
#: at most this many services are kept in that question's ``custom``
MAX_OFFERED = 60


def offered_services(custom: dict[str, Any]) -> list[ServiceRef]:
    """The services a :data:`CHOOSE_PLACE_RESPONSE` or :data:`ASK_PLACE_RESPONSE` message offered (its ``custom``),
    or ``[]`` for any other message."""
    if custom.get("response") not in (CHOOSE_PLACE_RESPONSE, ASK_PLACE_RESPONSE):
        return []
    return [ServiceRef(str(o["service_id"]), str(o.get("name") or ""), str(o.get("agency") or ""))
            for o in custom.get(OFFERED_KEY) or [] if isinstance(o, dict) and o.get("service_id")]
LAST_RECEIPT_SLOT = "last_receipt"
ELIGIBLE_SLOT = "eligible_services"
#: States an applicant may still cancel (:data:`connectors.tasks.store.TRANSITIONS`).
CANCELLABLE = frozenset({"submitted", "in_review"})
#: At most this many choices (services, receipts) become buttons; at most this many applications are listed.
MAX_BUTTONS, MAX_LISTED = 8, 10

EventDict = dict[str, Any]


class TaskContext:
    """What the task actions share: how to reach the back end and the catalogue for service names.

    Args:
        settings: the deployment settings (``tasks_base_url``, timeouts, retries, breaker; ``db_url`` and
            ``index_dir`` of the imported catalogue).
        client_factory: makes a :class:`TasksClient` per call (default :meth:`TasksClient.from_settings`).
        catalogue: the catalogue whose titles a message may name (default: the one imported into
            ``settings.home``, opened on first use).
        consents: the conversation's MyData consents (default: the MyData connector's consent store,
            :class:`~connectors.tasks.documents.MyDataConsents`); ``None`` with ``mydata=False``: no MyData.
        mydata: whether documents may be attached from MyData at all.
        today: the clock (default: ``settings.period_today`` when set, else today in Asia/Seoul,
            :func:`~assistant.knowledge.periods.today_in_seoul`).
        retriever: the knowledge retriever that finds the service an English request names
            (:mod:`connectors.tasks.service_search`; default: :func:`connectors.shared.knowledge_retriever`, the
            engine's in ``assistant serve``).
    """

    def __init__(self, settings: Settings, client_factory: Callable[[], TasksClient] | None = None,
                 catalogue: ChecklistSource | None = None, consents: ConsentView | None = None,
                 mydata: bool = True, retriever: KnowledgeSearch | None = None, today: Clock | None = None) -> None:
        self.settings = settings
        #: the clock a service's application period (신청기한) is read against: an ended one is said before the
        #: citizen is asked to submit (F9)
        self.today = today if today is not None else clock(settings.period_today)
        self.client_factory = client_factory or (lambda: TasksClient.from_settings(settings))
        self._secret: bytes | None = None
        self.consents: ConsentView | None = (consents or MyDataConsents(settings)) if mydata else None
        self.services = ServiceNames(catalogue if catalogue is not None
                                     else (lambda: ChecklistSource.from_home(settings.db_url, settings.index_dir)))
        # English service names: the engine's knowledge retriever when it runs in this process, else one loaded over the
        # same home's index on the first English request and kept for the process (connectors/shared.py)
        self.search = ServiceSearch(retriever if retriever is not None else (lambda: knowledge_retriever(settings)))


def _context_secret(ctx: TaskContext) -> bytes:
    from connectors.tasks.auth import deployment_secret

    if ctx._secret is None:
        ctx._secret = deployment_secret(ctx.settings)
    return ctx._secret


class _Turn:
    """One action run: the language, the applicant, and replies in the domain's wording."""

    def __init__(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any],
                 secret: bytes, threshold: float = 0.8) -> None:
        from connectors.tasks.auth import applicant_id_for_key, applicant_key

        self.dispatcher, self.tracker, self.domain = dispatcher, tracker, domain
        self.threshold = threshold  # settings.consent_affirm_threshold
        self.language = "en" if tracker.get_slot("language") == "en" else "ko"
        self.key = applicant_key(secret, tracker.sender_id)  # sent as X-Applicant-Key; the back end stores only its hash
        self.applicant = applicant_id_for_key(self.key)
        self.w = words(self.language)

    @functools.cached_property
    def where(self) -> dict[str, Any]:
        """The slots with the place the latest message says (:func:`_where_lives`), read once per action run."""
        return _where_lives(self)

    def say(self, response: str, *, buttons: list[dict[str, str]] | None = None,
            citations: list[dict[str, str]] | None = None, custom: dict[str, Any] | None = None, **values: Any) -> None:
        """Send domain response ``response`` filled with ``values``; extra ``buttons`` follow its own (the engine
        appends them, as Rasa does); ``citations`` (catalogue text the reply quotes) and ``custom`` go in its
        ``custom``."""
        extra = {**({"citations": citations} if citations else {}), **(custom or {})}
        self.dispatcher.utter_message(response=response, buttons=buttons, json_message=extra or None, **values)

    def fail(self, exc: ConnectorError, retry: str | None = None) -> None:
        """The polite failure reply with a handoff button (and ``retry`` as a "try again" payload)."""
        out = failure_reply(exc, "tasks", self.language)
        logger.warning("task back end failed", extra={"conversation_id": self.tracker.sender_id, "stage": "action",
                                                       "kind": out["kind"], "error": type(exc).__name__})
        buttons = ([{"title": self.w["retry"], "payload": retry}] if retry else []) + \
            [{"title": self.w["handoff"], "payload": "/human_handoff"}]
        self.dispatcher.utter_message(text=out["text"], buttons=buttons,
                                      json_message={"response": "task_backend_failed", "error": out["kind"],
                                                    "handoff_offer": True})

    def pending(self, kind: str) -> dict[str, Any] | None:
        """``task_pending`` when it holds a ``kind`` offer."""
        p = self.tracker.get_slot(PENDING_SLOT)
        return p if isinstance(p, dict) and p.get("kind") == kind else None

    def unsure(self, pending: dict[str, Any], declined: str) -> list[EventDict] | None:
        """None for a confident yes (:mod:`connectors.consent`); else the events of asking once for a clear
        yes (the offer stands), or, when that was asked already, of running ``declined``."""
        return unclear_yes(self.dispatcher, self.tracker, self.language, self.threshold, pending, PENDING_SLOT, declined)

    def receipts(self) -> list[str]:
        """Receipt numbers the latest message names."""
        return receipts_in(self.tracker.latest_text(), self.tracker.get_latest_entity_values("receipt"))


class _TaskAction(StepAction[TaskContext, _Turn]):
    """A task action: :class:`~assistant.dialogue.sdk.StepAction` whose turn knows the applicant."""

    def turn(self, dispatcher: CollectingDispatcher, tracker: ProtocolTracker, domain: dict[str, Any]) -> _Turn:
        """The run's :class:`_Turn`."""
        return _Turn(dispatcher, tracker, domain, _context_secret(self.ctx), self.ctx.settings.consent_affirm_threshold)


def _listed(t: _Turn, service_id: str) -> dict[str, Any]:
    raw = t.tracker.get_slot(ELIGIBLE_SLOT)
    return next((s for s in (raw if isinstance(raw, list) else []) if isinstance(s, dict) and s.get("service_id") == service_id), {})


def _listed_url(t: _Turn, service_id: str) -> str:
    """The gov.kr page the eligibility listing gave for ``service_id`` ("" when not listed)."""
    return str(_listed(t, service_id).get("url") or "")


def _listed_name(t: _Turn, service_id: str) -> str:
    return str(_listed(t, service_id).get("service_name") or service_id)


def _example(title: str | None, language: str) -> str:
    """The "(예: …)" part of the which-service prompt: a title of the loaded catalogue, or nothing without one."""
    if not title:
        return ""
    return f' (for example: "I want to apply for {title}")' if language == "en" else f' (예: "{title} 신청할래요")'


#: said when a request to apply names a service no document's title holds (the name may be made up, or said otherwise)
NAME_NOT_FOUND_RESPONSE = "utter_task_name_not_found"
#: said instead of a checklist, or of submitting, when the conversation says the citizen lives where the local service
#: is not for (:func:`lives_elsewhere`)
OTHER_REGION_RESPONSE = "utter_task_other_region"


class PrepareApplication(_TaskAction):
    """``action_prepare_application``: the service, its checklist, and the yes/no question."""

    action_name = "action_prepare_application"

    def _service(self, t: _Turn) -> ServiceRef | list[ServiceRef]:
        """The service the message means, or the choices to offer (empty: ask for a name).

        Run as a follow-up (not after ``apply_service``, e.g. once a MyData consent was granted), the service
        on offer in ``task_pending``.
        """
        pending = t.pending("apply")
        if pending is not None and t.tracker.get_intent_of_latest_message() != "apply_service":
            return ServiceRef(str(pending["service_id"]), str(pending.get("service_name") or ""))
        ids = [str(v) for v in t.tracker.get_latest_entity_values("service_id") if v]
        if ids:
            return ServiceRef(ids[0], "")
        text = t.tracker.latest_text()
        raw = t.tracker.get_slot(ELIGIBLE_SLOT)
        eligible = [ServiceRef(str(s["service_id"]), str(s.get("service_name") or ""))
                    for s in (raw if isinstance(raw, list) else []) if isinstance(s, dict) and s.get("service_id")]
        named = ServiceTitleMatcher(s.name for s in eligible if s.name).find(text)
        if named:
            return next(s for s in eligible if s.name == named[0])
        found = self._held_name(text, self.ctx.services.find(text))
        if not found and t.language == "en":  # Korean titles: an English name is found through the retriever
            docs = self.ctx.services.documents()
            found = self.ctx.search.find(text, docs)
            if len(found) == 1 and service_place(found[0].agency) and not self._served(t, found[0]):
                # an English name read through the glossary that leads to one local government's service, for a
                # citizen not known to live there: the retrieved services are offered to choose from
                others = [s for s in self.ctx.search.retrieved(text, docs, MAX_BUTTONS) if s.service_id != found[0].service_id]
                choices = [found[0], *others]
                if self._place_known(t):  # those run where the citizen lives, or nationally
                    choices = [s for s in choices if lives_elsewhere(s.agency, t.where) is None]
                return choices[:MAX_BUTTONS] if len(choices) > 1 else choices[0] if choices else found[0]
        if found:
            return self._where_run(t, found)
        return eligible[0] if len(eligible) == 1 else eligible

    def _held_name(self, text: str, found: list[ServiceRef]) -> list[ServiceRef]:
        """``found`` (the titles the message names), or the services whose titles hold the name the request gives
        when none of ``found`` does: a title's shorter name found inside a longer word is no name of it (s45 probe:
        "용인시 출산지원금 신청하고 싶어요" found 출산지원서비스 by its name 출산지원, inside 출산지원금, and 용인시 출산지원금
        지원 was missed). The name is the request's words before the verb (:func:`requested_name`), else its last
        words that a title holds ("저 부산 강서구 사는데 출산지원금" → 출산지원금)."""
        from assistant.regions import places_in_text

        named = requested_name(text)
        if not named or not re.search(r"[가-힣]", named):
            return found
        words = named.split()
        for i in range(len(words)):
            name = squash(" ".join(words[i:]))
            if len(name) < 4:
                break
            if any(name in squash(f.name) for f in found):
                return found
            if held := self.ctx.services.holding(name):
                return held
            if not places_in_text(words[i]):
                # only a place said before the name is dropped ("부산 출산지원금" → 출산지원금): dropping a word of the
                # name found other services ("인공달팽이관 수술비 지원" → (통영형)어르신 인공관절 수술비 지원: s45 probe)
                break
        if not found and len(words) > 1 and len(head := squash(words[0])) >= 3:
            # the name as said is no title's, its first word is ("인공달팽이관 수술비 지원" → 청각장애인인공달팽이관수술
            # 지원): those few titles (a word many titles hold, "장애인", says too little to choose by)
            held = self.ctx.services.holding(head)
            if 0 < len(held) <= MAX_BUTTONS:
                return held
        return found

    @staticmethod
    def _place_known(t: _Turn) -> bool:
        """Whether the conversation says where the citizen lives (one of :data:`PLACE_SLOTS` of
        :attr:`_Turn.where` names a place)."""
        from assistant.regions import read_place

        return any(isinstance(v := t.where.get(slot), str) and read_place(v) is not None for slot in PLACE_SLOTS)

    def _served(self, t: _Turn, service: ServiceRef) -> bool:
        """Whether the conversation knows the citizen lives where ``service``'s local government serves."""
        return self._place_known(t) and lives_elsewhere(service.agency, t.where) is None

    def _where_run(self, t: _Turn, found: list[ServiceRef]) -> ServiceRef | list[ServiceRef]:
        """The one service the title the message names means, or the services of that name to choose among.

        ``found``: the services of the title named (several when they share it). When the first is a local
        government's, other bodies' titles may hold the same name (spaces ignored: 충청북도 옥천군's "청년 월세 지원"
        and 경기도 안양시's "안양 청년 월세 지원"). Where the conversation knows where the citizen lives
        (:data:`PLACE_SLOTS`), the one run there, or those run there to choose from (a 시·도 known and several of its
        시·군·구 run one), or the first when none is (the other-region reply follows); otherwise every one of them, to
        choose from. s44 probe: "청년 월세 지원 받고 싶어요" went
        straight to 옥천군's checklist for a citizen of unknown residence; the question answered it first asked where
        they live.
        """
        if len(found) > 1 and self._place_known(t):
            # a name several bodies' titles hold ("출산지원금"), said by a citizen known to live somewhere ("저 부산
            # 강서구 사는데 출산지원금 신청할래요", s45 probe: eight bodies' services to choose from): the one run there,
            # else those served there (run there or nationally)
            served = [s for s in found if lives_elsewhere(s.agency, t.where) is None]
            local = [s for s in served if service_place(s.agency)]
            if len(local) == 1:
                return local[0]
            found = served or found
        named = found[0]
        if not service_place(named.agency):
            return named if len(found) == 1 else found
        seen = {s.service_id for s in found}
        same = [*found, *(s for s in self.ctx.services.holding(named.name) if s.service_id not in seen)]
        if len(same) == 1:
            return named
        if self._place_known(t):
            # the one run there; several (a 시·도 known, its 시·군·구's versions): those to choose from; none: the first
            # (the other-region reply follows)
            served = [s for s in same if lives_elsewhere(s.agency, t.where) is None]
            return served[0] if len(served) == 1 else served or named
        return same

    def _choose_place(self, t: _Turn, services: list[ServiceRef]) -> list[EventDict]:
        """Asks which of the services of one name (:meth:`_where_run`) the citizen means, one button each."""
        from assistant.regions import place_for_language

        places = ("; " if t.language == "en" else ", ").join(dict.fromkeys(place_for_language(service_place(s.agency), t.language) or s.agency
                                         for s in services))
        buttons = [apply_button(s) for s in services]
        t.say(CHOOSE_PLACE_RESPONSE, buttons=buttons, service_name=services[0].name, places=places,
              custom={OFFERED_KEY: [{"service_id": s.service_id, "name": s.name, "agency": s.agency} for s in services]})
        return [slot_set(PENDING_SLOT, None)]

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        service = self._service(t)
        # (more than the buttons shown: a place said might be among those left out, so the plain choice is asked)
        if isinstance(service, list) and 1 < len(service) <= MAX_BUTTONS and service_place(service[0].agency) \
                and t.tracker.get_intent_of_latest_message() == "apply_service" \
                and CHOOSE_PLACE_RESPONSE in (t.domain.get("responses") or {}) and len({s.agency for s in service}) == len(service) \
                and all(re.sub(r"\s+", "", service[0].name) in re.sub(r"\s+", "", s.name) for s in service):
            return self._choose_place(t, service)
        if isinstance(service, list):
            named = requested_name(t.tracker.latest_text()) if not service else None
            if named is not None and re.search(r"[가-힣]", named):
                # a Korean name given that no title names in full: the titles that hold it ("유아학비" → 유아학비
                # (누리과정) 지원) are the service or the choices; none holding it, no service of the documents has
                # that name, and it is said so, never "not taken here" as if it existed (s44 probe: "반려견 양육수당
                # 신청하고 싶어요"); the name may be said otherwise than the title: the titles that hold each of its words
                # ("산모 건강관리 서비스" → 산모·신생아 건강관리 지원사업 …, s51 probe), else the exact name is asked for
                service = self.ctx.services.holding(named) or self.ctx.services.holding_words(named)
                if not service:
                    t.say(NAME_NOT_FOUND_RESPONSE, service_name=named)
                    return [slot_set(PENDING_SLOT, None)]
                named = None
            if isinstance(service, list) and len(service) == 1:
                service = service[0]
        if isinstance(service, list):
            if named is not None:  # a name was given but no service here has it: say so, never ask for it again
                t.say("utter_task_cannot_apply_here", service_name=named)
                return [slot_set(PENDING_SLOT, None)]
            buttons = [apply_button(s) for s in service[:MAX_BUTTONS]]
            places = list(dict.fromkeys(service_place(s.agency) for s in service))
            if len(service) > 2 and all(places) and len(places) > 2 and not self._place_known(t) \
                    and ASK_PLACE_RESPONSE in (t.domain.get("responses") or {}):
                # every one a local government's, of many places (s45 probe: "출산지원금 신청할래요" listed eight
                # places' services): where the citizen lives is asked first; the place said next chooses
                # (assistant.dialogue.typed_buttons), and the buttons stay for those who would rather pick
                name = requested_name(t.tracker.latest_text()) or service[0].name
                t.say(ASK_PLACE_RESPONSE, buttons=buttons, service_name=name, places=listed_places(places, t.language),
                      custom={"service_name": name, OFFERED_KEY: [{"service_id": s.service_id, "name": s.name, "agency": s.agency}
                                                                  for s in service[:MAX_OFFERED]]})
                return [slot_set(PENDING_SLOT, None)]
            # no candidates: "choose one below" would point at nothing
            t.say(ASK_SERVICE_RESPONSE if buttons else "utter_task_ask_service_name", buttons=buttons,
                  example=_example(self.ctx.services.example(), t.language))
            return [slot_set(PENDING_SLOT, None)]
        try:
            with self.ctx.client_factory() as client:
                checklist = client.checklist(service.service_id)
        except (UnknownServiceError, InvalidInputError):  # not in the catalogue, or refused as an id (e.g. a typed payload)
            page = _listed_url(t, service.service_id)
            if page:  # checked by the eligibility service, but this task back end cannot take it: say where to apply
                t.say("utter_task_apply_elsewhere", service_name=service.name or _listed_name(t, service.service_id), url=page)
            else:
                t.say("utter_task_unknown_service", service_id=service.service_id)
            return [slot_set(PENDING_SLOT, None)]
        except ConnectorError as e:
            t.fail(e)
            return [slot_set(PENDING_SLOT, None)]
        documents = [d for d in checklist["documents"] if isinstance(d, dict)]
        name = str(checklist.get("service_name") or service.name or service.service_id)
        agency = service.agency or str(getattr(self.ctx.services.documents().get(service.service_id), "agency", "") or "")
        if (elsewhere := lives_elsewhere(agency, t.where)) is not None:
            place, region = _places_said(agency, elsewhere, t.language)
            t.say(OTHER_REGION_RESPONSE, service_name=name, place=place, region=region)
            return [slot_set(PENDING_SLOT, None)]
        member = member_asked_about(t.tracker)
        items = _attached(self.ctx, t, checklist_items(documents))
        lines, bring = format_checklist(items, str(checklist.get("url") or ""), t.language)
        offer = [{"title": document_words(t.language)["offer"], "payload": "/use_mydata"}] \
            if self.ctx.consents is not None and needed_records(items) else []
        t.say("utter_task_checklist", buttons=offer, service_name=name, documents=lines, to_bring=bring,
              mydata=_mydata_block(items, t.language) if member is None else _not_for_member(member, t.language),
              period=residence_block(service_place(agency), t.language)
              + period_block(str(checklist.get("application_period") or ""), self.ctx.today(), t.language),
              citations=[_checklist_citation(self.ctx, service.service_id, name, str(checklist.get("url") or ""))])
        return [slot_set(PENDING_SLOT, {"kind": "apply", "service_id": service.service_id, "service_name": name,
                                        "agency": agency, "checklist": items})]


#: where a person the citizen speaks of lives ("어머니가 남원 사세요", "부모님이 전주 사시는데")
_LIVES_HONORIFIC = re.compile(r"사세요|사시는|사시고|사셔서|사십니다")


def listed_places(places: list[str], language: str, most: int = 5) -> str:
    """Places (Korean region names) as a reply lists them: the first ``most`` written for ``language``, then how many
    more ("부산광역시 강서구, 경기도 용인시 외 3곳" / "Gangseo-gu, Busan; Yongin-si, Gyeonggi-do and 3 more").

    >>> listed_places(["부산광역시 강서구", "경기도 용인시", "충청남도 천안시"], "ko", most=2)
    '부산광역시 강서구, 경기도 용인시 외 1곳'
    """
    from assistant.regions import place_for_language

    shown = [place_for_language(p, language) for p in places[:most]]
    more = len(places) - len(shown)
    tail = (f" and {more} more" if language == "en" else f" 외 {more}곳") if more > 0 else ""
    return ("; " if language == "en" else ", ").join(shown) + tail


def apply_button(service: ServiceRef) -> dict[str, str]:
    """The button that applies for ``service``: titled with its name and agency, payload ``/apply_service`` with its
    ``service_id``."""
    return {"title": f"{service.name} ({service.agency})" if service.agency else service.name or service.service_id,
            "payload": "/apply_service" + json.dumps({"service_id": service.service_id}, ensure_ascii=False)}


def _where_lives(t: _Turn) -> dict[str, Any]:
    """The conversation's slots, with the one place the latest message names (:func:`~assistant.regions.read_place`
    of its text) first among :data:`PLACE_SLOTS`: the request itself may say where the citizen lives, and more
    exactly than the slot its entities fill ("저 부산 강서구 사는데 출산지원금 신청할래요" fills ``region`` with
    "강서구", which 서울 and 부산 both have: s45 probe, eight bodies' services offered). Only a message that says
    where someone lives (:func:`~assistant.dialogue.builtin_actions.says_residence`, or of the person applied for:
    "어머니 … 남원 사세요"): a place in a service's title ("용인시 출산지원금 신청할래요") says nothing of it."""
    from assistant.dialogue.builtin_actions import says_residence
    from assistant.regions import read_place

    slots = dict(t.tracker.slots)
    text = t.tracker.latest_text() or ""
    said = says_residence(text) or _LIVES_HONORIFIC.search(text) is not None
    area = read_place(text) if said and not text.lstrip().startswith("/") else None
    if area is not None:
        slots[PLACE_SLOTS[0]] = str(area)
    return slots


def _places_said(agency: str, elsewhere: str, language: str) -> tuple[str, str]:
    """``(place, region)`` for :data:`OTHER_REGION_RESPONSE`: the service's local government and where the citizen
    lives, written for ``language``."""
    from assistant.regions import place_for_language

    return place_for_language(service_place(agency), language), place_for_language(elsewhere, language)


def residence_block(place: str, language: str) -> str:
    """The lines of the apply question that say a local government's service (run by ``place``) is for its
    residents, after a blank line, so that a yes is given knowing it; ``""`` for a national service (``place`` empty).

    >>> residence_block("강원특별자치도 강릉시", "ko").strip()
    '이 서비스는 강원특별자치도 강릉시에서 운영하며 그곳 주민이 대상이에요. 그곳에 사시는 경우에만 신청해 주세요.'
    """
    if not place:
        return ""
    if language == "en":
        from assistant.regions import place_for_language

        return f"\n\nThis service is run by {place_for_language(place, 'en')} for its residents: apply only if you live there."
    return f"\n\n이 서비스는 {place}에서 운영하며 그곳 주민이 대상이에요. 그곳에 사시는 경우에만 신청해 주세요."


def period_block(period: str, today: dt.date, language: str) -> str:
    """The lines of the apply question that say the service's application period (``period``, its 신청기한) ended
    before ``today``, after a blank line: asked before anything is submitted, so a yes is given knowing it
    (:func:`~assistant.knowledge.periods.ended_note`); ``""`` when it has not ended or cannot be told.

    Example:
        >>> period_block("2024.3.1~2024.3.31", dt.date(2026, 12, 1), "ko").strip().startswith("신청 기간이 지났습니다 (2024.3.31까지).")
        True
    """
    note = ended_note(parse_period(period), today, language)
    if not note:
        return ""
    if language == "en":
        return f"\n\n{note} An application now may not be accepted: check with the office that receives it first."
    return f"\n\n{note} 지금 접수해도 받아 주지 않을 수 있으니 접수기관에 먼저 확인해 보세요."


def _checklist_citation(ctx: TaskContext, service_id: str, name: str, url: str) -> dict[str, str]:
    """The citation of a checklist: the service's 구비서류 field, which the checklist quotes (fresh-user s10 #21: it
    was sent with no citation while every other catalogue answer cites the service). Agency and date come from the
    catalogue record when it can be read (``""`` otherwise); keys as :class:`assistant.knowledge.composer.Citation`."""
    doc = ctx.services.documents().get(service_id)
    return {"doc_id": service_id, "title": getattr(doc, "title", "") or name, "agency": getattr(doc, "agency", ""),
            "url": url or getattr(doc, "url", ""), "section": "구비서류", "updated_at": getattr(doc, "updated_at", "")}


def _attached(ctx: TaskContext, t: _Turn, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``items`` with the documents a live MyData consent of this conversation covers marked as supplied under it
    (none when MyData is off or its consent store cannot be read). For a household member's application
    (:func:`~connectors.mydata.actions.member_asked_about`: "우리 아이 … 신청할래요") no document is MyData's: the
    citizen's records are not the member's, so each is one to bring (no ``mydata_record``, no consent)."""
    if member_asked_about(t.tracker) is not None:
        return [{k: v for k, v in i.items() if k != "consent_id"}
                | {"mydata_record": None, "provided": "pending" if i.get("provided") == "mydata" else i.get("provided")}
                for i in items]
    live = live_consents(ctx.consents, t.tracker.sender_id)
    return attach_documents(items, *(live or ([], 0.0)))


def _not_for_member(member: str, language: str) -> str:
    """The line of a checklist for a household member's application (``member``: the ``beneficiary`` slot's value,
    ``"child"`` …): Public MyData fetches the citizen's own records, which are not the member's, so it is not offered."""
    who = member_label(member, language == "en")
    if language == "en":
        return f"\n\nPublic MyData can only fetch your own records, not {who}'s, so these documents are to be prepared yourself."
    return f"\n\n공공 마이데이터로는 본인의 기록만 불러올 수 있어서 {who}의 신청 서류는 직접 준비해 주세요."


def _mydata_block(items: list[dict[str, Any]], language: str) -> str:
    """The MyData lines of a reply after a blank line and a heading; ``""`` when no document could come from MyData."""
    summary = documents_summary(items, language)
    return f"\n\n{document_words(language)['heading']}\n{summary}" if summary else ""


class SubmitApplication(_TaskAction):
    """``action_submit_application``: the yes to :class:`PrepareApplication` (or "try again" after a failure)."""

    action_name = "action_submit_application"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        pending = t.pending("apply")
        if pending is None:
            t.say("utter_how_can_i_help")
            return []
        if (unsure := t.unsure(pending, DeclineTask.action_name)) is not None:
            return unsure
        sid = str(pending["service_id"])
        agency = str(pending.get("agency") or getattr(self.ctx.services.documents().get(sid), "agency", "") or "")
        if (elsewhere := lives_elsewhere(agency, t.tracker.slots)) is not None:
            # where the citizen lives was said after the checklist ("서울 관악구요"): never submitted for another place
            place, region = _places_said(agency, elsewhere, t.language)
            t.say(OTHER_REGION_RESPONSE, service_name=pending.get("service_name"), place=place, region=region)
            return [slot_set(PENDING_SLOT, None)]
        # a "try again" re-sends the failed attempt's key (it may have been stored); a first attempt uses the engine's
        # key of this call, the same on every retry of this turn (module docstring)
        key = str(pending.get("key") or t.tracker.idempotency_key or idempotency_key(
            t.applicant, sid, confirming_message_id(t.tracker.latest_message, t.tracker.events)))
        facts = pending["facts"] if isinstance(pending.get("facts"), dict) else facts_from_slots(t.tracker.slots)
        items = [dict(i) for i in pending.get("checklist") or [] if isinstance(i, dict)]
        if not pending.get("key"):  # a first attempt: the consents as they are now (one revoked since is not used)
            items = _attached(self.ctx, t, items)
        try:
            with self.ctx.client_factory() as client:
                receipt = client.submit(sid, None, facts, items, key,
                                        service_name=str(pending.get("service_name") or ""), applicant_key=t.key)
        except InvalidInputError:  # refused (a conflicting key, facts the back end rejects): nothing stored
            logger.warning("application refused", extra={"conversation_id": t.tracker.sender_id, "stage": "action"})
            t.say("utter_task_refused", service_name=pending.get("service_name"))
            return [slot_set(PENDING_SLOT, None)]
        except ConnectorError as e:
            t.fail(e, retry="/affirm")  # the retry sends exactly this request again (same key, facts and documents)
            return [slot_set(PENDING_SLOT, {**pending, "key": key, "facts": facts, "checklist": items})]
        logger.info("application submitted", extra={"conversation_id": t.tracker.sender_id, "stage": "action",
                                                     "service_id": sid, "newly_stored": receipt.created})
        t.say("utter_task_submitted", receipt=receipt.receipt, service_name=receipt.service_name or pending.get("service_name"),
              mydata=_mydata_block(list(receipt.checklist), t.language))
        return [slot_set(LAST_RECEIPT_SLOT, receipt.receipt), slot_set(PENDING_SLOT, None)]


def _status_line(r: Receipt, language: str) -> str:
    again = any(c.get("provided") == "withdrawn" for c in r.checklist)
    mark = f" — {words(language)['mydata_withdrawn']}" if again else ""
    return f"- {r.receipt} {r.service_name or r.service_id}: {state_name(r.state, language)} ({kst_date(r.created_at)}){mark}"


def _reconcile(ctx: TaskContext, t: _Turn, client: TasksClient, apps: list[Receipt]) -> tuple[list[Receipt], list[Receipt]]:
    """Tell the back end about MyData consents revoked or expired since these applications were submitted.

    Returns:
        ``(apps, changed)``: the applications as they are now, and those whose documents this call withdrew.
        Nothing is changed when the consent store cannot be read.
    """
    open_ = [a for a in apps if a.state in CANCELLABLE and any(c.get("provided") == "mydata" for c in a.checklist)]
    live = live_consents(ctx.consents, t.tracker.sender_id) if open_ else None
    if live is None:
        return apps, []
    consents, now = live
    status = {c.id: c.status(now) for c in consents}
    changed: dict[str, Receipt] = {}
    for cid in dict.fromkeys(cid for a in open_ for cid in lapsed_consents(a.checklist, consents, now)):
        for r in client.withdraw_consent(cid, reason=status[cid], applicant_key=t.key):
            changed[r.receipt] = r
    if changed:
        logger.info("mydata documents withdrawn", extra={"conversation_id": t.tracker.sender_id, "stage": "action",
                                                         "applications": len(changed)})
    return [changed.get(a.receipt, a) for a in apps], list(changed.values())


class ApplicationStatus(_TaskAction):
    """``action_application_status``: one receipt, or the applicant's applications."""

    action_name = "action_application_status"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        receipts = t.receipts()
        try:
            with self.ctx.client_factory() as client:
                if not receipts:
                    apps, _ = _reconcile(self.ctx, t, client, client.list(applicant_key=t.key))
                    if not apps:
                        t.say("utter_task_no_applications")
                    else:
                        t.say("utter_task_status_list",
                              applications="\n".join(_status_line(a, t.language) for a in apps[:MAX_LISTED]))
                    return []
                for number in receipts[:3]:
                    try:
                        r = _reconcile(self.ctx, t, client, [client.status(number, applicant_key=t.key)])[0][0]
                    except ApplicationNotFoundError:
                        t.say("utter_task_not_found", receipt=number)
                        continue
                    t.say("utter_task_status", receipt=r.receipt, service_name=r.service_name or r.service_id,
                          state=state_name(r.state, t.language), submitted_on=kst_date(r.created_at),
                          updated_on=kst_date(r.updated_at), mydata=_mydata_block(list(r.checklist), t.language))
        except ConnectorError as e:
            t.fail(e)
        return []


class PrepareCancellation(_TaskAction):
    """``action_prepare_cancellation``: which application, and the yes/no question."""

    action_name = "action_prepare_cancellation"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        receipts = t.receipts()
        others: list[Receipt] = []
        try:
            with self.ctx.client_factory() as client:
                if receipts:
                    target = client.status(receipts[0], applicant_key=t.key)
                else:
                    apps = client.list(applicant_key=t.key)
                    open_ = [a for a in apps if a.state in CANCELLABLE]
                    if not open_:
                        t.say("utter_task_nothing_to_cancel" if apps else "utter_task_no_applications")
                        return [slot_set(PENDING_SLOT, None)]
                    last = t.tracker.get_slot(LAST_RECEIPT_SLOT)
                    target = next((a for a in open_ if a.receipt == last), open_[0])
                    others = [a for a in open_ if a.receipt != target.receipt]
        except ApplicationNotFoundError:
            t.say("utter_task_not_found", receipt=receipts[0])
            return [slot_set(PENDING_SLOT, None)]
        except ConnectorError as e:
            t.fail(e)
            return [slot_set(PENDING_SLOT, None)]
        values: dict[str, Any] = {"receipt": target.receipt, "service_name": target.service_name or target.service_id,
                  "state": state_name(target.state, t.language)}
        if target.state == "cancelled":
            t.say("utter_task_already_cancelled", **values)
            return [slot_set(PENDING_SLOT, None)]
        if target.state not in CANCELLABLE:
            t.say("utter_task_cannot_cancel", **values)
            return [slot_set(PENDING_SLOT, None)]
        choices = [{"title": t.w["cancel_other"].format(receipt=o.receipt),
                    "payload": "/cancel_application" + json.dumps({"receipt": o.receipt})} for o in others[:MAX_BUTTONS]]
        t.say("utter_task_confirm_cancel", buttons=choices, **values)
        return [slot_set(PENDING_SLOT, {"kind": "cancel", "receipt": target.receipt, "service_name": values["service_name"]})]


class CancelApplication(_TaskAction):
    """``action_cancel_application``: the yes to :class:`PrepareCancellation` (or "try again")."""

    action_name = "action_cancel_application"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        pending = t.pending("cancel")
        if pending is None:
            t.say("utter_how_can_i_help")
            return []
        if (unsure := t.unsure(pending, DeclineTask.action_name)) is not None:
            return unsure
        receipt = str(pending["receipt"])
        values: dict[str, Any] = {"receipt": receipt, "service_name": pending.get("service_name")}
        try:
            with self.ctx.client_factory() as client:
                try:
                    client.cancel(receipt, reason="cancelled by the applicant in the conversation", applicant_key=t.key)
                except InvalidTransitionError:  # decided between the question and the yes
                    r = client.status(receipt, applicant_key=t.key)
                    t.say("utter_task_cannot_cancel", state=state_name(r.state, t.language), **values)
                    return [slot_set(PENDING_SLOT, None)]
        except ApplicationNotFoundError:
            t.say("utter_task_not_found", receipt=receipt)
            return [slot_set(PENDING_SLOT, None)]
        except ConnectorError as e:
            t.fail(e, retry="/affirm")
            return []  # the offer stands: "try again" cancels (a repeated cancel is a no-op)
        logger.info("application cancelled", extra={"conversation_id": t.tracker.sender_id, "stage": "action"})
        t.say("utter_task_cancelled", **values)
        return [slot_set(PENDING_SLOT, None)]


class ReconcileDocuments(_TaskAction):
    """``action_reconcile_mydata_documents`` (a follow-up of ``action_revoke_consent_confirmed``): documents of
    applications not yet decided that were supplied under a consent now revoked or expired are marked withdrawn
    at the back end, and the citizen is told which to submit again. Says nothing when none is affected."""

    action_name = "action_reconcile_mydata_documents"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the class docstring."""
        if self.ctx.consents is None:
            return []
        try:
            with self.ctx.client_factory() as client:
                _, changed = _reconcile(self.ctx, t, client, client.list(applicant_key=t.key))
        except ConnectorError as e:  # the status look-up reconciles later
            t.fail(e)
            return []
        if changed:
            lines = []
            for r in changed:
                names = ", ".join(dict.fromkeys(str(c.get("name")) for c in r.checklist if c.get("provided") == "withdrawn"))
                lines.append(f"- {r.receipt} {r.service_name or r.service_id}: {names}")
            t.say("utter_task_documents_withdrawn", applications="\n".join(lines))
        return []


class DeclineTask(_TaskAction):
    """``action_task_declined``: a no to either question; nothing is sent."""

    action_name = "action_task_declined"

    def step(self, t: _Turn) -> list[EventDict]:
        """See the module docstring."""
        apply, cancel = t.pending("apply"), t.pending("cancel")
        if apply is not None:
            # an attempt that failed may have been stored (a timeout after the back end wrote it)
            t.say("utter_task_submission_unknown" if apply.get("key") else "utter_task_not_submitted",
                  service_name=apply.get("service_name"))
        elif cancel is not None:
            t.say("utter_task_not_cancelled", receipt=cancel.get("receipt"))
        else:
            t.say("utter_how_can_i_help")
        return [slot_set(PENDING_SLOT, None)]


def make_actions(ctx: TaskContext) -> list[SdkAction]:
    """The task actions over one :class:`TaskContext` (tests pass their own client factory and catalogue)."""
    return [cls(ctx) for cls in (PrepareApplication, SubmitApplication, ApplicationStatus, PrepareCancellation,
                                 CancelApplication, ReconcileDocuments, DeclineTask)]


def actions(settings: Settings) -> list[SdkAction]:
    """The task connector's actions (loaded by name from ``ASSISTANT_CONNECTOR_ACTIONS``)."""
    return make_actions(TaskContext(settings))

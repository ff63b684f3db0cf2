"""The WhatsApp channel: Meta's WhatsApp Cloud API webhooks in (``/webhooks/whatsapp/webhook``), Graph API out.

Verification (Meta docs, "Webhooks: Getting started"): when the callback URL is saved, Meta sends ``GET ...?hub.mode=
subscribe&hub.verify_token=<token>&hub.challenge=<n>``; the route answers the challenge (plain text) when the token is
the configured one, else 403.

Notifications: ``POST`` with ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>``
(:func:`valid_signature`), body ``{"object": "whatsapp_business_account", "entry": [{"id", "changes": [{"field":
"messages", "value": {"messaging_product": "whatsapp", "metadata": {"phone_number_id", ...}, "contacts"?: [...],
"messages"?: [{"from": <wa_id>, "id": <wamid>, "timestamp", "type", "text"?: {"body"}, "interactive"?: {"type":
"button_reply" | "list_reply", "button_reply"?: {"id", "title"}, "list_reply"?: {...}}, "button"?: {"payload",
"text"}}], "statuses"?: [...]}}]}]}`` (Cloud API, "Webhooks: messages"). A text, a tap on one of our reply buttons
(its ``id`` is the button's payload) or a template's quick-reply button is a message; statuses (sent, delivered,
read) and other message types (images, locations ...) are acknowledged and ignored.

Replies go out through ``POST /<phone-number-id>/messages`` (``Authorization: Bearer <access token>``,
:class:`WhatsAppApi`) after the route has answered 200 (Meta redelivers a notification that is not answered quickly
with 200). What is sent (:func:`render`): the text (with a ``출처:`` / ``Source:`` line) in pieces of at most
:data:`MAX_TEXT` characters; the buttons, when there are 1 to :data:`MAX_BUTTONS` with titles of at most
:data:`MAX_TITLE` characters, as an ``interactive`` ``button`` message (reply buttons whose ``id`` is the payload);
else as a numbered list the citizen answers with the number (:class:`OptionMemory` maps it back to the payload).

Message id: ``wa-<wamid>`` (Meta's id of the message, the same when it redelivers), so each message is one turn.

The 24-hour window (Cloud API: free-form messages reach the citizen only within 24 hours of their last message):
the route stores each conversation's last inbound time (the message's ``timestamp``; :func:`sent_at`), and a
proactive message later than that goes as the deployment's approved template instead (:func:`template_body`,
:class:`WhatsAppChannel`), while the message itself waits for the citizen's reply.

Personal data: the citizen's WhatsApp id (``wa_id``, the phone number) is never logged, stored or put in the
conversation id in clear. The conversation id is ``whatsapp:<token>`` where the token is the number under a keyed,
deterministic encryption (AES-SIV, RFC 5297, key from :func:`conversation_key`): like a keyed hash it is stable
(the same number is the same conversation) and says nothing without the key, but the server can turn it back into
the number to push a proactive message (a benefit alert) to it, which a hash could not do (:class:`PhoneCipher`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, Field

from assistant.channels.common import citations_of, language_of, same_secret, source_line, split_text
from assistant.channels.proactive import PushDeferred
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.errors import AssistantError, InvalidConfigError, InvalidInputError

logger = logging.getLogger(__name__)
CHANNEL = "whatsapp"
#: Characters of a text message's body (Cloud API: 4096).
MAX_TEXT = 4096
#: Reply buttons of an interactive message (Cloud API: 3), characters of a title (20) and of an id (256).
MAX_BUTTONS = 3
MAX_TITLE = 20
MAX_BUTTON_ID = 256
#: Characters of an interactive message's body (Cloud API: 1024).
MAX_BODY = 1024
#: Options of a numbered list (one or two digits to type back).
MAX_OPTIONS = 20
DEFAULT_API_URL = "https://graph.facebook.com/v21.0"
#: Seconds after the citizen's last message during which Meta delivers free-form messages (the customer service
#: window, Cloud API "Send messages": 24 hours).
SERVICE_WINDOW = 24 * 3600.0
#: Seconds before the window's end from which a proactive message goes as a template already (clock skew, a slow send).
WINDOW_MARGIN = 120.0
#: Meta's error code for a free-form message outside the window ("Re-engagement message": more than 24 hours have
#: passed since the recipient last replied).
REENGAGEMENT_CODE = 131047
#: The re-engagement template's one body parameter (``{{1}}``) per language. A template parameter may not hold a
#: newline, a tab or more than four spaces in a row (Cloud API, template parameters), so each is one line.
NOTICE = {"ko": "새 알림이 있어요. 이 메시지에 답장해 주시면 알림 내용을 보내 드릴게요.",
          "en": "You have a new notice. Reply to this message and we will send it to you."}
_CHOOSE = {"ko": "번호로 답해 주세요.", "en": "Reply with a number."}
_PICK = {"ko": "선택해 주세요.", "en": "Please choose."}
_AD = b"whatsapp conversation id v1"


class WindowClosed(InvalidInputError):
    """Meta refused a free-form message because the customer service window is closed (error code
    :data:`REENGAGEMENT_CODE`): only a template message reaches the citizen now."""


def signature(app_secret: str, body: bytes) -> str:
    """Meta's ``X-Hub-Signature-256`` value for ``body``: ``sha256=<hex HMAC-SHA256(app secret, body)>``.

    Example:
        >>> signature("s", b"{}")[:7]
        'sha256='
    """
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def valid_signature(app_secret: str, header: str | None, body: bytes) -> bool:
    """Whether ``header`` signs the raw ``body`` with ``app_secret`` (constant-time compare)."""
    return same_secret(header, signature(app_secret, body))


def conversation_key(secret: bytes) -> bytes:
    """The 64-byte AES-SIV key of the conversation ids, derived (HKDF-SHA256, RFC 5869) from a deployment secret."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"assistant whatsapp conversation id").derive(secret)


class PhoneCipher:
    """Conversation ids from WhatsApp ids and back: ``whatsapp:<base64url(AES-SIV(key, wa_id))>``.

    AES-SIV is deterministic (RFC 5297, section 1.3.2: the same plaintext and key give the same ciphertext), so one
    number is always one conversation, and authenticated, so a forged or altered id is refused.

    Args:
        key: 32, 48 or 64 bytes (:func:`conversation_key`).

    Raises:
        InvalidConfigError: a key of another length.

    Example:
        >>> c = PhoneCipher(conversation_key(b"deployment secret"))
        >>> sid = c.conversation_id("821012345678")
        >>> sid.startswith("whatsapp:") and "821012345678" not in sid, c.wa_id(sid)
        (True, '821012345678')
    """

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESSIV

        if len(key) not in (32, 48, 64):
            raise InvalidConfigError(f"the WhatsApp conversation key must be 32, 48 or 64 bytes, got {len(key)}")
        self._siv = AESSIV(key)

    def conversation_id(self, wa_id: str) -> str:
        """The conversation id of the WhatsApp id ``wa_id``."""
        token = self._siv.encrypt(wa_id.encode("utf-8"), [_AD])
        return f"{CHANNEL}:" + base64.urlsafe_b64encode(token).decode("ascii").rstrip("=")

    def wa_id(self, sender_id: str) -> str:
        """The WhatsApp id of a conversation id made by :meth:`conversation_id`.

        Raises:
            InvalidInputError: not a WhatsApp conversation id of this deployment (another key, altered, malformed).
        """
        from cryptography.exceptions import InvalidTag

        prefix, _, token = sender_id.partition(":")
        if prefix != CHANNEL or not token:
            raise InvalidInputError("not a whatsapp conversation id")
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
            return self._siv.decrypt(raw, [_AD]).decode("utf-8")
        except (InvalidTag, binascii.Error, ValueError) as e:
            raise InvalidInputError("not a whatsapp conversation id of this deployment") from e


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")
    body: str = ""


class _Reply(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = ""
    title: str = ""


class _Interactive(BaseModel):
    model_config = ConfigDict(extra="ignore")
    type: str = ""
    button_reply: _Reply | None = None
    list_reply: _Reply | None = None


class _TemplateButton(BaseModel):
    model_config = ConfigDict(extra="ignore")
    payload: str = ""
    text: str = ""


class WaMessage(BaseModel):
    """One item of ``value.messages`` (the fields this channel reads)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    from_: str = Field(alias="from", min_length=1, max_length=32)
    id: str = Field(min_length=1, max_length=512)
    timestamp: str = ""
    type: str = ""
    text: _Body | None = None
    interactive: _Interactive | None = None
    button: _TemplateButton | None = None


class _Metadata(BaseModel):
    model_config = ConfigDict(extra="ignore")
    phone_number_id: str | None = None


class _Value(BaseModel):
    model_config = ConfigDict(extra="ignore")
    metadata: _Metadata = Field(default_factory=_Metadata)
    messages: list[WaMessage] = Field(default_factory=list)


class _Change(BaseModel):
    model_config = ConfigDict(extra="ignore")
    field: str = ""
    value: _Value = Field(default_factory=_Value)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    changes: list[_Change] = Field(default_factory=list)


class Notification(BaseModel):
    """A webhook notification (``object`` ``whatsapp_business_account``)."""

    model_config = ConfigDict(extra="ignore")
    object: str
    entry: list[_Entry] = Field(default_factory=list)


class OptionMemory:
    """The numbered options last sent to each conversation (bounded, oldest dropped), so a reply ``2`` is the
    second option's payload, for the citizen's next message only. Per process and lost at a restart: then ``2``
    reaches the engine as typed text.

    Args:
        size: conversations remembered.
    """

    def __init__(self, size: int = 10_000) -> None:
        self.size = size
        self._options: OrderedDict[str, list[str]] = OrderedDict()

    def remember(self, sender_id: str, payloads: Sequence[str]) -> None:
        """Keep ``payloads`` (the options just listed; empty forgets the conversation's)."""
        self._options.pop(sender_id, None)
        if payloads:
            self._options[sender_id] = list(payloads)
            while len(self._options) > self.size:
                self._options.popitem(last=False)

    def take(self, sender_id: str, text: str) -> str | None:
        """The payload of option ``text`` (``"2"``, ``" 2. "``) of the conversation's list, else ``None``; the list
        is forgotten either way (it answers only the message right after it: a later "2" is typed text)."""
        number = text.strip().rstrip(".)번").strip()
        options = self._options.pop(sender_id, None)
        if not options or not number.isdigit() or not 1 <= int(number) <= len(options):
            return None
        return options[int(number) - 1]


def messages_of(note: Notification) -> list[tuple[str | None, WaMessage]]:
    """``(phone_number_id, message)`` for every message of the notification, in order."""
    return [(c.value.metadata.phone_number_id, m) for e in note.entry for c in note_changes(e) for m in c.value.messages]


def note_changes(entry: _Entry) -> list[_Change]:
    """The ``messages`` changes of an entry."""
    return [c for c in entry.changes if c.field in ("messages", "")]


def sent_at(message: WaMessage, now: float | None = None) -> float:
    """When the citizen sent ``message``: its ``timestamp`` (Unix seconds, as Meta sends it), never later than
    ``now``; ``now`` when it has none."""
    now = time.time() if now is None else now
    try:
        return min(float(int(message.timestamp)), now)
    except ValueError:
        return now


def template_body(to: str, name: str, language_code: str, notice: str) -> dict[str, Any]:
    """A template message (Cloud API, ``POST /<phone-number-id>/messages`` with ``type: template``): the approved
    template ``name`` in ``language_code`` with ``notice`` as its one body parameter.

    Returns:
        ``{"messaging_product": "whatsapp", "recipient_type": "individual", "to", "type": "template", "template":
        {"name", "language": {"code"}, "components": [{"type": "body", "parameters": [{"type": "text", "text"}]}]}}``.

    Example:
        >>> template_body("8210", "assistant_notice", "ko", "새 알림")["template"]["components"]
        [{'type': 'body', 'parameters': [{'type': 'text', 'text': '새 알림'}]}]
    """
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "template",
            "template": {"name": name, "language": {"code": language_code},
                         "components": [{"type": "body", "parameters": [{"type": "text", "text": notice}]}]}}


def text_of(message: WaMessage) -> str | None:
    """What the citizen sent: the text, a reply button's or list row's id (our payload), a template button's
    payload (or its text); ``None`` for other types."""
    if message.type == "text" and message.text is not None:
        return message.text.body
    if message.type == "interactive" and message.interactive is not None:
        reply = message.interactive.button_reply or message.interactive.list_reply
        if reply is not None:
            return reply.id or reply.title
    if message.type == "button" and message.button is not None:
        return message.button.payload or message.button.text
    return None


def to_user_message(message: WaMessage, cipher: PhoneCipher, options: OptionMemory | None = None) -> UserMessage | None:
    """The engine's message for one WhatsApp message, or ``None`` when it has no text to answer.

    The conversation id is :meth:`PhoneCipher.conversation_id` of the sender (never the number itself); a number
    answering a numbered list becomes the option's payload (``options``, which forget the list at any next message). ``metadata``: ``message_id``
    ``wa-<wamid>``.
    """
    text = text_of(message)
    if text is None or not text.strip():
        return None
    sender = cipher.conversation_id(message.from_)
    if options is not None:
        payload = options.take(sender, text) if message.type == "text" else None
        if payload is not None:
            text = payload
    return UserMessage(sender, text, CHANNEL, {"message_id": f"wa-{message.id}"})


def _buttons(messages: Sequence[BotMessage]) -> list[tuple[str, str]]:
    out = []
    for m in messages:
        for b in m.buttons:
            title = str(b.get("title") or b.get("payload") or "").strip()
            if title:
                out.append((title, str(b.get("payload") or title).strip()))
    return out


def render(to: str, messages: Sequence[BotMessage]) -> tuple[list[dict[str, Any]], list[str]]:
    """The turn's replies as Cloud API message bodies for ``to`` (a wa_id), in sending order, and the payloads of
    the numbered options they list (empty when none; see the module docstring).

    Returns:
        ``(bodies, options)``: each body is ``{"messaging_product": "whatsapp", "recipient_type": "individual", "to",
        "type": "text", "text": {"body", "preview_url": false}}`` or ``{..., "type": "interactive", "interactive":
        {"type": "button", "body": {"text"}, "action": {"buttons": [{"type": "reply", "reply": {"id", "title"}}]}}}``;
        no bodies for a turn without text or buttons.
    """
    lang = language_of(messages)
    texts = [m.text.strip() for m in messages if m.text and m.text.strip()]
    line = source_line(citations_of(messages), lang)
    if line:
        texts.append(line)
    buttons = _buttons(messages)
    as_buttons = 0 < len(buttons) <= MAX_BUTTONS and all(len(t) <= MAX_TITLE for t, _p in buttons)
    options: list[str] = []
    if buttons and not as_buttons:
        shown = buttons[:MAX_OPTIONS]
        listed = "\n".join(f"{i}. {t}" for i, (t, _p) in enumerate(shown, 1))
        texts.append(f"{listed}\n{_CHOOSE[lang]}")
        options = [p for _t, p in shown]
    pieces = split_text("\n\n".join(texts), MAX_TEXT) if texts else []
    head = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    bodies: list[dict[str, Any]] = []
    if as_buttons:
        # the buttons hang under the last piece when it fits an interactive body, else under a short prompt
        last = pieces.pop() if pieces and len(pieces[-1]) <= MAX_BODY else _PICK[lang]
        bodies = [{**head, "type": "text", "text": {"body": p, "preview_url": False}} for p in pieces]
        reply_buttons = [{"type": "reply", "reply": {"id": (p if len(p) <= MAX_BUTTON_ID else t), "title": t}}
                         for t, p in buttons]
        bodies.append({**head, "type": "interactive", "interactive": {
            "type": "button", "body": {"text": last}, "action": {"buttons": reply_buttons}}})
        return bodies, options
    bodies = [{**head, "type": "text", "text": {"body": p, "preview_url": False}} for p in pieces]
    return bodies, options


class WhatsAppApi:
    """The Cloud API call this channel makes (``POST /<phone-number-id>/messages``), over
    :class:`~connectors.resilience.ResilientHttp` (timeout per attempt, bounded retries with backoff on transport
    errors, 5xx and 429, a circuit breaker).

    Args:
        token: the access token (a system user's), sent as ``Authorization: Bearer``.
        phone_number_id: the business number's id (the sender of proactive messages).
        base_url: the Graph API's base with its version (``https://graph.facebook.com/v21.0``; tests: a local fake).
        timeout: seconds per attempt.
        retries: attempts in all.
        backoff: first wait between attempts in seconds.
    """

    def __init__(self, token: str, phone_number_id: str, base_url: str = DEFAULT_API_URL, timeout: float = 8.0,
                 retries: int = 3, backoff: float = 0.2) -> None:
        from connectors.resilience import ResilientHttp

        self.token, self.phone_number_id = token, phone_number_id
        self.http = ResilientHttp("WhatsApp Cloud API", base_url, timeout, retries, backoff)

    def send(self, body: dict[str, Any], phone_number_id: str | None = None) -> dict[str, Any]:
        """Send one message body (:func:`render`) from ``phone_number_id`` (default: the configured one).

        Returns:
            Meta's answer (``{"messaging_product", "contacts", "messages": [{"id"}]}``).

        Raises:
            WindowClosed: Meta refused it as outside the 24-hour customer service window (code 131047); not retried.
            InvalidInputError: Meta refused it (another 4xx than 429); not retried.
            ConnectorTimeout, ConnectorUnavailable: no answer (after the retries).
        """
        from connectors.resilience import platform_json

        def interpret(r: httpx.Response) -> dict[str, Any]:
            data = platform_json(r, "WhatsApp Cloud API")
            if r.status_code >= 400 or not isinstance(data, dict):
                err = data.get("error", {}) if isinstance(data, dict) else {}
                code = err.get("code") if isinstance(err, dict) else None
                if code == REENGAGEMENT_CODE:
                    raise WindowClosed(f"WhatsApp Cloud API refused the message: HTTP {r.status_code}, code {code} "
                                       "(outside the 24-hour customer service window)")
                raise InvalidInputError(f"WhatsApp Cloud API refused the message: HTTP {r.status_code}, code {code}")
            return data

        number = phone_number_id or self.phone_number_id
        return self.http.request("POST", f"/{number}/messages", interpret, json=body,
                                 headers={"Authorization": f"Bearer {self.token}"})

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()


class Windows(Protocol):
    """Where the conversations' times are kept across workers and restarts
    (:class:`~assistant.stores.channel_state.ChannelStateStore`; the server wires it in)."""

    def window(self, conversation_id: str) -> Any:
        """``.inbound_at`` (the citizen's last message) and ``.notice_at`` (the last template), Unix seconds or None."""
        ...

    def record_notice(self, conversation_id: str, at: float) -> None:
        """A re-engagement template went to the conversation at ``at``."""
        ...


@dataclass(frozen=True)
class Template:
    """The deployment's approved re-engagement template (settings ``whatsapp_template_name`` and
    ``whatsapp_template_languages``).

    Attributes:
        name: the template's name at Meta.
        languages: Meta's language code per reply language (``{"ko": "ko", "en": "en_US"}``); a reply language
            without one uses the first.
    """

    name: str
    languages: Mapping[str, str]

    def body(self, to: str, language: str) -> dict[str, Any]:
        """The template message to ``to`` (a wa_id) with :data:`NOTICE` in ``language`` (``ko`` / ``en``)."""
        code = self.languages.get(language) or next(iter(self.languages.values()))
        lang = language if language in self.languages else next(iter(self.languages))
        return template_body(to, self.name, code, NOTICE.get(lang, NOTICE["ko"]))


class WhatsAppChannel:
    """Proactive messages (alerts, MyData callbacks, a slow turn's answer) to a WhatsApp conversation
    (a :class:`~assistant.channels.proactive.Pusher`): the number comes back from the conversation id
    (:class:`PhoneCipher`).

    Meta delivers free-form messages only within 24 hours of the citizen's last message (:data:`SERVICE_WINDOW`).
    With a ``template`` configured, a message later than that goes as the template instead (its one parameter a short
    :data:`NOTICE`), and the messages themselves are kept (:class:`~assistant.channels.proactive.PushDeferred`) for
    the conversation's next message, which opens the window again. The window is known from ``windows`` (the time of
    the conversation's last inbound message, stored by the webhook route) and, when that is missing or wrong, from
    Meta's refusal (code :data:`REENGAGEMENT_CODE`). One template per conversation until the citizen replies: a
    second message meanwhile is kept without another template. Without a template, such messages are refused by
    Meta and kept as for any failure.

    Args:
        api: the Cloud API client.
        cipher: the conversation ids' cipher.
        options: where numbered options are remembered (the route's).
        fallback: where undelivered messages go (the outbox) when :meth:`send` is used; ``None``: the error propagates.
        template: the approved re-engagement template; ``None``: none configured.
        windows: the conversations' stored times; ``None``: only Meta's refusal tells the window is closed.
        clock: the time now (Unix seconds; tests).
    """

    name = CHANNEL

    def __init__(self, api: WhatsAppApi, cipher: PhoneCipher, options: OptionMemory | None = None,
                 fallback: Any = None, template: Template | None = None, windows: Windows | None = None,
                 clock: Any = time.time) -> None:
        self.api, self.cipher, self.options, self.fallback = api, cipher, options, fallback
        self.template, self.windows, self.clock = template, windows, clock

    def push(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """Send ``messages`` to the conversation's number now, in order (no fallback), and remember its options;
        outside the window, send the template instead (see the class docstring).

        Raises:
            PushDeferred: outside the window: the template went out (or had already gone out since the citizen's
                last message); the caller keeps the messages.
            WindowClosed: outside the window and no template configured.
            InvalidInputError: not a WhatsApp conversation id of this deployment, or Meta refused a message.
            ConnectorTimeout, ConnectorUnavailable: the Cloud API could not be reached.
            StoreUnavailableError: the stored windows could not be read.
        """
        wa_id = self.cipher.wa_id(recipient_id)
        bodies, options = render(wa_id, messages)
        if not bodies:
            return
        if self.template is not None and self._closed(recipient_id):
            self._re_engage(recipient_id, wa_id, messages)
        try:
            for body in bodies:
                self.api.send(body)
        except WindowClosed:
            if self.template is None:
                raise
            self._re_engage(recipient_id, wa_id, messages)
        if self.options is not None:
            self.options.remember(recipient_id, options)

    def _closed(self, recipient_id: str) -> bool:
        if self.windows is None:
            return False
        inbound = self.windows.window(recipient_id).inbound_at
        return inbound is not None and self.clock() - inbound >= SERVICE_WINDOW - WINDOW_MARGIN

    def _re_engage(self, recipient_id: str, wa_id: str, messages: Sequence[BotMessage]) -> None:
        """Send the template (once since the citizen's last message) and defer the messages."""
        assert self.template is not None
        if self.windows is not None:
            seen = self.windows.window(recipient_id)
            if seen.notice_at is not None and (seen.inbound_at is None or seen.notice_at >= seen.inbound_at):
                raise PushDeferred("outside WhatsApp's 24-hour window; the re-engagement template was already sent")
        self.api.send(self.template.body(wa_id, language_of(messages)))
        if self.windows is not None:
            self.windows.record_notice(recipient_id, self.clock())
        raise PushDeferred("outside WhatsApp's 24-hour window; re-engagement template sent")

    def send(self, recipient_id: str, messages: Sequence[BotMessage]) -> None:
        """:meth:`push`; when that fails or is deferred, log it (conversation id and error type, never the number)
        and keep the messages in ``fallback`` (all of them: a message sent before the failure may come again).

        Raises:
            InvalidInputError: not a WhatsApp conversation id of this deployment.
            AssistantError: not delivered and no fallback (or the fallback's own error).
        """
        self.cipher.wa_id(recipient_id)
        try:
            self.push(recipient_id, messages)
        except AssistantError as e:
            logger.error("whatsapp push failed: %s", type(e).__name__, extra={
                "conversation_id": recipient_id, "channel": CHANNEL, "stage": "proactive", "kept": self.fallback is not None})
            if self.fallback is None:
                raise
            self.fallback.send(recipient_id, messages)

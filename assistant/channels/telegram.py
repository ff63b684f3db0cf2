"""The Telegram channel: Bot API webhook updates (``POST /webhooks/telegram/webhook``).

Request: an ``Update`` (Telegram Bot API, "Getting updates" / "Update"): ``{"update_id": int, "message"?:
{"message_id", "chat": {"id"}, "from"?: {"language_code"?}, "text"?}, "callback_query"?: {"id", "from",
"message"?: {"chat": {"id"}}, "data"?}}``. A ``message`` with ``text`` is the citizen's message; a
``callback_query`` (a tap on an inline keyboard button) carries the button's ``callback_data``, which is the
button's payload, as the next message. Other updates (edits, stickers, channel posts) are acknowledged and ignored.

The secret: ``setWebhook``'s ``secret_token`` comes back in every request's ``X-Telegram-Bot-Api-Secret-Token``
header; a request without the configured one is refused (Bot API, "setWebhook").

Reply: Telegram lets a webhook answer with one Bot API method call in the response body ("Making requests when
getting updates"): ``{"method": "sendMessage", "chat_id", "text", "reply_markup"?: {"inline_keyboard":
[[{"text", "callback_data"}], ...]}}``. All of a turn's messages go into that one ``sendMessage`` (paragraphs),
with a ``출처:`` / ``Source:`` line for citations, cut at :data:`MAX_TEXT` characters (Telegram's limit is 4096).
A button's ``callback_data`` is its payload when that fits Telegram's 64 bytes, else its title (read by the NLU
like typed text).

Message id: ``update_id`` (Telegram's own, unique per update and repeated when Telegram redelivers), so a
redelivered update is the same turn. The conversation is ``telegram:<chat id>`` in a private chat and
``telegram:<chat id>:<user id>`` in a group or supergroup (each member answers their own questions; replies and
pushes go to the group's chat). The commands ``/start`` (every chat's first message, also with a deep-link payload)
and ``/help`` are the greeting (:func:`command_payload`).

Push (with a bot token, ``ASSISTANT_TELEGRAM_BOT_TOKEN``): :class:`TelegramBotApi` calls the Bot API's methods
(``POST <api>/bot<token>/<method>`` with a JSON body; answers ``{"ok": true, "result"}`` or ``{"ok": false,
"error_code", "description"}``; Bot API, "Making requests") with a timeout, bounded retries with backoff and a circuit
breaker (:class:`~connectors.resilience.ResilientHttp`). :class:`TelegramPusher` sends proactive messages (benefit
alerts, the MyData callback's continuation, the answer of a turn that finished after its holding reply) as one
``sendMessage`` each, rendered as the webhook's reply (:func:`render`), and answers a button tap with
``answerCallbackQuery`` (Telegram shows a progress indicator on the button until it is answered). The token is part
of the URL path, so it never appears in errors or logs (they name the API's base URL only). Without a token there is
no push: proactive messages of Telegram conversations and a slow turn's answer are kept in the outbox and sent in
front of the conversation's next reply (the holding reply says so).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from assistant.channels.common import citations_of, language_of, source_line
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.errors import ConnectorError, InvalidInputError

CHANNEL = "telegram"
#: The Bot API's base URL (``ASSISTANT_TELEGRAM_API_URL`` points elsewhere: a local Bot API server, a test's fake).
API_URL = "https://api.telegram.org"
#: Characters of one sendMessage text (Telegram: 4096 after entity parsing).
MAX_TEXT = 4096
#: Bytes of a button's callback_data (Telegram: 1-64 bytes).
MAX_CALLBACK_DATA = 64
#: Buttons per row of the inline keyboard.
ROW = 2
#: Chat types whose members each have their own conversation (``telegram:<chat id>:<user id>``).
GROUP_CHATS = ("group", "supergroup")
#: Bot commands (Bot API, "Commands": every bot is expected to answer /start and /help) and the payload each is
#: (the greeting says what the assistant does, so it is the help too).
COMMANDS = {"start": "/greet", "help": "/greet"}
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?$", re.DOTALL)
#: Why a deployment without a bot token cannot push (logged when a message is kept).
NO_PUSH_REASON = "no bot token (ASSISTANT_TELEGRAM_BOT_TOKEN): kept for the conversation's next reply"


class TelegramChat(BaseModel):
    """``Chat``: its id and type (``private``, ``group``, ``supergroup``, ``channel``)."""

    model_config = ConfigDict(extra="ignore")
    id: int
    type: str | None = None


class TelegramUser(BaseModel):
    """``User``: its id (per person, the same in every chat) and the language the app is set to."""

    model_config = ConfigDict(extra="ignore")
    id: int | None = None
    language_code: str | None = None


class TelegramMessage(BaseModel):
    """``Message``."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    message_id: int
    chat: TelegramChat
    from_user: TelegramUser | None = Field(default=None, alias="from")
    text: str | None = None


class TelegramCallbackQuery(BaseModel):
    """``CallbackQuery``: a tap on an inline keyboard button."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    id: str
    from_user: TelegramUser | None = Field(default=None, alias="from")
    message: TelegramMessage | None = None
    data: str | None = None


class Update(BaseModel):
    """``Update`` (the fields this channel reads)."""

    model_config = ConfigDict(extra="ignore")
    update_id: int
    message: TelegramMessage | None = None
    callback_query: TelegramCallbackQuery | None = None


def command_payload(text: str) -> str | None:
    """The payload of a bot command Telegram users send (:data:`COMMANDS`): ``/start`` (the first message of every
    chat, also ``/start <deep-link payload>``) and ``/help``, with or without ``@<bot name>`` (in groups); ``None``
    for anything else (other ``/...`` text is the engine's payload syntax, as a button sends it).

    Example:
        >>> command_payload("/start"), command_payload("/start@GovHelpBot ref-42"), command_payload("/help")
        ('/greet', '/greet', '/greet')
        >>> command_payload("/affirm"), command_payload("start") is None
        (None, True)
    """
    m = _COMMAND.match(text.strip())
    return COMMANDS.get(m.group(1).lower()) if m else None


def conversation_id(chat: TelegramChat, user: TelegramUser | None) -> str:
    """The conversation id: ``telegram:<chat id>`` for a private chat, ``telegram:<chat id>:<user id>`` in a group
    or supergroup (each member has their own conversation: their answers are not another member's slots)."""
    if chat.type in GROUP_CHATS and user is not None and user.id is not None:
        return f"{CHANNEL}:{chat.id}:{user.id}"
    return f"{CHANNEL}:{chat.id}"


def to_user_message(update: Update) -> UserMessage | None:
    """The engine's message for ``update``, or ``None`` for an update with no text to answer (an edit, a photo,
    a callback query without data or without its message's chat).

    The text ``/start`` (with a deep-link payload or a bot name) and ``/help`` become the greeting's payload
    (:func:`command_payload`); a button's ``callback_data`` is taken as it is. The conversation is
    :func:`conversation_id`. ``metadata``: ``message_id`` ``tg-<update_id>``; ``language`` ``en`` when the user's app
    is set to English.
    """
    if update.message is not None and update.message.text and update.message.text.strip():
        chat, text, user = update.message.chat, update.message.text, update.message.from_user
        text = command_payload(text) or text
    elif (q := update.callback_query) is not None and q.data and q.message is not None:
        chat, text, user = q.message.chat, q.data, q.from_user
    else:
        return None
    metadata: dict[str, Any] = {"message_id": f"tg-{update.update_id}"}
    if user is not None and (user.language_code or "").lower().startswith("en"):
        metadata["language"] = "en"
    return UserMessage(conversation_id(chat, user), text, CHANNEL, metadata)


def chat_id_of(sender_id: str) -> int:
    """The chat id of a conversation id ``telegram:<chat id>`` or ``telegram:<chat id>:<user id>`` (a group member).

    Raises:
        ValueError: not a Telegram conversation id.
    """
    prefix, _, rest = sender_id.partition(":")
    chat, _, user = rest.partition(":")
    if prefix != CHANNEL or not chat.lstrip("-").isdigit() or (user and not user.isdigit()):
        raise ValueError(f"not a telegram conversation id: {sender_id!r}")
    return int(chat)


def _callback_data(title: str, payload: str) -> str:
    if payload and len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA:
        return payload
    data = title.encode("utf-8")[:MAX_CALLBACK_DATA].decode("utf-8", errors="ignore")
    return data or "?"


def render(chat_id: int, messages: tuple[BotMessage, ...]) -> dict[str, Any]:
    """The turn's replies as one ``sendMessage`` method call for the webhook response (see the module docstring).

    Returns:
        ``{"method": "sendMessage", "chat_id", "text", "reply_markup"?}``; a turn without text (a person has the
        conversation) gives ``{}`` (nothing to send: the webhook answers 200 with an empty object).
    """
    texts = [m.text.strip() for m in messages if m.text and m.text.strip()]
    line = source_line(citations_of(messages), language_of(messages))
    if line:
        texts.append(line)
    if not texts:
        return {}
    text = "\n\n".join(texts)
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1].rstrip() + "…"
    out: dict[str, Any] = {"method": "sendMessage", "chat_id": chat_id, "text": text}
    buttons = [b for m in messages for b in m.buttons if str(b.get("title") or b.get("payload") or "").strip()]
    if buttons:
        keys = []
        for b in buttons:
            title = str(b.get("title") or b.get("payload")).strip()
            keys.append({"text": title, "callback_data": _callback_data(title, str(b.get("payload") or "").strip())})
        out["reply_markup"] = {"inline_keyboard": [keys[i:i + ROW] for i in range(0, len(keys), ROW)]}
    return out


class TelegramBotApi:
    """Calls Bot API methods with a timeout, bounded retries with backoff and a circuit breaker.

    A 5xx answer, a 429 (flood control), a timeout or a transport error is retried (``retries`` attempts in all);
    another 4xx (a chat that blocked the bot, a bad request) is not retried and raises
    :class:`~assistant.errors.InvalidInputError` with Telegram's ``description``.

    Args:
        token: the bot token from @BotFather (``<bot id>:<secret>``).
        base_url: the API's base URL (default :data:`API_URL`).
        timeout: seconds per attempt. retries: attempts in all (≥ 1). backoff: first wait in seconds.
        transport: an httpx transport (tests).

    Raises:
        InvalidInputError: ``retries`` < 1 or ``timeout`` ≤ 0.
    """

    def __init__(self, token: str, base_url: str = API_URL, timeout: float = 5.0, retries: int = 3, backoff: float = 0.2,
                 transport: httpx.BaseTransport | None = None) -> None:
        from connectors.resilience import ResilientHttp

        self._token = token
        self._http = ResilientHttp("Telegram Bot API", base_url, timeout, retries, backoff, transport)
        self.base_url = self._http.base_url

    def call(self, method: str, payload: dict[str, Any]) -> Any:
        """``method`` with ``payload`` (JSON); returns the answer's ``result``.

        Raises:
            ConnectorTimeout, ConnectorUnavailable: no answer / 5xx / 429 after the retries, or the breaker is open.
            InvalidInputError: Telegram refused the call (4xx other than 429).
            ConnectorError: an answer that is not the Bot API's JSON.
        """
        from connectors.resilience import platform_json

        where = f"Telegram Bot API at {self.base_url} ({method})"

        def interpret(r: httpx.Response) -> Any:
            body = platform_json(r, where)
            if not isinstance(body, dict):
                raise ConnectorError(f"{where} answered {r.status_code} with JSON that is not an object")
            if r.status_code >= 400 or body.get("ok") is not True:
                description = str(body.get("description") or "")[:200]
                raise InvalidInputError(f"{where} refused the call (HTTP {r.status_code}: {description})")
            return body.get("result")

        return self._http.request("POST", f"/bot{self._token}/{method}", interpret, json=payload)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()


class TelegramPusher:
    """Proactive messages of ``telegram:<chat id>`` conversations as ``sendMessage`` calls (a
    :class:`~assistant.channels.proactive.Pusher`), and answers to button taps.

    Args:
        api: the Bot API client.
    """

    def __init__(self, api: TelegramBotApi) -> None:
        self.api = api

    def push(self, recipient_id: str, messages: tuple[BotMessage, ...]) -> None:
        """One ``sendMessage`` with the messages rendered as the webhook's reply (:func:`render`); nothing for
        messages without text.

        Raises:
            InvalidInputError: ``recipient_id`` is not a Telegram conversation id, or Telegram refused the message.
            ConnectorError: not delivered (see :meth:`TelegramBotApi.call`).
        """
        try:
            chat = chat_id_of(recipient_id)
        except ValueError as e:
            raise InvalidInputError(str(e)) from e
        call = render(chat, messages)
        if call:
            self.api.call(str(call.pop("method")), call)

    def answer_callback_query(self, callback_query_id: str) -> None:
        """``answerCallbackQuery``: ends the button's progress indicator (no notification text).

        Raises:
            AssistantError: not answered (see :meth:`TelegramBotApi.call`).
        """
        self.api.call("answerCallbackQuery", {"callback_query_id": callback_query_id})

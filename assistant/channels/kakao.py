"""The KakaoTalk channel: a Kakao i Open Builder skill server (``POST /webhooks/kakao/webhook``).

Request (Open Builder's SkillPayload; Kakao docs "응답 타입별 JSON 포맷", https://i.kakao.com/docs/skill-response-format):
``{"intent": {...}, "userRequest": {"utterance": str, "user": {"id": str, "type": ...}, "lang"?, "callbackUrl"?,
"block": {...}}, "action": {"clientExtra"?: object, ...}, "bot": {...}}``. What is read: ``userRequest.utterance``
(the citizen's message), ``userRequest.user.id`` (the bot user key: the conversation is ``kakao:<id>``),
``userRequest.lang`` (``en`` prefers English), ``userRequest.callbackUrl`` (present when the block allows
callbacks, the AI chatbot callback) and ``action.clientExtra.payload`` (the button payload we put on a quick reply).

Response (SkillResponse version 2.0): ``{"version": "2.0", "template": {"outputs": [{"simpleText": {"text"}}],
"quickReplies": [{"label", "action": "message", "messageText", "extra"}]}}``. Kakao's limits are kept:
at most :data:`MAX_OUTPUTS` outputs, :data:`MAX_TEXT` characters per simpleText (the answer is split between
outputs at sentence breaks, and the last one cut with "…" when even that is not enough), at most
:data:`MAX_QUICK_REPLIES` quick replies with labels of at most :data:`MAX_LABEL` characters. A quick reply sends its
button's title as the citizen's visible message and the button's payload in ``extra`` (read back from
``action.clientExtra``), so ``/inform{"sex": "male"}`` reaches the engine as the payload while the chat shows "남성".
Citations become a short ``출처: <title> <url>`` line (``Source:`` in English).

Message id: Kakao's skill request carries no id of its own (``userRequest.block`` names the block, not the
message), and Open Builder does not redeliver a skill request (a skill that misses the 5 s timeout shows the
citizen an error; the citizen's next message is a new request). So each request gets a fresh id
(:func:`message_id`): the hash of ``callbackUrl`` when there is one (one per request), else a random one; it keeps
the request's turn exactly once and lets a slow turn be answered with the holding reply.

Kakao's 5-second timeout: the route waits at most ``ASSISTANT_KAKAO_ANSWER_WITHIN`` seconds (default 4) for the
turn; a slower turn is answered with the engine's holding reply (``utter_please_wait``). With ``callbackUrl`` the
reply says ``"useCallback": true`` and the turn's answer is POSTed to the callback URL when it is ready (Kakao's
callback, valid for one minute); without one, with the Event API configured, the answer is pushed; else the
holding reply says the answer comes with the next message, and the answer is kept and sent in front of the
conversation's next reply.

Push (Kakao i Open Builder's Event API, "Event API" in Kakao's chatbot guide): with ``ASSISTANT_KAKAO_BOT_ID``,
``ASSISTANT_KAKAO_REST_API_KEY`` and ``ASSISTANT_KAKAO_EVENT_NAME`` set, :class:`KakaoEventApi` asks Kakao to run the
bot's event block for one user: ``POST <api>/v2/bots/<bot id>/talk`` with the header ``Authorization: KakaoAK <REST
API key>`` and ``{"event": {"name": <event name>, "data": {"text": ...}}, "user": [{"type": "botUserKey", "id":
<user id>}]}``; Kakao answers ``{"taskId", "status": "SUCCESS" | "FAIL" | "ERROR", "message"?}``. That answer only
says Kakao took the request: each user's delivery succeeds or fails on its own, and the outcome is looked up with
``GET <api>/v1/tasks/<taskId>`` (same ``Authorization``), which answers ``{"taskId", "status": "ALL SUCCESS" |
"<n> FAIL", "allRequestCount", "successCount", "userKeyResolvingFailCount"?, "fail": {"count", "list": [{"userId",
"reqUserType", "createdAt", "errorMsg": {"errorType", "msg"}}]}}`` (Kakao's chatbot guide, "Event API 결과 조회" /
"메시지 발송 성공, 실패 결과 조회"; an unknown user id counts in ``fail.count`` with an empty ``list``).
:class:`KakaoPusher` sends one user per request and waits up to ``ASSISTANT_KAKAO_EVENT_RESULT_WITHIN`` seconds for
that result (:meth:`KakaoEventApi.wait_result`): a failed delivery raises :class:`KakaoDeliveryFailed`, so the
messages are kept (outbox) and pushed at the conversation's next message like any failed push; a result still
unknown by then counts as delivered, with a warning (keeping it would risk a second, billed, delivery). Logs and
errors never carry the user id. A development channel's bot id ends with ``!``. The block's
text is the bot's, so the message travels as the event's data: ``text`` (the answer with its source line and the
buttons as a numbered list, at most :data:`MAX_TEXT` characters); the operator's event block must show it (see
README, "Channels"). The conversation's user id is the skill request's ``userRequest.user.id``, a ``botUserKey``.
Kakao bills each Event API message.
"""

from __future__ import annotations

import hashlib
import logging
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from assistant.channels.common import citations_of, language_of, source_line, split_text
from assistant.channels.proactive import masked_id
from assistant.dialogue.messages import BotMessage, UserMessage
from assistant.errors import ConnectorError, InvalidInputError

logger = logging.getLogger(__name__)
CHANNEL = "kakao"
#: The Event API's base URL (``ASSISTANT_KAKAO_EVENT_API_URL`` points elsewhere: a test's fake).
EVENT_API_URL = "https://bot-api.kakao.com"
#: Kinds of user id the Event API takes (``user[].type``).
USER_ID_TYPES = ("botUserKey", "appUserId", "plusfriendUserKey")
#: Characters of one simpleText (Kakao: "최대 1000자").
MAX_TEXT = 1000
#: Outputs (speech bubbles) of one skill response (Kakao: 1..3).
MAX_OUTPUTS = 3
#: Quick replies of one skill response (Kakao: at most 10).
MAX_QUICK_REPLIES = 10
#: Characters of a quick reply's label (Kakao: 14; longer labels are cut).
MAX_LABEL = 14
#: Why a deployment without the Event API cannot push (logged when a message is kept).
NO_PUSH_REASON = "no Event API (ASSISTANT_KAKAO_BOT_ID, _REST_API_KEY, _EVENT_NAME): kept for the conversation's next reply"


class KakaoUser(BaseModel):
    """``userRequest.user``."""

    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1, max_length=200)


class KakaoUserRequest(BaseModel):
    """``userRequest``: the utterance and who said it."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    utterance: str
    user: KakaoUser
    lang: str | None = None
    callback_url: str | None = Field(default=None, alias="callbackUrl")


class KakaoAction(BaseModel):
    """``action``: the skill that runs; ``clientExtra`` is what a button or quick reply passed along."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    client_extra: dict[str, Any] | None = Field(default=None, alias="clientExtra")


class SkillRequest(BaseModel):
    """Open Builder's SkillPayload (the fields this channel reads)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    user_request: KakaoUserRequest = Field(alias="userRequest")
    action: KakaoAction = Field(default_factory=KakaoAction)


def message_id(body: SkillRequest) -> str:
    """This request's message id: ``kakao-<sha256(callbackUrl)[:32]>`` when Kakao sent a callback URL (one per
    request), else ``kakao-<uuid4>`` (see the module docstring: Kakao has no message id and does not redeliver)."""
    url = body.user_request.callback_url
    if url:
        return "kakao-" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    return f"kakao-{uuid.uuid4().hex}"


def sender_id(body: SkillRequest) -> str:
    """The conversation id: ``kakao:<user id>`` (Kakao's bot user key, not a phone number or a name)."""
    return f"{CHANNEL}:{body.user_request.user.id}"


def to_user_message(body: SkillRequest, mid: str) -> UserMessage:
    """The engine's message for a skill request: the quick reply's payload (``action.clientExtra.payload``) when
    the citizen tapped one of ours, else the utterance; ``metadata`` has ``message_id`` and, for
    ``userRequest.lang == "en"``, ``language``."""
    extra = body.action.client_extra or {}
    payload = extra.get("payload")
    text = payload if isinstance(payload, str) and payload.strip() else body.user_request.utterance
    metadata: dict[str, Any] = {"message_id": mid}
    if (body.user_request.lang or "").lower().startswith("en"):
        metadata["language"] = "en"
    return UserMessage(sender_id(body), text, CHANNEL, metadata)


def _outputs(messages: tuple[BotMessage, ...], language: str) -> list[dict[str, Any]]:
    texts = [m.text.strip() for m in messages if m.text and m.text.strip()]
    line = source_line(citations_of(messages), language)
    if line:
        texts.append(line)
    # one text, split at paragraph / sentence breaks into bubbles; the last bubble cut when three are not enough
    pieces = split_text("\n\n".join(texts), MAX_TEXT) if texts else []
    if len(pieces) > MAX_OUTPUTS:
        last = "\n\n".join(pieces[MAX_OUTPUTS - 1:])
        pieces = pieces[: MAX_OUTPUTS - 1] + [last[: MAX_TEXT - 1].rstrip() + "…"]
    return [{"simpleText": {"text": p}} for p in pieces]


def _quick_replies(messages: tuple[BotMessage, ...]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in messages:
        for b in m.buttons:
            title = str(b.get("title") or b.get("payload") or "").strip()
            if not title:
                continue
            label = title if len(title) <= MAX_LABEL else title[: MAX_LABEL - 1] + "…"
            reply: dict[str, Any] = {"label": label, "action": "message", "messageText": title}
            payload = str(b.get("payload") or "")
            if payload and payload != title:
                reply["extra"] = {"payload": payload}
            out.append(reply)
    return out[:MAX_QUICK_REPLIES]


def render(messages: tuple[BotMessage, ...]) -> dict[str, Any]:
    """The engine's replies as a SkillResponse 2.0 (see the module docstring for the limits kept).

    Returns:
        ``{"version": "2.0", "template": {"outputs": [...], "quickReplies"?: [...]}}``. Kakao refuses an empty
        ``outputs``, so a turn without text (a person has the conversation) gets one ``"…"`` bubble.
    """
    language = language_of(messages)
    outputs = _outputs(messages, language) or [{"simpleText": {"text": "…"}}]
    template: dict[str, Any] = {"outputs": outputs}
    quick = _quick_replies(messages)
    if quick:
        template["quickReplies"] = quick
    return {"version": "2.0", "template": template}


def callback_ack(holding: tuple[BotMessage, ...]) -> dict[str, Any]:
    """The immediate answer of a request whose turn will be POSTed to its ``callbackUrl``:
    ``{"version": "2.0", "useCallback": true, "data": {"text": <holding reply>}}`` (Kakao shows the block's waiting
    message; ``data.text`` is the holding reply for a block that prints it)."""
    return {"version": "2.0", "useCallback": True, "data": {"text": "\n".join(m.text for m in holding)}}


def event_text(messages: tuple[BotMessage, ...]) -> str:
    """The text an event block shows for ``messages``: their texts, the source line, the buttons as numbered
    options (``1. 남성`` …: a reply with the title is read like typed text), cut at :data:`MAX_TEXT` characters."""
    language = language_of(messages)
    texts = [m.text.strip() for m in messages if m.text and m.text.strip()]
    titles = [str(b.get("title") or b.get("payload") or "").strip() for m in messages for b in m.buttons]
    titles = [t for t in titles if t]
    if titles:
        texts.append("\n".join(f"{i}. {t}" for i, t in enumerate(titles, 1)))
    line = source_line(citations_of(messages), language)
    if line:
        texts.append(line)
    text = "\n\n".join(texts)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1].rstrip() + "…"


class KakaoDeliveryFailed(ConnectorError):
    """Kakao took the Event API request, but its task result says the user's delivery failed."""


@dataclass(frozen=True)
class TaskResult:
    """An Event API task's outcome (``GET /v1/tasks/<taskId>``).

    Attributes:
        status: Kakao's summary (``ALL SUCCESS``, ``1 FAIL`` ...).
        requested: ``allRequestCount``; succeeded: ``successCount``; failed: ``fail.count``.
        errors: ``(errorType, msg)`` of each failed user (never the user id).
    """

    status: str
    requested: int
    succeeded: int
    failed: int
    errors: tuple[tuple[str, str], ...]

    @property
    def complete(self) -> bool:
        """Every requested user has an outcome."""
        return self.requested > 0 and self.succeeded + self.failed >= self.requested


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def task_result(body: Any, user_id: str = "") -> TaskResult:
    """Read a task result answer (see the module docstring); ``user_id`` is removed from Kakao's error texts.

    Raises:
        ConnectorError: not a JSON object.

    Example:
        >>> r = task_result({"taskId": "t", "status": "1 FAIL", "allRequestCount": 1, "successCount": 0,
        ...                  "fail": {"count": 1, "list": [{"userId": "u1", "errorMsg": {"errorType": 201, "msg": "x"}}]}})
        >>> r.complete, r.failed, r.errors
        (True, 1, (('201', 'x'),))
    """
    if not isinstance(body, dict):
        raise ConnectorError("the Kakao Event API's task result is not a JSON object")
    raw_fail = body.get("fail")
    fail: dict[str, Any] = raw_fail if isinstance(raw_fail, dict) else {}
    raw_items = fail.get("list")
    items: list[Any] = raw_items if isinstance(raw_items, list) else []
    errors = []
    for item in items:
        raw_err = item.get("errorMsg") if isinstance(item, dict) else None
        err: dict[str, Any] = raw_err if isinstance(raw_err, dict) else {}
        msg = str(err.get("msg") or "")[:200]
        if user_id:
            msg = msg.replace(user_id, "…")
        errors.append((str(err.get("errorType") or "")[:20], msg))
    failed = max(_count(fail.get("count")), len(items))
    return TaskResult(str(body.get("status") or "")[:40], _count(body.get("allRequestCount")),
                      _count(body.get("successCount")), failed, tuple(errors))


class KakaoEventApi:
    """Kakao i Open Builder's Event API: runs the bot's event block for one user (see the module docstring).

    Args:
        bot_id: the bot's id (a development channel's ends with ``!``).
        rest_api_key: the REST API key of the Kakao Developers app linked to the bot.
        event_name: the event name set on the block (Open Builder: block → … → 이벤트 설정).
        user_type: ``botUserKey`` (the skill request's ``userRequest.user.id``; default), ``appUserId`` or
            ``plusfriendUserKey``.
        base_url: the API's base URL (default :data:`EVENT_API_URL`).
        timeout: seconds per attempt. retries: attempts in all (≥ 1). backoff: first wait in seconds.
        transport: an httpx transport (tests).

    Raises:
        InvalidInputError: an empty bot id, key or event name, or an unknown ``user_type``.
    """

    def __init__(self, bot_id: str, rest_api_key: str, event_name: str, user_type: str = "botUserKey",
                 base_url: str = EVENT_API_URL, timeout: float = 5.0, retries: int = 3, backoff: float = 0.2,
                 transport: httpx.BaseTransport | None = None) -> None:
        from connectors.resilience import ResilientHttp

        if not (bot_id and rest_api_key and event_name):
            raise InvalidInputError("the Kakao Event API needs a bot id, a REST API key and an event name")
        if user_type not in USER_ID_TYPES:
            raise InvalidInputError(f"Kakao user id type must be one of {', '.join(USER_ID_TYPES)}, got {user_type!r}")
        self.bot_id, self.event_name, self.user_type = bot_id, event_name, user_type
        self._key = rest_api_key
        self._http = ResilientHttp("Kakao Event API", base_url, timeout, retries, backoff, transport)
        self.base_url = self._http.base_url

    def send(self, user_id: str, data: dict[str, Any]) -> str:
        """Run the event block for ``user_id`` with ``data`` (the event's ``data``); returns Kakao's ``taskId``.

        Raises:
            ConnectorTimeout, ConnectorUnavailable: no answer / 5xx / 429 after the retries, or the breaker is open.
            InvalidInputError: Kakao refused the request (4xx: a wrong key, bot id or body).
            ConnectorError: status ``FAIL`` / ``ERROR``, or an answer that is not the Event API's JSON.
        """
        from urllib.parse import quote

        from connectors.resilience import platform_json

        where = f"Kakao Event API at {self.base_url}"

        def interpret(r: httpx.Response) -> str:
            body = platform_json(r, where)
            if not isinstance(body, dict):
                raise ConnectorError(f"{where} answered {r.status_code} with JSON that is not an object")
            if r.status_code >= 400:
                raise InvalidInputError(f"{where} refused the event (HTTP {r.status_code}: "
                                        f"{str(body.get('message') or body.get('msg') or '')[:200]})")
            if body.get("status") != "SUCCESS":
                raise ConnectorError(f"{where} did not take the event (status {str(body.get('status'))[:20]!r}: "
                                     f"{str(body.get('message') or '')[:200]})")
            return str(body.get("taskId") or "")

        body = {"event": {"name": self.event_name, "data": data}, "user": [{"type": self.user_type, "id": user_id}]}
        return self._http.request("POST", f"/v2/bots/{quote(self.bot_id, safe='!')}/talk", interpret, json=body,
                                  headers={"Authorization": f"KakaoAK {self._key}"})

    def result(self, task_id: str, user_id: str = "") -> TaskResult | None:
        """The task's outcome (``GET /v1/tasks/<taskId>``); ``None`` while Kakao does not know the task yet (404).

        Raises:
            ConnectorTimeout, ConnectorUnavailable: no answer / 5xx / 429 after the retries.
            InvalidInputError: Kakao refused the lookup (another 4xx: a wrong key).
            ConnectorError: an answer that is not the task result's JSON.
        """
        from urllib.parse import quote

        from connectors.resilience import platform_json

        where = f"Kakao Event API at {self.base_url}"

        def interpret(r: httpx.Response) -> TaskResult | None:
            if r.status_code == 404:
                return None
            body = platform_json(r, where)
            if r.status_code >= 400:
                raise InvalidInputError(f"{where} refused the task result lookup (HTTP {r.status_code})")
            return task_result(body, user_id)

        return self._http.request("GET", f"/v1/tasks/{quote(task_id, safe='')}", interpret,
                                  headers={"Authorization": f"KakaoAK {self._key}"})

    def wait_result(self, task_id: str, within: float, user_id: str = "", interval: float = 0.25) -> TaskResult | None:
        """:meth:`result` until it is complete, at most ``within`` seconds (one lookup at least); ``None`` when it
        is still unknown then (or the lookup failed: logged as a warning)."""
        deadline = time.monotonic() + within
        while True:
            try:
                got = self.result(task_id, user_id)
            except (ConnectorError, InvalidInputError) as e:
                logger.warning("kakao event task result not read (%s)", type(e).__name__,
                               extra={"channel": CHANNEL, "stage": "proactive"})
                return None
            if got is not None and got.complete:
                return got
            if time.monotonic() + interval > deadline:
                return None
            time.sleep(interval)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()


class KakaoPusher:
    """Proactive messages of ``kakao:<user id>`` conversations as Event API requests (a
    :class:`~assistant.channels.proactive.Pusher`): one event per batch, ``data.text`` = :func:`event_text`.

    Args:
        api: the Event API client.
        result_within: seconds to wait for the user's delivery result (:meth:`KakaoEventApi.wait_result`); 0: take
            Kakao's acceptance of the request as delivered.
    """

    def __init__(self, api: KakaoEventApi, result_within: float = 5.0) -> None:
        self.api = api
        self.result_within = result_within

    def push(self, recipient_id: str, messages: tuple[BotMessage, ...]) -> None:
        """Send ``messages`` to the conversation's user; nothing for messages without text or buttons.

        Raises:
            InvalidInputError: not a Kakao conversation id, or Kakao refused the request.
            KakaoDeliveryFailed: the task result says this user's delivery failed.
            ConnectorError: not delivered (see :meth:`KakaoEventApi.send`).
        """
        prefix, _, user = recipient_id.partition(":")
        if prefix != CHANNEL or not user:
            raise InvalidInputError("not a kakao conversation id")
        text = event_text(messages)
        if not text:
            return
        task = self.api.send(user, {"text": text})
        if self.result_within <= 0 or not task:
            return
        result = self.api.wait_result(task, self.result_within, user)
        if result is None:
            logger.warning("kakao event delivery result unknown after %.1f s: counted as delivered", self.result_within,
                           extra={"conversation_id": masked_id(recipient_id), "channel": CHANNEL, "stage": "proactive"})
            return
        if result.failed or result.succeeded < 1:
            reasons = "; ".join(f"errorType {t}: {m}" for t, m in result.errors) or "no reason given"
            raise KakaoDeliveryFailed(f"Kakao Event API task {task[:64]} reports the user's delivery failed "
                                      f"(status {result.status!r}: {reasons})")

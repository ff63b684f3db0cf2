"""The phone channel: Twilio Programmable Voice webhooks answered with TwiML (``POST /webhooks/voice/webhook``).

Speech-to-text is the telephony provider's (DESIGN.md, "Speech"): Twilio's ``<Gather input="speech dtmf">``
transcribes what the caller says and POSTs it back, form-encoded, with the call's parameters (Twilio docs,
"TwiML Voice: <Gather>" and "Twilio's request to your application"): ``CallSid``, ``From`` (the caller's number),
``SpeechResult`` (the transcript), ``Confidence``, ``Digits`` (keys pressed). The first request of a call (the
number's voice URL) has neither: the assistant greets (``/greet``).

Reply (TwiML): ``<Response><Gather input="speech dtmf" language="ko-KR" action="<this URL>?turn=N..."
method="POST" speechTimeout="auto"><Say language="ko-KR">…</Say></Gather><Say>(goodbye)</Say><Hangup/></Response>``:
the answer is spoken inside the ``<Gather>`` so the caller can answer at once and the call goes on; a caller who says
nothing hears the goodbye. Rendering for the ear: a URL is said as its site, once ("gov.kr"), never spelled out;
citations are spoken as the agency and title (``출처는 <agency>의 <title>입니다.``); buttons are read as numbered options (``1번, 남성. 2번, 여성.``) and a
key (DTMF) picks one. The language of ``<Gather>`` and ``<Say>`` is the conversation's (``ko-KR`` / ``en-US``).

State per call without a store: the ``action`` URL of each ``<Gather>`` carries the call's turn counter
(``turn``), the conversation's language (``lang``) and the options just read out (``o1`` … ``o9``: each
button's payload). Twilio POSTs to that URL, so the options of a digit are those the caller heard, on any
worker, and Twilio's signature covers the URL, so they cannot be forged when a token is set (a small store would
need sharing between workers and expiry; the URL needs neither).

Message id: ``<CallSid>:<turn>`` (the call's id and its per-call counter from the URL), so a request Twilio
repeats (a timeout, a ``<Redirect>``) is the same turn. A turn slower than the server's holding delay is answered
with the holding reply and a ``<Redirect>`` to the same URL with the transcript in ``said``; that request
joins the running turn (or gets its stored answer).

Security: every request must carry ``X-Twilio-Signature``, the base64 HMAC-SHA1, keyed with the account's auth
token, of the full URL Twilio called followed by each POST parameter's name and value sorted by name (Twilio docs,
"Webhooks security"; :func:`twilio_signature`). Why not the ``twilio`` SDK's ``RequestValidator``: it brings the
whole REST client (aiohttp, requests, PyJWT) for a few lines of ``hmac``. Personal data: the caller's number
(``From``) is never put in the conversation's metadata and is logged only masked; the conversation is the call
(``voice:<CallSid>``), so no phone number becomes a conversation id.

No proactive messages: since the number is never stored, nothing can call or text the caller back, and a new call is
a new conversation. A proactive message for a ``voice:`` conversation (a benefit alert subscribed on the phone, a
MyData consent finished on the web page the call pointed to) is kept in the outbox by a
:class:`~assistant.channels.proactive.KeptChannel` with a logged warning (:data:`NO_PUSH_REASON`), never dropped
silently; it expires with the outbox's ``ttl``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from assistant.channels.common import citations_of, same_secret
from assistant.dialogue.messages import BotMessage, UserMessage

CHANNEL = "voice"
#: Why the phone has no proactive messages (logged when one is kept).
NO_PUSH_REASON = "the caller's number is never stored, so no call or text can reach the caller"
#: Options read out per turn: one key each (1..9).
MAX_OPTIONS = 9
#: Twilio's speech-recognition / text-to-speech language per conversation language.
LOCALES = {"ko": "ko-KR", "en": "en-US"}
# a URL stops at brackets, quotes and Hangul ("복지로(www.bokjiro.go.kr)에서" keeps ")에서"); bare domains of the
# usual endings too ("bokjiro.go.kr")
_URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+,;=%]*[A-Za-z0-9/_~#=%-]"
                  r"|\b(?:[A-Za-z0-9-]+\.)+(?:go\.kr|or\.kr|co\.kr|ac\.kr|kr|com|org|net|gov)\b"
                  r"(?:/[A-Za-z0-9\-._~/?#@!$&*+,;=%]*)?", re.IGNORECASE)
_MARKUP = re.compile(r"[*_#`>|]+")
#: Bullet marks anywhere in a text (each starts an item: a sentence of its own when spoken).
_BULLETS = re.compile(r"\s*[○●◦•∙※■□◆◇▶▷►▸◎❍➢✓✔◈◉▪▫☞❖]+\s*|\s+[·ㆍ]\s+")
#: Marks that are bullets only at a line's start ("·" and "-" are also words' separators, "3-4월", "신청·접수").
_LINE_BULLET = re.compile(r"^(?:[·ㆍ]+|[-–—+](?=\s))\s*")
#: A written source line, or its tail (the sources are spoken once, as agency and title).
_SOURCE_LINE = re.compile(r"(?:^|\s)(?:출처|[Ss]ources?)\s*[:：].*$")
#: Headings in square or lenticular brackets ("[신청 방법]", "【지원 내용】"): said as a sentence of their own.
_HEADING = re.compile(r"[\[【〔]\s*([^\[\]【】〔〕\n]{1,60}?)\s*[\]】〕]")
#: Quoting brackets ("「국민기초생활 보장법」", "<지원대상>"): their words are said, the marks are not.
_QUOTES = re.compile(r"[「」『』《》〈〉\[\]【】〔〕]")  # not ASCII < >: comparisons ("소득 < 50%"), read as they are
_EMPTY_BRACKETS = re.compile(r"\(\s*[,.;:/]*\s*\)|\[\s*\]")
_SENTENCE_END = ".?!。…"
_GOODBYE = {"ko": "말씀이 없으셔서 전화를 끊겠습니다. 이용해 주셔서 감사합니다.",
            "en": "I didn't hear anything, so I'll end the call now. Thank you for calling."}
_PICK = {"ko": "원하시는 번호를 누르시거나 말씀해 주세요.", "en": "Press the number you want, or say it."}


def twilio_signature(url: str, params: Mapping[str, str] | Sequence[tuple[str, str]], auth_token: str) -> str:
    """Twilio's request signature: base64(HMAC-SHA1(auth_token, url + name1 + value1 + name2 + value2 ...)), the POST
    parameters sorted by name (a repeated name: its values in sorted order). Source: Twilio docs, "Webhooks
    security" ("Validating signatures from Twilio").

    Example:
        >>> twilio_signature("https://mycompany.com/myapp.php?foo=1&bar=2", {"CallSid": "CA1234567890ABCDE",
        ...     "Caller": "+14158675309", "Digits": "1234", "From": "+14158675309", "To": "+18005551212"}, "12345")
        'RSOYDt4T1cUTdK1PDd93/VVr8B8='
    """
    items = list(params.items()) if isinstance(params, Mapping) else list(params)
    data = url + "".join(k + v for k, v in sorted(items))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def valid_signature(url: str, params: Sequence[tuple[str, str]], auth_token: str, header: str | None) -> bool:
    """Whether ``header`` (``X-Twilio-Signature``) signs ``url`` and ``params`` with ``auth_token`` (constant time)."""
    return same_secret(header, twilio_signature(url, params, auth_token))


def public_url(request_url: str, base: str | None) -> str:
    """The URL Twilio called: ``request_url`` as the server saw it, or with scheme and host of ``base`` (the
    ``ASSISTANT_VOICE_PUBLIC_URL`` a proxy or tunnel serves, e.g. ``https://assistant.example.go.kr``)."""
    if not base:
        return request_url
    b, r = urlsplit(base), urlsplit(request_url)
    prefix = b.path.rstrip("/")
    return urlunsplit((b.scheme, b.netloc, prefix + r.path, r.query, ""))


def call_state(query: Mapping[str, str]) -> tuple[int, str | None, dict[str, str]]:
    """``(turn, language, options)`` from the ``action`` URL's query: the turn counter (0 at the call's start),
    the conversation's language (``ko`` / ``en`` / None) and the options read out (key digit → payload)."""
    try:
        turn = max(0, int(query.get("turn", "0")))
    except ValueError:
        turn = 0
    lang = query.get("lang")
    options = {str(i): query[f"o{i}"] for i in range(1, MAX_OPTIONS + 1) if query.get(f"o{i}")}
    return turn, lang if lang in LOCALES else None, options


def caller_for_logs(number: str | None) -> str:
    """The caller's number as logs may show it: only its last two digits (``…78``), or ``-``."""
    digits = re.sub(r"\D", "", number or "")
    return f"…{digits[-2:]}" if len(digits) >= 2 else "-"


def to_user_message(form: Mapping[str, str], query: Mapping[str, str]) -> UserMessage:
    """The engine's message for one webhook request.

    The text is ``SpeechResult``; else the option of the key pressed (``Digits`` among ``o1..o9``), else the keys
    themselves (a number keyed in); else ``said`` (a ``<Redirect>`` of a held turn); else ``/greet`` at the call's
    start (turn 0). ``metadata``: ``message_id`` ``<CallSid>:<turn>``, and ``language`` from ``lang``.

    Raises:
        ValueError: no ``CallSid``, or a request after the start with nothing said or pressed.
    """
    call_sid = (form.get("CallSid") or "").strip()
    if not call_sid:
        raise ValueError("CallSid is missing")
    turn, lang, options = call_state(query)
    speech = (form.get("SpeechResult") or "").strip()
    digits = (form.get("Digits") or "").strip()
    said = (query.get("said") or "").strip()
    if speech:
        text = speech
    elif digits:
        text = options.get(digits, digits)
    elif said:
        text = said
    elif turn == 0:
        text = "/greet"
    else:
        raise ValueError("nothing was said or pressed")
    metadata: dict[str, Any] = {"message_id": f"{call_sid}:{turn}"}
    if lang:
        metadata["language"] = lang
    return UserMessage(f"{CHANNEL}:{call_sid}", text, CHANNEL, metadata)


def spoken_text(text: str) -> str:
    """``text`` cleaned for text-to-speech (Korean and English), one line: a URL or bare web address said as its
    site, once ("Apply online at www.bokjiro.go.kr" → "Apply online at bokjiro.go.kr", :func:`_spoken_urls`), or
    removed with the brackets it leaves empty ("복지로(www.bokjiro.go.kr)에서" → "복지로에서") and any bracket left
    unclosed; written source lines ("출처: …", "Source: …") dropped (:func:`spoken_sources` says the sources once);
    bullets (○ ● ※ ■ □ ▶ …, "·" and "-" at a line's start, "·" between spaces) dropped, each item and each line a
    sentence of its own ("신청·접수" stays); headings in square / lenticular brackets said as a sentence
    ("[신청 방법]" → "신청 방법."); quoting brackets and markdown marks dropped; " : " → ": ".

    Example:
        >>> spoken_text("[신청 방법]\\n○온라인 신청 : 복지로(www.bokjiro.go.kr)에서 신청 가능\\n출처: (최종 수정 2026-05-07)")
        '신청 방법. 온라인 신청: 복지로에서 신청 가능.'
    """
    t = _spoken_urls(text.replace("\r\n", "\n").replace("\r", "\n"))
    t = _BULLETS.sub("\n", t)
    lines = []
    for raw in t.split("\n"):
        line = _SOURCE_LINE.sub("", _LINE_BULLET.sub("", raw.strip()))
        if not line.strip():
            continue
        line = _HEADING.sub(lambda m: f"\n{m.group(1)}\n", line)
        for part in line.split("\n"):
            part = _clean_part(part)
            if part:
                lines.append(part if part[-1] in _SENTENCE_END or part[-1] == ":" else part + ".")
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def _site(url: str) -> str | None:
    """The site a URL is on, as it can be said ("https://www.gov.kr/portal/x" → ``"gov.kr"``, "www.bokjiro.go.kr" →
    ``"bokjiro.go.kr"``), or None for an address that means nothing to a caller (an IP address, localhost)."""
    host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
    host = host.removeprefix("www.")
    if "." not in host or re.fullmatch(r"[\d.]+", host):
        return None
    return host


def _spoken_urls(text: str) -> str:
    """URLs as the ear takes them: the site alone where the URL is a word of the sentence ("Apply online at
    https://www.bokjiro.go.kr/x, or …" → "Apply online at bokjiro.go.kr, or …"; "…, apply on its official page:
    https://www.gov.kr/portal/…" → "… page: gov.kr"), said once per text (a list of links on one site says it once);
    dropped where it only repeats the name before it in brackets ("복지로(www.bokjiro.go.kr)에서" → "복지로()에서",
    whose empty brackets :func:`_clean_part` removes), where the site was said already, and where it means nothing
    to a caller (a local address: then a colon left before it goes too). Fresh-user s10 #8: a removed URL left
    "Apply online at, or …" and "…official page:" spoken."""
    said: set[str] = set()

    def one(m: re.Match[str]) -> str:
        before, after = text[:m.start()].rstrip(" "), text[m.end():].lstrip(" ")
        if before.endswith("(") and after.startswith(")"):
            return ""
        site = _site(m.group())
        if site is None or site in said:
            return ""
        said.add(site)
        return site

    t = _URL.sub(one, text)
    return re.sub(r"\s*:[ \t]*(?=\n|$)", "", t)  # "…(within 10 minutes): <local link>" → "…(within 10 minutes)"


def _clean_part(part: str) -> str:
    p = _MARKUP.sub(" ", _QUOTES.sub(" ", part))
    while True:  # "( )" left by a removed URL; again for nested ones
        q = _EMPTY_BRACKETS.sub("", p)
        if q == p:
            break
        p = q
    if p.count("(") > p.count(")"):  # an opening bracket whose closing one went with a URL
        p = _drop_unclosed(p)
    p = re.sub(r"\s+([,.?!:;)])", r"\1", p)
    p = re.sub(r"\(\s+", "(", p)
    p = re.sub(r"\s*:\s*", ": ", p)
    return re.sub(r"\s+", " ", p).strip(" ,;")


def _drop_unclosed(text: str) -> str:
    depth_at: list[int] = []
    drop: set[int] = set()
    for i, ch in enumerate(text):
        if ch == "(":
            depth_at.append(i)
        elif ch == ")" and depth_at:
            depth_at.pop()
    drop.update(depth_at)
    return "".join(ch for i, ch in enumerate(text) if i not in drop)


#: Slots of the engine's own bookkeeping, never read back.
_INTERNAL_SLOTS = ("requested_slot", "skipped_slots", "language")


def keyed_number(form: Mapping[str, str], query: Mapping[str, str]) -> str | None:
    """The number the caller keyed in at a question without options (``Digits`` that pick none of ``o1..o9``, and
    no speech), or ``None``."""
    digits = (form.get("Digits") or "").strip()
    if not digits or (form.get("SpeechResult") or "").strip():
        return None
    return None if digits in call_state(query)[2] else digits


def digits_readback(digits: str, events: Sequence[Mapping[str, Any]], language: str) -> str:
    """What the caller hears first after keying ``digits`` at a question without options: the value stored from them
    (a ``slot`` event of this turn whose value is that number: "3(으)로 기록했어요." / "I've recorded 3."), else what
    was pressed ("3을 누르셨어요." / "You pressed 3."), so a number keyed by mistake is noticed at once.

    Example:
        >>> digits_readback("3", [{"event": "slot", "name": "income_pct", "value": 3}], "ko")
        '3으로 기록했어요.'
        >>> digits_readback("15", [], "en")
        'You pressed 15.'
    """
    def is_it(value: Any) -> bool:
        if isinstance(value, bool):
            return False
        if isinstance(value, (int, float)):
            return float(value) == float(digits)
        return str(value).strip() == digits

    stored = any(e.get("event") == "slot" and e.get("name") not in _INTERNAL_SLOTS and is_it(e.get("value"))
                 for e in events)
    if language == "en":
        return f"I've recorded {digits}." if stored else f"You pressed {digits}."
    # the particle after the number as it is read: 0 (영, 십, 백 …), 3 (삼), 6 (육) end in a consonant other than ㄹ
    if stored:
        return f"{digits}{'으로' if digits[-1] in '036' else '로'} 기록했어요."
    return f"{digits}{'을' if digits[-1] in '013678' else '를'} 누르셨어요."


def spoken_sources(citations: Sequence[dict[str, Any]], language: str, limit: int = 2) -> str:
    """Citations as one spoken sentence, agency and title only (a URL is useless to the ear)."""
    names = []
    for c in list(citations)[:limit]:
        title, agency = str(c.get("title") or "").strip(), str(c.get("agency") or "").strip()
        if language == "en":
            names.append(f"{title} from {agency}" if title and agency else title or agency)
        else:
            names.append(f"{agency}의 {title}" if title and agency else title or agency)
    names = [n for n in names if n]
    if not names:
        return ""
    return f"Source: {', '.join(names)}." if language == "en" else f"출처는 {', '.join(names)}입니다."


def options_of(messages: Sequence[BotMessage]) -> list[tuple[str, str]]:
    """The buttons of ``messages`` as ``(title, payload)``, at most :data:`MAX_OPTIONS`."""
    out = []
    for m in messages:
        for b in m.buttons:
            title = str(b.get("title") or b.get("payload") or "").strip()
            payload = str(b.get("payload") or title).strip()
            if title:
                out.append((title, payload))
    return out[:MAX_OPTIONS]


def spoken_options(options: Sequence[tuple[str, str]], language: str) -> str:
    """Numbered options: ``1번, 남성. 2번, 여성. 원하시는 번호를 …`` / ``Press 1 for Male. Press 2 for Female. …``."""
    if not options:
        return ""
    if language == "en":
        items = " ".join(f"Press {i} for {spoken_text(t)}." for i, (t, _p) in enumerate(options, 1))
    else:
        items = " ".join(f"{i}번, {spoken_text(t)}." for i, (t, _p) in enumerate(options, 1))
    return f"{items} {_PICK['en' if language == 'en' else 'ko']}"


def action_url(url: str, turn: int, language: str, options: Sequence[tuple[str, str]] = (), said: str | None = None) -> str:
    """``url`` (this webhook's public URL) with the call's state in its query (see :func:`call_state`)."""
    parts = urlsplit(url)
    keep = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("turn", "lang", "said") and not re.fullmatch(r"o\d", k)]
    query: list[tuple[str, str]] = [*keep, ("turn", str(turn)), ("lang", language)]
    query += [(f"o{i}", p) for i, (_t, p) in enumerate(options, 1)]
    if said:
        query.append(("said", said))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def render(messages: Sequence[BotMessage], language: str, url: str, turn: int, holding: bool = False,
           said: str | None = None) -> str:
    """TwiML for the engine's replies.

    Args:
        messages: the turn's replies (or the holding reply).
        language: ``ko`` / ``en``: the ``<Gather>`` / ``<Say>`` locale (:data:`LOCALES`).
        url: this webhook's public URL (the ``action`` and ``<Redirect>`` target).
        turn: the turn just answered; the next request is ``turn + 1`` (a holding reply redirects to ``turn``).
        holding: the turn is still running: say ``messages`` and redirect to the same turn with ``said``.
        said: the caller's words of this turn (for the redirect).

    Returns:
        The TwiML document (UTF-8 XML text, with its XML declaration).
    """
    lang = language if language in LOCALES else "ko"
    locale = LOCALES[lang]
    root = ET.Element("Response")
    spoken = " ".join(t for t in (spoken_text(m.text) for m in messages) if t)
    if holding:
        ET.SubElement(root, "Say", language=locale).text = spoken
        ET.SubElement(root, "Redirect", method="POST").text = action_url(url, turn, lang, said=said)
        return _xml(root)
    options = options_of(messages)
    parts = [spoken, spoken_sources(citations_of(messages), lang), spoken_options(options, lang)]
    attrs = {"input": "speech dtmf", "language": locale, "action": action_url(url, turn + 1, lang, options),
             "method": "POST", "speechTimeout": "auto"}
    if options:
        attrs["numDigits"] = "1"
    gather = ET.SubElement(root, "Gather", attrs)
    ET.SubElement(gather, "Say", language=locale).text = " ".join(p for p in parts if p) or "…"
    ET.SubElement(root, "Say", language=locale).text = _GOODBYE[lang]
    ET.SubElement(root, "Hangup")
    return _xml(root)


def render_error(language: str, text: str) -> str:
    """TwiML that says ``text`` and hangs up (a request this channel cannot take)."""
    locale = LOCALES.get(language, "ko-KR")
    root = ET.Element("Response")
    ET.SubElement(root, "Say", language=locale).text = text
    ET.SubElement(root, "Hangup")
    return _xml(root)


def _xml(root: ET.Element) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>' + ET.tostring(root, encoding="unicode")

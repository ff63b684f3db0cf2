"""Logging set-up for the CLI and the server: personal data masked in every line.

Two formats (setting ``ASSISTANT_LOG_FORMAT``): ``text`` (default, one line:
``LEVEL logger: message key=value ...``) and ``json`` (one JSON object per
line with ``time``, ``level``, ``logger``, ``message``, the record's ``extra``
fields and ``exc``). Either way the finished line goes through
:func:`assistant.nlu.pii.mask_pii`, so a citizen's phone number, resident
registration number, card or account number, e-mail or address never reaches
a log file, whichever field carried it. uvicorn's access lines also lose their query strings'
values (:class:`AccessLogQueryFilter`: conversation ids, OAuth codes and tickets).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

from assistant.nlu.pii import mask_pii

#: Record attributes that are not ``extra`` fields (uvicorn's ``color_message`` repeats the message with ANSI codes).
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName", "color_message"}


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class MaskingTextFormatter(logging.Formatter):
    """``LEVEL logger: message key=value ...`` with personal data masked."""

    def format(self, record: logging.LogRecord) -> str:  # noqa: D401 - logging API
        line = f"{record.levelname} {record.name}: {record.getMessage()}"
        extras = _extras(record)
        if extras:
            line += " " + " ".join(f"{k}={v!r}" for k, v in extras.items())
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return mask_pii(line)


class MaskingJsonFormatter(logging.Formatter):
    """One JSON object per record, personal data masked."""

    def format(self, record: logging.LogRecord) -> str:  # noqa: D401 - logging API
        obj: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **_extras(record),
        }
        if record.exc_info:
            obj["exc"] = self.formatException(record.exc_info)
        return mask_pii(json.dumps(obj, ensure_ascii=False, default=str))


class AccessLogQueryFilter(logging.Filter):
    """Masks the query string of uvicorn's access-log lines: ``GET /webhooks/rest/pending?sender=web-e70f…`` is
    logged as ``GET /webhooks/rest/pending?sender=…``. A query carries secrets and private ids (the widget's
    conversation id, which is all that guards its pending messages; OAuth ``code`` and ``state`` on the MyData
    callback; authorize tickets), and those are not personal data that :func:`mask_pii` would recognise. The
    parameter names stay, so the line still says which kind of request it was.

    uvicorn's access record has ``args = (client_addr, method, full_path, http_version, status_code)``
    (``uvicorn/protocols/http/*_impl.py``); any other record passes unchanged. Never drops a record.
    """

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D401 - logging API
        """Rewrite the path argument in place; always True."""
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (args[0], args[1], mask_query(args[2]), *args[3:])
        return True


def mask_query(path: str) -> str:
    """``path`` with every query value replaced by ``…`` (names kept; a fragment is dropped).

    Example:
        >>> mask_query("/mydata/callback?code=abc&state=xyz")
        '/mydata/callback?code=…&state=…'
    """
    base, _, query = path.partition("?")
    query = query.split("#", 1)[0]
    parts = [(p.split("=", 1)[0] + "=…") if "=" in p else "…" for p in query.split("&") if p]
    return base + "?" + "&".join(parts)


def configure_logging(verbose: bool = False, fmt: str = "text", stream: Any = None) -> logging.Handler:
    """Install one masking handler on the root logger (replacing earlier handlers).

    Args:
        verbose: DEBUG instead of WARNING for our loggers (uvicorn's start-up lines stay at INFO).
        fmt: ``"text"`` or ``"json"``.
        stream: where to write (default ``sys.stderr``).

    Returns:
        The installed handler.

    Raises:
        ValueError: unknown ``fmt``.
    """
    if fmt not in ("text", "json"):
        raise ValueError(f"log format must be 'text' or 'json', not {fmt!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(MaskingJsonFormatter() if fmt == "json" else MaskingTextFormatter())
    root = logging.getLogger()
    for h in list(root.handlers):
        root.removeHandler(h)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        lg = logging.getLogger(name)
        lg.handlers.clear()
        lg.propagate = True
        lg.setLevel(logging.DEBUG if verbose else logging.INFO)
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, AccessLogQueryFilter) for f in access.filters):
        access.addFilter(AccessLogQueryFilter())
    for noisy in ("httpx", "httpcore", "urllib3", "asyncio", "multipart"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler

"""Load through the REST channel: concurrent conversations against a real ``assistant serve``, then the store is counted.

Starts ``python -m assistant serve`` as its own process on a free loopback port,
on a home with the bundled corpus imported and the NLU trained (``--home``;
default: prepared once under /tmp), with an empty tracker store:
SQLite (a fresh file) and PostgreSQL (a throwaway Debian cluster with
fsync on, from tests/dbservers.py, or ``--pg-url``). Then N conversations run at
once, each sending T turns one after another through
``POST /webhooks/rest/webhook`` (httpx async client), each turn with its own
``message_id``. A delivery answered with the holding reply
(``custom.pending``, the turn is still running) is redelivered with the same
message id until the answer comes, as a channel would; a turn's latency is
from its first delivery to its answer.

Afterwards the tracker store is read directly: every acknowledged turn's user
event present exactly once (by message id), no user event that was never sent,
each conversation's turns in the order sent, every user event closed by
``action_listen`` before the next one, the tracker rebuilds from its events,
and the stored reply of each message id equals the reply the client received.

Bounded in time and count: each store's load has a deadline (``--deadline``, seconds; turns not answered by
then are counted as ``unanswered`` errors, and the store is still verified), a turn is redelivered after a
holding reply at most :data:`MAX_HOLDING_REDELIVERIES` times, and every HTTP request has a timeout. The
machine's 1-minute load average is sampled during each run (start, mean, max, end) and reported beside p95.

``--sigkill-after N``: the first worker is SIGKILLed once N turns were acknowledged (a crash mid-load); with one
worker its conversations stop at their first connection error, with several the other workers take the
redeliveries. The killed worker is then restarted on the same home and store, every turn not acknowledged is
redelivered (same message ids), every turn acknowledged before the crash is redelivered too (it must get the
reply first sent), and the store is verified: every acknowledged turn exactly once.

Prints a table and writes JSON (default bench/results/rest_load.json).

Usage:
    python bench/rest_load.py [--conversations 100] [--turns 20] [--stores sqlite,postgresql]
                              [--home DIR] [--pg-url URL] [--json PATH]
    python bench/rest_load.py --conversations 5 --turns 3      # quick
    python bench/rest_load.py --workers 2 --fanout 2            # two servers, one Redis lock store; each message sent
                                                               # to both at once (answered once, same reply from both)
    python bench/rest_load.py --workers 2 --sigkill-after 500   # ... and one of them is SIGKILLed mid-load, restarted

The server/driver/verification helpers here are also used by
tests/server/test_sigkill_recovery.py.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack, ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

WEBHOOK = "/webhooks/rest/webhook"
#: Redeliveries of a turn after connection errors before it counts as an error.
TRANSPORT_RETRIES = 3
#: Redeliveries of a turn answered with the holding reply before it counts as an error (each waits the server's
#: ``holding_reply_after`` seconds, so this bounds one turn at a few minutes).
MAX_HOLDING_REDELIVERIES = 100
#: Seconds a worker that refused a connection is skipped (several workers, ``fanout`` 1), like a balancer's health check.
WORKER_DOWN_S = 5.0
#: Seconds before a turn answered "try again" is redelivered.
TRY_AGAIN_PAUSE_S = 0.5
#: Seconds one store's load may take before the turns still unanswered are counted as errors.
DEFAULT_DEADLINE_S = 1800.0
DEFAULT_HOME = Path(tempfile.gettempdir()) / "assistant-rest-load-home"
#: What citizens say in the load: service questions (ko/en), small talk. No handoff (it silences the bot).
TEXTS = [
    "안녕하세요",
    "에너지바우처 받을 수 있나요?",
    "기초연금 신청 방법 알려주세요",
    "아동수당은 얼마나 나와요?",
    "연탄 쿠폰 받을 수 있나요",
    "청년 월세 지원 조건이 뭐예요?",
    "How do I apply for the energy voucher?",
    "What is the basic pension?",
    "감사합니다",
    "출산하면 받을 수 있는 지원금이 있나요?",
    "장애인 활동지원 서비스 신청은 어디서 해요?",
    "Hello",
    "국민취업지원제도가 뭐예요?",
    "한부모가족 지원 알려주세요",
    "Thank you",
    "주거급여 신청 자격이 궁금해요",
    "노인 일자리 사업 있나요?",
    "전기요금 할인 받을 수 있나요",
    "What documents do I need for the child allowance?",
    "네 알겠어요",
]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    from dbservers import free_port as _free_port

    return _free_port()


def prepare_home(home: Path) -> Path:
    """Import the bundled corpus and train the NLU under ``home`` unless already done (about a minute the first time)."""
    from assistant.app_state import ensure_ready
    from assistant.knowledge.embedder import make_embedder
    from assistant.settings import Settings

    settings = Settings(home=home)
    ensure_ready(settings, make_embedder(settings.embedder, settings.embed_threads), progress=False)
    return home


def copy_home(src: Path, dst: Path) -> Path:
    """A fresh home with ``src``'s index, NLU and document store (nothing else: no trackers, tasks, consents)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("index", "nlu"):
        shutil.copytree(src / name, dst / name, dirs_exist_ok=True)
    shutil.copy2(src / "assistant.db", dst / "assistant.db")
    return dst


@dataclass
class ServerProcess:
    """A running ``assistant serve`` process."""

    proc: subprocess.Popen[bytes]
    url: str
    log: Path

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flushing, like a crash or the OOM killer."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        """SIGTERM and wait (SIGKILL after 30 s)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


def start_server(home: Path, tracker_url: str, port: int | None = None, env: dict[str, str] | None = None,
                 timeout: float = 300.0) -> ServerProcess:
    """Start ``python -m assistant serve`` on ``home`` with the tracker store ``tracker_url``; wait for ``/health``.

    Raises:
        RuntimeError: it exited or did not answer within ``timeout`` seconds (with its log's tail).
    """
    port = port or free_port()
    log = home / f"server-{port}-{time.time_ns()}.log"
    full_env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_TRACKER_STORE_URL": tracker_url, **(env or {})}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    server = ServerProcess(proc, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            if httpx.get(server.url + "/health", timeout=2).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    server.stop()
    raise RuntimeError(f"assistant serve did not start: {log.read_text(errors='replace')[-3000:]}")


def plan(conversations: int, turns: int, prefix: str = "load") -> dict[str, list[tuple[str, str]]]:
    """``{conversation id: [(message id, text), ...]}``; message ids ``<conv>:<turn, 3 digits>`` sort in turn order."""
    out = {}
    for c in range(conversations):
        conv = f"{prefix}-{c:03d}"
        out[conv] = [(f"{conv}:{t:03d}", TEXTS[(c + t) % len(TEXTS)]) for t in range(turns)]
    return out


def is_holding(reply: Any) -> bool:
    """Whether a REST reply is the holding reply (the turn is still running)."""
    return isinstance(reply, list) and any(isinstance(m, dict) and (m.get("custom") or {}).get("pending") is True for m in reply)


def is_try_again(reply: Any) -> bool:
    """Whether a REST reply is the polite "try again" of a turn that could not be stored (the tracker or lock store
    was unavailable: ``utter_turn_failed``). Nothing of the turn was stored, so it is not an acknowledgement: the
    channel redelivers the message id (a turn whose action failed is stored, with its own apology, and counts)."""
    return isinstance(reply, list) and any(isinstance(m, dict) and (m.get("custom") or {}).get("response") == "utter_turn_failed"
                                           for m in reply)


@dataclass
class DriveResult:
    """What the client saw.

    Attributes:
        acked: ``{(conv, message id): reply}`` for every turn answered (not the holding reply).
        latencies_ms: per acknowledged turn, first delivery → answer.
        errors: ``"conv mid: what"`` for non-200 answers and transport errors.
        holding_replies: deliveries answered with the holding reply.
        try_again_replies: deliveries answered with "try again" (:func:`is_try_again`): redelivered, not acknowledged.
        transport_retries: redeliveries after a connection error (e.g. a keep-alive connection the server
            closed as the request went out); a turn that still fails after :data:`TRANSPORT_RETRIES` is an error.
        deliveries: HTTP requests sent.
        wall_s: seconds from the first request to the last answer.
    """

    acked: dict[tuple[str, str], Any] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    holding_replies: int = 0
    try_again_replies: int = 0
    transport_retries: int = 0
    retry_reasons: Counter[str] = field(default_factory=Counter)
    deliveries: int = 0
    wall_s: float = 0.0


async def drive(url: str | Sequence[str], turns_by_conv: dict[str, list[tuple[str, str]]], *,
                result: DriveResult | None = None, stop_on_transport_error: bool = False,
                on_ack: Callable[[DriveResult], None] | None = None, timeout: float = 120.0,
                fanout: int = 1) -> DriveResult:
    """Run every conversation at once, each turn after the previous one's answer.

    Args:
        url: the server's base URL, or several workers' base URLs behind no balancer: delivery ``k`` of the
            conversation's turn ``i`` goes to worker ``(c + i + k) % n`` (``c`` the conversation's place), so
            consecutive turns and redeliveries of one conversation land on different workers.
        fanout: each delivery is sent to this many different workers AT ONCE (a channel that retries on another
            node before the first answered); their answers must agree (a holding reply aside), else it is an error.
        turns_by_conv: see :func:`plan`; turns already in ``result.acked`` are skipped.
        result: accumulate into this (a redelivery run after a crash).
        stop_on_transport_error: a conversation stops at its first connection error (the server died) and its
            remaining turns stay unacknowledged; otherwise the error is counted and the conversation goes on.
        on_ack: called after every acknowledged turn (the crash test kills the server from here).
        timeout: seconds per HTTP request.
    """
    res = result or DriveResult()
    # idle connections are dropped after 2 s, before uvicorn's 5 s keep-alive timeout closes them on its side
    # (with both at 5 s a request can go out on a connection the server is closing: a ReadError)
    limits = httpx.Limits(max_connections=len(turns_by_conv) + 10, max_keepalive_connections=len(turns_by_conv) + 10,
                          keepalive_expiry=2.0)

    urls = [url] if isinstance(url, str) else list(url)
    if not urls or not 1 <= fanout <= len(urls):
        raise ValueError(f"fanout must be between 1 and the number of workers ({len(urls)}), got {fanout}")

    async def deliver(client: httpx.AsyncClient, conv: str, mid: str, text: str) -> httpx.Response:
        res.deliveries += 1
        return await client.post(WEBHOOK, json={"sender": conv, "message": text, "message_id": mid})

    async def conversation(clients: list[httpx.AsyncClient], place: int, conv: str, turns: list[tuple[str, str]]) -> None:
        for i, (mid, text) in enumerate(turns):
            if (conv, mid) in res.acked:
                continue
            t0 = time.perf_counter()
            retries = 0
            k = 0
            while True:
                places = [(place + i + k + j) % len(clients) for j in range(fanout)]
                if fanout == 1:  # as a load balancer does: a worker that refused a connection gets nothing for a while
                    places = [next((p % len(clients) for p in range(places[0], places[0] + len(clients))
                                    if down_until[p % len(clients)] <= time.monotonic()), places[0])]
                targets = [clients[p] for p in places]
                k += 1
                try:
                    rs = await asyncio.gather(*(deliver(c, conv, mid, text) for c in targets))
                except httpx.TransportError as e:
                    if stop_on_transport_error:
                        res.errors.append(f"{conv} {mid}: {type(e).__name__}")
                        return
                    if fanout == 1 and isinstance(e, httpx.ConnectError) and len(clients) > 1:
                        down_until[places[0]] = time.monotonic() + WORKER_DOWN_S
                        if any(u <= time.monotonic() for u in down_until):  # another worker takes it: not a retry
                            res.transport_retries += 1
                            res.retry_reasons[type(e).__name__] += 1
                            continue
                    if retries < TRANSPORT_RETRIES:  # a channel redelivers the same message id; the server answers it once
                        retries += 1
                        res.transport_retries += 1
                        res.retry_reasons[type(e).__name__] += 1
                        continue
                    res.errors.append(f"{conv} {mid}: {type(e).__name__} after {retries} redeliveries")
                    break
                if bad := [r for r in rs if r.status_code != 200]:
                    res.errors.append(f"{conv} {mid}: HTTP {bad[0].status_code} {bad[0].text[:200]}")
                    break
                replies = [r.json() for r in rs]
                answers = [r for r in replies if not is_holding(r)]
                res.holding_replies += len(replies) - len(answers)
                failed = [r for r in answers if is_try_again(r)]
                res.try_again_replies += len(failed)
                answers = [r for r in answers if not is_try_again(r)]
                if not answers:
                    if k > MAX_HOLDING_REDELIVERIES:
                        res.errors.append(f"{conv} {mid}: no answer after {k} deliveries (holding or try-again replies)")
                        break
                    if failed:  # "try again" came at once: wait a little, as a citizen would, before redelivering
                        await asyncio.sleep(TRY_AGAIN_PAUSE_S)
                    continue  # the holding reply already waited; redeliver the same message id
                if any(a != answers[0] for a in answers[1:]):
                    res.errors.append(f"{conv} {mid}: workers answered differently: {answers!r}"[:400])
                    break
                res.acked[(conv, mid)] = answers[0]
                res.latencies_ms.append((time.perf_counter() - t0) * 1000)
                if on_ack is not None:
                    on_ack(res)
                break

    down_until = [0.0] * len(urls)  # per worker: monotonic time until which it is skipped (refused a connection)
    t0 = time.perf_counter()
    async with AsyncExitStack() as stack:
        clients = [await stack.enter_async_context(httpx.AsyncClient(base_url=u, timeout=timeout, limits=limits)) for u in urls]
        await asyncio.gather(*(conversation(clients, place, conv, turns)
                               for place, (conv, turns) in enumerate(turns_by_conv.items())))
    res.wall_s += time.perf_counter() - t0
    return res


def verify_store(tracker_url: str, turns_by_conv: dict[str, list[tuple[str, str]]],
                 acked: dict[tuple[str, str], Any]) -> dict[str, Any]:
    """Count the store against what was sent and acknowledged (see the module docstring).

    Returns:
        ``{"user_events", "lost", "duplicated", "unexpected", "out_of_order", "unclosed_turns",
        "unloadable", "reply_mismatch", "problems": [first 20 descriptions]}``; all counts 0 when sound.
    """
    from assistant.dialogue.tracker import load_tracker
    from assistant.stores.trackers import SQLTrackerStore

    store = SQLTrackerStore(tracker_url)
    counts = Counter[str]()
    problems: list[str] = []
    try:
        for conv, turns in turns_by_conv.items():
            sent = [mid for mid, _ in turns]
            events = store.load(conv)
            users = [e.get("message_id") for e in events if e.get("event") == "user"]
            counts["user_events"] += len(users)
            seen = Counter(users)
            for mid, n in seen.items():
                if n > 1:
                    counts["duplicated"] += n - 1
                    problems.append(f"{conv}: {mid} stored {n} times")
                if mid not in sent:
                    counts["unexpected"] += 1
                    problems.append(f"{conv}: user event {mid!r} that was never sent")
            for mid in sent:
                if (conv, mid) in acked and mid not in seen:
                    counts["lost"] += 1
                    problems.append(f"{conv}: acknowledged {mid} missing")
            order = [sent.index(m) for m in users if m in sent]
            if order != sorted(order):
                counts["out_of_order"] += 1
                problems.append(f"{conv}: turns stored in order {order}")
            # every user event is followed by action_listen before the next user event (a whole turn)
            open_turn = False
            for e in events:
                if e.get("event") == "user":
                    if open_turn:
                        counts["unclosed_turns"] += 1
                        problems.append(f"{conv}: a turn without action_listen before {e.get('message_id')}")
                    open_turn = True
                elif e.get("event") == "action" and e.get("name") == "action_listen":
                    open_turn = False
            if open_turn:
                counts["unclosed_turns"] += 1
                problems.append(f"{conv}: last turn without action_listen")
            try:
                load_tracker(store, conv)
            except Exception as e:  # noqa: BLE001 - counted and reported
                counts["unloadable"] += 1
                problems.append(f"{conv}: tracker does not load: {e}")
            for mid in sent:
                if (conv, mid) not in acked:
                    continue
                stored = store.reply_for(conv, mid)
                got = [m.get("text") for m in acked[(conv, mid)]]
                want = None if stored is None else [m.get("text") for m in stored.get("messages", [])]
                if got != want:
                    counts["reply_mismatch"] += 1
                    problems.append(f"{conv}: {mid} answered {got!r} but stored {want!r}")
    finally:
        store.engine.dispose()
    keys = ["user_events", "lost", "duplicated", "unexpected", "out_of_order", "unclosed_turns", "unloadable", "reply_mismatch"]
    return {**{k: int(counts[k]) for k in keys}, "problems": problems[:20]}


def pct(values: list[float], q: float) -> float | None:
    """The ``q``-th percentile rounded to 0.1 ms, or None when empty."""
    return round(float(np.percentile(values, q)), 1) if values else None


def start_workers(home: Path, tracker_url: str, workers: int, lock_url: str | None) -> list[ServerProcess]:
    """``workers`` ``assistant serve`` processes on one home and tracker store, locked through ``lock_url``
    (Redis; required for more than one worker). Stops those already started if one fails.

    Raises:
        ValueError: several workers without a lock store URL.
        RuntimeError: a worker did not start (see :func:`start_server`).
    """
    if workers > 1 and not lock_url:
        raise ValueError("several workers need a shared lock store (ASSISTANT_LOCK_STORE_URL, e.g. redis://...)")
    env = {"ASSISTANT_LOCK_STORE_URL": lock_url} if lock_url else None
    servers: list[ServerProcess] = []
    try:
        for _ in range(workers):
            servers.append(start_server(home, tracker_url, env=env))
    except BaseException:
        for s in servers:
            s.stop()
        raise
    return servers


class LoadSampler:
    """Samples the 1-minute load average every ``every`` seconds in a thread (the machine is shared: a p95 means
    little without it)."""

    def __init__(self, every: float = 2.0) -> None:
        self.every, self.samples = every, [os.getloadavg()[0]]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append(os.getloadavg()[0])

    def summary(self) -> dict[str, float]:
        """``{"start", "mean", "max", "end"}`` of the 1-minute load average during the run."""
        return {"start": round(self.samples[0], 2), "mean": round(float(np.mean(self.samples)), 2),
                "max": round(max(self.samples), 2), "end": round(self.samples[-1], 2)}


def drive_bounded(urls: Sequence[str], work: dict[str, list[tuple[str, str]]], deadline_s: float, res: DriveResult,
                  **kwargs: Any) -> bool:
    """:func:`drive` into ``res`` for at most ``deadline_s`` seconds; returns False when the deadline cut it off
    (what was acknowledged by then stays in ``res``)."""
    async def bounded() -> bool:
        t0 = time.perf_counter()
        try:
            await asyncio.wait_for(drive(list(urls), work, result=res, **kwargs), deadline_s)
            return True
        except asyncio.TimeoutError:
            res.wall_s += time.perf_counter() - t0
            return False

    return asyncio.run(bounded())


def run_store(name: str, tracker_url: str, home: Path, conversations: int, turns: int, *, workers: int = 1,
              lock_url: str | None = None, fanout: int = 1, deadline_s: float = DEFAULT_DEADLINE_S,
              sigkill_after: int | None = None) -> dict[str, Any]:
    """One full run (server start, warm-up, load, stop, verification) against one tracker store;
    with ``workers`` > 1, several servers behind no balancer share the store and the lock store ``lock_url``
    (see :func:`drive` for how turns are spread and ``fanout``). ``deadline_s`` bounds the load (module docstring);
    ``sigkill_after``: SIGKILL the first worker after that many acknowledged turns, restart it, redeliver."""
    servers = start_workers(home, tracker_url, workers, lock_url)
    work = plan(conversations, turns)
    res = DriveResult()
    crash: dict[str, Any] = {}

    def kill_first(r: DriveResult) -> None:
        if sigkill_after is not None and not crash and len(r.acked) >= sigkill_after:
            crash["acked_at_kill"] = len(r.acked)
            servers[0].kill()

    try:
        warm = plan(2, 3, prefix=f"warm-{name}")
        asyncio.run(drive([s.url for s in servers], warm))
        with LoadSampler() as load:
            finished = drive_bounded([s.url for s in servers], work, deadline_s, res, fanout=fanout,
                                     on_ack=kill_first if sigkill_after is not None else None,
                                     stop_on_transport_error=sigkill_after is not None and workers == 1)
        if crash:
            crash["returncode"] = servers[0].proc.returncode
            crash["errors_when_killed"] = len(res.errors)  # turns cut off by the crash (redelivered below)
            crash["error_examples_when_killed"] = res.errors[:3]
            crash["store_right_after"] = verify_store(tracker_url, work, res.acked)
            before = dict(res.acked)
            res.errors.clear()
            servers[0] = start_server(home, tracker_url, env={"ASSISTANT_LOCK_STORE_URL": lock_url} if lock_url else None)
            urls = [s.url for s in servers]
            finished = drive_bounded(urls, work, deadline_s, res) and finished  # the turns not acknowledged
            replay = {c: [(m, t) for m, t in ts if (c, m) in before] for c, ts in work.items()}
            again = DriveResult()
            drive_bounded(urls, replay, deadline_s, again)  # turns answered before the crash: the reply first sent
            crash["acknowledged_redelivered"] = len(again.acked)
            crash["reply_changed"] = sum(1 for k, v in again.acked.items() if before.get(k) != v)
            crash["redelivery_errors"] = len(again.errors)
    finally:
        for server in servers:
            server.stop()
    check = verify_store(tracker_url, work, res.acked)
    n = conversations * turns
    unanswered = n - len(res.acked)
    out = {
        "turns_sent": n,
        "turns_acked": len(res.acked),
        "unanswered": unanswered,
        "deadline_s": deadline_s,
        "finished_in_time": finished,
        "errors": len(res.errors) + (0 if finished else unanswered),
        "error_examples": res.errors[:5] if finished else [*res.errors[:4], f"deadline {deadline_s:g} s: {unanswered} turns unanswered"],
        "deliveries": res.deliveries,
        "holding_replies": res.holding_replies,
        "try_again_replies": res.try_again_replies,
        "transport_retries": res.transport_retries,
        "transport_retry_reasons": dict(res.retry_reasons),
        "turns_per_s": round(len(res.acked) / res.wall_s, 1) if res.wall_s else None,
        "wall_s": round(res.wall_s, 1),
        "latency_ms_p50": pct(res.latencies_ms, 50),
        "latency_ms_p95": pct(res.latencies_ms, 95),
        "latency_ms_p99": pct(res.latencies_ms, 99),
        "latency_ms_max": round(max(res.latencies_ms), 1) if res.latencies_ms else None,
        "loadavg_1min": load.summary(),
        "store": check,
    }
    if sigkill_after is not None:
        out["sigkill"] = crash or {"not_reached": f"fewer than {sigkill_after} turns were acknowledged"}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--conversations", type=int, default=100)
    ap.add_argument("--turns", type=int, default=20)
    ap.add_argument("--stores", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    ap.add_argument("--home", type=Path, help=f"a prepared home to copy (default: {DEFAULT_HOME}, prepared on first use)")
    ap.add_argument("--pg-url", help="use this (empty) PostgreSQL database instead of starting a throwaway cluster")
    ap.add_argument("--workers", type=int, default=1,
                    help="server processes sharing the store; more than 1 starts a throwaway redis-server as the lock store")
    ap.add_argument("--fanout", type=int, default=1, help="deliver each message to this many workers at once (<= --workers)")
    ap.add_argument("--deadline", type=float, default=DEFAULT_DEADLINE_S,
                    help="seconds one store's load may take; turns unanswered by then are errors")
    ap.add_argument("--sigkill-after", type=int, default=None,
                    help="SIGKILL the first worker after this many acknowledged turns, restart it, redeliver, verify")
    ap.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "rest_load.json")
    args = ap.parse_args(argv)
    if not 1 <= args.fanout <= args.workers:
        ap.error(f"--fanout must be between 1 and --workers ({args.workers})")
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = sorted(set(stores) - {"sqlite", "postgresql"})
    if unknown:
        ap.error(f"unknown store(s) {unknown}; choose from sqlite, postgresql")
    source = args.home or prepare_home(DEFAULT_HOME)
    results: dict[str, Any] = {}
    load0 = os.getloadavg()[0]
    with ExitStack() as cleanup:
        tmp = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="rest-load-"))
        lock_url = None
        if args.workers > 1:
            from dbservers import missing_redis, start_redis

            reason = missing_redis()
            if reason:
                ap.error(f"--workers {args.workers} needs Redis: {reason}")
            redis = start_redis()
            cleanup.callback(redis.destroy)
            lock_url = redis.url
        run = functools.partial(run_store, workers=args.workers, lock_url=lock_url, fanout=args.fanout,
                                deadline_s=args.deadline, sigkill_after=args.sigkill_after)
        for name in stores:
            home = copy_home(source, Path(tmp) / name)
            if name == "sqlite":
                results[name] = run(name, f"sqlite:///{home / 'trackers.db'}", home, args.conversations, args.turns)
            elif args.pg_url:
                results[name] = run(name, args.pg_url, home, args.conversations, args.turns)
            else:
                from dbservers import missing_postgres, start_postgres

                reason = missing_postgres()
                if reason:
                    results[name] = {"skipped": reason}
                    continue
                pg = start_postgres(fsync=True)
                try:
                    results[name] = run(name, pg.create_database("rest_load"), home, args.conversations, args.turns)
                finally:
                    pg.destroy()

    cols = ["turns_acked", "errors", "holding_replies", "transport_retries", "turns_per_s", "latency_ms_p50", "latency_ms_p95", "latency_ms_p99"]
    checks = ["lost", "duplicated", "out_of_order", "unclosed_turns", "reply_mismatch"]
    print(f"{args.conversations} conversations x {args.turns} turns through POST {WEBHOOK}, {args.workers} worker(s)")
    print(f"{'store':<11}" + "".join(f"{c:>16}" for c in cols) + f"{'load mean/max':>16}" + "".join(f"{c:>15}" for c in checks))
    for name, r in results.items():
        if "skipped" in r:
            print(f"{name:<11}  skipped: {r['skipped']}")
            continue
        la = r["loadavg_1min"]
        print(f"{name:<11}" + "".join(f"{str(r[c]):>16}" for c in cols) + f"{la['mean']:>9}/{la['max']:<6}"
              + "".join(f"{r['store'][c]:>15}" for c in checks))
        if "sigkill" in r:
            print(f"{'':<11}  SIGKILL: {json.dumps({k: v for k, v in r['sigkill'].items() if k != 'store_right_after'})}; "
                  f"store right after: lost {r['sigkill'].get('store_right_after', {}).get('lost')}, "
                  f"duplicated {r['sigkill'].get('store_right_after', {}).get('duplicated')}")
    out = {
        "workload": {"conversations": args.conversations, "turns": args.turns, "channel": "rest",
                     "workers": args.workers, "fanout": args.fanout, "deadline_s": args.deadline,
                     "sigkill_after": args.sigkill_after,
                     "what": "each conversation sends its turns one after another, all conversations at once; "
                             "a holding reply is redelivered with the same message id; latency = first delivery to answer"},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "loadavg_1min_at_start": round(load0, 2)},
        "notes": f"{args.workers} `assistant serve` process(es) (uvicorn, one worker each; several share a throwaway redis-server "
                 "as the lock store, each conversation's turns and redeliveries spread over them) on loopback, "
                 "client in another process on the same machine. "
                 "SQLite: WAL, synchronous=NORMAL. PostgreSQL: throwaway local cluster, fsync=on (unless --pg-url).",
        "results": results,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}")
    def crashed_badly(r: dict[str, Any]) -> bool:
        k = r.get("sigkill") or {}
        after = k.get("store_right_after") or {}
        return bool(k.get("not_reached") or k.get("reply_changed") or k.get("redelivery_errors")
                    or after.get("lost") or after.get("duplicated") or after.get("unexpected"))

    bad = any(r["errors"] or any(r["store"][k] for k in checks + ["unexpected", "unloadable"]) or r["turns_acked"] != r["turns_sent"]
              or crashed_badly(r) for r in results.values() if "skipped" not in r)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())

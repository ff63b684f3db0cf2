"""``assistant alerts run`` from cron, in a process of its own: with ``--server URL`` (or ``ASSISTANT_ALERTS_URL``)
the round runs in the server over ``POST /connectors/alerts/run`` with the admin token, so the server's conversation
notifier pushes the new match into the subscriber's conversation at once; without a server it runs in the CLI's
process, says how many notifications could not be pushed and that they wait for the next widget session, and the
inbox still holds them. The CLI is a real subprocess; the server is the alerts API on uvicorn."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from live_server import LiveServer  # type: ignore[import-not-found]

from assistant.dialogue.messages import BotMessage
from assistant.settings import Settings
from connectors.alerts.conversation import ALERT_RESPONSE, ConversationNotifier, ConversationWaker, seal_address
from connectors.alerts.engine import AlertEngine, ServiceEvaluator
from connectors.alerts.notifiers import WidgetInboxNotifier
from connectors.alerts.service import create_app
from connectors.alerts.store import AlertStore
from connectors.eligibility.catalogue import Catalogue, ServiceInfo
from connectors.eligibility.service import CatalogueSource, EligibilityService
from connectors.eligibility.service import create_app as create_eligibility_app

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "admin-token-for-the-alerts-cli-tests"
SECRET = b"alerts-cli-secret-" + b"c" * 40
CONSENT = {"granted": True, "text": "새로 받을 수 있는 혜택이 생기면 알려 드립니다.", "purpose": "benefit alerts"}


def _svc(sid: str) -> ServiceInfo:
    return ServiceInfo(sid, f"서비스 {sid}", f"https://www.gov.kr/portal/rcvfvrSvc/dtlEx/{sid}", "기관", ("기초연금법 제3조",))


def _catalogue(version: str, extra: bool) -> Catalogue:
    """S1: age 65+; with ``extra`` also S3: age 60+ (the new match of a 70-year-old)."""
    records: list[tuple[ServiceInfo, dict[str, Any]]] = [(_svc("S1"), {"JA0110": 65, "JA0111": 130})]
    if extra:
        records.append((_svc("S3"), {"JA0110": 60, "JA0111": 130}))
    return Catalogue.from_records(records, version=version)


class Holder:
    def __init__(self) -> None:
        self.cat = _catalogue("v1", extra=False)

    def source(self) -> CatalogueSource:
        return CatalogueSource(lambda _stamp: self.cat, lambda: self.cat.version, "test")


@dataclass
class Server:
    """The alerts API of an assistant server; ``woken`` records the conversation turns its waker ran."""

    url: str
    store: AlertStore
    holder: Holder
    woken: list[tuple[str, str, str]] = field(default_factory=list)


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m assistant alerts run ...`` in its own process (what cron starts), from the repository root."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    return subprocess.run([sys.executable, "-m", "assistant", "alerts", "run", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    holder = Holder()
    store = AlertStore(f"sqlite:///{tmp_path / 'server-alerts.db'}")
    srv = Server("", store, holder)

    def run_turn(sender: str, intent: str, channel: str) -> list[BotMessage]:
        srv.woken.append((sender, intent, channel))  # what assistant serve's proactive turn would tell
        return [BotMessage("새 혜택", custom={"response": ALERT_RESPONSE})]

    engine = AlertEngine(store, ServiceEvaluator(EligibilityService(holder.source())),
                         {"widget": WidgetInboxNotifier(), "conversation": ConversationNotifier(ConversationWaker(lambda: SECRET, run_turn))},
                         retry_delay=0.0)
    with LiveServer(create_app(Settings(home=tmp_path, api_token=TOKEN), engine)) as live:
        srv.url = live.url
        yield srv
    store.db.dispose()


def _subscribe(store: AlertStore, evaluator: Any, sender: str) -> None:
    AlertEngine(store, evaluator, {"conversation": ConversationNotifier()}).subscribe(
        "sub-1", "conversation", seal_address(SECRET, "rest", sender), CONSENT, {"age": 70})


def test_with_a_server_the_round_runs_there_and_pushes_into_the_conversation(server: Server, tmp_path: Path) -> None:
    _subscribe(server.store, ServiceEvaluator(EligibilityService(server.holder.source())), "visitor-lee")
    server.holder.cat = _catalogue("v2", extra=True)  # a re-import adds S3
    base = server.url.removesuffix("/")
    # the alerts API is mounted at /connectors/alerts by assistant serve: here it is the app's root, so give the mount
    env = {"ASSISTANT_HOME": str(tmp_path / "cron-home"), "ASSISTANT_API_TOKEN": TOKEN, "ASSISTANT_ALERTS_URL": base}
    done = cli("--json", env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert (out["notified"], out["delivered"], out["server"]) == (1, 1, base)
    assert server.woken == [("visitor-lee", "alerts_new", "rest")]  # pushed in the server's process, at once
    [note] = server.store.notifications("sub-1")
    assert note.status == "delivered" and [s["service_id"] for s in note.payload["services"]] == ["S3"]
    assert not (tmp_path / "cron-home" / "alerts.db").exists()  # nothing evaluated in the cron process


def test_server_flag_adds_the_mount_and_a_wrong_token_is_refused(server: Server, tmp_path: Path) -> None:
    """``--server URL`` is the assistant's base URL (the API is under /connectors/alerts): mount the app there."""
    from fastapi import FastAPI

    outer = FastAPI()
    outer.mount("/connectors/alerts", create_app(Settings(home=tmp_path, api_token=TOKEN),
                                                 AlertEngine(server.store, ServiceEvaluator(EligibilityService(server.holder.source())),
                                                             {"widget": WidgetInboxNotifier()})))
    with LiveServer(outer) as live:
        env = {"ASSISTANT_HOME": str(tmp_path / "cron-home"), "ASSISTANT_API_TOKEN": TOKEN}
        done = cli("--server", live.url + "/", env=env)
        assert done.returncode == 0, done.stderr
        counts = dict(kv.split("=", 1) for kv in done.stdout.split())
        assert counts["server"] == f"{live.url}/connectors/alerts" and counts["errors"] == "0"
        refused = cli("--server", live.url, env={**env, "ASSISTANT_API_TOKEN": "wrong-token"})
        assert refused.returncode == 2 and "401" in refused.stderr and "wrong-token" not in refused.stderr


def test_a_server_that_is_down_is_an_error_not_a_silent_local_run(tmp_path: Path) -> None:
    from dbservers import free_port  # type: ignore[import-not-found]

    done = cli("--server", f"http://127.0.0.1:{free_port()}", "--timeout", "2",
               env={"ASSISTANT_HOME": str(tmp_path), "ASSISTANT_API_TOKEN": TOKEN})
    assert done.returncode == 2 and done.stderr.startswith("error:")
    assert not (tmp_path / "alerts.db").exists()


def test_without_a_server_it_runs_here_and_says_what_waits_for_the_next_widget_session(tmp_path: Path) -> None:
    holder = Holder()
    home = tmp_path / "home"
    home.mkdir()
    with LiveServer(create_eligibility_app(service=EligibilityService(holder.source()))) as elig:
        env = {"ASSISTANT_HOME": str(home), "ASSISTANT_ELIGIBILITY_URL": elig.url}
        store = AlertStore(f"sqlite:///{home / 'alerts.db'}")
        _subscribe(store, ServiceEvaluator(EligibilityService(holder.source())), "visitor-lee")
        holder.cat = _catalogue("v2", extra=True)
        done = cli("--json", env=env)
        assert done.returncode == 0, done.stderr
        out = json.loads(done.stdout.strip().splitlines()[-1])
        assert (out["notified"], out["delivered"], out["not_pushed"]) == (1, 0, 1)
        assert "1 notification(s) for 1 subscriber(s) could not be pushed" in done.stderr
        assert "next widget session" in done.stderr and "Nothing is lost" in done.stderr
        # kept: the conversation's next read of the inbox (the greeting) gets it
        [note] = store.notifications("sub-1")
        assert note.status == "pending" and note.attempts == 0
        again = cli("--json", env=env)  # a second round pushes nothing new and still counts it waiting
        assert json.loads(again.stdout.strip().splitlines()[-1])["not_pushed"] == 1
        store.db.dispose()

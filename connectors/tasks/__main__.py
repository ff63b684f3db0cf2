"""Run the task back end alone: ``python -m connectors.tasks [--host H] [--port N] [--db-url URL] [--gov24-dir DIR]``.

Applications go to ``--db-url`` (default ``ASSISTANT_TASKS_DB_URL`` or SQLite ``<ASSISTANT_HOME>/tasks.db``);
checklists come from the catalogue imported into ``ASSISTANT_HOME`` or from ``--gov24-dir``.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve with uvicorn until interrupted."""
    import uvicorn

    from assistant.settings import get_settings
    from connectors.tasks.checklist import ChecklistSource
    from connectors.tasks.service import create_app
    from connectors.tasks.store import ApplicationStore

    p = argparse.ArgumentParser(prog="python -m connectors.tasks", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8002)
    p.add_argument("--db-url", default=None, help="SQLAlchemy URL of the applications database")
    p.add_argument("--gov24-dir", type=Path, default=None, help="read checklists from this catalogue JSON folder")
    args = p.parse_args(argv)
    settings = get_settings()
    store = ApplicationStore(args.db_url or settings.tasks_db_url or f"sqlite:///{settings.home / 'tasks.db'}")
    checklists = ChecklistSource.from_gov24_dir(args.gov24_dir) if args.gov24_dir else None
    uvicorn.run(create_app(settings, store, checklists), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

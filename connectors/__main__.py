"""Serve the connectors' actions over Rasa's action-server protocol: ``python -m connectors [--port 5055]``.

The actions are those of ``ASSISTANT_CONNECTOR_ACTIONS`` (or ``--modules``); point a Rasa bot's
``endpoints.yml`` ``action_endpoint.url``, or this engine's ``ASSISTANT_ACTION_ENDPOINT_URL``, at
``http://HOST:PORT/webhook``. The back ends they call (eligibility, MyData, tasks) are configured as for
``assistant serve`` (``ASSISTANT_ELIGIBILITY_URL`` …).
"""

from __future__ import annotations

import argparse


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve with uvicorn until interrupted."""
    import uvicorn

    from assistant.dialogue.sdk import create_action_app, load_actions
    from assistant.logging_config import configure_logging
    from assistant.settings import get_settings

    settings = get_settings()
    p = argparse.ArgumentParser(prog="python -m connectors", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=5055)
    p.add_argument("--modules", default=settings.connector_actions,
                   help="comma-separated connector action modules (default: ASSISTANT_CONNECTOR_ACTIONS)")
    args = p.parse_args(argv)
    configure_logging(fmt=settings.log_format)
    modules = [m.strip() for m in args.modules.split(",") if m.strip()]
    uvicorn.run(create_action_app(load_actions(modules, settings)), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

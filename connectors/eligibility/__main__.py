"""Run the eligibility service alone: ``python -m connectors.eligibility [--host H] [--port N] [--gov24-dir DIR]``.

The catalogue is loaded and one check run before the port opens (a warm service answers its first request at full
speed). Without ``--gov24-dir`` it serves the catalogue imported into ``ASSISTANT_HOME``
(``assistant knowledge import gov24 DIR``) and follows re-imports.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve with uvicorn until interrupted."""
    import uvicorn

    from assistant.errors import ModelNotFoundError
    from assistant.settings import get_settings
    from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app

    p = argparse.ArgumentParser(prog="python -m connectors.eligibility", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--gov24-dir", type=Path, default=None, help="serve this catalogue JSON folder instead of ASSISTANT_HOME")
    args = p.parse_args(argv)
    settings = get_settings()
    source = CatalogueSource.from_gov24_dir(args.gov24_dir) if args.gov24_dir else CatalogueSource.from_home(settings)
    service = EligibilityService(source, freeze_heap=True)  # a serving process: settle the heap after each load
    # Warm before the port opens: a request that arrives is answered at full speed, never by a cold process that
    # the assistant's connector timeout gives up on.
    print(f"eligibility service: warming up over {source.describe} …", flush=True)
    try:
        print(f"eligibility service: warm ({service.warm()} s)", flush=True)
    except ModelNotFoundError as e:  # nothing imported yet: serve, and follow the import when it comes
        print(f"eligibility service: no catalogue yet ({e}); checks answer with none until it is imported", flush=True)
    uvicorn.run(create_app(settings, service), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

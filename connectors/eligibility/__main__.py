"""Run the eligibility service alone: ``python -m connectors.eligibility [--host H] [--port N] [--gov24-dir DIR]``.

Without ``--gov24-dir`` it serves the catalogue imported into ``ASSISTANT_HOME``
(``assistant knowledge import gov24 DIR``) and follows re-imports.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and serve with uvicorn until interrupted."""
    import uvicorn

    from assistant.settings import get_settings
    from connectors.eligibility.service import CatalogueSource, EligibilityService, create_app

    p = argparse.ArgumentParser(prog="python -m connectors.eligibility", description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--gov24-dir", type=Path, default=None, help="serve this catalogue JSON folder instead of ASSISTANT_HOME")
    args = p.parse_args(argv)
    settings = get_settings()
    source = CatalogueSource.from_gov24_dir(args.gov24_dir) if args.gov24_dir else CatalogueSource.from_home(settings)
    uvicorn.run(create_app(settings, EligibilityService(source)), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

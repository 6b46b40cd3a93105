"""Synthetic national-scale data for benchmarks: `manage.py generate_synthetic --compounds N`.

Seeded and reproducible (same seed, N and base date give identical rows), internally consistent
as the services would leave it (stages and their log, gates, progress and latest reports, money
states, vote outcomes under Civil Code art. 278), and fast: rows are streamed with COPY on
PostgreSQL. See `run.generate` for the load and `common.scale_for` for the size of the
hierarchy. History rows (django-simple-history) are not written for the bulk load.
"""

from __future__ import annotations

from .common import DEFAULT_AS_OF, DEFAULT_SEED, Options, scale_for
from .run import Summary, SyntheticError, generate

__all__ = [
    "DEFAULT_AS_OF",
    "DEFAULT_SEED",
    "Options",
    "Summary",
    "SyntheticError",
    "generate",
    "scale_for",
]

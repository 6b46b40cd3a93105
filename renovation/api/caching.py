"""Cached API statistics, invalidated by a data generation number.

Statistics endpoints aggregate over everything a client may read (for a national client, every
project), so the same answer is asked for again and again between changes. An answer is cached
per user, language and query string under the current *data generation*; every service that
changes what statistics count marks rollup scopes dirty (`reporting.rollups.services.
mark_dirty`), and that bumps the generation after commit, so the next request recomputes. A
time limit bounds staleness should a bump be lost (the cache unreachable at that moment).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.response import Response

logger = logging.getLogger(__name__)

GENERATION_KEY = "renovation:data-generation"

T = TypeVar("T")


def data_changed() -> None:
    """Start a new data generation: cached statistics computed before it are not served."""
    try:
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no generation yet (or evicted): any fresh value will do
            cache.set(GENERATION_KEY, 1, timeout=None)
    except Exception:
        logger.warning("Could not bump the statistics cache generation", exc_info=True)


def query_digest(pairs) -> str:
    """A short, order-independent fingerprint of query parameters for a cache key."""
    return hashlib.sha256(repr(sorted(pairs)).encode()).hexdigest()[:32]


def _kept(key: str) -> tuple[int | None, tuple | None]:
    """The current generation, and `(value,)` if `key` holds a value computed in it (one
    round trip). (None, None) when the cache cannot be reached: compute, keep nothing."""
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, 1, timeout=None)
            return cache.get(GENERATION_KEY), None
    except Exception:
        logger.warning("Cache unreachable; computing %s", key, exc_info=True)
        return None, None
    kept = found.get(key)
    if kept is not None and kept[0] == generation:
        return generation, kept[1]
    return generation, None


def _keep(key: str, generation: int | None, value: object, timeout: int) -> None:
    """Keep `value` with the generation it was computed in: a bump makes it stale at once."""
    if generation is None:
        return
    try:
        cache.set(key, (generation, (value,)), timeout=timeout)
    except Exception:
        logger.warning("Could not cache %s", key, exc_info=True)


def remember(key: str, compute: Callable[[], T], *, timeout: int | None = None) -> T:
    """`compute()` at most once per data generation (and per `timeout` seconds, for answers
    that also age with the clock) under `key`, which must name everything the answer depends
    on (the user, the parameters). Used beside the API for the pages' costly live aggregates."""
    if timeout is None:
        timeout = settings.RENOVATION_STATISTICS_CACHE_SECONDS
    if not timeout:
        return compute()
    generation, kept = _kept(key)
    if kept is not None:
        found: T = kept[0]  # kept by this same call under this key: what `compute` returns
        return found
    value = compute()
    _keep(key, generation, value, timeout)
    return value


def cached_statistics(get: Callable[..., Response]) -> Callable[..., Response]:
    """Serve a statistics view's `get` from the cache when the data has not changed since.
    Only successful answers are kept; errors (bad parameters) are recomputed every time."""

    @functools.wraps(get)
    def wrapper(self, request: Request, *args, **kwargs) -> Response:
        timeout = settings.RENOVATION_STATISTICS_CACHE_SECONDS
        if not timeout:
            return get(self, request, *args, **kwargs)
        query = [(k, v) for k, values in request.query_params.lists() for v in values]
        language = getattr(request, "LANGUAGE_CODE", "") or ""
        key = (
            f"renovation:stats:{type(self).__name__}:{request.user.pk}:{language}:"
            f"{query_digest(query)}"
        )
        generation, kept = _kept(key)
        if kept is not None:
            return Response(kept[0])
        response = get(self, request, *args, **kwargs)
        if response.status_code == 200:
            _keep(key, generation, response.data, timeout)
        return response

    return wrapper

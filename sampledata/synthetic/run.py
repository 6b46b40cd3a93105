"""The load: checks, one transaction (wipe, geography, districts in chunks, constraints back),
benchmark accounts, then statistics for the planner."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from programmes.models import WorkType

from . import accounts, district, geography, tables, wipe
from .catalogue import Catalogue, WorkTypeRec
from .common import EARLIEST_AS_OF, Clock, Ids, Options, Rows, Scale, Stream, scale_for
from .votes import Rules
from .writer import Writer, start_ids


class SyntheticError(Exception):
    """The load was refused; nothing was written."""


@dataclass
class Summary:
    scale: Scale
    counts: dict[str, int]
    accounts: list[accounts.Account]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def check(options: Options, *, replace: bool) -> None:
    problems = tables.check_columns()
    if problems:
        raise SyntheticError(
            "The models changed since the generator was written; update "
            "sampledata/synthetic/tables.py and the generators: " + "; ".join(problems)
        )
    if options.compounds < 1:
        raise SyntheticError("--compounds must be at least 1.")
    if options.as_of < EARLIEST_AS_OF:
        raise SyntheticError(
            f"--as-of must be {EARLIEST_AS_OF} or later: plan years run to 2025 and their "
            "projects are built and accepted into the following year."
        )
    others = wipe.other_provinces()
    if others:
        raise SyntheticError(
            f"The database already holds registry data that is not synthetic ({others} "
            "provinces). Generate synthetic data into a dedicated, freshly migrated database."
        )
    if wipe.synthetic_provinces() and not replace:
        raise SyntheticError(
            "The database already holds synthetic data. Run again with --replace to delete it "
            "and generate anew."
        )
    if not WorkType.objects.filter(is_active=True).exists():
        raise SyntheticError("The work-type catalogue is empty: run the migrations first.")


def _load(options, replace, writer: Writer, timings, started, log) -> geography.Geography:
    if replace:
        wipe.wipe()
        log("previous synthetic data deleted")
    # Every read happens before the first write: from then on the COPY thread owns the
    # connection until `writer.close()`.
    system = accounts.system_user()
    ids = Ids(start_ids())
    rules = Rules()
    work_types = [
        WorkTypeRec(wt.id, wt.code, wt.unit, wt.category)
        for wt in WorkType.objects.filter(is_active=True).order_by("sort_order", "code", "id")
    ]
    writer.prepare()
    rows = Rows()
    geo = geography.build(options, ids, rows)
    rules.add_city_sets(geo.city_ids, Stream(f"{options.seed}/rules"), ids, rows)
    writer.write(rows.take())
    log(", ".join(f"{n:,} {level}" for level, n in geo.counts.items()))
    ctx = district.Context(
        seed=options.seed,
        ids=ids,
        rows=rows,
        clock=Clock(options.as_of),
        system=system,
        catalogue=Catalogue(work_types),
        rules=rules,
    )
    done = 0
    last_log = time.monotonic()
    for plan in geo.districts:
        district.generate(plan, ctx)
        done += plan.compounds
        if rows.buffered >= options.chunk_rows:
            writer.write(rows.take())
            if time.monotonic() - last_log >= 15:
                last_log = time.monotonic()
                log(
                    f"{done:,}/{options.compounds:,} compounds generated, "
                    f"{sum(writer.counts.values()):,} rows written, {last_log - started:.0f} s"
                )
    writer.write(rows.take())
    writer.close()
    timings["rows"] = time.monotonic() - started
    log(f"{sum(writer.counts.values()):,} rows written in {timings['rows']:.0f} s")
    writer.finish()
    timings["constraints"] = time.monotonic() - started - timings["rows"]
    return geo


def generate(
    options: Options, *, replace: bool, password: str, log: Callable[[str], None]
) -> Summary:
    check(options, replace=replace)
    started = time.monotonic()
    timings: dict[str, float] = {}
    writer = Writer(log)
    with transaction.atomic():
        try:
            geo = _load(options, replace, writer, timings, started, log)
        except BaseException:
            writer.abort()
            raise
        bench = accounts.bench_accounts(geo.districts, password)
    mark = time.monotonic()
    writer.analyze()
    timings["analyze"] = time.monotonic() - mark
    return Summary(
        scale=scale_for(options),
        counts=dict(writer.counts),
        accounts=bench,
        seconds=time.monotonic() - started,
        timings=timings,
    )

"""`make bench`: everything in order, then the table and docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from . import environment
from .environment import ROOT
from .report import Report, Row, text_table


def main(argv: list[str] | None = None) -> None:
    args = environment.options(argv)
    db_url = environment.database_url(args.db)
    redis = environment.redis_url()
    created = environment.ensure_database(db_url)
    media = environment.temp_media()
    env = environment.server_env(db_url, redis, media)
    environment.setup_django(env)
    say(f"database {args.db} ({'created' if created else 'exists'}), Redis {redis}")
    data_note = environment.ensure_data(env, args.compounds, args.seed)
    say(data_note)

    from . import accounts as accounts_module

    info = environment.machine(redis)
    counts = environment.scale()
    accounts, token = accounts_module.resolve()
    command = invocation(args)
    report = Report(command=command, machine=info, scale=counts)
    report.notes.append(f"Data: {data_note}.")
    report.notes.append(
        "Accounts: "
        + ", ".join(f"{role} = {user.username}" for role, (user, _) in accounts.items())
        + " (logged in through the login form; the API with a DRF token)."
    )
    db_parts, redis_parts = urlsplit(db_url), urlsplit(redis)
    report.notes.append(
        f"PostgreSQL database {args.db} on {db_parts.hostname}:{db_parts.port or 5432}; Redis "
        f"{redis_parts.hostname}:{redis_parts.port or 6379}{redis_parts.path or '/0'} (broker, "
        "results and cache)."
    )
    report.notes += args.note
    logs = ROOT / "artifacts" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        measure(args, env, report, accounts, token, logs)
    finally:
        report.machine["load average at end"] = environment.load()
    busiest = max(float(x) for x in report.machine["load average at end"].split()[:2])
    if busiest > (os.cpu_count() or 1):
        report.notes.append(
            f"The machine was busy with other work (load average up to {busiest:.1f} on "
            f"{os.cpu_count()} cores at the end): every process here, PostgreSQL included, "
            "competed for the CPU, so the figures are pessimistic; compare runs only on a quiet "
            "machine."
        )
    if "census" not in args.skip:
        report.rows.append(census(args, db_url, redis, media))
    if "profile" not in args.skip:
        say("profiling pages and the incremental refresh in-process")
        for title, function in (
            ("Hot spots: pages profiled in-process", lambda: profile_pages(accounts, token)),
            ("Hot spots: incremental refresh in-process", lambda: profile_refresh(accounts)),
        ):
            try:
                report.details[title] = function()
            except Exception as error:  # a profile is a bonus: report it, keep the results
                report.notes.append(f"{title} failed: {error.__class__.__name__}: {error}")
        reset_queue(env)
    report.notes.append(
        f"Whole run {time.perf_counter() - started:.0f} s. Logs of gunicorn and the worker: "
        "artifacts/bench/."
    )
    print()
    print(text_table(report.rows))
    for row in report.rows:
        if row.note:
            print(f"  {row.what}: {row.note}")
    if not args.no_write:
        date = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
        report.write(Path(args.output), date=date, commit=environment.git_commit())
        say(f"wrote {args.output}")


def invocation(args) -> str:
    """The command line as typed: `make bench ...` (the Makefile passes --compounds N --db
    NAME first, then BENCH_ARGS) or `python -m scripts.bench ...`."""
    argv = sys.argv[1:]
    if os.environ.get("BENCH_VIA_MAKE") and argv[:1] == ["--compounds"] and argv[2:3] == ["--db"]:
        command = f"make bench BENCH_COMPOUNDS={args.compounds} BENCH_DB={args.db}"
        if argv[4:]:
            inner = shlex.join(argv[4:])
            plain = not any(c in inner for c in '"$`\\')
            command += f' BENCH_ARGS="{inner}"' if plain else " BENCH_ARGS=" + shlex.quote(inner)
        return command
    return shlex.join(["python", "-m", "scripts.bench", *argv])


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def reset_queue(env: dict[str, str]) -> None:
    """Start clean: no queued task, no pending-refresh flag, no run left behind by an
    interrupted benchmark (on the benchmark's own database and Redis db)."""
    from django.core.cache import cache
    from django.utils import timezone

    from reporting.models import RollupRun
    from reporting.rollups.services import PENDING_KEY

    subprocess.run(  # nosec B603: fixed argument list built by the benchmark, no shell, no user input
        [str(ROOT / ".venv" / "bin" / "celery"), "-A", "renovation", "purge", "-f"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
    )
    cache.delete(PENDING_KEY)
    RollupRun.objects.filter(status__in=[RollupRun.Status.QUEUED, RollupRun.Status.RUNNING]).update(
        status=RollupRun.Status.FAILED,
        finished_at=timezone.now(),
        error="abandoned: found unfinished when a benchmark started",
    )


def measure(args, env, report: Report, accounts, token: str, logs: Path) -> None:
    from . import latency, ledger, profile, rollups, throughput
    from .processes import PRODUCTION_CONFIG, Client, free_port, start_gunicorn, start_worker

    reset_queue(env)
    cores = os.cpu_count() or 2
    worker = start_worker(env, cores, logs / "celery.log")
    report.notes.append(
        f"Celery worker: prefork, concurrency {cores}, Redis broker; started fresh for the run, "
        "so its memory high-water marks cover only the benchmark."
    )
    try:
        if "rollup" not in args.skip:
            say("full national rollup in the worker")
            spy = profile.pyspy_start(worker.pid, args.timeout, logs / "rollup.pyspy", idle=True)
            full = rollups.full_rollup(
                worker, accounts["district"][0], runs=args.rollup_runs, timeout=args.timeout
            )
            if spy is not None:
                spy.send_signal(signal.SIGINT)  # py-spy writes its samples on SIGINT
                spy.wait()
            say(f"full rollup {full['body']} s; bare SQL")
            bare = rollups.bare_rollup(runs=args.bare_runs)
            report.rows += rollups.rows_full(full, bare)
            report.details["Bare SQL"] = bare_details(bare)
            if spy is not None:
                report.details["Hot spots: full rollup in the worker (py-spy, waits included)"] = (
                    "```\n"
                    + profile.pyspy_summary(logs / "rollup.pyspy", within="rollup_full_task")
                    + "\n```"
                )
        else:
            ensure_snapshots()
        port = free_port()
        gunicorn = start_gunicorn(env, port, args.workers, logs / "gunicorn.log")
        config = (
            "with docker/gunicorn.conf.py (worker recycling, timeouts, access log)"
            if PRODUCTION_CONFIG.exists()
            else "with gunicorn's defaults"
        )
        report.notes.append(
            f"gunicorn: {args.workers} sync workers (2 × {cores} cores + 1) on 127.0.0.1:{port} "
            f"{config}, DJANGO_DEBUG=0, whitenoise static files; requests timed from the "
            "benchmark process over loopback (one connection per request: gunicorn's sync "
            "workers close it). API key limit raised to 10,000,000/min for the run (the throttle "
            "still runs); everything else is the production configuration."
        )
        try:
            if "latency" not in args.skip:
                say(f"latency: {args.requests} requests per scenario after {args.warmup} warm-up")
                for row in latency.read_scenarios(
                    port, accounts, token, n=args.requests, warmup=args.warmup
                ):
                    say(f"  {row.what}: p50 {row.p50} p95 {row.p95} ms, {row.errors} errors")
                    report.rows.append(row)
            if "throughput" not in args.skip:
                say(f"throughput: wrk {args.wrk_seconds} s")
                spy = profile.pyspy_start(
                    gunicorn.pid, max(2 * args.wrk_seconds - 5, 1), logs / "wrk.pyspy"
                )
                rows, output = throughput.throughput_rows(
                    port,
                    "/api/v1/statistics/progress/",
                    token=token,
                    seconds=args.wrk_seconds,
                    connections=args.wrk_connections,
                    workers=args.workers,
                    paths=latency.distinct_statistics_paths("progress", accounts["api"][0], 5000),
                )
                if spy is not None:
                    spy.wait()
                    report.details["Hot spots: API statistics under wrk (py-spy)"] = (
                        "```\n" + profile.pyspy_summary(logs / "wrk.pyspy") + "\n```"
                    )
                report.rows += rows
                report.details["wrk output"] = "```\n" + output.strip() + "\n```"
            if "progress" not in args.skip:
                say("progress form submits")
                user, password = accounts["street"]
                client = Client("127.0.0.1", port)
                client.login(user.username, password)
                timing, available = latency.progress_submit(
                    client, user, n=args.requests, warmup=args.warmup
                )
                report.rows.append(
                    latency.row(
                        f"progress form submit ({user.username})",
                        timing,
                        200,
                        f"{available} projects under construction in scope, each POST checked: "
                        "redirect, report saved with the next version and every line",
                    )
                )
            if "ledger" not in args.skip:
                say("ledger export")
                user, password = accounts["district"]
                client = Client("127.0.0.1", port)
                client.login(user.username, password)
                report.rows.append(
                    ledger.ledger_export(
                        client, user.district_id, runs=args.ledger_runs, timeout=args.timeout
                    )
                )
        finally:
            gunicorn.stop()
        if "incremental" not in args.skip:
            say("incremental rollup after one progress report")
            result = rollups.incremental(
                accounts["street"][0], reports=args.incremental_reports, timeout=args.timeout
            )
            report.rows += rollups.rows_incremental(result)
    finally:
        worker.stop()


def ensure_snapshots() -> None:
    from django.utils import timezone

    from reporting.models import ScopeSnapshot
    from reporting.rollups.services import rollup_full

    if not ScopeSnapshot.objects.filter(as_of=timezone.localdate()).exists():
        rollup_full()


def bare_details(bare: dict) -> str:
    lines = [
        "The statements are in scripts/bench/bare_sql.py (GROUPING SETS over street, area, "
        "district, programme, city and country, around the registry's aggregates compiled by "
        "Django). Median time per statement:",
        "",
        "| statement | ms |",
        "|---|---|",
    ]
    lines += [f"| {name} | {s * 1000:.1f} |" for name, s in bare["statements"].items()]
    lines += [
        "",
        f"Arranging the rows in the snapshots' shape took {bare['assemble'] * 1000:.0f} ms (not "
        f"counted). Compared scopes: {bare['compared']:,}; mismatching figures: "
        f"{len(bare['mismatches'])}.",
    ]
    if bare["mismatches"]:
        lines += ["", "First mismatches:", "", "```", *bare["mismatches"][:20], "```"]
    return "\n".join(lines)


def census(args, db_url: str, redis: str, media: Path) -> Row:
    scratch = args.scratch_db or f"{args.db}_scratch"
    scratch_url = environment.database_url(scratch)
    say(f"census import of {args.census_rows:,} rows on the scratch database {scratch}")
    environment.drop_and_create(scratch_url)
    env = environment.server_env(scratch_url, redis, media)
    env["BENCH_ROWS"] = str(args.census_rows)
    out = subprocess.run(  # nosec B603: fixed argument list built by the benchmark, no shell, no user input
        [sys.executable, "-m", "scripts.bench.census", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        return Row(
            f"census import of {args.census_rows:,} rows",
            "s",
            errors=1,
            note=f"failed: {out.stderr.strip()[-300:]}",
        )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    seconds = result["seconds"]
    return Row(
        f"census import of {args.census_rows:,} rows (+ as many buildings)",
        "s",
        p50=seconds["import (all new)"],
        n=1,
        target=10,
        value=seconds["import (all new)"],
        note=f"scratch database {scratch}; dry run {seconds['dry run']:.1f} s, re-import "
        f"(every row updated) {seconds['re-import (every row updated)']:.1f} s",
    )


def profile_pages(accounts, token: str) -> str:
    from . import latency, profile

    city, district = accounts["city"][0], accounts["district"][0]
    lister = accounts.get("national", accounts["city"])[0]
    year = latency.years()[-1]
    list_paths, _ = latency.compound_list_paths(lister)
    compound = latency.detail_paths(district, 1)
    pages = [
        (city, f"/?year={year}"),
        (district, f"/?year={year}"),
        (lister, list_paths[0]),
        *((district, path) for path in compound),
        (district, f"/reports/ledger.xlsx?district={district.district_id}"),
    ]
    api = [
        latency.api_compound_paths(accounts["api"][0])[-1],
        "/api/v1/statistics/progress/",
        "/api/v1/statistics/funding-mix/",
    ]
    results = [profile.page_profile(profile.client_for(user), path) for user, path in pages]
    client = profile.client_for(None, token)
    results += [profile.page_profile(client, path) for path in api]
    summary = statistics.mean(r["queries"] for r in results)
    return f"Mean {summary:.0f} queries per request.\n\n" + profile.format_pages(results)


def profile_refresh(accounts) -> str:
    from programmes.models import Project, Stage

    from . import profile

    project = (
        Project.objects.visible_to(accounts["street"][0])
        .filter(stage=Stage.CONSTRUCTION)
        .order_by("id")
        .first()
    )
    if project is None:
        return "(no project under construction to mark)"
    return profile.refresh_profile(project.pk)

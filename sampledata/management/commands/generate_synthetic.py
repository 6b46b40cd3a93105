"""`manage.py generate_synthetic --compounds N`: seeded national-scale data for benchmarks."""

from __future__ import annotations

import datetime as dt
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reporting.rollups.services import rollup_full
from sampledata.synthetic import DEFAULT_AS_OF, DEFAULT_SEED, Options, SyntheticError, generate
from sampledata.synthetic.tables import TABLES

DEFAULT_PASSWORD = "bench-pass-2026"  # nosec B105: documented password of benchmark accounts


class Command(BaseCommand):
    help = (
        "Generate a national-like synthetic data set for benchmarks: provinces, cities, districts "
        "and street offices, N compounds with buildings, programmes with yearly targets "
        "2019–2025, projects at every stage with their stage log, about 10 work items each, "
        "progress reports over time, site problems, funding of every kind and state, and "
        "resident governance (committees, meetings, surveys, Civil Code art. 278 votes, "
        "suggestions, satisfaction, long-term management, disclosures). "
        "Seeded and reproducible: the same --seed, N and --as-of give identical rows. "
        "The hierarchy is the national size (31 provinces, 300 cities, 2,800 districts, 40,000 "
        "streets) times min(1, N/300,000), at least one of each, so small runs keep about 7.5 "
        "compounds per street. PostgreSQL is loaded with COPY in one transaction (indexes and "
        "foreign keys are dropped and re-created, which validates them); no history rows "
        "(django-simple-history) are written for the bulk load; ANALYZE runs at the end. "
        "Refuses a database whose registry holds non-synthetic data, and one that already holds "
        "synthetic data unless --replace (which empties the registry, programme, funding and "
        "governance tables: TRUNCATE on PostgreSQL). With DEBUG off it asks for confirmation "
        "unless --yes. Prints per-table row counts and the benchmark accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compounds", type=int, required=True, help="Number of compounds.")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        parser.add_argument(
            "--as-of",
            type=dt.date.fromisoformat,
            default=DEFAULT_AS_OF,
            help=f"Base date: nothing happens after it (default {DEFAULT_AS_OF}).",
        )
        for level in ("cities", "districts", "streets"):
            parser.add_argument(
                f"--{level}", type=int, default=None, help=f"Override the number of {level}."
            )
        parser.add_argument(
            "--replace", action="store_true", help="Delete existing synthetic data first."
        )
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of the benchmark accounts (default {DEFAULT_PASSWORD}).",
        )
        parser.add_argument(
            "--rollup", action="store_true", help="Compute the statistics snapshots afterwards."
        )
        parser.add_argument(
            "--chunk-rows",
            type=int,
            default=250_000,
            help="Rows generated before they are written (bounds memory).",
        )

    def handle(self, *args, **options) -> None:
        if options["as_of"] > timezone.localdate():
            raise CommandError("--as-of cannot be in the future.")
        self._confirm(options)
        opts = Options(
            compounds=options["compounds"],
            seed=options["seed"],
            as_of=options["as_of"],
            cities=options["cities"],
            districts=options["districts"],
            streets=options["streets"],
            chunk_rows=max(1_000, options["chunk_rows"]),
        )
        try:
            summary = generate(
                opts, replace=options["replace"], password=options["password"], log=self._log
            )
        except SyntheticError as error:
            raise CommandError(str(error)) from None
        self.stdout.write("")
        width = max(len(t) for t in TABLES)
        for table in TABLES:
            self.stdout.write(f"  {table:<{width}}  {summary.counts.get(table, 0):>12,}")
        self.stdout.write(f"  {'total':<{width}}  {sum(summary.counts.values()):>12,}")
        self.stdout.write("")
        timings = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in summary.timings.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"{opts.compounds:,} compounds generated in {summary.seconds:.0f} s ({timings})."
            )
        )
        if options["rollup"]:
            self._log("computing the statistics snapshots")
            self._log(f"{rollup_full():,} snapshots written")
        self.stdout.write("")
        self.stdout.write(f"Benchmark accounts (password {options['password']}):")
        for account in summary.accounts:
            token = f"  token {account.token}" if account.token else ""
            self.stdout.write(f"  {account.username:<15} {account.role:<20} {account.scope}{token}")

    def _confirm(self, options) -> None:
        if settings.DEBUG or options["yes"]:
            return
        if not sys.stdin.isatty():
            raise CommandError(
                "DEBUG is off: this may be a production database. Pass --yes to generate "
                "synthetic data anyway."
            )
        answer = input(
            "DEBUG is off. Generate synthetic data into this database? Type 'yes' to continue: "
        )
        if answer.strip().lower() != "yes":
            raise CommandError("Cancelled.")

    def _log(self, message: str) -> None:
        self.stdout.write(f"[synthetic] {message}")
        self.stdout.flush()

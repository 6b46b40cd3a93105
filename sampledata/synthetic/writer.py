"""Writing generated rows: COPY on PostgreSQL, batched INSERTs elsewhere.

PostgreSQL: inside the load's single transaction the foreign keys, unique constraints and
secondary indexes of the loaded tables are dropped, every row is streamed with
`COPY … FROM STDIN` (psycopg 3), and then everything is created again exactly as it was (same
names and definitions, read from the catalogue). Re-adding a foreign key validates it with one
join, re-creating an index sorts once: far cheaper than checking 20+ million rows one by one,
and just as strict. DDL is transactional, so a failed or interrupted load leaves the database as
it was. Check constraints stay in place throughout. A background thread streams each batch while
the main thread generates the next one, so the server ingests on the other core.

Other databases (SQLite in the tests): parameterised INSERTs with each field's own conversion,
then the backend's constraint check.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable

from django.core.management.color import no_style
from django.db import connection

from . import tables

FOREIGN_AND_UNIQUE = """
    SELECT conname, contype, pg_get_constraintdef(oid)
    FROM pg_constraint
    WHERE conrelid = %s::regclass AND contype IN ('f', 'u')
    ORDER BY contype, conname
"""
SECONDARY_INDEXES = """
    SELECT i.relname, pg_get_indexdef(x.indexrelid)
    FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
      AND NOT EXISTS (
        SELECT 1 FROM pg_constraint c
        WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype IN ('p', 'u', 'x')
      )
    ORDER BY i.relname
"""


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def start_ids() -> dict[str, int]:
    """The first free primary key of every loaded table."""
    result = {}
    with connection.cursor() as cursor:
        for table in tables.TABLES:
            db_table = tables.model(table)._meta.db_table
            cursor.execute(f"SELECT MAX(id) FROM {quote(db_table)}")  # nosec B608: quoted model table
            result[table] = (cursor.fetchone()[0] or 0) + 1
    return result


class Writer:
    def __init__(self, log: Callable[[str], None]) -> None:
        self.log = log
        self.counts: Counter[str] = Counter()
        self.postgres = connection.vendor == "postgresql"
        self.saved: list[tuple[str, str, str, str]] = []  # (db_table, kind, name, definition)
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None
        self.stopping = False

    # --- Before and after --------------------------------------------------------------

    def prepare(self) -> None:
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            # Run the deferred foreign-key checks of the writes so far (the wipe, the system
            # user): PostgreSQL refuses to alter a table while trigger events are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in tables.TABLES:
                db_table = tables.model(table)._meta.db_table
                cursor.execute(FOREIGN_AND_UNIQUE, [db_table])
                for name, kind, definition in cursor.fetchall():
                    self.saved.append(
                        (db_table, "foreign" if kind == "f" else "unique", name, definition)
                    )
                cursor.execute(SECONDARY_INDEXES, [db_table])
                for name, definition in cursor.fetchall():
                    self.saved.append((db_table, "index", name, definition))
            for db_table, kind, name, _definition in self.saved:
                if kind == "index":
                    cursor.execute(f"DROP INDEX {quote(name)}")
                else:
                    cursor.execute(f"ALTER TABLE {quote(db_table)} DROP CONSTRAINT {quote(name)}")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        self.log(f"dropped {len(self.saved)} indexes and constraints for the load")

    def finish(self) -> None:
        self.close()
        started = time.monotonic()
        with connection.cursor() as cursor:
            if self.postgres:
                order = {"index": 0, "unique": 1, "foreign": 2}
                for db_table, kind, name, definition in sorted(
                    self.saved, key=lambda s: order[s[1]]
                ):
                    if kind == "index":
                        cursor.execute(definition)
                    else:
                        table, constraint = quote(db_table), quote(name)
                        cursor.execute(
                            f"ALTER TABLE {table} ADD CONSTRAINT {constraint} {definition}"
                        )
                self.log(f"recreated indexes and constraints in {time.monotonic() - started:.0f} s")
            else:
                connection.check_constraints(
                    table_names=[tables.model(t)._meta.db_table for t in tables.TABLES]
                )
            models = [tables.model(t) for t in tables.TABLES]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)

    def analyze(self) -> None:
        """Statistics for the planner (and, outside a transaction, the visibility map and hint
        bits, so that the first benchmark query does not pay for them)."""
        if not self.postgres:
            return
        names = [tables.model(t)._meta.db_table for t in tables.TABLES]
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"{command} {quote(name)}")

    # --- Rows --------------------------------------------------------------------------

    def write(self, batch: dict[str, list[tuple]]) -> None:
        """Write one batch of rows. On PostgreSQL a background thread streams it while the
        caller generates the next one (the server ingests on the other core); at most one
        batch waits in the queue, so memory stays bounded."""
        if not self.postgres:
            for table in tables.TABLES:
                if batch.get(table):
                    self._insert(table, batch[table])
                    self.counts[table] += len(batch[table])
            return
        if self.thread is None:
            connection.ensure_connection()
            self.thread = threading.Thread(
                target=self._stream,
                args=(connection.connection,),
                name="synthetic-copy",
                daemon=True,
            )
            self.thread.start()
        while True:
            self._raise()
            try:
                self.queue.put(batch, timeout=1)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        """Wait until every batch is in the database (re-raising a failure of the stream)."""
        if self.thread is not None:
            while self.thread.is_alive():
                try:
                    self.queue.put(None, timeout=1)
                    break
                except queue.Full:
                    continue
            self.thread.join()
            self.thread = None
        self._raise()

    def abort(self) -> None:
        """Stop the stream after a failure in the main thread (the transaction is rolled back
        next, so whatever was written is discarded)."""
        self.stopping = True
        while True:
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        if self.thread is not None:
            self.queue.put(None)
            self.thread.join()
            self.thread = None

    def _raise(self) -> None:
        if self.error is not None:
            raise self.error

    def _stream(self, raw) -> None:
        """The COPY thread: the main thread does not touch the connection meanwhile."""
        try:
            while (batch := self.queue.get()) is not None:
                with raw.cursor() as cursor:
                    for table in tables.TABLES:
                        rows = batch.get(table)
                        if rows and not self.stopping:
                            self._copy(cursor, table, rows)
                            self.counts[table] += len(rows)
        except BaseException as error:  # re-raised in the main thread
            self.error = error
            while True:  # unblock a producer waiting on the queue
                try:
                    self.queue.get_nowait()
                except queue.Empty:
                    break

    def _copy(self, cursor, table: str, rows: list[tuple]) -> None:
        db_table = tables.model(table)._meta.db_table
        cols = ", ".join(quote(c) for c in tables.columns(table))
        with cursor.copy(f"COPY {quote(db_table)} ({cols}) FROM STDIN") as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)

    def _insert(self, table: str, rows: list[tuple]) -> None:
        model = tables.model(table)
        cols = tables.columns(table)
        prepare = [model._meta.get_field(c).get_db_prep_save for c in cols]  # by attname
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # nosec B608: quoted model metadata
            quote(model._meta.db_table),
            ", ".join(quote(c) for c in cols),
            ", ".join(["%s"] * len(cols)),
        )
        values = [
            tuple(
                p(v, connection) if v is not None else None
                for p, v in zip(prepare, row, strict=True)
            )
            for row in rows
        ]
        with connection.cursor() as cursor:
            for start in range(0, len(values), 500):
                cursor.executemany(sql, values[start : start + 500])

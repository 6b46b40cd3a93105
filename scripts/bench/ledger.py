"""The ledger (台账) export of one district, the way its district official gets it: the
request, then (above RENOVATION_EXPORT_ASYNC_COMPOUNDS compounds) the export job written by the
Celery worker, polled until ready, then the download. Timed from request to file in hand."""

from __future__ import annotations

import re
import time

from programmes.models import Compound
from reporting.models import ExportJob

from .processes import Client
from .report import Row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JOB = re.compile(r"/reports/exports/(\d+)/")


def ledger_export(client: Client, district_id: int, *, runs: int, timeout: float) -> Row:
    seconds, errors, paths, sizes, samples = [], 0, set(), [], []
    for _ in range(runs):
        start = time.perf_counter()
        status, headers, body = client.request(
            "GET", f"/reports/ledger.xlsx?district={district_id}"
        )
        if status == 302 and (match := JOB.search(headers.get("location", ""))):
            paths.add("export job in the worker")
            pk = int(match.group(1))
            deadline = time.monotonic() + timeout
            job = None
            while time.monotonic() < deadline:
                job = ExportJob.objects.get(pk=pk)
                if job.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
                    break
                time.sleep(0.05)
            if job is None or job.status != ExportJob.Status.DONE:
                errors += 1
                samples.append(f"job {pk}: {job and job.status} {job and job.error}")
                continue
            status, headers, body = client.request("GET", f"/reports/exports/{pk}/download/")
        else:
            paths.add("in the request")
        elapsed = time.perf_counter() - start
        if status == 200 and headers.get("content-type", "").startswith(XLSX) and body[:2] == b"PK":
            seconds.append(elapsed)
            sizes.append(len(body))
        else:
            errors += 1
            samples.append(f"-> {status} {body[:120]!r}")
    compounds = Compound.objects.filter(street__district_id=district_id).count()
    note = (
        f"district {district_id} ({compounds:,} compounds), written {' and '.join(sorted(paths))}"
    )
    if sizes:
        note += f"; {max(sizes) / 1e6:.1f} MB xlsx"
    if samples:
        note += "; errors: " + " | ".join(samples[:3])
    row = Row.latency("ledger export of one district (xlsx)", seconds, target_ms=None, note=note)
    row.errors = errors
    return row

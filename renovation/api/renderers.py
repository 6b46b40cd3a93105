"""CSV as an alternative format for lists and statistics (`?format=csv` or `Accept: text/csv`).

Nested objects become dotted columns (`current_project.stage`); lists inside a row are written as
JSON. The file starts with a UTF-8 byte-order mark so that Excel, which most offices open CSV
files with, reads the Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from rest_framework.renderers import BaseRenderer

from renovation.validation import strip_control_characters

BOM = "\ufeff"


def _flatten(row: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list | tuple):
            flat[name] = json.dumps(value, ensure_ascii=False, default=str)
        else:
            flat[name] = value
    return flat


def _rows(data: Any) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping):
        if isinstance(data.get("results"), list):
            return data["results"]
        return [data]
    if isinstance(data, Iterable) and not isinstance(data, str | bytes):
        return list(data)
    return []


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = strip_control_characters(str(value))
    # A cell starting with =, +, - or @ is a formula to a spreadsheet (CSV injection); numbers
    # such as -1.5 are left alone.
    if text[:1] in ("=", "+", "-", "@") and not _is_number(text):
        return "'" + text
    return text if isinstance(value, str) else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        rows = [_flatten(row) for row in _rows(data) if isinstance(row, Mapping)]
        header: list[str] = []
        for row in rows:
            header.extend(name for name in row if name not in header)
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_cell(row.get(name)) for name in header])
        response = (renderer_context or {}).get("response")
        view = (renderer_context or {}).get("view")
        if response is not None and view is not None:
            name = (
                getattr(view, "csv_filename", None) or getattr(view, "basename", None) or "export"
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return buffer.getvalue().encode(self.charset)


class FileRenderer(BaseRenderer):
    """For endpoints that stream a stored file (photos, minutes): they answer whatever the
    client accepts, since the file's own type is set on the response; their errors are still
    JSON (see exceptions.py)."""

    media_type = "*/*"
    format = "file"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data

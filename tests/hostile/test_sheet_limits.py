# ruff: noqa: E501 (the OOXML namespaces are long)
"""Spreadsheet readers stop early past their limits on rows, columns and cells, with a clear
message within 5 s for any file under the upload limit (issue 17, finding 2)."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from governance import ballots
from programmes import imports
from renovation.sheets import SheetLimits, SheetTooLarge, check_sheet_limits

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def xlsx_with_sheet_xml(rows_xml: bytes) -> bytes:
    """A minimal valid .xlsx whose only sheet holds `rows_xml` (written by hand, so that a
    sheet of millions of cells takes a second to build)."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + rows_xml + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def one_wide_row(cells: int) -> bytes:
    return b'<row r="1">' + b"<c><v>1</v></c>" * cells + b"</row>"


@pytest.fixture(scope="module")
def wide_sheet() -> bytes:
    """One row of 4 million cells: about 60 MB unpacked, well under both upload limits packed."""
    return xlsx_with_sheet_xml(one_wide_row(4_000_000))


@pytest.fixture(scope="module")
def far_down_sheet() -> bytes:
    """Two cells, the second a million rows down (openpyxl would yield every row between)."""
    return xlsx_with_sheet_xml(
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        b'<row r="1000000"><c r="A1000000"><v>1</v></c></row>'
    )


@pytest.fixture(scope="module")
def far_right_sheet() -> bytes:
    return xlsx_with_sheet_xml(b'<row r="1"><c r="XFD1"><v>1</v></c></row>')


def _upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_the_wide_sheet_is_under_both_upload_limits(wide_sheet):
    assert len(wide_sheet) < ballots.MAX_BYTES
    assert len(wide_sheet) < imports.MAX_BYTES


@pytest.mark.parametrize("sheet", ["wide_sheet", "far_down_sheet", "far_right_sheet"])
def test_ballot_sheet_past_its_limits_is_refused_within_5_seconds(sheet, request):
    data = request.getfixturevalue(sheet)
    started = time.monotonic()

    result = ballots.read(_upload(data, "ballots.xlsx"))

    assert time.monotonic() - started < 5
    assert len(result.errors) == 1
    message = str(result.errors[0][1])
    assert "列" in message or "行" in message or "单元格" in message or "more than" in message


@pytest.mark.parametrize("sheet", ["wide_sheet", "far_down_sheet", "far_right_sheet"])
def test_census_sheet_past_its_limits_is_refused_within_5_seconds(sheet, request):
    data = request.getfixturevalue(sheet)
    started = time.monotonic()

    tables, errors = imports.read_tables(_upload(data, "census.xlsx"))

    assert time.monotonic() - started < 5
    assert tables == []
    assert len(errors) == 1


def test_limits_name_what_was_passed():
    limits = SheetLimits(rows=3, columns=2, cells=5)
    rows = b"".join(b"<row><c><v>1</v></c></row>" for _ in range(4))

    with pytest.raises(SheetTooLarge, match="3"):
        check_sheet_limits(xlsx_with_sheet_xml(rows), limits)
    with pytest.raises(SheetTooLarge, match="2"):
        check_sheet_limits(xlsx_with_sheet_xml(one_wide_row(3)), limits)
    wide_enough = b"".join(b"<row><c><v>1</v></c><c><v>1</v></c></row>" for _ in range(3))
    with pytest.raises(SheetTooLarge, match="5"):
        check_sheet_limits(xlsx_with_sheet_xml(wide_enough), limits)


def test_a_normal_ballot_sheet_still_reads():
    book = Workbook()
    sheet = book.active
    sheet.append(["房号", "面积", "意见"])
    sheet.append(["1-101", 88.5, "同意"])
    buffer = io.BytesIO()
    book.save(buffer)

    result = ballots.read(_upload(buffer.getvalue(), "ballots.xlsx"))

    assert not result.errors, result.errors

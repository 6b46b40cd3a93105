"""Vouchers of receipts and expenditures: checked by size and content, photos cleaned, kept
with history, attached only by who may book on the line, seen only in scope."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from funding import corrections, services, vouchers
from funding.models import SubType, Voucher
from funding.records import voucher_list

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def ofd() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 20), (200, 200, 200))
    exif = Image.Exif()
    exif[0x010F] = "ScannerMaker"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"bank-teller")
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def receipt(approved, project, district_official, yesterday):
    commitment = approved(project=project, amount="600.00", sub_type=SubType.DISTRICT_BUDGET)
    return services.receipt_record(
        commitment=commitment, by=district_official, amount="500.00", received_on=yesterday
    )


@pytest.mark.parametrize(
    ("name", "data"),
    [("进账单.pdf", PDF), ("发票.ofd", ofd()), ("回单.jpg", jpeg_with_exif())],
)
def test_accepted_vouchers_are_stored_with_history(receipt, street_officer, name, data):
    voucher = vouchers.voucher_attach(
        record=receipt, by=street_officer, file=upload(name, data), title="银行进账单"
    )
    assert voucher.receipt == receipt
    assert voucher.file.name.startswith("funding/vouchers/")
    assert voucher.size > 0
    assert voucher.history.get().history_user == street_officer
    assert voucher.created_by == street_officer


def test_photo_vouchers_lose_their_metadata(receipt, district_official):
    voucher = vouchers.voucher_attach(
        record=receipt,
        by=district_official,
        file=upload("回单.jpg", jpeg_with_exif()),
        title="回单照片",
    )
    with voucher.file.open("rb") as handle:
        data = handle.read()
    assert b"ScannerMaker" not in data
    assert b"bank-teller" not in data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),
        ("fake.ofd", PDF),
        ("fake.jpg", PDF),
        ("tool.exe", b"MZ\x90\x00"),
        ("noextension", PDF),
        ("empty.pdf", b""),
    ],
)
def test_files_that_are_not_vouchers_are_refused(receipt, district_official, name, data):
    with pytest.raises(ValidationError) as caught:
        vouchers.voucher_attach(
            record=receipt, by=district_official, file=upload(name, data), title="凭证"
        )
    assert "file" in caught.value.message_dict
    assert not Voucher.objects.exists()


def test_too_large_vouchers_are_refused(receipt, district_official, monkeypatch):
    monkeypatch.setattr(vouchers, "VOUCHER_MAX_BYTES", 10)
    with pytest.raises(ValidationError) as caught:
        vouchers.voucher_attach(
            record=receipt, by=district_official, file=upload("a.pdf", PDF), title="凭证"
        )
    assert "file" in caught.value.message_dict
    assert not Voucher.objects.exists()


def test_a_voucher_says_what_it_is(receipt, district_official):
    with pytest.raises(ValidationError) as caught:
        vouchers.voucher_attach(
            record=receipt, by=district_official, file=upload("a.pdf", PDF), title="  "
        )
    assert "title" in caught.value.message_dict


def test_a_long_hostile_file_name_is_stored_short(receipt, district_official):
    voucher = vouchers.voucher_attach(
        record=receipt,
        by=district_official,
        file=upload("../../" + "长" * 300 + ".PDF", PDF),
        title="凭证",
    )
    assert ".." not in voucher.file.name
    assert voucher.file.name.endswith(".pdf")
    assert len(voucher.file.name) < 160


def test_street_officer_of_another_street_may_not_attach(receipt, street_officer_b):
    with pytest.raises(PermissionDenied):
        vouchers.voucher_attach(
            record=receipt, by=street_officer_b, file=upload("a.pdf", PDF), title="凭证"
        )


def test_vouchers_are_seen_in_scope_only(
    receipt, district_official, street_officer, street_officer_b, other_district_official
):
    voucher = vouchers.voucher_attach(
        record=receipt, by=district_official, file=upload("a.pdf", PDF), title="凭证"
    )
    assert list(voucher_list(user=street_officer)) == [voucher]
    assert list(voucher_list(user=district_official)) == [voucher]
    assert list(voucher_list(user=street_officer_b)) == []
    assert list(voucher_list(user=other_district_official)) == []


def test_counter_entries_take_vouchers(receipt, district_official):
    counter = corrections.receipt_reverse(receipt=receipt, by=district_official, reason="退款")
    voucher = vouchers.voucher_attach(
        record=counter, by=district_official, file=upload("退款.pdf", PDF), title="退款回单"
    )
    assert voucher.receipt == counter


def test_expenditure_vouchers(receipt, district_official, yesterday, street_officer_b):
    expenditure = services.expenditure_record(
        commitment=receipt.commitment, by=district_official, amount="100.00", spent_on=yesterday
    )
    voucher = vouchers.voucher_attach(
        record=expenditure, by=district_official, file=upload("发票.pdf", PDF), title="发票"
    )
    assert voucher.expenditure == expenditure
    assert voucher.receipt is None
    assert list(voucher_list(user=street_officer_b)) == []

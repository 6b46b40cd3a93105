"""API for contributions in kind, combined lines and their split, corrections by counter-entry
(冲销) and vouchers: documented shapes, scope (404), roles (403), conflicts (409), DELETE as a 405
that names the reversal, hostile input as 400 with nothing changed, constant query counts."""

from __future__ import annotations

import io
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from PIL import Image

from funding import corrections, services, vouchers
from funding.models import Commitment, Expenditure, Receipt, Voucher

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
_sequence = itertools.count()


@pytest.fixture
def line(project, district_official, street_officer, today):
    """Street A's project: 1,000,000 planned and approved, 600,000 received, 200,000 spent."""
    commitment = services.commitment_create(
        by=street_officer,
        project=project,
        kind="government",
        sub_type="district_budget",
        funder="区财政",
        amount="1000000",
    )
    services.commitment_approve(commitment=commitment, by=district_official)
    receipt = services.receipt_record(
        commitment=commitment, by=street_officer, amount="600000", received_on=today
    )
    expenditure = services.expenditure_record(
        commitment=commitment, by=street_officer, amount="200000", spent_on=today
    )
    commitment.refresh_from_db()
    return commitment, receipt, expenditure


# --- In kind and combined lines ------------------------------------------------------------


def test_in_kind_commitment_through_the_api(street_api, project):
    body = {
        "project": project.pk,
        "kind": "market",
        "sub_type": "utility",
        "funder": "洛阳新奥燃气有限公司",
        "amount": "0",
        "mode": "free_works",
    }
    response = street_api.post(reverse("api:commitment-list"), body, format="json")
    assert response.status_code == 400
    assert "works" in response.json()["errors"]
    assert not Commitment.objects.exists()
    response = street_api.post(
        reverse("api:commitment-list"), {**body, "works": "免费铺设燃气管道"}, format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["mode"] == "free_works"
    assert data["amount"] == "0.00"
    assert data["value_assessed"] is False
    assert data["works"] == "免费铺设燃气管道"
    # Cash still refuses zero.
    response = street_api.post(
        reverse("api:commitment-list"), {**body, "mode": "cash"}, format="json"
    )
    assert response.status_code == 400
    assert "amount" in response.json()["errors"]


def test_value_of_in_kind_set_through_the_api(district_api, street_api, project):
    created = street_api.post(
        reverse("api:commitment-list"),
        {
            "project": project.pk,
            "kind": "market",
            "sub_type": "utility",
            "funder": "水务集团",
            "amount": "0",
            "mode": "in_kind",
            "works": "更换供水管网",
        },
        format="json",
    ).json()
    url = reverse("api:commitment-value", args=[created["id"]])
    response = street_api.post(url, {"amount": "-1", "reason": "x"}, format="json")
    assert response.status_code == 400
    response = street_api.post(
        url, {"amount": "520000", "reason": "按结算单", "version": created["version"] + 1}
    )
    assert response.status_code == 409
    response = street_api.post(
        url, {"amount": "520000", "reason": "按结算单", "version": created["version"]}
    )
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "520000.00"
    assert response.json()["value_assessed"] is True
    assert response["ETag"] == f'"{created["version"] + 1}"'


def test_combined_line_and_its_split_through_the_api(district_api, project, today):
    created = district_api.post(
        reverse("api:commitment-list"),
        {
            "project": project.pk,
            "kind": "government",
            "sub_type": "combined",
            "combines": ["central_subsidy", "provincial_subsidy"],
            "funder": "中央和省级财政",
            "amount": "3200000",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    line = created.json()
    assert line["combines"] == ["central_subsidy", "provincial_subsidy"]
    commitment = Commitment.objects.get(pk=line["id"])
    services.commitment_approve(commitment=commitment, by=commitment.created_by)
    receipt = services.receipt_record(
        commitment=commitment, by=commitment.created_by, amount="1200000", received_on=today
    )
    commitment.refresh_from_db()
    url = reverse("api:commitment-split", args=[commitment.pk])
    bad = district_api.post(
        url,
        {
            "parts": [
                {"sub_type": "central_subsidy", "amount": "2000000"},
                {"sub_type": "provincial_subsidy", "amount": "1000000"},
            ],
            "reason": "文件",
            "version": commitment.version,
        },
        format="json",
    )
    assert bad.status_code == 400
    assert "parts" in bad.json()["errors"]
    response = district_api.post(
        url,
        {
            "parts": [
                {"sub_type": "central_subsidy", "amount": "2000000", "funder": "中央财政"},
                {"sub_type": "provincial_subsidy", "amount": "1200000", "funder": "省财政"},
            ],
            "reason": "豫财建〔2024〕31号",
            "receipts": [{"id": receipt.pk, "part": 1}],
            "version": commitment.version,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    parts = response.json()
    assert [p["sub_type"] for p in parts] == ["central_subsidy", "provincial_subsidy"]
    assert all(p["split_from"] == commitment.pk for p in parts)
    moved = Receipt.objects.get(moved_from=receipt)
    assert moved.commitment_id == parts[1]["id"]
    detail = district_api.get(reverse("api:commitment-detail", args=[commitment.pk])).json()
    assert detail["reversed_by"] is not None


def test_street_officer_cannot_split(street_api, project, district_official):
    line = services.commitment_create(
        by=district_official,
        project=project,
        kind="government",
        sub_type="combined",
        combines=["central_subsidy", "provincial_subsidy"],
        funder="中央和省级财政",
        amount="100",
    )
    response = street_api.post(
        reverse("api:commitment-split", args=[line.pk]),
        {"parts": [{"sub_type": "central_subsidy", "amount": "100"}], "reason": "x"},
        format="json",
    )
    assert response.status_code == 403


# --- Reversals -----------------------------------------------------------------------------


def test_delete_is_405_pointing_to_the_reversal(district_api, line):
    commitment, receipt, expenditure = line
    for name, pk in (
        ("api:commitment-detail", commitment.pk),
        ("api:receipt-detail", receipt.pk),
        ("api:expenditure-detail", expenditure.pk),
    ):
        for method in ("delete", "put", "patch"):
            response = getattr(district_api, method)(reverse(name, args=[pk]), {}, format="json")
            assert response.status_code == 405
            body = response.json()
            assert body["code"] == "method_not_allowed"
            assert "冲销" in body["detail"]
            assert "/reverse/" in body["detail"]
    assert Receipt.objects.count() == 1
    assert Expenditure.objects.count() == 1


def test_delete_outside_scope_is_404(client_for, street_officer_b, line):
    commitment, receipt, _expenditure = line
    api = client_for(street_officer_b)
    assert api.delete(reverse("api:receipt-detail", args=[receipt.pk])).status_code == 404
    assert api.delete(reverse("api:commitment-detail", args=[commitment.pk])).status_code == 404


def test_expenditure_and_receipt_reversed_through_the_api(street_api, line):
    commitment, receipt, expenditure = line
    url = reverse("api:receipt-reverse", args=[receipt.pk])
    response = street_api.post(url, {"reason": "错", "version": commitment.version}, format="json")
    assert response.status_code == 400  # its money is spent
    assert Receipt.objects.count() == 1
    detail = street_api.get(reverse("api:expenditure-detail", args=[expenditure.pk])).json()
    assert detail["reversed_by"] is None
    assert detail["commitment_version"] == commitment.version
    url = reverse("api:expenditure-reverse", args=[expenditure.pk])
    response = street_api.post(url, {"reason": "", "version": commitment.version}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    response = street_api.post(
        url, {"reason": "重复录入", "version": commitment.version - 1}, format="json"
    )
    assert response.status_code == 409
    response = street_api.post(
        url, {"reason": "重复录入", "version": commitment.version}, format="json"
    )
    assert response.status_code == 201, response.content
    counter = response.json()
    assert counter["amount"] == "-200000.00"
    assert counter["reverses"] == expenditure.pk
    assert counter["reversal_reason"] == "重复录入"
    assert response["Location"] == reverse("api:expenditure-detail", args=[counter["id"]])
    assert response["ETag"] == f'"{commitment.version + 1}"'
    detail = street_api.get(reverse("api:expenditure-detail", args=[expenditure.pk])).json()
    assert detail["reversed_by"] == counter["id"]
    again = street_api.post(url, {"reason": "再", "version": commitment.version + 1})
    assert again.status_code == 400
    totals = street_api.get(reverse("api:commitment-detail", args=[commitment.pk])).json()
    assert totals["spent"] == "0.00"
    assert totals["received"] == "600000.00"


def test_commitment_reversal_through_the_api(district_api, street_api, line):
    commitment, _receipt, _expenditure = line
    url = reverse("api:commitment-reverse", args=[commitment.pk])
    assert street_api.post(url, {"reason": "x"}, format="json").status_code == 403
    response = district_api.post(
        url, {"reason": "重复立项", "version": commitment.version}, format="json"
    )
    assert response.status_code == 201, response.content
    counter = response.json()
    assert counter["amount"] == "-1000000.00"
    assert counter["reverses"] == commitment.pk
    assert Commitment.objects.aggregate(t=Sum("amount"))["t"] == 0
    assert Receipt.objects.aggregate(t=Sum("amount"))["t"] == 0
    mix = district_api.get(
        reverse("api:statistics-funding-mix"), {"project": commitment.project_id}
    ).json()
    assert Decimal(mix["total"]["planned"]) == 0
    assert Decimal(mix["total"]["received"]) == 0


def test_read_only_keys_cannot_correct(reader_api, line):
    commitment, receipt, _expenditure = line
    for url in (
        reverse("api:commitment-reverse", args=[commitment.pk]),
        reverse("api:receipt-reverse", args=[receipt.pk]),
        reverse("api:receipt-vouchers", args=[receipt.pk]),
    ):
        assert reader_api.post(url, {"reason": "x"}, format="json").status_code == 403
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"reason": ["a"], "version": 1},
        {"reason": "x" * 3000},
        {"reason": "x", "version": "abc"},
        {"reason": "x", "version": -1},
        {"reason": None},
        [],
        "reason",
    ],
)
def test_hostile_reversal_bodies_are_400(street_api, line, body):
    _commitment, _receipt, expenditure = line
    response = street_api.post(
        reverse("api:expenditure-reverse", args=[expenditure.pk]), body, format="json"
    )
    assert response.status_code == 400
    assert Expenditure.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"parts": "x", "reason": "x"},
        {"parts": [{"sub_type": "central_subsidy", "amount": "1e400"}], "reason": "x"},
        {"parts": [{"sub_type": "nope", "amount": "1"}], "reason": "x"},
        {"parts": [{"sub_type": "central_subsidy", "amount": "NaN"}], "reason": "x"},
        {"parts": [], "reason": "x"},
        {
            "parts": [{"sub_type": "central_subsidy", "amount": "100"}],
            "reason": "x",
            "receipts": [{"id": 99999999, "part": 0}],
        },
        {
            "parts": [{"sub_type": "central_subsidy", "amount": "100"}],
            "reason": "x",
            "receipts": [{"id": 1, "part": -1}],
        },
    ],
)
def test_hostile_split_bodies_are_400(district_api, project, district_official, body):
    line = services.commitment_create(
        by=district_official,
        project=project,
        kind="government",
        sub_type="combined",
        combines=["central_subsidy", "provincial_subsidy"],
        funder="中央和省级财政",
        amount="100",
    )
    response = district_api.post(
        reverse("api:commitment-split", args=[line.pk]), body, format="json"
    )
    assert response.status_code == 400, response.content
    assert Commitment.objects.count() == 1


# --- Vouchers ------------------------------------------------------------------------------


def test_vouchers_through_the_api(street_api, client_for, street_officer_b, line):
    _commitment, receipt, expenditure = line
    url = reverse("api:receipt-vouchers", args=[receipt.pk])
    response = street_api.post(
        url, {"title": "进账单", "file": SimpleUploadedFile("a.pdf", b"MZ")}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    response = street_api.post(url, {"title": "进账单"}, format="json")
    assert response.status_code == 415
    response = street_api.post(
        url, {"title": "进账单", "file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    voucher = response.json()
    assert voucher["receipt"] == receipt.pk
    assert voucher["title"] == "进账单"
    assert street_api.get(url).json() == [voucher]
    download = street_api.get(voucher["file"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    listed = street_api.get(reverse("api:voucher-list")).json()
    assert [v["id"] for v in listed["results"]] == [voucher["id"]]
    detail = street_api.get(reverse("api:receipt-detail", args=[receipt.pk])).json()
    assert detail["voucher_count"] == 1
    other = client_for(street_officer_b)
    assert other.get(voucher["file"]).status_code == 404
    assert other.get(reverse("api:voucher-detail", args=[voucher["id"]])).status_code == 404
    assert other.get(url).status_code == 404
    assert other.get(reverse("api:voucher-list")).json()["results"] == []
    assert street_api.delete(reverse("api:voucher-detail", args=[voucher["id"]])).status_code == 405
    response = street_api.post(
        reverse("api:expenditure-vouchers", args=[expenditure.pk]),
        {"title": "发票", "file": SimpleUploadedFile("发票.png", _png())},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert Voucher.objects.count() == 2


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (255, 255, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def test_voucher_list_query_count_is_constant(
    client_for, city_viewer, line, django_assert_max_num_queries
):
    _commitment, receipt, _expenditure = line
    api = client_for(city_viewer)

    def attach(n: int) -> None:
        for _ in range(n):
            vouchers.voucher_attach(
                record=receipt,
                by=receipt.created_by,
                file=SimpleUploadedFile(f"v{next(_sequence)}.pdf", PDF),
                title="凭证",
            )

    attach(2)
    for url in (reverse("api:voucher-list"), reverse("api:receipt-vouchers", args=[receipt.pk])):
        with django_assert_max_num_queries(14) as small:
            assert api.get(url).status_code == 200
        attach(10)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert api.get(url).status_code == 200


def test_receipt_list_with_reversals_keeps_constant_queries(
    client_for, city_viewer, line, district_official, today, django_assert_max_num_queries
):
    commitment, _receipt, _expenditure = line
    api = client_for(city_viewer)

    def grow(n: int) -> None:
        for _ in range(n):
            r = services.receipt_record(
                commitment=commitment, by=district_official, amount="1", received_on=today
            )
            corrections.receipt_reverse(receipt=r, by=district_official, reason="错")

    grow(1)
    for name in ("api:receipt-list", "api:commitment-list"):
        with django_assert_max_num_queries(14) as small:
            assert api.get(reverse(name)).status_code == 200
        grow(8)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert api.get(reverse(name)).status_code == 200


def test_pool_spending_attributed_through_the_api(
    district_api, street_api, programme, project, district_official, today
):
    bond = services.commitment_create(
        by=district_official,
        programme=programme,
        year=today.year,
        kind="government",
        sub_type="special_bond",
        funder="专项债",
        amount="10000",
    )
    services.commitment_approve(commitment=bond, by=district_official)
    services.receipt_record(
        commitment=bond, by=district_official, amount="10000", received_on=today
    )
    services.expenditure_record(
        commitment=bond, by=district_official, amount="2000", spent_on=today
    )
    # Allocating attributes pool money to the project (the commitment is fully received).
    bond.refresh_from_db()
    response = district_api.post(
        reverse("api:commitment-allocations", args=[bond.pk]),
        {"project": project.pk, "amount": "9000", "version": bond.version},
        format="json",
    )
    assert response.status_code == 400  # the pool holds 8,000 unspent; nothing more is due
    response = district_api.post(
        reverse("api:commitment-allocations", args=[bond.pk]),
        {"project": project.pk, "amount": "5000", "version": bond.version},
        format="json",
    )
    assert response.status_code == 201, response.content
    version = int(response["ETag"].strip('"'))
    url = reverse("api:commitment-attribute-spending", args=[bond.pk])
    assert street_api.post(url, {"project": project.pk, "amount": "1"}).status_code == 404
    response = district_api.post(
        url, {"project": project.pk, "amount": "1500", "version": version}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["spent"] == "2000.00"  # the commitment's total is unchanged
    lines = district_api.get(reverse("api:expenditure-list"), {"project": project.pk}).json()
    assert sum(Decimal(row["amount"]) for row in lines["results"]) == Decimal("1500.00")
    assert Receipt.objects.filter(project=project).aggregate(t=Sum("amount"))["t"] == Decimal(
        "5000.00"
    )

"""Pages for corrections without deletes, combined lines, contributions in kind and vouchers:
what they show (struck-through original and reversal row, flags), forms that save nothing on
bad input, scope (404), roles (403), conflicts (409) and constant query counts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from funding import corrections, services, vouchers
from funding.models import Commitment, Expenditure, Kind, Receipt, SubType, Voucher

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def row_of(html: str, marker: str) -> str:
    """The <tr> of the page that carries `marker` (e.g. data-record="12")."""
    start = html.index(marker)
    return html[html.rindex("<tr", 0, start) : html.index("</tr>", start)]


@pytest.fixture
def booked(approved, project, district_official, yesterday):
    commitment = approved(project=project, amount="600.00", sub_type=SubType.DISTRICT_BUDGET)
    receipt = services.receipt_record(
        commitment=commitment, by=district_official, amount="500.00", received_on=yesterday
    )
    expenditure = services.expenditure_record(
        commitment=commitment, by=district_official, amount="200.00", spent_on=yesterday
    )
    commitment.refresh_from_db()
    return commitment, receipt, expenditure


# --- Reversals -----------------------------------------------------------------------------


def test_street_officer_reverses_spending_through_the_page(client, booked, street_officer):
    commitment, _receipt, expenditure = booked
    client.force_login(street_officer)
    url = reverse("funding:expenditure-reverse", args=[expenditure.pk])
    page = client.get(url, {"unit": "yuan"})
    assert page.status_code == 200
    assert "200.00" in page.content.decode()
    # No reason: refused, nothing written.
    response = client.post(url, {"reason": "", "version": commitment.version})
    assert response.status_code == 200
    assert Expenditure.objects.count() == 1
    # A stale form: 409, nothing written.
    response = client.post(url, {"reason": "重复录入", "version": commitment.version - 1})
    assert response.status_code == 409
    assert Expenditure.objects.count() == 1
    response = client.post(url, {"reason": "重复录入", "version": commitment.version})
    assert response.status_code == 302
    counter = Expenditure.objects.get(reverses=expenditure)
    assert counter.reversal_reason == "重复录入"
    assert counter.created_by == street_officer


def test_project_page_shows_struck_original_and_reversal_row(client, booked, district_official):
    commitment, _receipt, expenditure = booked
    counter = corrections.expenditure_reverse(
        expenditure=expenditure, by=district_official, reason="金额录错"
    )
    client.force_login(district_official)
    html = client.get(reverse("funding:project", args=[commitment.project_id])).content.decode()
    original = row_of(html, f'data-record="expenditure-{expenditure.pk}"')
    reversal = row_of(html, f'data-record="expenditure-{counter.pk}"')
    assert 'class="reversed"' in original
    assert 'class="reversal-row"' in reversal
    assert "金额录错" in reversal
    assert "-200.00" in reversal or "-0.02" in reversal  # in 元 or 万元
    # The reversal row follows its original.
    assert html.index(f'data-record="expenditure-{expenditure.pk}"') < html.index(
        f'data-record="expenditure-{counter.pk}"'
    )


def test_reversed_commitment_page_offers_no_booking(client, booked, district_official):
    commitment, _receipt, _expenditure = booked
    counter = corrections.commitment_reverse(
        commitment=commitment, by=district_official, reason="重复立项"
    )
    client.force_login(district_official)
    html = client.get(reverse("funding:commitment-detail", args=[commitment.pk])).content.decode()
    assert 'data-flag="reversed"' in html
    assert "重复立项" in html
    assert reverse("funding:receipt-create", args=[commitment.pk]) not in html
    assert reverse("funding:commitment-reverse", args=[commitment.pk]) not in html
    html = client.get(reverse("funding:commitment-detail", args=[counter.pk])).content.decode()
    assert 'data-flag="reversal"' in html
    project_page = client.get(
        reverse("funding:project", args=[commitment.project_id])
    ).content.decode()
    assert f'class="reversed" data-commitment="{commitment.pk}"' in project_page
    assert f'class="reversal-row" data-commitment="{counter.pk}"' in project_page


def test_commitment_reversal_page_lists_what_goes_with_it(client, booked, district_official):
    commitment, _receipt, _expenditure = booked
    client.force_login(district_official)
    url = reverse("funding:commitment-reverse", args=[commitment.pk])
    html = client.get(url).content.decode()
    assert 'data-cascade="1-1"' in html  # one receipt, one expenditure named
    response = client.post(url, {"reason": "错误立项", "version": commitment.version})
    assert response.status_code == 302
    assert Commitment.objects.filter(reverses=commitment).exists()
    assert Receipt.objects.filter(reverses__isnull=False).count() == 1


def test_street_officer_may_not_reverse_approved_money(client, booked, street_officer):
    commitment, _receipt, _expenditure = booked
    client.force_login(street_officer)
    url = reverse("funding:commitment-reverse", args=[commitment.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "version": commitment.version}).status_code == 403
    assert not Commitment.objects.filter(reverses__isnull=False).exists()


def test_other_street_reaches_no_correction_page(client, booked, street_officer_b):
    commitment, receipt, expenditure = booked
    client.force_login(street_officer_b)
    for url in (
        reverse("funding:commitment-reverse", args=[commitment.pk]),
        reverse("funding:receipt-reverse", args=[receipt.pk]),
        reverse("funding:expenditure-reverse", args=[expenditure.pk]),
        reverse("funding:receipt-detail", args=[receipt.pk]),
        reverse("funding:expenditure-detail", args=[expenditure.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "x", "version": 1}).status_code == 404
    assert Receipt.objects.count() == 1
    assert Expenditure.objects.count() == 1


def test_pages_offer_no_delete(client, booked, district_official):
    commitment, receipt, _expenditure = booked
    client.force_login(district_official)
    for url in (
        reverse("funding:commitment-detail", args=[commitment.pk]),
        reverse("funding:receipt-detail", args=[receipt.pk]),
        reverse("funding:project", args=[commitment.project_id]),
    ):
        html = client.get(url).content.decode()
        assert "/delete" not in html
        assert "删除" not in html


# --- In kind and combined lines ------------------------------------------------------------


def test_in_kind_commitment_planned_on_the_page_and_flagged(client, district_official, project):
    client.force_login(district_official)
    url = reverse("funding:project-commitment-create", args=[project.pk])
    data = {
        "kind": "market",
        "sub_type": "utility",
        "funder": "洛阳新奥燃气有限公司",
        "mode": "free_works",
        "amount": "0",
        "year": project.year,
    }
    response = client.post(url, data)  # no description of the work
    assert response.status_code == 200
    assert not Commitment.objects.exists()
    response = client.post(url, {**data, "works": "免费铺设燃气管道"})
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert commitment.mode == "free_works"
    assert not commitment.value_assessed
    html = client.get(reverse("funding:project", args=[project.pk])).content.decode()
    assert 'data-flag="not-assessed"' in html
    html = client.get(reverse("funding:commitment-detail", args=[commitment.pk])).content.decode()
    assert reverse("funding:commitment-value", args=[commitment.pk]) in html
    value = reverse("funding:commitment-value", args=[commitment.pk])
    response = client.post(value, {"amount": "-5", "reason": "评估", "version": 1})
    assert response.status_code == 200
    response = client.post(value, {"amount": "86000", "reason": "结算单", "version": 1})
    assert response.status_code == 302
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("86000.00")


def test_cash_commitment_has_no_value_page(client, booked, district_official):
    commitment, _receipt, _expenditure = booked
    client.force_login(district_official)
    assert client.get(reverse("funding:commitment-value", args=[commitment.pk])).status_code == 404


def test_combined_line_planned_and_split_on_the_pages(
    client, district_official, project, yesterday
):
    client.force_login(district_official)
    url = reverse("funding:project-commitment-create", args=[project.pk])
    response = client.post(
        url,
        {
            "kind": "government",
            "sub_type": "combined",
            "combines": ["central_subsidy", "provincial_subsidy"],
            "funder": "中央和省级财政",
            "mode": "cash",
            "amount": "3200",
            "year": project.year,
        },
    )
    assert response.status_code == 302
    line = Commitment.objects.get()
    services.commitment_approve(commitment=line, by=district_official)
    services.receipt_record(
        commitment=line, by=district_official, amount="2500.00", received_on=yesterday
    )
    line.refresh_from_db()
    detail = client.get(reverse("funding:commitment-detail", args=[line.pk])).content.decode()
    split = reverse("funding:commitment-split", args=[line.pk])
    assert split in detail
    page = client.get(split)
    assert page.status_code == 200
    base = {
        "version": line.version,
        "funder_central_subsidy": "中央财政",
        "funder_provincial_subsidy": "省财政",
        "reason": "省财政厅文件",
    }
    response = client.post(
        split, {**base, "amount_central_subsidy": "2000", "amount_provincial_subsidy": "1000"}
    )
    assert response.status_code == 200
    assert Commitment.objects.count() == 1
    response = client.post(
        split,
        {
            **base,
            "amount_central_subsidy": "2000",
            "amount_provincial_subsidy": "1200",
            f"receipt_{Receipt.objects.get().pk}": "1",
        },
    )
    # 2,500 attributed to the provincial part of 1,200 while central has room: refused.
    assert response.status_code == 200
    assert Commitment.objects.count() == 1
    response = client.post(
        split, {**base, "amount_central_subsidy": "2000", "amount_provincial_subsidy": "1200"}
    )
    assert response.status_code == 302
    parts = Commitment.objects.filter(split_from=line).order_by("id")
    assert [p.source.sub_type for p in parts] == ["central_subsidy", "provincial_subsidy"]
    detail = client.get(reverse("funding:commitment-detail", args=[line.pk])).content.decode()
    assert "省财政" in detail
    assert split not in detail


def test_street_officer_does_not_split(client, plan, project, street_officer):
    line = plan(
        project=project,
        amount="3200.00",
        sub_type=SubType.COMBINED,
        kind=Kind.GOVERNMENT,
        combines=[SubType.CENTRAL_SUBSIDY, SubType.PROVINCIAL_SUBSIDY],
    )
    client.force_login(street_officer)
    assert client.get(reverse("funding:commitment-split", args=[line.pk])).status_code == 403


# --- Vouchers ------------------------------------------------------------------------------


def test_voucher_attached_and_served_in_scope_only(
    client, booked, street_officer, street_officer_b, district_official
):
    _commitment, receipt, _expenditure = booked
    client.force_login(street_officer)
    url = reverse("funding:receipt-detail", args=[receipt.pk])
    response = client.post(
        url, {"title": "", "file": SimpleUploadedFile("a.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 200
    response = client.post(
        url, {"title": "银行进账单", "file": SimpleUploadedFile("a.exe", b"MZ", "x/y")}
    )
    assert response.status_code == 200
    assert not Voucher.objects.exists()
    response = client.post(
        url, {"title": "银行进账单", "file": SimpleUploadedFile("进账单.pdf", PDF, "x/y")}
    )
    assert response.status_code == 302
    voucher = Voucher.objects.get()
    download = reverse("funding:voucher-file", args=[voucher.pk])
    assert download in client.get(url).content.decode()
    response = client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert "private" in response["Cache-Control"]
    client.force_login(street_officer_b)
    assert client.get(download).status_code == 404
    client.force_login(district_official)
    assert client.get(download).status_code == 200


def test_city_viewer_reads_vouchers_but_attaches_none(client, booked, city_viewer):
    _commitment, receipt, _expenditure = booked
    vouchers.voucher_attach(
        record=receipt,
        by=receipt.created_by,
        file=SimpleUploadedFile("a.pdf", PDF),
        title="进账单",
    )
    client.force_login(city_viewer)
    url = reverse("funding:receipt-detail", args=[receipt.pk])
    html = client.get(url).content.decode()
    assert "进账单" in html
    assert 'enctype="multipart/form-data"' not in html
    response = client.post(url, {"title": "x", "file": SimpleUploadedFile("b.pdf", PDF)})
    assert response.status_code == 403
    assert Voucher.objects.count() == 1


# --- Query counts --------------------------------------------------------------------------


def test_record_page_query_count_is_constant(
    client, booked, district_official, django_assert_max_num_queries
):
    _commitment, receipt, _expenditure = booked
    client.force_login(district_official)
    url = reverse("funding:receipt-detail", args=[receipt.pk])

    def attach(n: int) -> None:
        for i in range(n):
            vouchers.voucher_attach(
                record=receipt,
                by=district_official,
                file=SimpleUploadedFile(f"v{i}.pdf", PDF),
                title=f"凭证{i}",
            )

    attach(1)
    client.get(url)
    with django_assert_max_num_queries(30) as small:
        assert client.get(url).status_code == 200
    attach(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_project_page_with_reversals_keeps_constant_queries(
    client, approved, project, district_official, yesterday, django_assert_max_num_queries
):
    client.force_login(district_official)
    url = reverse("funding:project", args=[project.pk])

    def grow(n: int) -> None:
        for i in range(n):
            c = approved(project=project, amount="100.00", funder=f"乙{i}-{timezone.now()}")
            r = services.receipt_record(
                commitment=c, by=district_official, amount="10.00", received_on=yesterday
            )
            vouchers.voucher_attach(
                record=r, by=district_official, file=SimpleUploadedFile("a.pdf", PDF), title="单"
            )
            corrections.receipt_reverse(receipt=r, by=district_official, reason="错")
            if i % 2:
                corrections.commitment_reverse(commitment=c, by=district_official, reason="错")

    grow(1)
    client.get(url)
    with django_assert_max_num_queries(40) as small:
        assert client.get(url).status_code == 200
    grow(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_superuser_goes_from_read_only_admin_to_the_page_that_reverses(
    client, booked, django_user_model
):
    """Admin stays read-only for money; its "View on site" leads to the page whose reversal
    goes through the same service as everyone's."""
    _commitment, receipt, _expenditure = booked
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    client.force_login(admin)
    change = client.get(reverse("admin:funding_receipt_change", args=[receipt.pk]))
    assert change.status_code == 200
    html = change.content.decode()
    assert 'name="_save"' not in html
    content_type = ContentType.objects.get_for_model(Receipt)
    response = client.get(f"/admin/r/{content_type.pk}/{receipt.pk}/")
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("funding:receipt-detail", args=[receipt.pk]))
    page = client.get(reverse("funding:receipt-detail", args=[receipt.pk])).content.decode()
    assert reverse("funding:receipt-reverse", args=[receipt.pk]) in page


@pytest.mark.parametrize(
    "data",
    [
        {"amount_central_subsidy": "1e400", "amount_provincial_subsidy": "x"},
        {"amount_central_subsidy": "NaN", "reason": "\x00"},
        {"amount_central_subsidy": "-0", "amount_provincial_subsidy": "3200", "reason": "x"},
        {"amount_central_subsidy": "3200", "version": "abc", "reason": "x"},
        {"amount_central_subsidy": "3200", "reason": "x" * 5000},
        {"funder_central_subsidy": "长" * 500, "amount_central_subsidy": "3200", "reason": "x"},
    ],
)
def test_hostile_split_forms_save_nothing(client, approved, project, district_official, data):
    line = approved(
        project=project,
        amount="3200.00",
        sub_type=SubType.COMBINED,
        kind=Kind.GOVERNMENT,
        combines=[SubType.CENTRAL_SUBSIDY, SubType.PROVINCIAL_SUBSIDY],
    )
    client.force_login(district_official)
    response = client.post(
        reverse("funding:commitment-split", args=[line.pk]), {"version": line.version, **data}
    )
    assert response.status_code in (200, 409)
    assert Commitment.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "x" * 5000},
        {"reason": "\x00\x01"},
        {"reason": "ok", "version": "-1"},
        {"reason": "ok", "version": "99999999999999999999999"},
    ],
)
def test_hostile_reversal_forms_save_nothing(client, booked, district_official, data):
    _commitment, _receipt, expenditure = booked
    client.force_login(district_official)
    response = client.post(reverse("funding:expenditure-reverse", args=[expenditure.pk]), data)
    assert response.status_code in (200, 409)
    assert Expenditure.objects.count() == 1

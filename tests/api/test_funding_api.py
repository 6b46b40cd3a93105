"""Funding endpoints: sources, commitments, allocations, receipts, expenditures and the funding
mix. Scope as on the pages, writes through the same services with the same validation,
optimistic concurrency on the commitment's version, constant query counts."""

from __future__ import annotations

import csv
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse

from funding import selectors, services
from funding.models import Commitment, Expenditure, Receipt
from tests import factories

_sequence = itertools.count()


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv"), response["Content-Type"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def money(programme, project, other_street_records, district_official, street_officer, today):
    """Street A's project: a central subsidy of 1,000,000 (approved; 600,000 received, 200,000
    spent). The programme: a special bond of 5,000,000 (approved), 2,000,000 allocated to the
    project, 1,500,000 received for it and 500,000 into the unassigned pool. Street B's project:
    a maintenance fund of 300,000 (approved, 100,000 received)."""
    subsidy = services.commitment_create(
        by=street_officer,
        project=project,
        kind="government",
        sub_type="central_subsidy",
        funder="中央财政",
        amount="1000000",
    )
    services.commitment_approve(commitment=subsidy, by=district_official)
    services.receipt_record(
        commitment=subsidy, by=street_officer, amount="600000", received_on=today
    )
    services.expenditure_record(
        commitment=subsidy, by=street_officer, amount="200000", spent_on=today, payee="某建设集团"
    )
    bond = services.commitment_create(
        by=district_official,
        programme=programme,
        year=today.year,
        kind="government",
        sub_type="special_bond",
        funder="青羊区财政局",
        amount="5000000",
    )
    services.commitment_approve(commitment=bond, by=district_official)
    services.allocation_set(
        commitment=bond, project=project, amount="2000000", by=district_official
    )
    services.receipt_record(
        commitment=bond, project=project, by=district_official, amount="1500000", received_on=today
    )
    services.receipt_record(
        commitment=bond, by=district_official, amount="500000", received_on=today
    )
    other = services.commitment_create(
        by=district_official,
        project=other_street_records["project"],
        kind="residents",
        sub_type="maintenance_fund",
        funder="宽窄巷子小区全体业主",
        amount="300000",
    )
    services.commitment_approve(commitment=other, by=district_official)
    services.receipt_record(
        commitment=other, by=district_official, amount="100000", received_on=today
    )
    for record in (subsidy, bond, other):
        record.refresh_from_db()
    return {"subsidy": subsidy, "bond": bond, "other": other}


# --- Reads and scope -----------------------------------------------------------------------


def test_street_officer_lists_only_its_streets_project_money(street_api, district_api, money):
    url = reverse("api:commitment-list")

    assert _ids(street_api.get(url)) == [money["subsidy"].pk]
    assert sorted(_ids(district_api.get(url))) == sorted(c.pk for c in money.values())
    csv_ids = [row["id"] for row in _rows(street_api.get(url, {"format": "csv"}))]
    assert csv_ids == [str(money["subsidy"].pk)]


def test_commitment_detail_has_totals_and_etag(district_api, money):
    bond = money["bond"]

    response = district_api.get(reverse("api:commitment-detail", args=[bond.pk]))

    assert response.status_code == 200
    body = response.json()
    assert response["ETag"] == f'"{bond.version}"'
    assert (body["level"], body["kind"], body["sub_type"]) == (
        "programme",
        "government",
        "special_bond",
    )
    assert Decimal(body["allocated"]) == Decimal("2000000")
    assert Decimal(body["received"]) == Decimal("2000000")
    assert Decimal(body["spent"]) == Decimal("0")
    assert body["status"] == "approved"
    assert body["approved_by"] == "district"


@pytest.mark.parametrize("key", ["bond", "other"])
@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_hidden_commitment_is_404_for_a_street_officer(street_api, money, key, method):
    url = reverse("api:commitment-detail", args=[money[key].pk])

    response = getattr(street_api, method)(url, {}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_lines_are_scoped(street_api, district_api, money, project):
    receipts = street_api.get(reverse("api:receipt-list")).json()["results"]
    allocations = street_api.get(reverse("api:allocation-list")).json()["results"]
    spending = street_api.get(reverse("api:expenditure-list")).json()["results"]

    # The street sees what was booked for its project, including the bond's allocated line ...
    assert sorted(Decimal(r["amount"]) for r in receipts) == [Decimal("600000"), Decimal("1500000")]
    assert {r["project"] for r in receipts} == {project.pk}
    assert [a["project"] for a in allocations] == [project.pk]
    assert [Decimal(e["amount"]) for e in spending] == [Decimal("200000")]
    # ... never the programme's pool or another street's money, which the district sees.
    everything = district_api.get(reverse("api:receipt-list")).json()["results"]
    assert len(everything) == 4
    pool = district_api.get(reverse("api:receipt-list"), {"pool": "true"}).json()["results"]
    assert [Decimal(r["amount"]) for r in pool] == [Decimal("500000")]


def test_commitment_filters(district_api, money, street_b, today):
    url = reverse("api:commitment-list")

    assert _ids(district_api.get(url, {"kind": "residents"})) == [money["other"].pk]
    assert _ids(district_api.get(url, {"level": "programme"})) == [money["bond"].pk]
    assert _ids(district_api.get(url, {"street": street_b.pk})) == [money["other"].pk]
    assert _ids(district_api.get(url, {"q": "青羊区财政"})) == [money["bond"].pk]
    assert _ids(district_api.get(url, {"year": today.year + 5})) == []
    by_amount = _ids(district_api.get(url, {"ordering": "-amount"}))
    assert by_amount == [money["bond"].pk, money["subsidy"].pk, money["other"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"kind": "state"}, "kind"), ({"level": "x"}, "level"), ({"year": "20x4"}, "year")],
)
def test_bad_filter_is_400_with_the_field(district_api, money, params, field):
    response = district_api.get(reverse("api:commitment-list"), params)

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_out_of_scope_filter_is_refused_like_a_missing_one(street_api, money, street_b):
    foreign = street_api.get(reverse("api:receipt-list"), {"street": street_b.pk})
    missing = street_api.get(reverse("api:receipt-list"), {"street": 999999})

    assert foreign.status_code == missing.status_code == 400
    assert set(foreign.json()["errors"]) == set(missing.json()["errors"]) == {"street"}


def test_sources_of_the_district(street_api, money):
    rows = street_api.get(reverse("api:funding-source-list"), {"kind": "government"}).json()
    funders = sorted(row["funder"] for row in rows["results"])

    assert funders == ["中央财政", "青羊区财政局"]


# --- Writes --------------------------------------------------------------------------------


def _create(api, language: str | None = None, **payload):
    body = {"kind": "market", "sub_type": "utility", "funder": "国网供电公司", "amount": "80000"}
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return api.post(reverse("api:commitment-list"), {**body, **payload}, format="json", **headers)


def test_street_officer_plans_project_money(street_api, project):
    response = _create(street_api, project=project.pk, reference="供电改造协议")

    assert response.status_code == 201
    body = response.json()
    assert response["Location"] == reverse("api:commitment-detail", args=[body["id"]])
    assert response["ETag"] == '"1"'
    assert (body["status"], body["level"], body["year"]) == ("planned", "project", project.year)
    commitment = Commitment.objects.get(pk=body["id"])
    assert commitment.amount == Decimal("80000.00")
    assert commitment.created_by.username == "street_a"


def test_commitment_validation_is_the_services_and_saves_nothing(street_api, project):
    response = street_api.post(
        reverse("api:commitment-list"),
        {
            "project": project.pk,
            "kind": "residents",
            "sub_type": "special_bond",
            "funder": "业主",
            "amount": "-5",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["amount"] == ["The amount cannot be negative."]
    assert errors["sub_type"] == [
        "“Special-purpose bond” is Government money and cannot be booked as Residents."
    ]
    assert not Commitment.objects.exists()


def test_errors_are_in_the_requests_language(street_api, project):
    english = _create(street_api, "en", project=project.pk, amount="0")
    chinese = _create(street_api, "zh-hans", project=project.pk, amount="0")

    assert english.json()["errors"]["amount"] == ["The amount must be more than zero."]
    assert chinese.json()["errors"]["amount"] != english.json()["errors"]["amount"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in chinese.json()["errors"]["amount"][0])


@pytest.mark.parametrize(
    ("payload", "field"),
    [({}, "non_field_errors"), ({"amount": "1.234"}, "amount"), ({"kind": "x"}, "kind")],
)
def test_malformed_commitment_is_400(street_api, project, payload, field):
    body = {"kind": "market", "sub_type": "utility", "funder": "国网", "amount": "1", **payload}

    response = street_api.post(reverse("api:commitment-list"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Commitment.objects.exists()


def test_both_project_and_programme_is_refused(district_api, project, programme):
    response = _create(district_api, project=project.pk, programme=programme.pk)

    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]


def test_project_of_another_street_is_404_and_nothing_saved(street_api, other_street_records):
    response = _create(street_api, project=other_street_records["project"].pk)

    assert response.status_code == 404
    assert not Commitment.objects.exists()


def test_programme_money_is_the_districts(street_api, district_api, programme, today):
    refused = _create(street_api, programme=programme.pk, year=today.year)
    planned = _create(district_api, programme=programme.pk, year=today.year)

    assert refused.status_code == 403
    assert planned.status_code == 201
    assert planned.json()["level"] == "programme"
    assert Commitment.objects.count() == 1


def test_approve_with_version_and_conflict(district_api, street_api, project):
    commitment_id = _create(street_api, project=project.pk).json()["id"]
    url = reverse("api:commitment-approve", args=[commitment_id])

    by_street = street_api.post(url, {"version": 1}, format="json")
    stale = district_api.post(url, {}, format="json", HTTP_IF_MATCH='"7"')
    approved = district_api.post(url, {"version": 1}, format="json")
    again = district_api.post(url, {"version": 2}, format="json")

    assert by_street.status_code == 403
    assert stale.status_code == 409
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved["ETag"] == '"2"'
    assert again.status_code == 400  # already approved: the service's rule
    assert Commitment.objects.get(pk=commitment_id).version == 2


def test_api_client_key_cannot_write(reader_api, money):
    response = reader_api.post(
        reverse("api:commitment-approve", args=[money["subsidy"].pk]), {}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_receipt_on_an_allocated_line_by_the_street(street_api, money, project, today):
    bond = money["bond"]
    url = reverse("api:commitment-receipts", args=[bond.pk])

    response = street_api.post(
        url,
        {
            "project": project.pk,
            "amount": "300000",
            "received_on": today.isoformat(),
            "version": bond.version,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response["ETag"] == f'"{bond.version + 1}"'
    assert response.json()["project"] == project.pk
    assert Receipt.objects.filter(commitment=bond, project=project).count() == 2


def test_street_cannot_reach_the_pool_or_another_streets_line(
    street_api, money, other_street_records, today
):
    before = Receipt.objects.count()
    pool = street_api.post(
        reverse("api:commitment-receipts", args=[money["bond"].pk]),
        {"amount": "1", "received_on": today.isoformat()},
        format="json",
    )
    other = street_api.post(
        reverse("api:commitment-receipts", args=[money["other"].pk]),
        {"amount": "1", "received_on": today.isoformat()},
        format="json",
    )

    assert pool.status_code == other.status_code == 404
    assert Receipt.objects.count() == before


def test_receipt_above_the_line_needs_a_reason(district_api, money, project, today):
    url = reverse("api:commitment-receipts", args=[money["bond"].pk])
    payload = {"project": project.pk, "amount": "600000", "received_on": today.isoformat()}

    refused = district_api.post(url, payload, format="json")
    accepted = district_api.post(url, {**payload, "over_reason": "追加补助"}, format="json")

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["amount"]
    assert accepted.status_code == 201


def test_stale_receipt_is_409_and_saves_nothing(street_api, money, today):
    subsidy = money["subsidy"]
    before = Receipt.objects.count()

    response = street_api.post(
        reverse("api:commitment-receipts", args=[subsidy.pk]),
        {"amount": "1000", "received_on": today.isoformat()},
        format="json",
        HTTP_IF_MATCH=f'"{subsidy.version - 1}"',
    )

    assert response.status_code == 409
    assert Receipt.objects.count() == before


def test_spending_never_exceeds_what_was_received(street_api, money, today, item_small):
    url = reverse("api:commitment-expenditures", args=[money["subsidy"].pk])
    payload = {"spent_on": today.isoformat(), "work_item": item_small.pk, "payee": "监理公司"}

    refused = street_api.post(url, {**payload, "amount": "400000.01"}, format="json")
    accepted = street_api.post(url, {**payload, "amount": "400000"}, format="json")

    assert refused.status_code == 400
    assert "amount" in refused.json()["errors"]
    assert accepted.status_code == 201
    assert accepted.json()["work_item"] == item_small.pk
    assert Expenditure.objects.filter(commitment=money["subsidy"]).count() == 2


def test_future_spending_date_is_refused(street_api, money, today):
    response = street_api.post(
        reverse("api:commitment-expenditures", args=[money["subsidy"].pk]),
        {"amount": "1", "spent_on": today.replace(year=today.year + 1).isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert "spent_on" in response.json()["errors"]


def test_district_allocates_programme_money(district_api, money, programme, street_b):
    bond = money["bond"]
    target = factories.ProjectFactory(programme=programme, compound__street=street_b)
    url = reverse("api:commitment-allocations", args=[bond.pk])

    created = district_api.post(url, {"project": target.pk, "amount": "1000000"}, format="json")
    changed = district_api.post(
        url, {"project": target.pk, "amount": "1200000", "version": bond.version + 1}, format="json"
    )
    too_much = district_api.post(url, {"project": target.pk, "amount": "3000000.01"}, format="json")

    assert created.status_code == 201
    assert created.json()["version"] == 1
    assert changed.status_code == 200
    assert changed.json()["amount"] == "1200000.00"
    assert changed["ETag"] == f'"{bond.version + 2}"'
    assert too_much.status_code == 400
    assert "amount" in too_much.json()["errors"]


def test_street_officer_cannot_allocate(street_api, money, project):
    response = street_api.post(
        reverse("api:commitment-allocations", args=[money["bond"].pk]),
        {"project": project.pk, "amount": "1"},
        format="json",
    )

    assert response.status_code == 404  # programme-level money is not in a street's scope


# --- Funding mix ---------------------------------------------------------------------------


def _mix(api, **params):
    return api.get(reverse("api:statistics-funding-mix"), params)


def _kind(body: dict, kind: str) -> dict:
    return next(row for row in body["kinds"] if row["kind"] == kind)


def test_funding_mix_of_a_district_counts_whole_programmes(district_api, money, district):
    body = _mix(district_api, district=district.pk).json()

    assert body["attributed"] is False
    assert body["scope"]["district"] == district.pk
    assert Decimal(body["total"]["planned"]) == Decimal("6300000")
    assert Decimal(body["total"]["received"]) == Decimal("2700000")
    assert Decimal(body["total"]["spent"]) == Decimal("200000")
    government = _kind(body, "government")
    assert (government["share_planned"], _kind(body, "residents")["share_planned"]) == (
        "95.2",
        "4.8",
    )
    assert [row["sub_type"] for row in government["sub_types"]] == [
        "central_subsidy",
        "special_bond",
    ]


def test_funding_mix_of_a_street_officer_is_attributed(street_api, money):
    body = _mix(street_api).json()

    assert body["attributed"] is True
    assert Decimal(body["total"]["planned"]) == Decimal("3000000")  # subsidy + allocation
    assert Decimal(body["total"]["received"]) == Decimal("2100000")  # never the pool
    assert Decimal(_kind(body, "residents")["planned"]) == Decimal("0")


def test_funding_mix_matches_the_page_selector(district_api, district_official, money, street_a):
    scope = selectors.funding_scope_resolve(
        user=district_official, params={"street": str(street_a.pk)}
    )
    expected = selectors.funding_mix(user=district_official, scope=scope)

    body = _mix(district_api, street=street_a.pk).json()

    assert Decimal(body["total"]["planned"]) == expected.total.planned
    assert Decimal(body["total"]["received"]) == expected.total.received
    assert body["attributed"] is expected.attributed is True


def test_funding_mix_scope_outside_is_404_as_on_the_page(
    street_api, money, street_b, other_district
):
    assert _mix(street_api, street=street_b.pk).status_code == 404
    assert _mix(street_api, district=other_district.pk).status_code == 404
    assert _mix(street_api, project=money["other"].project_id).status_code == 404


@pytest.mark.parametrize(("name", "value"), [("year", "1800"), ("district", "abc")])
def test_malformed_mix_parameter_is_400(district_api, money, name, value):
    response = _mix(district_api, **{name: value})

    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_funding_mix_csv_is_the_ledger(district_api, money, district):
    rows = _rows(_mix(district_api, district=district.pk, format="csv"))

    assert [row["level"] for row in rows].count("kind") == 4
    bond = next(row for row in rows if row["sub_type"] == "special_bond")
    assert (bond["kind"], Decimal(bond["planned"])) == ("government", Decimal("5000000.00"))
    total = rows[-1]
    assert total["level"] == "total"
    assert Decimal(total["received"]) == Decimal("2700000.00")


def test_api_client_reads_the_mix(reader_api, money):
    response = _mix(reader_api)

    assert response.status_code == 200
    assert Decimal(response.json()["total"]["planned"]) == Decimal("6300000")


# --- Query counts --------------------------------------------------------------------------


@pytest.fixture
def make_money(city, district, street_a, street_b, street_officer, district_official, today):
    """`n` projects with a project-level commitment (approved, received, spent) each, and a
    programme-level commitment allocated to all of them, in a new programme; plus a district."""

    def make(n: int) -> None:
        k = next(_sequence)
        factories.DistrictFactory(city=city, name=f"资金区{k}")
        programme = factories.ProgrammeFactory(district=district)
        bond = services.commitment_create(
            by=district_official,
            programme=programme,
            year=today.year,
            kind="government",
            sub_type="general_bond",
            funder=f"债券{k}",
            amount="100000000",
        )
        services.commitment_approve(commitment=bond, by=district_official)
        for i in range(n):
            street = street_a if i % 2 else street_b
            project = factories.ProjectFactory(programme=programme, compound__street=street)
            own = services.commitment_create(
                by=district_official,
                project=project,
                kind="society",
                sub_type="donation",
                funder=f"捐赠{k}-{i}",
                amount="1000",
            )
            services.commitment_approve(commitment=own, by=district_official)
            services.receipt_record(
                commitment=own, by=district_official, amount="800", received_on=today
            )
            services.expenditure_record(
                commitment=own, by=district_official, amount="100", spent_on=today
            )
            bond.refresh_from_db()
            services.allocation_set(
                commitment=bond, project=project, amount="1000", by=district_official
            )

    return make


LISTS = [
    "api:funding-source-list",
    "api:commitment-list",
    "api:allocation-list",
    "api:receipt-list",
    "api:expenditure-list",
    "api:statistics-funding-mix",
]


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_funding_list_query_count_is_constant(
    name, fmt, client_for, city_viewer, make_money, django_assert_max_num_queries
):
    api = client_for(city_viewer)
    url = f"{reverse(name)}?format={fmt}"
    make_money(2)
    with django_assert_max_num_queries(14) as small:
        first = api.get(url)
    assert first.status_code == 200

    make_money(12)

    with django_assert_max_num_queries(len(small.captured_queries)):
        second = api.get(url)
    assert second.status_code == 200
    assert len(second.content) > len(first.content)

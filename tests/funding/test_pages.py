"""Funding pages: what they show, scope (404 and nothing written), forms, query counts."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Commitment, Expenditure, Receipt, SubType

pytestmark = pytest.mark.django_db


def test_mix_page_shows_table_chart_data_and_no_inline_script(
    client, district_official, funded_project
):
    client.force_login(district_official)
    response = client.get(
        reverse("funding:mix"), {"project": funded_project["project"].pk, "unit": "yuan"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1,000.00" in html
    assert "60.0%" in html
    assert "30.0%" in html
    assert "10.0%" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "js/funding-mix.js" in html
    data = json.loads(
        html.split('id="funding-mix-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["kinds"][0]["planned"] == "600.00"
    assert 'id="funding-mix-data" type="application/json"' in html
    # Every <script> is either external or JSON data: nothing a CSP would have to allow.
    for tag in html.split("<script")[1:]:
        opening = tag.split(">", 1)[0]
        assert "src=" in opening or 'type="application/json"' in opening


def test_unit_is_remembered_in_the_session(client, district_official, funded_project):
    client.force_login(district_official)
    project = funded_project["project"].pk
    client.get(reverse("funding:mix"), {"project": project, "unit": "wan"})
    response = client.get(reverse("funding:mix"), {"project": project})
    assert response.context["unit"] == "wan"
    assert "0.10" in response.content.decode()  # 1,000 yuan in 万元


@pytest.mark.parametrize("param", ["project", "street"])
def test_mix_page_out_of_scope_is_404(client, street_officer, other_project, param):
    client.force_login(street_officer)
    value = other_project.pk if param == "project" else other_project.compound.street_id
    assert client.get(reverse("funding:mix"), {param: value}).status_code == 404
    assert client.get(reverse("funding:mix"), {"programme": "x"}).status_code == 404


def test_other_streets_funding_is_404_and_nothing_is_written(
    client, street_officer, approved, other_project
):
    theirs = approved(project=other_project, amount="100.00")
    client.force_login(street_officer)
    today = timezone.localdate().isoformat()
    assert client.get(reverse("funding:project", args=[other_project.pk])).status_code == 404
    assert client.get(reverse("funding:commitment-detail", args=[theirs.pk])).status_code == 404
    posts = [
        (
            reverse("funding:project-commitment-create", args=[other_project.pk]),
            {
                "kind": "government",
                "sub_type": "district_budget",
                "funder": "x",
                "amount": "1",
                "year": other_project.year,
            },
        ),
        (
            reverse("funding:receipt-create", args=[theirs.pk]) + f"?project={other_project.pk}",
            {"amount": "1.00", "received_on": today, "version": theirs.version},
        ),
        (
            reverse("funding:receipt-create", args=[theirs.pk]),
            {"amount": "1.00", "received_on": today, "version": theirs.version},
        ),
        (
            reverse("funding:expenditure-create", args=[theirs.pk]),
            {"amount": "1.00", "spent_on": today},
        ),
        (reverse("funding:commitment-approve", args=[theirs.pk]), {"version": theirs.version}),
    ]
    for url, data in posts:
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, data).status_code == 404, url
    assert Commitment.objects.count() == 1
    assert not Receipt.objects.exists()
    assert not Expenditure.objects.exists()


def test_street_officer_cannot_reach_programme_pool(client, street_officer, bond, project):
    client.force_login(street_officer)
    assert client.get(reverse("funding:commitment-detail", args=[bond.pk])).status_code == 404
    url = reverse("funding:receipt-create", args=[bond.pk]) + f"?project={project.pk}"
    assert client.get(url).status_code == 404  # no allocation to the project yet


def test_street_officer_plans_and_receives_through_pages(
    client, street_officer, district_official, project
):
    client.force_login(street_officer)
    url = reverse("funding:project-commitment-create", args=[project.pk])
    response = client.post(
        url,
        {
            "kind": "residents",
            "sub_type": "special_bond",
            "funder": "业主",
            "amount": "100",
            "year": project.year,
        },
    )
    assert response.status_code == 200
    assert not Commitment.objects.exists()
    response = client.post(
        url,
        {
            "kind": "residents",
            "sub_type": "parking_rights",
            "funder": "业主",
            "amount": "-100",
            "year": project.year,
        },
    )
    assert response.status_code == 200
    assert not Commitment.objects.exists()
    response = client.post(
        url,
        {
            "kind": "residents",
            "sub_type": "parking_rights",
            "funder": "业主",
            "amount": "100",
            "year": project.year,
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    # Approval is the district's: the street officer's POST is refused.
    approve = reverse("funding:commitment-approve", args=[commitment.pk])
    assert client.post(approve, {"version": commitment.version}).status_code == 403
    client.force_login(district_official)
    assert client.post(approve, {"version": commitment.version}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "approved"
    client.force_login(street_officer)
    receive = reverse("funding:receipt-create", args=[commitment.pk]) + f"?project={project.pk}"
    today = timezone.localdate().isoformat()
    response = client.post(
        receive, {"amount": "150.00", "received_on": today, "version": commitment.version}
    )
    assert response.status_code == 200
    assert not Receipt.objects.exists()
    assert "reason" in response.content.decode() or "理由" in response.content.decode()
    response = client.post(
        receive, {"amount": "100.00", "received_on": today, "version": commitment.version - 1}
    )
    assert response.status_code == 409
    assert not Receipt.objects.exists()
    response = client.post(
        receive, {"amount": "100.00", "received_on": today, "version": commitment.version}
    )
    assert response.status_code == 302
    assert Receipt.objects.get().amount == Decimal("100.00")


def _assert_constant(client, url, grow, django_assert_max_num_queries, params=None):
    client.get(url, params)  # warm up the session and caches
    with django_assert_max_num_queries(40) as small:
        assert client.get(url, params).status_code == 200
    grow()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url, params).status_code == 200


def test_mix_page_query_count_is_constant(
    client, district_official, programme, make_funded_projects, django_assert_max_num_queries
):
    client.force_login(district_official)
    make_funded_projects(2)
    _assert_constant(
        client,
        reverse("funding:mix"),
        lambda: make_funded_projects(20),
        django_assert_max_num_queries,
        {"programme": programme.pk},
    )


def test_project_page_query_count_is_constant(
    client,
    district_official,
    approved,
    project,
    make_funded_projects,
    django_assert_max_num_queries,
    yesterday,
):
    from funding import services

    client.force_login(district_official)
    commitments = [approved(project=project, amount="100.00", funder="甲")]

    def grow():
        for i in range(15):
            c = approved(project=project, amount="100.00", funder=f"乙{i}")
            services.receipt_record(
                commitment=c, by=district_official, amount="10.00", received_on=yesterday
            )
            services.expenditure_record(
                commitment=c, by=district_official, amount="5.00", spent_on=yesterday
            )

    assert commitments
    _assert_constant(
        client, reverse("funding:project", args=[project.pk]), grow, django_assert_max_num_queries
    )


def test_commitment_and_programme_pages_query_count_is_constant(
    client,
    district_official,
    bond,
    programme,
    make_funded_projects,
    django_assert_max_num_queries,
    yesterday,
):
    from funding import services

    client.force_login(district_official)
    projects = make_funded_projects(1)
    services.allocation_set(
        commitment=bond, project=projects[0], amount="10.00", by=district_official
    )

    def grow():
        for p in make_funded_projects(12):
            services.allocation_set(
                commitment=bond, project=p, amount="10.00", by=district_official
            )
            services.receipt_record(
                commitment=bond,
                project=p,
                by=district_official,
                amount="10.00",
                received_on=yesterday,
            )

    _assert_constant(
        client,
        reverse("funding:commitment-detail", args=[bond.pk]),
        grow,
        django_assert_max_num_queries,
    )
    _assert_constant(
        client,
        reverse("funding:programme", args=[programme.pk]),
        lambda: make_funded_projects(3),
        django_assert_max_num_queries,
    )


def test_panels_render(client, district_official, funded_project, django_assert_max_num_queries):
    from django.template.loader import render_to_string

    from funding.selectors import compound_funding_panel, dashboard_funding_panel

    compound = funded_project["project"].compound
    compound.refresh_from_db()
    with django_assert_max_num_queries(8):
        panel = compound_funding_panel(user=district_official, compound=compound)
    html = render_to_string("funding/_compound_panel.html", {"funding_panel": panel})
    assert "60.0%" in html
    assert "0.06" in html
    html = render_to_string(
        "funding/_dashboard_panel.html",
        {"funding_mix": dashboard_funding_panel(user=district_official)},
    )
    assert "100.0%" in html


def test_street_officer_mix_page_offers_its_allocated_years(
    client, street_officer, bond, project, district_official
):
    from funding import services

    services.allocation_set(commitment=bond, project=project, amount="10.00", by=district_official)
    client.force_login(street_officer)
    response = client.get(reverse("funding:mix"))
    assert response.status_code == 200
    assert response.context["options"].years == [bond.year]
    assert response.context["mix"].total.planned == Decimal("10.00")
    # The district's programme pool is not offered or counted.
    assert "10,000.00" not in response.content.decode()


def test_mix_rows_in_ten_thousand_yuan_add_up_to_the_total_shown(
    client, district_official, project, approved
):
    # given four lines of 50 yuan (0.005 万元 each): rounded one by one they would show
    # 0.01 four times, 0.04 in all, beside a total of 0.02
    approved(project=project, amount="50.00", sub_type=SubType.CENTRAL_SUBSIDY)
    approved(project=project, amount="50.00", sub_type=SubType.PROVINCIAL_SUBSIDY)
    approved(project=project, amount="50.00", sub_type=SubType.UTILITY, funder="电信")
    approved(project=project, amount="50.00", sub_type=SubType.PARKING_RIGHTS, funder="业主")
    client.force_login(district_official)

    # when
    response = client.get(reverse("funding:mix"), {"project": project.pk, "unit": "wan"})

    # then the kinds add up to the total shown, and each kind's sub-types to the kind
    shown = response.context["shown"]
    assert shown.total.planned == Decimal("0.02")
    assert sum(kind.planned for kind in shown.kinds) == shown.total.planned
    for kind in shown.kinds:
        assert sum(sub.planned for sub in kind.sub_types) == kind.planned
        assert kind.gap == kind.planned - kind.received
    assert [kind.planned for kind in shown.kinds] == [
        Decimal("0.01"),
        Decimal("0.01"),
        Decimal("0.00"),
        Decimal("0.00"),
    ]
    html = response.content.decode()
    assert '<td class="num">0.02</td>' in html
    # the shares add up to 100.0% as well
    assert sum(kind.share_planned for kind in shown.kinds) == Decimal("100.0")

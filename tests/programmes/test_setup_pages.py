"""Set-up pages for district officials: programmes, targets, projects, work items, acceptance
and district work types, scoped to the district and calling the set-up services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import ContributionRule
from programmes.models import (
    AcceptanceRecord,
    LocalTarget,
    Programme,
    Project,
    Stage,
    WorkItem,
    WorkType,
    YearTarget,
)
from tests import factories

pytestmark = pytest.mark.django_db

PROGRAMME = {
    "name": "2026年改造计划",
    "start_year": "2026",
    "end_year": "2027",
    "description": "",
    "support_threshold": "90.00",
    "min_survey_return_rate": "0.6667",
    "report_overdue_days": "3",
}


def test_navigation_leads_district_officials_to_setup(client, district_official, street_officer):
    client.force_login(district_official)
    page = client.get(reverse("programmes:setup-programme-list")).content.decode()
    assert reverse("programmes:setup-programme-create") in page
    home = client.get(reverse("programmes:compound-list")).content.decode()
    assert reverse("programmes:setup-programme-list") in home
    client.force_login(street_officer)
    home = client.get(reverse("programmes:compound-list")).content.decode()
    assert reverse("programmes:setup-programme-list") not in home


def test_programme_create_edit_and_conflict(client, district_official, district):
    client.force_login(district_official)
    response = client.post(reverse("programmes:setup-programme-create"), PROGRAMME)
    programme = Programme.objects.get(name="2026年改造计划")
    assert response.status_code == 302
    assert programme.district == district
    url = reverse("programmes:setup-programme-edit", args=[programme.pk])
    saved = client.post(url, {**PROGRAMME, "support_threshold": "85", "version": "1"})
    assert saved.status_code == 302
    stale = client.post(url, {**PROGRAMME, "support_threshold": "70", "version": "1"})
    assert stale.status_code == 409
    assert "Nothing was saved" in stale.content.decode() or "未保存" in stale.content.decode()
    programme.refresh_from_db()
    assert programme.support_threshold == Decimal("85.00")
    assert programme.version == 2


def test_bad_programme_input_is_a_message_not_a_500(client, district_official):
    client.force_login(district_official)
    response = client.post(
        reverse("programmes:setup-programme-create"),
        {**PROGRAMME, "end_year": "2020", "min_survey_return_rate": "3"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Programme.objects.exists()


def test_targets_batches_and_rules_from_the_programme_page(
    client, district_official, programme, street_a
):
    client.force_login(district_official)
    year = programme.start_year
    client.post(
        reverse("programmes:setup-year-target", args=[programme.pk]),
        {"year": year, "compounds": 8, "households": 1600, "buildings": 0},
    )
    client.post(
        reverse("programmes:setup-local-target", args=[programme.pk]),
        {"year": year, "street": street_a.pk, "compounds": 3, "households": 500},
    )
    client.post(
        reverse("programmes:setup-batch", args=[programme.pk]),
        {"name": "第一批", "year": year, "sequence": 1},
    )
    client.post(
        reverse("funding:rule-create", args=[programme.pk]),
        {"name": "维修资金", "sub_type": "maintenance_fund", "basis": "per_m2", "rate": "5.00"},
    )
    assert YearTarget.objects.get(programme=programme, year=year).compounds == 8
    assert LocalTarget.objects.get(programme=programme, street=street_a).compounds == 3
    assert programme.batches.get().name == "第一批"
    page = client.get(reverse("programmes:setup-programme", args=[programme.pk])).content.decode()
    assert "第一批" in page
    assert street_a.name in page
    rules = ContributionRule.objects.filter(programme=programme)
    assert [r.rate for r in rules] == [Decimal("5.00")]


def test_another_districts_programme_is_404(client, district_official, other_district):
    other = factories.ProgrammeFactory(district=other_district)
    client.force_login(district_official)
    for name in ("setup-programme", "setup-programme-edit", "setup-year-target"):
        assert client.get(reverse(f"programmes:{name}", args=[other.pk])).status_code == 404


def test_street_officer_may_not_set_up(client, street_officer, programme):
    client.force_login(street_officer)
    assert client.get(reverse("programmes:setup-programme-create")).status_code == 403
    url = reverse("programmes:setup-year-target", args=[programme.pk])
    assert client.post(url, {"year": programme.start_year, "compounds": 1}).status_code == 403


def test_project_created_from_the_compound_page_then_contractor_named(
    client, district_official, programme, street_a
):
    compound = factories.CompoundFactory(street=street_a)
    client.force_login(district_official)
    page = client.get(compound.get_absolute_url()).content.decode()
    create = reverse("programmes:setup-project-create")
    assert f"{create}?compound={compound.pk}" in page
    response = client.post(
        f"{create}?compound={compound.pk}",
        {
            "programme": programme.pk,
            "compound": compound.pk,
            "year": programme.start_year,
            "categories": ["basic", "enhancement"],
            "budget": "800000",
            "contractor": "",
            "supervisor": "某监理公司",
            "designer": "",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get(compound=compound)
    assert project.category_list == ["basic", "enhancement"]
    edit = reverse("programmes:setup-project-edit", args=[project.pk])
    assert edit in client.get(compound.get_absolute_url()).content.decode()
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(contractor="华西建工", categories=["basic"])
    assert client.post(edit, data).status_code == 302
    project.refresh_from_db()
    assert project.contractor == "华西建工"
    assert project.history.first().history_user == district_official


def test_stage_page_points_to_where_the_contractor_is_named(
    client, district_official, programme, street_a
):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.TENDERING, contractor=""
    )
    client.force_login(district_official)
    page = client.get(reverse("programmes:stage-change", args=[project.pk])).content.decode()
    assert reverse("programmes:setup-project-edit", args=[project.pk]) in page
    assert "开工前请填写施工单位（在项目页点击“编辑项目”" in page


def test_work_items_on_the_project_page(client, district_official, project):
    client.force_login(district_official)
    add = reverse("programmes:setup-work-item-add", args=[project.pk])
    assert add in client.get(project.get_absolute_url()).content.decode()
    rain = WorkType.objects.get(code="rain-sewage")
    data = {"work_type": rain.pk, "planned_quantity": "300", "budget": "1000"}
    refused = client.post(add, data)  # under construction: a reason is needed
    assert refused.status_code == 200
    assert "reason" in refused.context["form"].errors
    assert client.post(add, {**data, "reason": "增加雨污分流"}).status_code == 302
    item = WorkItem.objects.get(project=project, work_type=rain)
    remove = reverse("programmes:setup-work-item-remove", args=[item.pk])
    assert client.post(remove, {"version": item.version, "reason": ""}).status_code == 200
    assert client.post(remove, {"version": item.version, "reason": "取消"}).status_code == 302
    assert not WorkItem.objects.filter(pk=item.pk).exists()


def test_acceptance_record_page(client, district_official, project, today):
    client.force_login(district_official)
    url = reverse("programmes:setup-acceptance", args=[project.pk])
    response = client.post(
        url,
        {"accepted_on": today.isoformat(), "residents_present": "4", "passed": "on"},
    )
    assert response.status_code == 302
    record = AcceptanceRecord.objects.get(project=project)
    assert record.residents_present == 4
    stale = client.post(
        url,
        {
            "accepted_on": today.isoformat(),
            "residents_present": "5",
            "passed": "on",
            "version": "0",
        },
    )
    assert stale.status_code == 409


def test_district_work_types_page(client, district_official, other_district):
    client.force_login(district_official)
    url = reverse("programmes:setup-work-types")
    data = {"name_zh": "四网入户", "name_en": "", "unit": "household", "category": "basic"}
    assert client.post(url, data).status_code == 302
    duplicate = client.post(url, {**data, "name_zh": "雨污分流改造"})
    assert duplicate.status_code == 200
    assert "name_zh" in duplicate.context["form"].errors
    factories.WorkTypeFactory(district=other_district, name_zh="他区类型")
    page = client.get(url).content.decode()
    assert "四网入户" in page
    assert "他区类型" not in page


def test_setup_pages_query_counts_are_constant(
    client, district_official, district, street_a, django_assert_max_num_queries
):
    programme = factories.ProgrammeFactory(district=district)
    client.force_login(district_official)

    def add(n: int) -> None:
        for _ in range(n):
            factories.ProjectFactory(programme=programme, compound__street=street_a)
            factories.WorkTypeFactory(district=district)
            factories.ProgrammeFactory(district=district)

    urls = [
        reverse("programmes:setup-programme-list"),
        reverse("programmes:setup-programme", args=[programme.pk]),
        reverse("programmes:setup-work-types"),
    ]
    add(1)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(20) as small:
            assert client.get(url).status_code == 200
        counts[url] = len(small.captured_queries)
    add(8)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200

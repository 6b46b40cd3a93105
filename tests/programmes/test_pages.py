"""The server-rendered pages: language, dashboard figures, list filters, forms and errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from programmes import services
from programmes.models import (
    ProgressPhoto,
    ProgressReport,
    ProgressReportLine,
    Project,
    SiteProblem,
    Stage,
    StageTransition,
)
from tests import factories
from tests.conftest import GIF_BYTES, is_reencoded_gif

# --- Language and shell --------------------------------------------------------------------


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="zh-hans">' in text
    assert "登录" in text
    assert "Log in" not in text
    assert 'name="username"' in text
    assert 'name="password"' in text


def test_login_page_follows_the_language_cookie(client, db):
    client.cookies["django_language"] = "en"

    text = client.get(reverse("login")).content.decode()

    assert '<html lang="en">' in text
    assert "Log in" in text
    assert "登录" not in text


def test_language_switch_to_english_then_pages_are_english(client, district_official):
    client.force_login(district_official)
    assert "<h1>小区台账</h1>" in client.get(reverse("programmes:compound-list")).content.decode()

    switched = client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("programmes:compound-list")},
    )

    assert switched.status_code == 302
    text = client.get(reverse("programmes:compound-list")).content.decode()
    assert '<html lang="en">' in text
    assert "<h1>Compound registry</h1>" in text


def test_login_with_a_password_reaches_the_dashboard(client, district_official):
    response = client.post(
        reverse("login"), {"username": "district", "password": "pw"}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("home")
    assert response.context["user"] == district_official


def test_healthz_returns_ok_json(client, db):
    response = client.get("/healthz/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


# --- Dashboard -----------------------------------------------------------------------------


@pytest.fixture
def year_programme(programme, street_a, street_b, other_district_street, today):
    """This year's target: 4 compounds, 400 households. Three projects started this year (100,
    50 and 30 households), the last of them also completed; one not started; one started last
    year; and one started in another district, which must not count."""
    year = today.year
    factories.YearTargetFactory(programme=programme, year=year, compounds=4, households=400)

    def project(street, households, stage, started=None, completed=None):
        return factories.ProjectFactory(
            programme=programme,
            compound__street=street,
            compound__households=households,
            stage=stage,
            contractor="施工单位",
            started_on=started,
            completed_on=completed,
        )

    jan = dt.date(year, 1, 1)
    project(street_a, 100, Stage.CONSTRUCTION, started=jan)
    project(street_b, 50, Stage.CONSTRUCTION, started=jan)
    project(street_a, 30, Stage.ACCEPTED, started=jan, completed=dt.date(year, 1, 2))
    project(street_b, 70, Stage.DESIGN)
    project(street_a, 80, Stage.ACCEPTED, started=dt.date(year - 1, 3, 1))
    factories.ProjectFactory(
        compound__street=other_district_street,
        compound__households=500,
        stage=Stage.CONSTRUCTION,
        started_on=jan,
    )
    return year


def test_dashboard_shows_started_and_completed_against_target(
    client, district_official, year_programme
):
    client.force_login(district_official)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    current = response.context["board"].current
    assert (current.target_compounds, current.target_households) == (4, 400)
    assert (current.started, current.started_households) == (3, 180)
    assert (current.completed, current.completed_households) == (1, 30)
    assert current.start_rate == Decimal("75.0")  # by compounds: 3 of 4
    assert current.start_rate_households == Decimal("45.0")  # by households: 180 of 400
    assert current.completion_rate == Decimal("25.0")
    assert current.completion_rate_households == Decimal("7.5")
    text = response.content.decode()
    for shown in ("75.0%", "45.0%", "25.0%", "7.5%", "180", "400"):
        assert shown in text


def test_dashboard_year_choice_shows_that_years_figures(client, district_official, year_programme):
    client.force_login(district_official)

    response = client.get(reverse("home"), {"year": year_programme - 1})

    current = response.context["board"].current
    assert current.year == year_programme - 1
    assert (current.started, current.completed) == (1, 0)


@pytest.mark.parametrize("year", ["abc", "99999", "-1", ""])
def test_dashboard_bad_year_falls_back_to_this_year(client, district_official, year, today):
    client.force_login(district_official)

    response = client.get(reverse("home"), {"year": year})

    assert response.status_code == 200
    assert response.context["board"].year == today.year


def test_street_officer_dashboard_has_no_district_target(client, street_officer, year_programme):
    client.force_login(street_officer)

    current = client.get(reverse("home")).context["board"].current

    assert current.target_compounds is None
    assert current.start_rate is None
    assert (current.started, current.started_households) == (2, 130)


# --- Compound list -------------------------------------------------------------------------


@pytest.fixture
def listed(programme, street_a, street_b, district):
    area_x = factories.AreaFactory(district=district, name="北片区")
    area_y = factories.AreaFactory(district=district, name="南片区")
    first = factories.ProjectFactory(
        programme=programme,
        compound__street=street_a,
        compound__area=area_x,
        compound__name="锦绣花园",
        compound__address="东大街1号",
        stage=Stage.CONSTRUCTION,
        year=2024,
        category="basic",
    ).compound
    second = factories.ProjectFactory(
        programme=programme,
        compound__street=street_b,
        compound__area=area_y,
        compound__name="和平里",
        compound__address="西大街9号",
        stage=Stage.DESIGN,
        year=2025,
        category="improvement",
    ).compound
    third = factories.CompoundFactory(street=street_a, name="东风小区", address="南大街3号")
    return {"first": first, "second": second, "third": third, "x": area_x, "y": area_y}


def listed_names(client, **params) -> set[str]:
    response = client.get(reverse("programmes:compound-list"), params)
    assert response.status_code == 200
    return {compound.name for compound in response.context["page"]}


def test_compound_list_filters_each_filter(client, district_official, listed, street_a):
    client.force_login(district_official)

    assert listed_names(client) == {"锦绣花园", "和平里", "东风小区"}
    assert listed_names(client, street=street_a.pk) == {"锦绣花园", "东风小区"}
    assert listed_names(client, area=listed["y"].pk) == {"和平里"}
    assert listed_names(client, stage=Stage.CONSTRUCTION) == {"锦绣花园"}
    assert listed_names(client, year=2025) == {"和平里"}
    assert listed_names(client, category="improvement") == {"和平里"}
    assert listed_names(client, q="锦绣") == {"锦绣花园"}
    assert listed_names(client, q="南大街") == {"东风小区"}
    assert listed_names(client, street=street_a.pk, stage=Stage.DESIGN) == set()


def test_compound_search_ranks_exact_then_prefix_names_first(client, district_official, street_a):
    # given: many addresses containing the text, and the compound whose name is the text
    for number in range(30):
        factories.CompoundFactory(
            street=street_a, name=f"{number}号院", address=f"浣花北路{number}号"
        )
    factories.CompoundFactory(street=street_a, name="浣花北路小区")
    factories.CompoundFactory(street=street_a, name="浣花小区", address="浣花路1号")
    client.force_login(district_official)

    # when
    response = client.get(reverse("programmes:compound-list"), {"q": "浣花小区"})
    prefix = client.get(reverse("programmes:compound-list"), {"q": "浣花"})

    # then: the exact name is first; names starting with the text come before address matches
    assert [c.name for c in response.context["page"]] == ["浣花小区"]
    names = [c.name for c in prefix.context["page"]]
    assert names[:2] == ["浣花北路小区", "浣花小区"]
    assert len(names) == 25
    assert prefix.context["count"] == 32


def test_compound_list_counts_filtered_households(client, district_official, listed, street_a):
    client.force_login(district_official)

    response = client.get(reverse("programmes:compound-list"), {"street": street_a.pk})

    assert response.context["count"] == 2
    assert response.context["totals"]["households"] == 200


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc"},
        {"street": "999999"},
        {"stage": "nonsense"},
        {"page": "zzz"},
        {"page": "-5"},
        {"ordering": "password"},
        {"q": "'; DROP TABLE programmes_compound; --"},
    ],
)
def test_compound_list_bad_input_is_not_an_error(client, district_official, listed, params):
    client.force_login(district_official)

    response = client.get(reverse("programmes:compound-list"), params)

    assert response.status_code == 200


def test_a_street_outside_the_scope_is_not_a_filter_choice(
    client, street_officer, listed, street_b
):
    client.force_login(street_officer)

    response = client.get(reverse("programmes:compound-list"), {"street": street_b.pk})

    # the form refuses the foreign street; the list stays within the officer's own street
    assert response.context["filter"].errors
    assert {c.name for c in response.context["page"]} == {"锦绣花园", "东风小区"}


def test_compound_list_paginates(client, district_official, street_a, street_b, settings):
    settings.RENOVATION_PAGE_SIZE = 5
    factories.CompoundFactory.create_batch(11, street=street_a)
    factories.CompoundFactory.create_batch(3, street=street_b)
    client.force_login(district_official)

    pages = [
        client.get(reverse("programmes:compound-list"), {"street": street_a.pk, "page": n})
        for n in (1, 2, 3)
    ]

    sizes = [len(page.context["page"].object_list) for page in pages]
    assert sizes == [5, 5, 1]
    names = [c.name for page in pages for c in page.context["page"]]
    assert len(set(names)) == 11
    # the next-page link keeps the filter
    assert f"street={street_a.pk}&amp;page=2" in pages[0].content.decode()


# --- Compound detail -----------------------------------------------------------------------


def test_detail_shows_work_items_reports_and_history(
    client, district_official, project, item_small, street_officer, file_report
):
    file_report(project=project, by=street_officer, quantities={item_small.pk: "40"})
    services.project_stage_transition(
        project=project, to_stage=Stage.TENDERING, by=district_official, reason="重新招标"
    )
    client.force_login(district_official)

    response = client.get(reverse("programmes:compound-detail", args=[project.compound_id]))

    assert response.status_code == 200
    text = response.content.decode()
    assert item_small.work_type.name_zh in text
    assert "重新招标" in text  # the transition's reason
    history = response.context["history"]
    assert any(entry.who == "district" and entry.reason == "重新招标" for entry in history)


def test_detail_history_shows_the_stage_change(client, district_official, project):
    started_on = project.started_on
    services.project_stage_transition(
        project=project, to_stage=Stage.TENDERING, by=district_official, reason="重新招标"
    )
    client.force_login(district_official)

    response = client.get(reverse("programmes:compound-detail", args=[project.compound_id]))

    changed = next(e for e in response.context["history"] if e.reason == "重新招标")
    with translation.override("zh-hans"):
        stage_change = f"{Stage.CONSTRUCTION.label} → {Stage.TENDERING.label}"
    assert any(stage_change in change for change in changed.changes)
    # the started_on date is cleared by the move back, and the trail says so
    assert any(f"{started_on} → —" in change for change in changed.changes)
    assert not any("version" in change.lower() for change in changed.changes)


# --- Progress form -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "layer"), [("abc", "form"), ("-3", "form"), ("150", "service: above plan")]
)
def test_progress_form_with_one_invalid_quantity_saves_nothing(
    client, street_officer, project, item_small, item_large, today, bad, layer
):
    client.force_login(street_officer)
    url = reverse("programmes:progress-file", args=[project.pk])

    response = client.post(
        url,
        {
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": bad,
            f"item_{item_large.pk}": "20",
            "version": "",
        },
    )

    assert response.status_code == 200, layer
    assert response.context["form"].errors[f"item_{item_small.pk}"]
    assert f"item_{item_large.pk}" not in response.context["form"].errors
    assert 'class="row has-error"' in response.content.decode()
    assert not ProgressReport.objects.exists()
    assert not ProgressReportLine.objects.exists()


def test_progress_form_valid_post_saves_and_redirects(
    client, street_officer, project, item_small, item_large, today
):
    client.force_login(street_officer)
    photo = SimpleUploadedFile("site.gif", GIF_BYTES, content_type="image/gif")

    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": "50",
            f"item_{item_large.pk}": "200",
            "note": "今日完成管网铺设",
            "photos": [photo],
            "version": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == project.get_absolute_url()
    report = ProgressReport.objects.get()
    assert report.note == "今日完成管网铺设"
    assert report.created_by == street_officer
    assert Project.objects.get(pk=project.pk).progress == Decimal("87.50")
    stored = ProgressPhoto.objects.get(report=report)
    served = client.get(reverse("programmes:photo", args=[stored.pk]))
    assert served.status_code == 200
    assert is_reencoded_gif(b"".join(served.streaming_content))


def test_progress_form_refuses_a_file_that_is_not_an_image(
    client, street_officer, project, item_small, today
):
    client.force_login(street_officer)

    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": "5",
            "photos": [SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", "image/jpeg")],
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not ProgressReport.objects.exists()


def test_progress_form_stale_version_shows_a_conflict(
    client, street_officer, project, item_small, file_report, today
):
    # given the form was opened on version 1 and someone saved the report since
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    opened = report.version
    file_report(
        project=project, by=street_officer, quantities={item_small.pk: "30"}, version=opened
    )
    client.force_login(street_officer)

    # when the stale form is submitted
    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {
            "loaded_date": today.isoformat(),
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": "20",
            "version": opened,
        },
    )

    # then 409 with the conflict message, and the other save is kept
    assert response.status_code == 409
    errors = response.context["form"].non_field_errors()
    assert errors
    assert escape(errors[0]) in response.content.decode()
    assert ProgressReportLine.objects.get().quantity_to_date == Decimal("30")


def test_progress_form_opened_for_an_existing_date_edits_that_report(
    client, street_officer, project, item_small, file_report, today
):
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "10"})
    client.force_login(street_officer)
    url = reverse("programmes:progress-file", args=[project.pk])

    opened = client.get(url, {"date": today.isoformat()})
    form = opened.context["form"]
    assert form[f"item_{item_small.pk}"].value() == Decimal("10")
    assert form["version"].value() == report.version

    saved = client.post(
        url,
        {
            "loaded_date": today.isoformat(),
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": "25",
            "version": report.version,
        },
    )

    assert saved.status_code == 302
    assert ProgressReportLine.objects.get().quantity_to_date == Decimal("25")


@pytest.mark.parametrize("date", ["not-a-date", "2024-13-45", ""])
def test_progress_form_bad_date_parameter_is_not_an_error(
    client, street_officer, project, item_small, date
):
    client.force_login(street_officer)

    response = client.get(reverse("programmes:progress-file", args=[project.pk]), {"date": date})

    assert response.status_code == 200
    assert response.context["report"] is None


# --- Stage form ----------------------------------------------------------------------------


def test_stage_page_shows_the_refused_gate_reason(client, district_official, programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.CONSULTATION
    )
    factories.OpinionSurveyFactory(project=project, support=80, oppose=20)
    client.force_login(district_official)
    url = reverse("programmes:stage-change", args=[project.pk])

    page = client.get(url)
    assert 'class="refused"' in page.content.decode()
    assert "80.0%" in page.content.decode()

    response = client.post(
        url, {"to_stage": Stage.DESIGN, "reason": "申请进入设计", "version": project.version}
    )

    assert response.status_code == 200
    assert "80.0%" in " ".join(response.context["form"].errors["to_stage"])
    assert Project.objects.get(pk=project.pk).stage == Stage.CONSULTATION
    assert not StageTransition.objects.exists()


def test_stage_page_moves_the_project_and_redirects(client, district_official, project):
    client.force_login(district_official)

    response = client.post(
        reverse("programmes:stage-change", args=[project.pk]),
        {"to_stage": Stage.TENDERING, "reason": "重新招标", "version": project.version},
    )

    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).stage == Stage.TENDERING
    assert StageTransition.objects.get().by == district_official


def test_stage_page_stale_version_is_409(client, district_official, project):
    client.force_login(district_official)
    url = reverse("programmes:stage-change", args=[project.pk])
    opened = project.version
    client.post(url, {"to_stage": Stage.TENDERING, "reason": "重新招标", "version": opened})

    response = client.post(
        url, {"to_stage": Stage.CONSTRUCTION, "reason": "恢复施工", "version": opened}
    )

    assert response.status_code == 409
    assert Project.objects.get(pk=project.pk).stage == Stage.TENDERING


# --- Problems and returns ------------------------------------------------------------------


def test_problem_raise_and_close_through_the_pages(client, street_officer, project):
    client.force_login(street_officer)

    raised = client.post(
        reverse("programmes:problem-raise", args=[project.pk]),
        {"title": "雨水井盖缺失", "severity": "critical", "description": "3栋门口"},
    )
    assert raised.status_code == 302
    problem = SiteProblem.objects.get()
    assert (problem.title, problem.created_by) == ("雨水井盖缺失", street_officer)
    close_url = reverse("programmes:problem-close", args=[problem.pk])

    missing = client.post(close_url, {"resolution": "", "version": problem.version})
    assert missing.status_code == 200
    assert missing.context["form"].errors["resolution"]
    assert SiteProblem.objects.get().status == SiteProblem.Status.OPEN

    closed = client.post(close_url, {"resolution": "已补装井盖", "version": problem.version})
    assert closed.status_code == 302
    problem.refresh_from_db()
    assert problem.status == SiteProblem.Status.CLOSED
    assert problem.closed_by == street_officer

    again = client.post(close_url, {"resolution": "重复关闭", "version": problem.version})
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()
    stale = client.post(close_url, {"resolution": "重复关闭", "version": problem.version - 1})
    assert stale.status_code == 409
    assert SiteProblem.objects.get().resolution == "已补装井盖"


def test_report_return_through_the_page(
    client, district_official, street_officer, project, item_small, file_report, today
):
    file_report(
        project=project,
        by=street_officer,
        quantities={item_small.pk: "40"},
        report_date=today - dt.timedelta(days=1),
    )
    report = file_report(project=project, by=street_officer, quantities={item_small.pk: "70"})
    client.force_login(district_official)
    url = reverse("programmes:report-return", args=[report.pk])

    empty = client.post(url, {"comment": " ", "version": report.version})
    assert empty.status_code == 200
    assert ProgressReport.objects.get(pk=report.pk).status == ProgressReport.Status.SUBMITTED

    response = client.post(url, {"comment": "请补充现场照片", "version": report.version})

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.RETURNED
    assert report.return_comment == "请补充现场照片"
    assert Project.objects.get(pk=project.pk).progress == Decimal("40.00")
    detail = client.get(project.get_absolute_url()).content.decode()
    assert "请补充现场照片" in detail


def test_progress_saved_message_gives_the_new_progress(
    client, street_officer, project, item_small, item_large, today
):
    client.force_login(street_officer)

    response = client.post(
        reverse("programmes:progress-file", args=[project.pk]),
        {
            "report_date": today.isoformat(),
            f"item_{item_small.pk}": "50",
            f"item_{item_large.pk}": "200",
        },
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert "87.50%" in messages[0]

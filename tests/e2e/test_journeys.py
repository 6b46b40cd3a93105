"""The users' journeys in a real browser (see conftest.py): a street officer on a phone, a
district official at a desk, a resident with the QR code of a printed notice. Every page a
journey visits is also switched to English and back with the page's own language switch."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from programmes.models import ProgressReport, Project, SiteProblem, Stage

from .conftest import PHONE, zh

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def expect(target):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


# --- Journey 1: a street officer on site, on a phone ---------------------------------------


def _construction_project() -> Project:
    """A project of 草堂街道 under construction (the demo account `street`), with a work item
    not yet complete and no report for today."""
    today = timezone.localdate()
    candidates = (
        Project.objects.filter(compound__street__name="草堂街道", stage=Stage.CONSTRUCTION)
        .exclude(reports__report_date=today)
        .select_related("compound")
        .order_by("compound__name")
    )
    for project in candidates:
        if project.compound.current_project_id != project.pk:
            continue
        if any(i.completed_quantity < i.planned_quantity for i in project.work_items.all()):
            return project
    raise AssertionError("the demo has no 草堂街道 project under construction to report on")


def test_street_officer_files_progress_and_closes_a_problem(demo, journey):
    project = _construction_project()
    compound = project.compound
    items = list(project.work_items.select_related("work_type").order_by("id"))
    open_item = next(i for i in items if i.completed_quantity < i.planned_quantity)
    other_item = next(i for i in items if i.pk != open_item.pk)
    reports_before = ProgressReport.objects.filter(project=project).count()
    page = journey.open(PHONE, label="street")

    journey.login(page, "street")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    journey.shot(page, "dashboard")
    journey.check_language_switch(page, "Overview")

    # The registry, searched by name.
    page.get_by_role("link", name=zh("Compound registry"), exact=True).click()
    expect(page.get_by_role("heading", name=zh("Compound registry"))).to_be_visible()
    journey.check_language_switch(page, "Compound registry")
    page.get_by_role("searchbox").fill(compound.name)
    page.get_by_role("button", name=zh("Search"), exact=True).click()
    result = page.get_by_role("link", name=compound.name, exact=True)
    expect(result).to_have_count(1)
    journey.shot(page, "search")
    result.click()

    expect(page.get_by_role("heading", name=compound.name, level=1)).to_be_visible()
    journey.shot(page, "compound")
    journey.check_language_switch(page, "File today's progress")

    # Today's progress, first with a negative quantity: refused in Chinese, nothing saved.
    page.get_by_role("link", name=zh("File today's progress")).click()
    expect(page.get_by_role("heading", name=zh("Today's progress report"))).to_be_visible()
    journey.check_language_switch(page, "Today's progress report")
    journey.shot(page, "progress-form")
    new_quantity = min(open_item.completed_quantity + 1, open_item.planned_quantity)
    page.locator(f"#id_item_{other_item.pk}").fill("-5")
    page.locator(f"#id_item_{open_item.pk}").fill(str(new_quantity))
    page.get_by_role("button", name=zh("Submit report")).click()
    error = page.locator("fieldset.has-error .error")
    expect(error).to_have_text(zh("The quantity cannot be negative."))
    expect(page.get_by_role("alert")).to_contain_text(
        zh("Please correct the errors below. Nothing was saved.")
    )
    journey.shot(page, "progress-refused")
    assert ProgressReport.objects.filter(project=project).count() == reports_before
    open_item.refresh_from_db()
    assert open_item.completed_quantity < new_quantity

    # Corrected: saved, and the project page says so.
    page.locator(f"#id_item_{other_item.pk}").fill("")
    page.get_by_role("button", name=zh("Submit report")).click()
    expect(page.get_by_role("heading", name=compound.name, level=1)).to_be_visible()
    project.refresh_from_db()
    saved = ProgressReport.objects.get(project=project, report_date=timezone.localdate())
    assert saved.created_by.username == "street"
    assert {line.work_item_id: line.quantity_to_date for line in saved.lines.all()} == {
        open_item.pk: Decimal(new_quantity)
    }
    expect(page.get_by_role("status")).to_contain_text(
        zh("Progress report for %(date)s saved. Project progress is now %(p)s%%.")
        % {"date": saved.report_date, "p": project.progress}
    )
    journey.shot(page, "progress-saved")

    # A site problem: raised, listed, closed with a resolution.
    page.get_by_role("link", name=zh("Raise a site problem")).click()
    expect(page.get_by_role("heading", name=zh("Raise a site problem"))).to_be_visible()
    journey.check_language_switch(page, "Raise a site problem")
    title = "3号楼雨水立管破裂"
    page.locator("#id_title").fill(title)
    page.locator("#id_severity").select_option("high")
    page.locator("#id_description").fill("单元门口积水，需当日更换。")
    journey.shot(page, "problem-form")
    page.get_by_role("button", name=zh("Record problem")).click()
    expect(page.get_by_role("status")).to_contain_text(zh("Problem recorded."))
    problem = SiteProblem.objects.get(project=project, title=title)
    assert problem.status == SiteProblem.Status.OPEN
    assert problem.severity == "high"
    listed = page.locator("#problems li", has_text=title)
    expect(listed).to_contain_text(zh("Open"))
    journey.shot(page, "problem-raised")

    listed.get_by_role("link", name=zh("Close with a resolution")).click()
    expect(page.get_by_role("heading", name=zh("Close a site problem"))).to_be_visible()
    journey.check_language_switch(page, "Close a site problem")
    page.locator("#id_resolution").fill("已更换立管，积水清理完毕。")
    journey.shot(page, "problem-close-form")
    page.get_by_role("button", name=zh("Close problem")).click()
    expect(page.get_by_role("status")).to_contain_text(zh("Problem closed."))
    listed = page.locator("#problems li", has_text=title)
    expect(listed).to_contain_text("已更换立管，积水清理完毕。")
    expect(listed.get_by_role("link", name=zh("Close with a resolution"))).to_have_count(0)
    problem.refresh_from_db()
    assert problem.status == SiteProblem.Status.CLOSED
    assert problem.resolution == "已更换立管，积水清理完毕。"
    assert problem.closed_by.username == "street"
    journey.shot(page, "problem-closed")


# --- Journey 2: a district official at a desk ----------------------------------------------


def _consultation_project() -> Project:
    """A 青羊区 project in consultation whose latest survey is below the programme's threshold
    and with no passed owners' vote: the gate to design refuses it."""
    from programmes import services

    for project in (
        Project.objects.filter(stage=Stage.CONSULTATION, compound__street__district__name="青羊区")
        .select_related("compound__street", "programme")
        .order_by("compound__name")
    ):
        survey = project.surveys.order_by("-held_on", "-id").first()
        if survey is None or survey.support_rate >= project.programme.support_threshold:
            continue
        if not services.project_stage_gate(project=project, to_stage=Stage.DESIGN).allowed:
            return project
    raise AssertionError("the demo has no 青羊区 project in consultation below the threshold")


def _kpi(page, heading: str) -> str:
    """The big figure of a dashboard tile, e.g. '12' of '12 open' or '45.67%'."""
    tile = page.locator(".kpi", has=page.get_by_role("heading", name=zh(heading), exact=True))
    return tile.locator(".big").inner_text().split()[0]


def _open_problems_in(district) -> int:
    return SiteProblem.objects.filter(
        status=SiteProblem.Status.OPEN, project__compound__street__district=district
    ).count()


def _district_snapshot(district):
    from renovation.models import ScopeKind
    from reporting.models import ScopeSnapshot
    from reporting.rollups.figures import SnapshotFigures

    snapshot = ScopeSnapshot.objects.filter(
        scope_kind=ScopeKind.DISTRICT, scope_id=district.pk
    ).latest("as_of", "id")
    return SnapshotFigures(snapshot.figures)


def _workbook(path):
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book}


def test_district_official_follows_the_rollup_moves_a_project_and_exports(demo, journey, settings):
    from django.utils import translation

    from governance.models import Matter, OwnerVote
    from programmes import services
    from programmes.models import StageTransition, Street
    from renovation.models import DirtyScope, User
    from reporting.exports.ledger import sheet_titles

    from .conftest import DEMO_PASSWORD, DESKTOP

    official = User.objects.get(username="district")
    district = official.district
    page = journey.open(DESKTOP, label="district")
    journey.login(page, "district")
    journey.shot(page, "dashboard")
    journey.check_language_switch(page, "Site problems")

    # The dashboard reads the snapshot the rollup wrote, which matches the records.
    open_before = int(_kpi(page, "Site problems"))
    progress_before = _kpi(page, "Weighted progress")
    assert open_before == _open_problems_in(district)
    assert progress_before == f"{_district_snapshot(district).weighted_progress}%"

    # The street files a report and raises a problem (journey 1's records, through the same
    # services): each change marks its scopes and the refresh runs after commit, in-process
    # here as Celery is eager in tests.
    street = User.objects.get(username="street")
    project = _construction_project()
    item = max(
        (i for i in project.work_items.all() if i.completed_quantity < i.planned_quantity),
        key=lambda i: i.budget * (i.planned_quantity - i.completed_quantity) / i.planned_quantity,
    )
    services.progress_report_file(
        project=project,
        by=street,
        report_date=timezone.localdate(),
        quantities={item.pk: item.planned_quantity},
    )
    services.site_problem_raise(
        project=project, by=street, title="消防通道被占用", severity="critical"
    )
    assert not DirtyScope.objects.exists()

    page.reload()
    journey.shot(page, "dashboard-after-rollup")
    assert int(_kpi(page, "Site problems")) == open_before + 1 == _open_problems_in(district)
    progress_after = _kpi(page, "Weighted progress")
    assert progress_after == f"{_district_snapshot(district).weighted_progress}%"
    assert progress_after != progress_before

    # Out of consultation with too little support: refused, with the gate's reason.
    target = _consultation_project()
    compound = target.compound
    with translation.override("zh-hans"):
        reasons = services.project_stage_gate(project=target, to_stage=Stage.DESIGN).problems
    page.get_by_role("link", name=zh("Compound registry"), exact=True).click()
    journey.check_language_switch(page, "Compound registry")
    page.get_by_role("searchbox").fill(compound.name)
    page.get_by_role("button", name=zh("Search"), exact=True).click()
    page.get_by_role("link", name=compound.name, exact=True).click()
    expect(page.get_by_role("heading", name=compound.name, level=1)).to_be_visible()
    journey.check_language_switch(page, "Change stage")
    page.get_by_role("link", name=zh("Change stage")).click()
    expect(page.get_by_role("heading", name=zh("Gate checks"))).to_be_visible()
    journey.check_language_switch(page, "Gate checks")
    expect(page.locator("ul.gates li.refused")).to_contain_text(reasons[0])
    page.locator("#id_to_stage").select_option(Stage.DESIGN.value)
    page.locator("#id_reason").fill("意愿征集已结束，进入方案设计。")
    page.get_by_role("button", name=zh("Change stage")).click()
    expect(page.locator(".field.has-error .error")).to_have_text(reasons)
    journey.shot(page, "stage-refused")
    target.refresh_from_db()
    assert target.stage == Stage.CONSULTATION
    assert not StageTransition.objects.filter(project=target, to_stage=Stage.DESIGN).exists()

    # The owners vote instead (Civil Code art. 278). Governance records are the street
    # office's: its officer records the vote and its tally on the governance pages.
    officer = User.objects.create_user(
        username="guanghua",
        password=DEMO_PASSWORD,
        role=User.Role.STREET_OFFICER,
        street=Street.objects.get(pk=compound.street_id),
    )
    desk = journey.open(DESKTOP, label="street-office")
    journey.login(desk, officer.username)
    desk.goto(f"/compounds/{compound.pk}/")
    journey.check_language_switch(desk, "Record and see governance")
    desk.get_by_role("link", name=zh("Record and see governance")).click()
    expect(desk.get_by_role("heading", level=1)).to_contain_text(compound.name)
    journey.check_language_switch(desk, "Owners' votes (Civil Code art. 278)")
    desk.get_by_role("link", name=zh("Record an owners' vote")).click()
    journey.check_language_switch(desk, "Record an owners' vote")
    owners, area = compound.households, compound.floor_area
    desk.locator("#id_title").fill(f"{compound.name}改造业主表决")
    desk.locator("#id_matter").select_option(Matter.RENOVATE.value)
    desk.locator("#id_held_on").fill(timezone.localdate().isoformat())
    desk.locator("#id_eligible_owners").fill(str(owners))
    desk.locator("#id_eligible_area").fill(str(area))
    desk.locator("#id_project").select_option(str(target.pk))
    journey.shot(desk, "vote-form")
    desk.get_by_role("button", name=zh("Save")).click()
    expect(desk.get_by_role("status")).to_contain_text(zh("Vote recorded. Now enter its tally."))
    journey.check_language_switch(desk, "Enter the tally as totals")
    desk.get_by_role("link", name=zh("Enter the tally as totals")).click()
    journey.check_language_switch(desk, "Owners in favour")
    # 90% of the owners and of the area take part, 80% of all are in favour: art. 278 passes.
    took_part, in_favour = owners * 9 // 10, owners * 8 // 10
    area_took_part = (area * Decimal("0.9")).quantize(Decimal("0.01"))
    area_in_favour = (area * Decimal("0.8")).quantize(Decimal("0.01"))
    desk.locator("#id_participating_owners").fill(str(took_part))
    desk.locator("#id_participating_area").fill(str(area_took_part))
    desk.locator("#id_agree_owners").fill(str(in_favour))
    desk.locator("#id_agree_area").fill(str(area_in_favour))
    desk.locator("#id_oppose_owners").fill(str(took_part - in_favour))
    desk.locator("#id_oppose_area").fill(str(area_took_part - area_in_favour))
    desk.get_by_role("button", name=zh("Save")).click()
    expect(desk.get_by_role("status")).to_contain_text(zh("Tally saved: the vote passed."))
    expect(desk.locator(".verdict")).to_have_text(zh("Passed: quorum reached and approved."))
    journey.shot(desk, "vote-passed")
    vote = OwnerVote.objects.get(compound=compound, project=target)
    assert vote.passed

    # Now the official moves the project to design, and the gate names the vote.
    page.goto(page.url)  # a fresh GET: reloading would post the refused form again
    expect(page.locator("ul.gates li.ok").first).to_contain_text(vote.title)
    journey.shot(page, "stage-allowed")
    page.locator("#id_to_stage").select_option(Stage.DESIGN.value)
    page.locator("#id_reason").fill("业主表决通过，进入方案设计。")
    page.get_by_role("button", name=zh("Change stage")).click()
    expect(page.get_by_role("status")).to_contain_text(
        zh("The project moved to “%(stage)s”.") % {"stage": zh(Stage.DESIGN.label)}
    )
    journey.shot(page, "stage-changed")
    target.refresh_from_db()
    assert target.stage == Stage.DESIGN
    transition = StageTransition.objects.get(project=target, to_stage=Stage.DESIGN)
    assert transition.by == official
    assert vote.title in transition.gate_evidence

    # The ledger of the street, downloaded from the reports page and opened.
    page.get_by_role("link", name=zh("Reports and exports"), exact=True).click()
    expect(page.get_by_role("heading", name=zh("Reports and exports"), level=1)).to_be_visible()
    journey.check_language_switch(page, "Reports and exports")
    street_label = f"{district.name} · {compound.street.name}"
    page.locator("#ledger-street").select_option(label=street_label)
    page.locator("#ledger-unit").select_option("yuan")
    journey.shot(page, "ledger-form")
    with page.expect_download() as download:
        page.get_by_role("button", name=zh("Download Excel")).click()
    at_once = journey.folder / "ledger.xlsx"
    download.value.save_as(at_once)
    assert download.value.suggested_filename.endswith(".xlsx")
    book = _workbook(at_once)

    with translation.override("zh-hans"):
        titles = list(sheet_titles().values())
        headers = {
            "compound": translation.pgettext("ledger", "Compound"),
            "stage": translation.pgettext("ledger", "Stage"),
            "households": translation.pgettext("ledger", "Households"),
        }
        compounds = {
            # An empty cell reads back as None.
            c.name: (
                c.households,
                c.current_project.get_stage_display() if c.current_project else None,
            )
            for c in compound.street.compounds.select_related("current_project")
        }
    assert list(book) == titles
    rows = book[titles[0]]
    columns = {name: rows[0].index(header) for name, header in headers.items()}
    listed = {
        row[columns["compound"]]: (row[columns["households"]], row[columns["stage"]])
        for row in rows[1:]
    }
    assert listed == compounds
    assert listed[compound.name] == (compound.households, zh(Stage.DESIGN.label))

    # A ledger too large to write at once is a background job: its page offers the file.
    settings.RENOVATION_EXPORT_ASYNC_COMPOUNDS = 0
    page.get_by_role("button", name=zh("Download Excel")).click()
    expect(page.get_by_role("heading", name=zh("Ledger export"), level=1)).to_be_visible()
    journey.check_language_switch(page, "Ledger export")
    journey.shot(page, "export-job")
    with page.expect_download() as download:
        page.get_by_role("link", name=zh("Download"), exact=True).click()
    in_background = journey.folder / "ledger-job.xlsx"
    download.value.save_as(in_background)
    assert _workbook(in_background) == book


# --- Journey 3: a resident with the printed notice -----------------------------------------


def _open_disclosure():
    """The demo's published disclosure still taking objections (its window is moved to
    include today, through the service, when the demo's date has passed)."""
    import datetime as dt

    from governance import services
    from governance.models import Disclosure
    from renovation.models import User

    disclosure = Disclosure.objects.get(token="demo-approved-2026")
    today = timezone.localdate()
    if not disclosure.accepts_objections_on(today):
        disclosure = services.disclosure_update(
            disclosure=disclosure,
            by=User.objects.get(username="admin"),
            version=disclosure.version,
            title=disclosure.title,
            summary=disclosure.summary,
            window_starts_on=today - dt.timedelta(days=2),
            window_ends_on=today + dt.timedelta(days=7),
            objection_deadline=today + dt.timedelta(days=5),
            published=True,
        )
    assert disclosure.accepts_objections_on(today)
    return disclosure


def test_resident_scans_the_notice_and_lodges_an_objection(demo, journey, live_server):
    import io

    import segno

    from governance.models import Suggestion

    disclosure = _open_disclosure()
    page = journey.open(PHONE, label="resident")

    # The printed notice: its QR code encodes exactly the address printed beside it.
    page.goto(f"/public/d/{disclosure.token}/print/")
    expect(page.get_by_role("heading", name=disclosure.title, level=1)).to_be_visible()
    journey.shot(page, "notice")
    journey.check_language_switch(page, "Public disclosure of a renovation plan")
    printed = page.locator(".notice-qr .url").inner_text().strip()
    assert printed == f"{live_server.url}/public/d/{disclosure.token}/"
    qr = page.locator(".notice-qr img")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    served = page.request.get(qr.evaluate("img => img.src"))
    assert served.ok
    assert served.headers["content-type"] == "image/svg+xml"
    # The same QR code made from the printed text (with the view's drawing options).
    expected = io.BytesIO()
    segno.make(printed, error="m").save(
        expected, kind="svg", scale=6, border=2, xmldecl=False, title=disclosure.title
    )
    assert served.body() == expected.getvalue()

    # Scanning the code opens that address on the phone.
    page.goto(printed)
    expect(
        page.get_by_role("heading", name=zh("Lodge an objection or a suggestion"))
    ).to_be_visible()
    journey.shot(page, "public-page")
    journey.check_language_switch(page, "Lodge an objection or a suggestion")

    # Too short a message: refused, nothing stored; then a real objection.
    before = Suggestion.objects.filter(disclosure=disclosure).count()
    page.get_by_label(zh("An objection")).check()
    page.locator("#id_text").fill("不同意")
    page.get_by_role("button", name=zh("Send"), exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        zh("Please correct the errors below. Nothing was saved.")
    )
    expect(page.locator(".field.has-error .error")).to_be_visible()
    journey.shot(page, "objection-refused")
    assert Suggestion.objects.filter(disclosure=disclosure).count() == before

    text = "加装电梯的费用分摊方案对一楼住户不公平，请重新征求意见。"
    page.get_by_label(zh("An objection")).check()
    page.locator("#id_text").fill(text)
    page.locator("#id_contact").fill("138****0000")
    page.get_by_role("button", name=zh("Send"), exact=True).click()
    expect(page.get_by_role("status")).to_contain_text(
        zh("Thank you. Your message was received and will be answered by the street office.")
    )
    journey.shot(page, "objection-received")
    stored = Suggestion.objects.get(disclosure=disclosure, text=text)
    assert stored.kind == Suggestion.Kind.OBJECTION
    assert stored.channel == Suggestion.Channel.PUBLIC
    assert stored.compound_id == disclosure.project.compound_id
    assert Suggestion.objects.filter(disclosure=disclosure).count() == before + 1

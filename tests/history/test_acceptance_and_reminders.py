"""An acceptance date corrected in admin reaches the project's completion date; the survey
reminder reads the compound survey that the design gate reads."""

from __future__ import annotations

import datetime as dt

from governance.models import OpinionSurvey
from programmes.models import Project, Stage
from programmes.work_setup_services import acceptance_record_save
from reporting.notifications import rules
from tests import factories


def test_acceptance_date_corrected_through_its_service_moves_completed_on(
    district_official, programme, street_a, today
):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.ACCEPTED
    )
    record = factories.AcceptanceRecordFactory(project=project, accepted_on=today)
    Project.objects.filter(pk=project.pk).update(completed_on=today)
    Project.objects.filter(pk=project.pk).update(started_on=dt.date(today.year - 3, 3, 1))
    corrected = dt.date(today.year - 2, 6, 30)

    acceptance_record_save(
        project=project,
        by=district_official,
        accepted_on=corrected,
        residents_present=5,
        version=record.version,
    )

    project.refresh_from_db()
    assert project.completed_on == corrected
    assert project.history.first().history_user == district_official


def test_survey_reminder_ignores_a_later_unit_survey(programme, street_a):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.CONSULTATION
    )
    compound_survey = factories.OpinionSurveyFactory(
        project=project, forms_returned=100, support=50, oppose=50
    )
    building = factories.BuildingFactory(compound=project.compound)
    factories.OpinionSurveyFactory(
        project=project,
        held_on=compound_survey.held_on + dt.timedelta(days=3),
        scope_kind="unit",
        building=building,
        unit="2单元",
        forms_issued=12,
        forms_returned=12,
        support=12,
        oppose=0,
    )

    flagged = list(rules.surveys_below_threshold(OpinionSurvey.objects.all()))

    assert flagged == [compound_survey]

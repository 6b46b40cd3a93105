"""An acceptance date corrected in admin reaches the project's completion date; the survey
reminder reads the compound survey that the design gate reads."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from governance.models import OpinionSurvey
from programmes.models import Project, Stage
from reporting.notifications import rules
from tests import factories


def test_acceptance_date_corrected_in_admin_moves_completed_on(client, programme, street_a, today):
    project = factories.ProjectFactory(
        programme=programme, compound__street=street_a, stage=Stage.ACCEPTED
    )
    record = factories.AcceptanceRecordFactory(project=project, accepted_on=today)
    Project.objects.filter(pk=project.pk).update(completed_on=today)
    root = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(root)
    corrected = dt.date(today.year - 2, 6, 30)

    response = client.post(
        reverse("admin:programmes_acceptancerecord_change", args=[record.pk]),
        {
            "project": project.pk,
            "accepted_on": corrected.isoformat(),
            "residents_present": "5",
            "participants": "",
            "passed": "on",
            "notes": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    project.refresh_from_db()
    assert project.completed_on == corrected
    assert project.history.first().history_user == root


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

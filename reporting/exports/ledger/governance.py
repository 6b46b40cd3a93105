"""The governance sheets of the ledger: the figures per compound, and the committee members
with personal data masked by role."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import pgettext_lazy

from governance import figures as gf
from governance.masking import mask_name, mask_phone
from governance.models import (
    CommitteeMember,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    Suggestion,
)
from renovation.access import can_see_personal_data
from renovation.figures import Figure, aggregates
from renovation.xlsx import Column, Table, percent_cell

from ..scope import LedgerScope
from .common import CHUNK, _yesno, sheet_titles

if TYPE_CHECKING:
    from renovation.models import User


def _grouped(queryset, key: str, figures: tuple[Figure, ...]) -> dict[int, dict]:
    """The figures per compound (one grouped query); a compound without rows is absent, so
    its cells stay empty where "none recorded" differs from zero."""
    return {
        row["_key"]: {f.key: f.clean(row[f.alias]) for f in figures}
        for row in queryset.order_by().values(_key=F(key)).annotate(**aggregates(figures))
    }


def _latest_of_current_project(model):
    """The latest record of each compound's current project (the survey that gates design,
    the evaluation that gates hand-over)."""
    latest = (
        model.objects.filter(project=OuterRef("project"))
        .order_by("-held_on", "-id")
        .values("pk")[:1]
    )
    return model.objects.filter(
        pk=Subquery(latest), project__compound__current_project=F("project")
    )


def governance_table(*, user: User, scope: LedgerScope, unit: str) -> Table:
    columns = [
        Column(pgettext_lazy("ledger", "District"), width=10),
        Column(pgettext_lazy("ledger", "Street office"), width=12),
        Column(pgettext_lazy("ledger", "Compound"), width=20),
        Column(pgettext_lazy("ledger", "Committees"), "int", 9),
        Column(pgettext_lazy("ledger", "Committee members"), "int", 9),
        Column(pgettext_lazy("ledger", "Meetings"), "int", 9),
        Column(pgettext_lazy("ledger", "Meeting attendance"), "int", 9),
        Column(pgettext_lazy("ledger", "Survey forms issued"), "int", 9),
        Column(pgettext_lazy("ledger", "Survey forms returned"), "int", 9),
        Column(pgettext_lazy("ledger", "In favour"), "int", 9),
        Column(pgettext_lazy("ledger", "Support rate"), "percent", 9),
        Column(pgettext_lazy("ledger", "Owners' votes"), "int", 9),
        Column(pgettext_lazy("ledger", "Votes passed"), "int", 9),
        Column(pgettext_lazy("ledger", "Suggestions"), "int", 9),
        Column(pgettext_lazy("ledger", "Suggestions open"), "int", 9),
        Column(pgettext_lazy("ledger", "Satisfaction respondents"), "int", 9),
        Column(pgettext_lazy("ledger", "Satisfied"), "int", 9),
        Column(pgettext_lazy("ledger", "Satisfaction rate"), "percent", 9),
    ]

    def rows() -> Iterator[list]:
        compounds = scope.compounds(user)
        in_scope = compounds.values("pk")

        def per_compound(model, figures: tuple[Figure, ...]) -> dict[int, dict]:
            """The figures of the records the user may see, per compound in scope."""
            visible = model.objects.visible_to(user).filter(compound__in=in_scope)
            return _grouped(visible, "compound", figures)

        def latest_per_compound(model, figures: tuple[Figure, ...]) -> dict[int, dict]:
            """The figures of each compound's latest record of its current project."""
            latest = _latest_of_current_project(model).filter(project__compound__in=in_scope)
            return _grouped(latest, "project__compound", figures)

        committees = per_compound(ResidentCommittee, gf.COMMITTEE_FIGURES)
        meetings = per_compound(Meeting, gf.MEETING_FIGURES)
        surveys = latest_per_compound(OpinionSurvey, gf.SURVEY_FIGURES)
        votes = per_compound(OwnerVote, gf.VOTE_FIGURES)
        suggestions = per_compound(Suggestion, gf.SUGGESTION_FIGURES)
        satisfaction = latest_per_compound(SatisfactionSurvey, gf.SATISFACTION_FIGURES)
        empty: dict = {}
        ordered = compounds.select_related("street__district").order_by(
            "street__district_id", "street_id", "name", "id"
        )
        for c in ordered.only("name", "street__name", "street__district__name").iterator(
            chunk_size=CHUNK
        ):
            com = committees.get(c.pk, empty)
            meet = meetings.get(c.pk, empty)
            sur = surveys.get(c.pk, empty)
            vote = votes.get(c.pk, empty)
            sug = suggestions.get(c.pk, empty)
            sat = satisfaction.get(c.pk, empty)
            yield [
                c.street.district.name,
                c.street.name,
                c.name,
                com.get("committees", 0),
                com.get("committee_members", 0),
                meet.get("meetings", 0),
                meet.get("meeting_attendance", 0),
                sur.get("forms_issued"),
                sur.get("forms_returned"),
                sur.get("support"),
                percent_cell(gf.SUPPORT_RATE.value(sur)) if sur else None,
                vote.get("votes", 0),
                vote.get("votes_passed", 0),
                sug.get("suggestions", 0),
                sug.get("suggestions_open", 0),
                sat.get("respondents"),
                sat.get("satisfied"),
                percent_cell(gf.SATISFACTION_RATE.value(sat)) if sat else None,
            ]

    return Table(sheet_titles()["governance"], columns, rows())


def members_table(*, user: User, scope: LedgerScope, unit: str) -> Table:
    """Named committee members. Personal data (name, phone) is shown only to the street
    officers of the committee's street and the officials of its district; masked otherwise."""
    columns = [
        Column(pgettext_lazy("ledger", "District"), width=10),
        Column(pgettext_lazy("ledger", "Street office"), width=12),
        Column(pgettext_lazy("ledger", "Compound"), width=20),
        Column(pgettext_lazy("ledger", "Committee"), width=20),
        Column(pgettext_lazy("ledger", "Role"), width=10),
        Column(pgettext_lazy("ledger", "Name"), width=10),
        Column(pgettext_lazy("ledger", "Phone"), width=14),
        Column(pgettext_lazy("ledger", "Building"), width=8),
        Column(pgettext_lazy("ledger", "Unit"), width=8),
        Column(pgettext_lazy("ledger", "Party member"), width=8),
    ]

    def rows() -> Iterator[list]:
        members = (
            CommitteeMember.objects.visible_to(user)
            .filter(
                Q(committee__compound__in=scope.compounds(user).values("pk"))
                | (
                    Q(committee__compound__isnull=True, committee__area__isnull=False)
                    & _area_committee_q(scope)
                )
            )
            .select_related("committee__street__district", "committee__compound")
            .order_by(
                "committee__street__district_id", "committee__street_id", "committee_id", "id"
            )
        )
        for m in members.iterator(chunk_size=CHUNK):
            committee = m.committee
            street = committee.street
            personal = can_see_personal_data(
                user, street_id=street.pk, district_id=street.district_id
            )
            yield [
                street.district.name,
                street.name,
                committee.compound.name if committee.compound else "",
                committee.name,
                m.get_role_display(),
                m.name if personal else mask_name(m.name),
                m.phone if personal else mask_phone(m.phone),
                m.building,
                m.unit,
                _yesno(m.is_party_member),
            ]

    return Table(sheet_titles()["members"], columns, rows())


def _area_committee_q(scope: LedgerScope) -> Q:
    """Committees formed for a whole area (no compound) belong to the scope through their
    street and area; they have no project, so a programme or year scope leaves them out."""
    if scope.programme is not None or scope.year is not None:
        return Q(pk__in=[])
    q = Q()
    if scope.district is not None:
        q &= Q(committee__street__district=scope.district.pk)
    if scope.street is not None:
        q &= Q(committee__street=scope.street.pk)
    if scope.area is not None:
        q &= Q(committee__area=scope.area.pk)
    return q

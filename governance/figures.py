"""The figures of resident governance: committees, meetings (坝坝会), opinion surveys, owners'
votes, maintenance-fund collection, suggestions, satisfaction with the works and long-term
management, with their rates. Each is defined here once (see renovation/figures/registry.py).

A project's opinion survey and satisfaction evaluation count by their latest record (the one
that gates design and hand-over). Governance figures are not kept for programmes: the records
belong to compounds, not to plans.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import F, OuterRef, Q, Subquery, Sum
from django.utils.translation import gettext_lazy as _

from programmes.figures import PROJECT_PATHS, through
from renovation.figures import Derived, Figure, Source, Unit, register

from .models import OpinionSurvey, OwnerVote, SatisfactionSurvey

# Answered within a day: the same rhythm as site problems (每日调度、次日报告、当日解决).
ANSWER_WITHIN = timedelta(hours=24)
# Suggestions not yet answered or closed.
SUGGESTION_OPEN = ("received", "assigned")


def latest_per_project(model) -> Subquery:
    """The id of the latest record (by date, then id) of `model` for the outer query's project."""
    return Subquery(
        model.objects.filter(project=OuterRef("project"))
        .order_by("-held_on", "-id")
        .values("pk")[:1]
    )


def _no_programme(paths: dict) -> dict:
    return {kind: path for kind, path in paths.items() if kind != "programme"}


BY_PROJECT = _no_programme(through("project__", PROJECT_PATHS))


def _area_committees(pk: int) -> Q:
    """A committee formed for a whole area counts in that area; a compound's in its area."""
    return Q(area=pk) | Q(area__isnull=True, compound__area=pk)


COMMITTEES_BY = (
    Source(
        "governance.ResidentCommittee",
        {
            "street": "street",
            "area": _area_committees,
            "district": "street__district",
            "city": "street__district__city",
            "province": "street__district__city__province",
            "all": None,
        },
        breakdowns={"kind": "kind"},
    ),
)


def compound_rows(model: str) -> tuple[Source, ...]:
    return (Source(model, through("compound__")),)


def latest_of(model: str, klass) -> tuple[Source, ...]:
    return (Source(model, BY_PROJECT, rows=Q(pk=latest_per_project(klass))),)


def _figure(key, label, unit, model, function=None, field="pk", condition=None, sources=()):
    kwargs = {"function": function} if function is not None else {}
    return Figure(
        key, label, unit, model, field=field, condition=condition, sources=sources, **kwargs
    )


COMMITTEES = _figure(
    "committees",
    _("Committees"),
    Unit.COUNT,
    "governance.ResidentCommittee",
    sources=COMMITTEES_BY,
)
COMMITTEE_MEMBERS = _figure(
    "committee_members",
    _("Committee members"),
    Unit.PEOPLE,
    "governance.ResidentCommittee",
    Sum,
    "headcount",
    sources=COMMITTEES_BY,
)
MEETINGS = _figure(
    "meetings",
    _("Meetings"),
    Unit.COUNT,
    "governance.Meeting",
    sources=compound_rows("governance.Meeting"),
)
MEETING_ATTENDANCE = _figure(
    "meeting_attendance",
    _("Meeting attendance"),
    Unit.PEOPLE,
    "governance.Meeting",
    Sum,
    "attendance",
    sources=compound_rows("governance.Meeting"),
)
SURVEYS = latest_of("governance.OpinionSurvey", OpinionSurvey)
SURVEYED_PROJECTS = _figure(
    "surveyed_projects",
    _("Projects surveyed"),
    Unit.COUNT,
    "governance.OpinionSurvey",
    sources=SURVEYS,
)
FORMS_ISSUED = _figure(
    "forms_issued",
    _("Survey forms issued"),
    Unit.COUNT,
    "governance.OpinionSurvey",
    Sum,
    "forms_issued",
    sources=SURVEYS,
)
FORMS_RETURNED = _figure(
    "forms_returned",
    _("Survey forms returned"),
    Unit.COUNT,
    "governance.OpinionSurvey",
    Sum,
    "forms_returned",
    sources=SURVEYS,
)
SUPPORT = _figure(
    "support",
    _("In favour"),
    Unit.HOUSEHOLDS,
    "governance.OpinionSurvey",
    Sum,
    "support",
    sources=SURVEYS,
)
TALLIED = ~Q(tally_method=OwnerVote.TallyMethod.NONE)
VOTE_ROWS = compound_rows("governance.OwnerVote")
VOTES = _figure("votes", _("Owners' votes"), Unit.COUNT, "governance.OwnerVote", sources=VOTE_ROWS)
VOTES_TALLIED = _figure(
    "votes_tallied",
    _("Votes tallied"),
    Unit.COUNT,
    "governance.OwnerVote",
    condition=TALLIED,
    sources=VOTE_ROWS,
)
VOTES_PASSED = _figure(
    "votes_passed",
    _("Votes passed"),
    Unit.COUNT,
    "governance.OwnerVote",
    condition=Q(passed=True),
    sources=VOTE_ROWS,
)
VOTES_WITHOUT_QUORUM = _figure(
    "votes_without_quorum",
    _("Votes without a quorum"),
    Unit.COUNT,
    "governance.OwnerVote",
    condition=TALLIED & Q(quorum_reached=False),
    sources=VOTE_ROWS,
)
FUND_ROWS = (Source("governance.FundCollection", BY_PROJECT),)
FUND_HOUSEHOLDS_EXPECTED = _figure(
    "fund_households_expected",
    _("Households expected to pay"),
    Unit.HOUSEHOLDS,
    "governance.FundCollection",
    Sum,
    "households_expected",
    sources=FUND_ROWS,
)
FUND_HOUSEHOLDS_PAID = _figure(
    "fund_households_paid",
    _("Households paid"),
    Unit.HOUSEHOLDS,
    "governance.FundCollection",
    Sum,
    "households_paid",
    sources=FUND_ROWS,
)
FUND_AMOUNT_EXPECTED = _figure(
    "fund_amount_expected",
    _("Maintenance fund expected"),
    Unit.YUAN,
    "governance.FundCollection",
    Sum,
    "amount_expected",
    sources=FUND_ROWS,
)
FUND_AMOUNT_COLLECTED = _figure(
    "fund_amount_collected",
    _("Maintenance fund collected"),
    Unit.YUAN,
    "governance.FundCollection",
    Sum,
    "amount_collected",
    sources=FUND_ROWS,
)
ANSWERED = Q(answered_at__isnull=False)
SUGGESTION_ROWS = compound_rows("governance.Suggestion")
SUGGESTIONS = _figure(
    "suggestions",
    _("Suggestions"),
    Unit.COUNT,
    "governance.Suggestion",
    sources=SUGGESTION_ROWS,
)
SUGGESTIONS_ANSWERED = _figure(
    "suggestions_answered",
    _("Suggestions answered"),
    Unit.COUNT,
    "governance.Suggestion",
    condition=ANSWERED,
    sources=SUGGESTION_ROWS,
)
SUGGESTIONS_WITHIN_DAY = _figure(
    "suggestions_within_day",
    _("Suggestions answered within a day"),
    Unit.COUNT,
    "governance.Suggestion",
    condition=ANSWERED & Q(answered_at__lte=F("received_at") + ANSWER_WITHIN),
    sources=SUGGESTION_ROWS,
)
SUGGESTIONS_OPEN = _figure(
    "suggestions_open",
    _("Suggestions open"),
    Unit.COUNT,
    "governance.Suggestion",
    condition=Q(status__in=SUGGESTION_OPEN),
    sources=SUGGESTION_ROWS,
)
SATISFACTION = latest_of("governance.SatisfactionSurvey", SatisfactionSurvey)
RESPONDENTS = _figure(
    "respondents",
    _("Satisfaction respondents"),
    Unit.PEOPLE,
    "governance.SatisfactionSurvey",
    Sum,
    "respondents",
    sources=SATISFACTION,
)
SATISFIED = _figure(
    "satisfied",
    _("Satisfied"),
    Unit.PEOPLE,
    "governance.SatisfactionSurvey",
    Sum,
    "satisfied",
    sources=SATISFACTION,
)
MANAGED_COMPOUNDS = Figure(
    "managed_compounds",
    _("Compounds under long-term management"),
    Unit.COUNT,
    "governance.LongTermManagement",
    field="compound",
    distinct=True,
    sources=compound_rows("governance.LongTermManagement"),
)

SUPPORT_RATE = Derived(
    "support_rate", _("Support rate"), numerator="support", denominator="forms_returned"
)
FUND_HOUSEHOLD_RATE = Derived(
    "fund_household_rate",
    _("Households paid of expected"),
    numerator="fund_households_paid",
    denominator="fund_households_expected",
)
FUND_AMOUNT_RATE = Derived(
    "fund_amount_rate",
    _("Maintenance fund collected of expected"),
    numerator="fund_amount_collected",
    denominator="fund_amount_expected",
)
WITHIN_DAY_RATE = Derived(
    "within_day_rate",
    _("Suggestions answered within a day"),
    numerator="suggestions_within_day",
    denominator="suggestions",
)
ANSWERED_RATE = Derived(
    "answered_rate",
    _("Suggestions answered"),
    numerator="suggestions_answered",
    denominator="suggestions",
)
SATISFACTION_RATE = Derived(
    "satisfaction_rate", _("Satisfaction rate"), numerator="satisfied", denominator="respondents"
)

COMMITTEE_FIGURES = (COMMITTEES, COMMITTEE_MEMBERS)
MEETING_FIGURES = (MEETINGS, MEETING_ATTENDANCE)
SURVEY_FIGURES = (SURVEYED_PROJECTS, FORMS_ISSUED, FORMS_RETURNED, SUPPORT)
VOTE_FIGURES = (VOTES, VOTES_TALLIED, VOTES_PASSED, VOTES_WITHOUT_QUORUM)
FUND_FIGURES = (
    FUND_HOUSEHOLDS_EXPECTED,
    FUND_HOUSEHOLDS_PAID,
    FUND_AMOUNT_EXPECTED,
    FUND_AMOUNT_COLLECTED,
)
SUGGESTION_FIGURES = (
    SUGGESTIONS,
    SUGGESTIONS_ANSWERED,
    SUGGESTIONS_WITHIN_DAY,
    SUGGESTIONS_OPEN,
)
SATISFACTION_FIGURES = (RESPONDENTS, SATISFIED)
MANAGEMENT_FIGURES = (MANAGED_COMPOUNDS,)
# The indicators, section by section: one grouped query each.
SECTIONS = (
    COMMITTEE_FIGURES,
    MEETING_FIGURES,
    SURVEY_FIGURES,
    VOTE_FIGURES,
    FUND_FIGURES,
    SUGGESTION_FIGURES,
    SATISFACTION_FIGURES,
    MANAGEMENT_FIGURES,
)
RATES = (
    SUPPORT_RATE,
    FUND_HOUSEHOLD_RATE,
    FUND_AMOUNT_RATE,
    WITHIN_DAY_RATE,
    ANSWERED_RATE,
    SATISFACTION_RATE,
)

register(*(figure for section in SECTIONS for figure in section), *RATES)

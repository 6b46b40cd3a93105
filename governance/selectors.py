"""Reads of resident governance: scoped querysets, the stage gates governance decides, the vote
rules in force, masked personal data, and indicators computed with SQL aggregates in a fixed
number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import (
    F,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils.translation import gettext as _

from funding.selectors import FundingMix, FundingScope, funding_mix
from programmes.gates import GateResult
from programmes.models import Compound, Project, Stage, Street
from programmes.selectors import compound_list
from renovation.access import can_see_personal_data
from renovation.figures import Figure, aggregates, cleaned

from . import figures as gf
from .masking import mask_name, mask_phone
from .models import (
    CommitteeMember,
    Disclosure,
    FundCollection,
    LongTermManagement,
    Matter,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    ScopeKind,
    Suggestion,
    VoteRule,
    VoteRuleSet,
)
from .rules import CIVIL_CODE_RULES, MatterRule, Tally, Threshold, evaluate, share

if TYPE_CHECKING:
    from renovation.models import User


# --- Vote rules ----------------------------------------------------------------------------


def matter_rule(rule: VoteRule) -> MatterRule:
    return MatterRule(
        quorum=Threshold(rule.quorum_numerator, rule.quorum_denominator, rule.quorum_strict),
        approval=Threshold(
            rule.approval_numerator, rule.approval_denominator, rule.approval_strict
        ),
    )


def vote_rule_for(
    *, city_id: int | None, on: dt.date, matter: str
) -> tuple[VoteRuleSet | None, MatterRule]:
    """The rule for `matter` in force on `on` in the city: the city's latest rule set effective
    by then, else the national default's; the Civil Code itself if the database has neither."""
    rule = (
        VoteRule.objects.filter(matter=matter, rule_set__effective_from__lte=on)
        .filter(Q(rule_set__city_id=city_id) | Q(rule_set__city__isnull=True))
        .select_related("rule_set")
        .order_by(F("rule_set__city_id").asc(nulls_last=True), "-rule_set__effective_from")
        .first()
    )
    if rule is None:
        return None, CIVIL_CODE_RULES[matter]
    return rule.rule_set, matter_rule(rule)


@dataclass
class VoteResult:
    """A tallied vote with the rule it was judged by and the four figures of art. 278."""

    vote: OwnerVote
    rule: MatterRule
    outcome: Any  # rules.VoteOutcome


def vote_result(vote: OwnerVote) -> VoteResult:
    """Recompute the outcome from the stored tally and the rule set recorded at tally time."""
    rule = CIVIL_CODE_RULES[vote.matter]
    if vote.rule_set_id:
        stored = VoteRule.objects.filter(rule_set_id=vote.rule_set_id, matter=vote.matter).first()
        if stored is not None:
            rule = matter_rule(stored)
    tally = Tally(
        eligible_owners=vote.eligible_owners,
        eligible_area=vote.eligible_area,
        participating_owners=vote.participating_owners,
        participating_area=vote.participating_area,
        agree_owners=vote.agree_owners,
        agree_area=vote.agree_area,
    )
    return VoteResult(vote=vote, rule=rule, outcome=evaluate(tally, rule))


# --- Scoped lists --------------------------------------------------------------------------


def committee_list(*, user: User) -> QuerySet[ResidentCommittee]:
    return ResidentCommittee.objects.visible_to(user).select_related(
        "street__district", "compound", "area"
    )


def member_list(*, user: User) -> QuerySet[CommitteeMember]:
    return CommitteeMember.objects.visible_to(user).select_related("committee__street__district")


def meeting_list(*, user: User) -> QuerySet[Meeting]:
    return Meeting.objects.visible_to(user).select_related("compound__street__district", "project")


def vote_list(*, user: User) -> QuerySet[OwnerVote]:
    return OwnerVote.objects.visible_to(user).select_related(
        "compound__street__district", "building", "project", "rule_set"
    )


def suggestion_list(*, user: User) -> QuerySet[Suggestion]:
    return Suggestion.objects.visible_to(user).select_related(
        "compound__street__district", "project", "answered_by"
    )


def disclosure_list(*, user: User) -> QuerySet[Disclosure]:
    return Disclosure.objects.visible_to(user).select_related(
        "project__compound__street__district", "project__programme"
    )


def project_in_scope(*, user: User, pk: int) -> Project:
    return (
        Project.objects.visible_to(user)
        .select_related("compound__street__district", "programme", "acceptance")
        .get(pk=pk)
    )


def compound_in_scope(*, user: User, pk: int) -> Compound:
    return compound_list(user=user).select_related("street__district__city").get(pk=pk)


# --- Personal data -------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    pk: int
    name: str
    role: str
    building: str
    unit: str
    is_party_member: bool
    phone: str
    masked: bool


def member_row(member: CommitteeMember, *, personal: bool) -> MemberRow:
    return MemberRow(
        pk=member.pk,
        name=member.name if personal else mask_name(member.name),
        role=member.get_role_display(),
        building=member.building,
        unit=member.unit,
        is_party_member=member.is_party_member,
        phone=member.phone if personal else mask_phone(member.phone),
        masked=not personal,
    )


@dataclass
class CommitteeRow:
    committee: ResidentCommittee
    members: list[MemberRow]

    @property
    def listed(self) -> int:
        return len(self.members)


def personal_data_visible(user: User, compound: Compound) -> bool:
    return can_see_personal_data(
        user, street_id=compound.street_id, district_id=compound.street.district_id
    )


def suggestion_contact(suggestion: Suggestion, *, personal: bool) -> str:
    if personal:
        return suggestion.contact
    return mask_phone(suggestion.contact) if suggestion.contact else ""


# --- Gates (registered into programmes.gates by GovernanceConfig.ready) ------------------


def _gate(problems: list[str], evidence: str = "") -> GateResult:
    return GateResult(problems, evidence)


def passed_renovation_vote(project: Project) -> OwnerVote | None:
    """A passed vote to renovate covering the whole compound, for this project or for none."""
    return (
        OwnerVote.objects.filter(
            compound_id=project.compound_id,
            matter=Matter.RENOVATE,
            scope_kind=ScopeKind.COMPOUND,
            passed=True,
        )
        .filter(Q(project=project) | Q(project__isnull=True))
        .order_by("-held_on", "-id")
        .first()
    )


def vote_evidence(vote: OwnerVote) -> str:
    return _(
        "Owners' vote “%(title)s” of %(date)s passed under Civil Code art. 278: owners with "
        "%(pa)s%% of the area and %(ph)s%% of the owners took part; %(aa)s%% of the participating "
        "area and %(ah)s%% of the participating owners were in favour."
    ) % {
        "title": vote.title,
        "date": vote.held_on,
        "pa": share(vote.participating_area, vote.eligible_area),
        "ph": share(vote.participating_owners, vote.eligible_owners),
        "aa": share(vote.agree_area, vote.participating_area),
        "ah": share(vote.agree_owners, vote.participating_owners),
    }


def consultation_gate(project: Project, survey: GateResult) -> GateResult:
    """Leaving consultation for design: the opinion survey at or above the programme's
    threshold (`survey`, checked by programmes.services), or else a passed owners' vote to
    renovate the whole compound (Civil Code art. 278)."""
    if survey.allowed:
        return survey
    vote = passed_renovation_vote(project)
    if vote is not None:
        return _gate([], vote_evidence(vote))
    latest = (
        OwnerVote.objects.filter(
            compound_id=project.compound_id,
            matter=Matter.RENOVATE,
            scope_kind=ScopeKind.COMPOUND,
        )
        .filter(Q(project=project) | Q(project__isnull=True))
        .exclude(tally_method=OwnerVote.TallyMethod.NONE)
        .order_by("-held_on", "-id")
        .first()
    )
    if latest is None:
        alternative = _(
            "No owners' vote to renovate the whole compound has passed either (Civil Code "
            "art. 278)."
        )
    elif not latest.quorum_reached:
        alternative = _(
            "The owners' vote “%(title)s” of %(date)s did not reach the quorum of art. 278."
        ) % {"title": latest.title, "date": latest.held_on}
    else:
        alternative = _(
            "The owners' vote “%(title)s” of %(date)s did not approve the renovation."
        ) % {"title": latest.title, "date": latest.held_on}
    return _gate([*survey.problems, alternative])


def latest_satisfaction(project: Project) -> SatisfactionSurvey | None:
    return project.satisfaction_surveys.order_by("-held_on", "-id").first()


def current_management(compound_id: int) -> LongTermManagement | None:
    return (
        LongTermManagement.objects.filter(compound_id=compound_id)
        .order_by("-starts_on", "-id")
        .first()
    )


def handover_gate(project: Project) -> GateResult:
    """Handing over to long-term management needs the residents' evaluation of the works
    (效果共评) and a chosen long-term management arrangement."""
    problems = []
    evidence = []
    survey = latest_satisfaction(project)
    if survey is None:
        problems.append(
            _("Record the residents' satisfaction evaluation of the works before handing over.")
        )
    else:
        evidence.append(
            _(
                "Satisfaction evaluation of %(date)s: %(satisfied)s of %(respondents)s "
                "satisfied (%(rate)s%%)."
            )
            % {
                "date": survey.held_on,
                "satisfied": survey.satisfied,
                "respondents": survey.respondents,
                "rate": survey.satisfied_rate,
            }
        )
    arrangement = current_management(project.compound_id)
    if arrangement is None:
        problems.append(
            _("Record how the compound will be managed after handover (long-term management).")
        )
    else:
        evidence.append(
            _("Long-term management: %(mode)s from %(date)s, %(fee)s yuan per m².")
            % {
                "mode": arrangement.get_mode_display(),
                "date": arrangement.starts_on,
                "fee": arrangement.fee_per_m2,
            }
        )
    return _gate(problems, " ".join(evidence))


# --- Indicators ----------------------------------------------------------------------------


@dataclass
class Indicators:
    """Governance figures for one compound, one street or everything a user may see."""

    committees: int = 0
    committee_members: int = 0
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)
    meetings: int = 0
    meeting_attendance: int = 0
    surveyed_projects: int = 0
    forms_issued: int = 0
    forms_returned: int = 0
    support: int = 0
    votes: int = 0
    votes_tallied: int = 0
    votes_passed: int = 0
    votes_without_quorum: int = 0
    fund_households_expected: int = 0
    fund_households_paid: int = 0
    fund_amount_expected: Decimal = Decimal(0)
    fund_amount_collected: Decimal = Decimal(0)
    suggestions: int = 0
    suggestions_answered: int = 0
    suggestions_within_day: int = 0
    suggestions_open: int = 0
    respondents: int = 0
    satisfied: int = 0
    managed_compounds: int = 0

    # Rates by the registry's rule (governance.figures).
    @property
    def support_rate(self) -> Decimal | None:
        return gf.SUPPORT_RATE.value(vars(self))

    @property
    def fund_household_rate(self) -> Decimal | None:
        return gf.FUND_HOUSEHOLD_RATE.value(vars(self))

    @property
    def fund_amount_rate(self) -> Decimal | None:
        return gf.FUND_AMOUNT_RATE.value(vars(self))

    @property
    def within_day_rate(self) -> Decimal | None:
        return gf.WITHIN_DAY_RATE.value(vars(self))

    @property
    def answered_rate(self) -> Decimal | None:
        return gf.ANSWERED_RATE.value(vars(self))

    @property
    def satisfaction_rate(self) -> Decimal | None:
        return gf.SATISFACTION_RATE.value(vars(self))

    def add(self, other: Indicators) -> None:
        """Add another scope's figures (streets add up to their district: every record belongs
        to exactly one street, and the latest survey or evaluation is per project)."""
        for name in self.__dataclass_fields__:
            if name == "by_kind":
                for kind, values in other.by_kind.items():
                    mine = self.by_kind.setdefault(kind, {"count": 0, "headcount": 0})
                    mine["count"] += values["count"]
                    mine["headcount"] += values["headcount"]
            else:
                setattr(self, name, getattr(self, name) + getattr(other, name))

    def kind(self, kind: str) -> dict[str, int]:
        return self.by_kind.get(kind, {"count": 0, "headcount": 0})

    @property
    def kinds(self) -> list[tuple[str, int, int]]:
        """(label, committees, members) for every kind, in the order of the choices."""
        return [
            (str(label), self.kind(value)["count"], self.kind(value)["headcount"])
            for value, label in ResidentCommittee.Kind.choices
        ]


def _grouped(qs: QuerySet, group: str | None, **aggregates) -> dict[Any, dict]:
    """One aggregate query; grouped by `group` (a lookup) when given."""
    if group is None:
        return {None: qs.aggregate(**aggregates)}
    return {
        row.pop("_group"): row
        for row in qs.order_by().values(_group=F(group)).annotate(**aggregates)
    }


def _indicator_rows(
    *, user: User, compound: Compound | None, group: str | None
) -> dict[Any, Indicators]:
    """Eight aggregate queries, whatever the number of records; `group` is "street" or None.
    Each section reads its figures from the registry (governance.figures)."""
    result: dict[Any, Indicators] = {}

    def row(key) -> Indicators:
        return result.setdefault(key, Indicators())

    def scoped(section: tuple[Figure, ...], compound_path: str) -> QuerySet:
        source = section[0].sources[0]
        qs = source.model_class()._default_manager.visible_to(user)  # type: ignore[attr-defined]
        if source.rows is not None:
            qs = qs.filter(source.rows)
        if compound is not None:
            qs = qs.filter(**{compound_path: compound.pk})
        return qs

    committees = scoped(gf.COMMITTEE_FIGURES, "compound")
    for r in (
        committees.order_by()
        .values(*([] if group is None else ["street"]), "kind")
        .annotate(**aggregates(gf.COMMITTEE_FIGURES))
    ):
        values = cleaned(gf.COMMITTEE_FIGURES, r)
        target = row(r.get("street") if group else None)
        target.by_kind[r["kind"]] = {
            "count": values["committees"],
            "headcount": values["committee_members"],
        }
        target.committees += values["committees"]
        target.committee_members += values["committee_members"]

    sections = (
        (gf.MEETING_FIGURES, "compound", "compound__street"),
        (gf.SURVEY_FIGURES, "project__compound", "project__compound__street"),
        (gf.VOTE_FIGURES, "compound", "compound__street"),
        (gf.FUND_FIGURES, "project__compound", "project__compound__street"),
        (gf.SUGGESTION_FIGURES, "compound", "compound__street"),
        (gf.SATISFACTION_FIGURES, "project__compound", "project__compound__street"),
        (gf.MANAGEMENT_FIGURES, "compound", "compound__street"),
    )
    for section, compound_path, street_path in sections:
        qs = scoped(section, compound_path)
        for key, r in _grouped(qs, street_path if group else None, **aggregates(section)).items():
            for name, value in cleaned(section, r).items():
                setattr(row(key), name, value)

    return result


def governance_indicators(*, user: User, compound: Compound | None = None) -> Indicators:
    """Rolled up over everything the user may see, or for one compound."""
    return _indicator_rows(user=user, compound=compound, group=None).get(None) or Indicators()


@dataclass
class StreetIndicators:
    street: Street
    figures: Indicators


def governance_indicators_by_street(*, user: User) -> list[StreetIndicators]:
    """The same figures side by side per street (nine queries)."""
    rows = _indicator_rows(user=user, compound=None, group="street")
    streets = (
        Street.objects.visible_to(user).select_related("district").order_by("district_id", "name")
    )
    return [
        StreetIndicators(street=street, figures=rows[street.pk])
        for street in streets
        if street.pk in rows
    ]


# --- Panels for the compound page and the dashboard ----------------------------------------


@dataclass
class CompoundPanel:
    compound: Compound
    figures: Indicators
    disclosures: list[Disclosure]
    management: LongTermManagement | None
    can_file: bool


def compound_governance_panel(*, user: User, compound: Compound) -> CompoundPanel:
    """What the compound page shows about governance (ten queries)."""
    from renovation.access import can_file_street_records

    disclosures = list(
        Disclosure.objects.visible_to(user)
        .filter(project__compound=compound)
        .order_by("-window_starts_on", "-id")[:5]
    )
    return CompoundPanel(
        compound=compound,
        figures=governance_indicators(user=user, compound=compound),
        disclosures=disclosures,
        management=LongTermManagement.objects.visible_to(user)
        .filter(compound=compound)
        .order_by("-starts_on", "-id")
        .first(),
        can_file=can_file_street_records(user, compound.street_id),
    )


@dataclass
class DashboardPanel:
    figures: Indicators
    streets: list[StreetIndicators]
    unit_kind: str = "street"  # what `streets` compares (see programmes.selectors.Dashboard)


def dashboard_governance_panel(*, user: User) -> DashboardPanel:
    """Figures per street and their total (nine queries: the total is the sum of the streets)."""
    streets = governance_indicators_by_street(user=user)
    total = Indicators()
    for row in streets:
        total.add(row.figures)
    return DashboardPanel(figures=total, streets=streets)


# --- The governance page of a compound -----------------------------------------------------


@dataclass
class CompoundGovernance:
    compound: Compound
    personal: bool
    committees: list[CommitteeRow]
    meetings: list[Meeting]
    surveys: list[OpinionSurvey]
    votes: list[OwnerVote]
    suggestions: list[Suggestion]
    suggestion_contacts: dict[int, str]
    satisfaction: list[SatisfactionSurvey]
    management: list[LongTermManagement]
    funds: list[FundCollection]
    disclosures: list[Disclosure]
    projects: list[Project]
    figures: Indicators

    @property
    def current_project(self) -> Project | None:
        return next((p for p in self.projects if p.pk == self.compound.current_project_id), None)


def compound_governance(
    *, user: User, compound: Compound, suggestions_limit: int = 20
) -> CompoundGovernance:
    """Everything recorded about a compound's governance, personal data masked by role, in a
    fixed number of queries."""
    personal = personal_data_visible(user, compound)
    committees = list(
        ResidentCommittee.objects.visible_to(user)
        .filter(compound=compound)
        .prefetch_related(
            Prefetch("members", queryset=CommitteeMember.objects.order_by("role", "id"))
        )
        .order_by("kind", "formed_on", "id")
    )
    suggestions = list(
        Suggestion.objects.visible_to(user)
        .filter(compound=compound)
        .select_related("answered_by")
        .order_by("-received_at", "-id")[:suggestions_limit]
    )
    projects = list(
        Project.objects.visible_to(user)
        .filter(compound=compound)
        .select_related("programme")
        .order_by("-programme__start_year", "-year", "-id")
    )
    return CompoundGovernance(
        compound=compound,
        personal=personal,
        committees=[
            CommitteeRow(c, [member_row(m, personal=personal) for m in c.members.all()])
            for c in committees
        ],
        meetings=list(
            Meeting.objects.visible_to(user).filter(compound=compound).order_by("-held_on", "-id")
        ),
        surveys=list(
            OpinionSurvey.objects.visible_to(user)
            .filter(project__compound=compound)
            .select_related("building", "project")
            .order_by("-held_on", "-id")
        ),
        votes=list(
            OwnerVote.objects.visible_to(user)
            .filter(compound=compound)
            .select_related("building")
            .order_by("-held_on", "-id")
        ),
        suggestions=suggestions,
        suggestion_contacts={s.pk: suggestion_contact(s, personal=personal) for s in suggestions},
        satisfaction=list(
            SatisfactionSurvey.objects.visible_to(user)
            .filter(project__compound=compound)
            .order_by("-held_on", "-id")
        ),
        management=list(
            LongTermManagement.objects.visible_to(user)
            .filter(compound=compound)
            .order_by("-starts_on", "-id")
        ),
        funds=list(
            FundCollection.objects.visible_to(user)
            .filter(project__compound=compound)
            .select_related("project")
        ),
        disclosures=list(
            Disclosure.objects.visible_to(user)
            .filter(project__compound=compound)
            .order_by("-window_starts_on", "-id")
        ),
        projects=projects,
        figures=governance_indicators(user=user, compound=compound),
    )


# --- Public disclosure ---------------------------------------------------------------------


def public_disclosure(*, token: str) -> Disclosure:
    """A published disclosure by its public token (DoesNotExist otherwise). No user: the
    page shows only what the plan says, never a person."""
    return (
        Disclosure.objects.public()
        .select_related(
            "project__compound__street__district__city",
            "project__compound__community",
            "project__programme",
            "project__batch",
        )
        .prefetch_related("project__work_items__work_type")
        .get(token=token)
    )


def public_funding_mix(project: Project) -> FundingMix:
    """The project's funding mix by kind for its public page.

    The public page has no user, so the mix is read as the platform itself (an unsaved
    superuser that is never logged in) and restricted to this one project by the scope: the
    figures are the project's planned money per kind, nothing about any person."""
    from renovation.models import User

    reader = User(username="public-disclosure", is_superuser=True, is_active=True)
    return funding_mix(user=reader, scope=FundingScope(project=project))


def public_stages() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in Stage.choices]

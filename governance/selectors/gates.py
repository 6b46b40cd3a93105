"""The stage gates governance decides, registered into programmes.gates by
GovernanceConfig.ready: leaving consultation and handing over."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from programmes.gates import GateResult
from programmes.models import Project

from ..models import LongTermManagement, Matter, OwnerVote, SatisfactionSurvey, ScopeKind
from ..rules import share


def _gate(problems: list[str], evidence: str = "") -> GateResult:
    return GateResult(problems, evidence)


def _renovation_votes(project: Project) -> QuerySet[OwnerVote]:
    """Votes to renovate covering the whole compound, for this project or for none, latest
    first."""
    return (
        OwnerVote.objects.filter(
            compound_id=project.compound_id,
            matter=Matter.RENOVATE,
            scope_kind=ScopeKind.COMPOUND,
        )
        .filter(Q(project=project) | Q(project__isnull=True))
        .order_by("-held_on", "-id")
    )


def passed_renovation_vote(project: Project) -> OwnerVote | None:
    """A passed vote to renovate covering the whole compound, for this project or for none."""
    return _renovation_votes(project).filter(passed=True).first()


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
    latest = _renovation_votes(project).exclude(tally_method=OwnerVote.TallyMethod.NONE).first()
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

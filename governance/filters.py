"""FilterSets of the governance lists (API). Every related choice comes from the user's scope, so
an id outside it is refused (400) exactly like an id that does not exist."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.filters import (
    _visible_areas,
    _visible_compounds,
    _visible_districts,
    _visible_programmes,
    _visible_projects,
    _visible_streets,
)
from programmes.models import Project

from .models import (
    Matter,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    ScopeKind,
    Suggestion,
)


def _scope_filters(compound: str, *, project: bool = True) -> dict[str, django_filters.Filter]:
    """District, street, area and compound filters for a model reached through `compound` (the
    lookup to its compound), plus project and programme when the model names a project."""
    filters = {
        "district": django_filters.ModelChoiceFilter(
            label=_("District"),
            field_name=f"{compound}__street__district",
            queryset=_visible_districts,
        ),
        "street": django_filters.ModelChoiceFilter(
            label=_("Street office"), field_name=f"{compound}__street", queryset=_visible_streets
        ),
        "area": django_filters.ModelChoiceFilter(
            label=_("Area"), field_name=f"{compound}__area", queryset=_visible_areas
        ),
        "compound": django_filters.ModelChoiceFilter(
            label=_("Compound"), field_name=compound, queryset=_visible_compounds
        ),
    }
    if project:
        filters["project"] = django_filters.ModelChoiceFilter(
            label=_("Project"), field_name="project", queryset=_visible_projects
        )
        filters["programme"] = django_filters.ModelChoiceFilter(
            label=_("Programme"), field_name="project__programme", queryset=_visible_programmes
        )
    return filters


def _scoped(name: str, compound: str, *, project: bool = True) -> type[django_filters.FilterSet]:
    return type(name, (django_filters.FilterSet,), _scope_filters(compound, project=project))


def _dates(field_name: str) -> tuple[django_filters.DateFilter, django_filters.DateFilter]:
    return (
        django_filters.DateFilter(label=_("From date"), field_name=field_name, lookup_expr="gte"),
        django_filters.DateFilter(label=_("To date"), field_name=field_name, lookup_expr="lte"),
    )


class CommitteeFilter(django_filters.FilterSet):
    # A committee names its street directly (an area committee has no compound).
    district = django_filters.ModelChoiceFilter(
        label=_("District"), field_name="street__district", queryset=_visible_districts
    )
    street = django_filters.ModelChoiceFilter(label=_("Street office"), queryset=_visible_streets)
    area = django_filters.ModelChoiceFilter(label=_("Area"), queryset=_visible_areas)
    compound = django_filters.ModelChoiceFilter(label=_("Compound"), queryset=_visible_compounds)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ResidentCommittee.Kind.choices)
    active = django_filters.BooleanFilter(label=_("In its term today"), method="filter_active")

    class Meta:
        model = ResidentCommittee
        fields = ["district", "street", "area", "compound", "kind"]

    def filter_active(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        today = timezone.localdate()
        active = Q(formed_on__lte=today) & (
            Q(term_ends_on__isnull=True) | Q(term_ends_on__gte=today)
        )
        return queryset.filter(active) if value else queryset.exclude(active)


class MeetingFilter(_scoped("MeetingScope", "compound")):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Meeting.Kind.choices)
    date_from, date_to = _dates("held_on")

    class Meta:
        model = Meeting
        fields = ["district", "street", "area", "compound", "project", "programme", "kind"]


class OpinionSurveyFilter(_scoped("SurveyScope", "project__compound")):
    scope_kind = django_filters.ChoiceFilter(label=_("Scope"), choices=ScopeKind.choices)
    date_from, date_to = _dates("held_on")

    class Meta:
        model = OpinionSurvey
        fields = ["district", "street", "area", "compound", "project", "programme", "scope_kind"]


class SatisfactionSurveyFilter(_scoped("SatisfactionScope", "project__compound")):
    date_from, date_to = _dates("held_on")

    class Meta:
        model = SatisfactionSurvey
        fields = ["district", "street", "area", "compound", "project", "programme"]


class OwnerVoteFilter(_scoped("VoteScope", "compound")):
    matter = django_filters.ChoiceFilter(label=_("Matter"), choices=Matter.choices)
    scope_kind = django_filters.ChoiceFilter(label=_("Scope"), choices=ScopeKind.choices)
    tally_method = django_filters.ChoiceFilter(
        label=_("Tally"), choices=OwnerVote.TallyMethod.choices
    )
    passed = django_filters.BooleanFilter(label=_("Passed"))
    date_from, date_to = _dates("held_on")

    class Meta:
        model = OwnerVote
        fields = [
            "district",
            "street",
            "area",
            "compound",
            "project",
            "programme",
            "matter",
            "scope_kind",
            "tally_method",
            "passed",
        ]


class SuggestionFilter(_scoped("SuggestionScope", "compound")):
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Suggestion.Kind.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Suggestion.Channel.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Suggestion.Status.choices)
    open = django_filters.BooleanFilter(
        label=_("Not yet answered (received or assigned)"), method="filter_open"
    )
    date_from = django_filters.DateFilter(
        label=_("Received on or after"), field_name="received_at__date", lookup_expr="gte"
    )
    date_to = django_filters.DateFilter(
        label=_("Received on or before"), field_name="received_at__date", lookup_expr="lte"
    )

    class Meta:
        model = Suggestion
        fields = [
            "district",
            "street",
            "area",
            "compound",
            "project",
            "programme",
            "kind",
            "channel",
            "status",
        ]

    def filter_open(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        open_ = Q(status__in=[Suggestion.Status.RECEIVED, Suggestion.Status.ASSIGNED])
        return queryset.filter(open_) if value else queryset.exclude(open_)


class GovernanceStatisticsFilter(django_filters.FilterSet):
    """The scope of the governance indicators: a district, a street office or one compound.
    Not applied to a queryset; the view reads the cleaned values."""

    district = django_filters.ModelChoiceFilter(label=_("District"), queryset=_visible_districts)
    street = django_filters.ModelChoiceFilter(label=_("Street office"), queryset=_visible_streets)
    compound = django_filters.ModelChoiceFilter(label=_("Compound"), queryset=_visible_compounds)

    class Meta:
        model = Project
        fields = ["district", "street", "compound"]

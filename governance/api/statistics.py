"""Governance indicators by scope: committees, consultation, surveys, owners' votes,
maintenance-fund collection, suggestions answered within a day, satisfaction and long-term
management, for everything the user may see, a district, a street office or one compound."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from governance import filters, selectors
from governance.models import ResidentCommittee
from programmes.models import Project
from renovation.api.caching import cached_statistics
from renovation.http import AuthedRequest

from . import serializers as api

# Every figure and rate of `selectors.Indicators`, in the serializer's order.
FIGURES = list(api.IndicatorsSerializer().fields)


def _figures(indicators: selectors.Indicators) -> dict:
    return {name: getattr(indicators, name) for name in FIGURES}


def _street_row(street, indicators: selectors.Indicators) -> dict:
    return {
        "street": street.pk,
        "street_name": street.name,
        "district": street.district_id,
        **_figures(indicators),
    }


class GovernanceIndicatorsView(APIView):
    has_query_parameters = True  # the schema documents 400 for bad parameters
    csv_filename = "governance-indicators"

    @extend_schema(
        tags=["statistics"],
        summary="Governance indicators by scope",
        description=(
            "Everything you may see, or one `district`, `street` or `compound` (ids outside "
            "your scope are refused, 400, exactly like ids that do not exist). `total` adds "
            "up the streets (every record belongs to one street; the latest survey and "
            "evaluation count per project); `results` gives the same figures per street "
            "office. Support rate is the latest opinion survey per project; "
            "`within_day_rate` the share of suggestions answered within 24 hours. "
            "`?format=csv` gives one row per street and the total."
        ),
        parameters=[
            *[
                OpenApiParameter(
                    name,
                    {"type": "integer", "minimum": 1, "maximum": api.MAX_ID},
                    OpenApiParameter.QUERY,
                    description=description,
                )
                for name, description in (
                    ("district", gettext_lazy("A district in your scope.")),
                    ("street", gettext_lazy("A street office in your scope.")),
                    ("compound", gettext_lazy("A compound in your scope.")),
                )
            ],
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                enum=["json", "csv"],
                description=gettext_lazy("csv: one row per street office and the total."),
            ),
        ],
        responses={200: api.GovernanceIndicatorsSerializer},
    )
    @cached_statistics
    def get(self, request: AuthedRequest) -> Response:
        params = request.query_params
        filterset = filters.GovernanceStatisticsFilter(
            {key: params[key] for key in ("district", "street", "compound") if key in params},
            queryset=Project.objects.none(),
            request=request,
        )
        if not filterset.is_valid():
            raise serializers.ValidationError(
                {name: list(messages) for name, messages in filterset.errors.items()}
            )
        scope = filterset.form.cleaned_data
        district, street, compound = (
            scope.get("district"),
            scope.get("street"),
            scope.get("compound"),
        )
        user = request.user
        if compound is not None:
            figures = selectors.governance_indicators(user=user, compound=compound)
            include = (district is None or compound.street.district_id == district.pk) and (
                street is None or compound.street_id == street.pk
            )
            rows = [_street_row(compound.street, figures)] if include else []
            if not include:
                figures = selectors.Indicators()
        else:
            rows, figures = [], selectors.Indicators()
            for entry in selectors.governance_indicators_by_street(user=user):
                if district is not None and entry.street.district_id != district.pk:
                    continue
                if street is not None and entry.street.pk != street.pk:
                    continue
                rows.append(_street_row(entry.street, entry.figures))
                figures.add(entry.figures)
        total = _figures(figures)
        if getattr(request.accepted_renderer, "format", None) == "csv":
            return Response(
                [*rows, {"street": "", "street_name": _("Total"), "district": "", **total}]
            )
        data = {
            "scope": {
                "district": district.pk if district else None,
                "street": street.pk if street else None,
                "compound": compound.pk if compound else None,
            },
            "total": total,
            "committees_by_kind": [
                {
                    "kind": value,
                    "label": str(label),
                    "committees": figures.kind(value)["count"],
                    "members": figures.kind(value)["headcount"],
                }
                for value, label in ResidentCommittee.Kind.choices
            ],
            "results": rows,
        }
        return Response(api.GovernanceIndicatorsSerializer(data).data)

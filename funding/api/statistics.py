"""The funding mix as a statistic: planned, approved, received and spent per kind (the four
contributions, “4个一点”) and sub-type, with shares, rates and resident contributions, for the
same scopes as the funding page (`funding_mix` with `funding_scope_resolve`)."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from funding import selectors
from programmes.selectors import ScopeNotFound
from renovation.api.caching import cached_statistics
from renovation.api.schema import ERRORS
from renovation.http import AuthedRequest

from . import serializers as api
from .serializers import MAX_ID

SCOPE_HELP = {
    "programme": gettext_lazy("A programme in your scope."),
    "district": gettext_lazy("A district in your scope."),
    "street": gettext_lazy("A street office in your scope."),
    "area": gettext_lazy("An area (片区) in your scope."),
    "project": gettext_lazy("A project in your scope."),
    "batch": gettext_lazy("A batch of a programme in your scope."),
    "year": gettext_lazy("A budget year (1990-2100)."),
}


class FundingScopeQuery(serializers.Serializer):
    """Well-formed scope parameters; whether the ids are in scope is the selector's business."""

    programme = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    street = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    area = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    project = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    batch = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)


def _parameters() -> list[OpenApiParameter]:
    parameters = []
    for name in selectors.FundingScope.PARAMS:
        kind = (
            {"type": "integer", "minimum": 1990, "maximum": 2100}
            if name == "year"
            else {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        )
        parameters.append(
            OpenApiParameter(name, kind, OpenApiParameter.QUERY, description=SCOPE_HELP[name])
        )
    parameters.append(
        OpenApiParameter(
            "format",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            enum=["json", "csv"],
            description=gettext_lazy(
                "csv: one row per kind, per sub-type and the total (or send Accept: text/csv)."
            ),
        )
    )
    return parameters


def resolve_scope(request: AuthedRequest) -> selectors.FundingScope:
    """The scope of the funding page from the query: malformed values are a 400 with the
    field; an id that does not exist or is outside the user's scope is a 404, as on the page."""
    raw = {
        name: request.query_params[name]
        for name in selectors.FundingScope.PARAMS
        if request.query_params.get(name, "") != ""
    }
    query = FundingScopeQuery(data=raw)
    query.is_valid(raise_exception=True)
    try:
        return selectors.funding_scope_resolve(
            user=request.user, params={k: str(v) for k, v in query.validated_data.items()}
        )
    except ScopeNotFound:
        raise Http404 from None


def _figures(row) -> dict:
    return {
        "planned": row.planned,
        "approved": row.approved,
        "received": row.received,
        "spent": row.spent,
        "gap": row.gap,
        "received_rate": row.received_rate,
        "spent_rate": row.spent_rate,
    }


def _shares(row) -> dict:
    return {
        **_figures(row),
        "share_planned": row.share_planned,
        "share_received": row.share_received,
        "share_spent": row.share_spent,
    }


def mix_data(mix: selectors.FundingMix) -> dict:
    scope = mix.scope.params()
    return {
        "scope": {name: scope.get(name) for name in selectors.FundingScope.PARAMS},
        "attributed": mix.attributed,
        "total": _figures(mix.total),
        "kinds": [
            {
                "kind": kind.kind,
                "label": kind.label,
                **_shares(kind),
                "sub_types": [
                    {"sub_type": row.sub_type, "label": row.label, **_shares(row)}
                    for row in kind.sub_types
                ],
            }
            for kind in mix.kinds
        ],
        "residents": [
            {
                "name": row.name,
                "sub_type": row.sub_type,
                "basis": row.basis,
                "basis_label": row.basis_label,
                "rate": row.rate,
                "quantity": row.quantity,
                "projects": row.projects,
                "expected": row.expected,
                "collected": row.collected,
                "collection_rate": row.collection_rate,
            }
            for row in mix.residents
        ],
        "residents_expected": mix.residents_expected,
        "residents_collected": mix.residents_collected,
        "residents_rate": mix.residents_rate,
    }


def csv_rows(data: dict) -> list[dict]:
    """The ledger form: one row per kind, one per sub-type under it, and the total."""
    columns = ("planned", "approved", "received", "spent", "gap", "received_rate", "spent_rate")
    shares = ("share_planned", "share_received", "share_spent")
    rows = []
    for kind in data["kinds"]:
        rows.append(
            {
                "level": "kind",
                "kind": kind["kind"],
                "sub_type": "",
                "label": kind["label"],
                **{name: kind[name] for name in columns + shares},
            }
        )
        for row in kind["sub_types"]:
            rows.append(
                {
                    "level": "sub_type",
                    "kind": kind["kind"],
                    "sub_type": row["sub_type"],
                    "label": row["label"],
                    **{name: row[name] for name in columns + shares},
                }
            )
    total = data["total"]
    rows.append(
        {
            "level": "total",
            "kind": "",
            "sub_type": "",
            "label": _("Total"),
            **{name: total[name] for name in columns},
        }
    )
    return rows


MIX_EXAMPLE = {
    "scope": {
        "programme": None,
        "district": 1,
        "street": None,
        "area": None,
        "project": None,
        "batch": None,
        "year": 2024,
    },
    "attributed": False,
    "total": {
        "planned": "5000000.00",
        "approved": "4200000.00",
        "received": "3000000.00",
        "spent": "1200000.00",
        "gap": "2000000.00",
        "received_rate": "60.0",
        "spent_rate": "40.0",
    },
    "kinds": [
        {
            "kind": "government",
            "label": "政府补一点",
            "planned": "4000000.00",
            "approved": "4000000.00",
            "received": "2800000.00",
            "spent": "1200000.00",
            "gap": "1200000.00",
            "received_rate": "70.0",
            "spent_rate": "42.9",
            "share_planned": "80.0",
            "share_received": "93.3",
            "share_spent": "100.0",
            "sub_types": [
                {
                    "sub_type": "central_subsidy",
                    "label": "中央补助",
                    "planned": "4000000.00",
                    "approved": "4000000.00",
                    "received": "2800000.00",
                    "spent": "1200000.00",
                    "gap": "1200000.00",
                    "received_rate": "70.0",
                    "spent_rate": "42.9",
                    "share_planned": "80.0",
                    "share_received": "93.3",
                    "share_spent": "100.0",
                }
            ],
        }
    ],
    "residents": [
        {
            "name": "维修资金",
            "sub_type": "maintenance_fund",
            "basis": "per_m2",
            "basis_label": "按建筑面积",
            "rate": "5.00",
            "quantity": "42000.00",
            "projects": 3,
            "expected": "210000.00",
            "collected": "150000.00",
            "collection_rate": "71.4",
        }
    ],
    "residents_expected": "210000.00",
    "residents_collected": "150000.00",
    "residents_rate": "71.4",
}


class FundingMixView(APIView):
    has_query_parameters = True  # the schema documents 400 for malformed parameters
    csv_filename = "funding-mix"

    @extend_schema(
        tags=["statistics"],
        summary="Funding mix by scope: the four contributions, planned to spent",
        description=(
            "The figures of the funding page for the same scope parameters, which combine "
            "(a district and a year; a programme's batch): per kind (government, market, "
            "residents, society) and sub-type the planned, approved, received (到位) and "
            "spent amounts in yuan, the gap (planned − received), the rates, and each row's "
            "share of the planned, received and spent totals (shares add up to exactly "
            "100.0). District, programme, batch and year scopes read by district-level users "
            "count programme-level money in full; street, area and project scopes, and every "
            "street officer, count only money booked for projects (`attributed`). Resident "
            "contributions compare what the programme's rules expect with what was "
            "collected. A malformed parameter is a 400; an id that does not exist or is "
            "outside your scope is a 404, as on the page. `?format=csv` gives one row per "
            "kind, per sub-type and the total."
        ),
        parameters=_parameters(),
        responses={200: api.FundingMixSerializer, 404: ERRORS["404"]},
        examples=[
            OpenApiExample("A district in 2024", value=MIX_EXAMPLE, response_only=True),
        ],
    )
    @cached_statistics
    def get(self, request: AuthedRequest) -> Response:
        scope = resolve_scope(request)
        data = mix_data(selectors.funding_mix(user=request.user, scope=scope))
        if getattr(request.accepted_renderer, "format", None) == "csv":
            return Response(csv_rows(data))
        return Response(api.FundingMixSerializer(data).data)

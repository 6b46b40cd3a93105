"""Statistics endpoints: progress against target by year, projects by stage, and the effects of
renovation by work type. Each reads one selector of grouped SQL aggregates over the user's scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from programmes import filters, selectors
from programmes.models import Category, Project
from renovation.api.caching import cached_statistics
from renovation.http import AuthedRequest

from . import serializers as api


def _scope_parameters(*names: str) -> list[OpenApiParameter]:
    described = {
        "district": (OpenApiTypes.INT, gettext_lazy("A district in your scope.")),
        "street": (OpenApiTypes.INT, gettext_lazy("A street office in your scope.")),
        "programme": (OpenApiTypes.INT, gettext_lazy("A programme in your scope.")),
        "year": (
            {"type": "integer", "minimum": 1900, "maximum": 2100},
            gettext_lazy("A year (1900-2100)."),
        ),
        "category": (OpenApiTypes.STR, gettext_lazy("basic, improvement or enhancement.")),
    }
    parameters = []
    for name in names:
        kind, description = described[name]
        parameters.append(
            OpenApiParameter(
                name,
                kind,
                OpenApiParameter.QUERY,
                description=description,
                enum=Category.values if name == "category" else None,
            )
        )
    return parameters


class StatisticsView(APIView):
    """A statistic over the user's scope, narrowed by the query parameters. Out-of-scope ids in
    the parameters are refused (400) exactly like ids that do not exist."""

    query_fields: tuple[str, ...] = ("district", "street", "programme", "year")
    has_query_parameters = True  # the schema documents 400 for bad parameters
    csv_filename = "statistics"

    def scope(self, request: AuthedRequest) -> selectors.StatisticsScope:
        params = request.query_params
        filterset = filters.StatisticsFilter(
            {key: params[key] for key in self.query_fields if key in params},
            queryset=Project.objects.none(),
            request=request,
        )
        if not filterset.is_valid():
            raise serializers.ValidationError(
                {name: list(messages) for name, messages in filterset.errors.items()}
            )
        data = filterset.form.cleaned_data
        return selectors.StatisticsScope(
            **{name: data.get(name) or None for name in self.query_fields}
        )

    @staticmethod
    def scope_data(scope: selectors.StatisticsScope) -> dict:
        return {
            "district": scope.district.pk if scope.district else None,
            "street": scope.street.pk if scope.street else None,
            "programme": scope.programme.pk if scope.programme else None,
            "year": scope.year,
            "category": scope.category,
        }


PROGRESS_EXAMPLE = {
    "scope": {"district": 1, "street": None, "programme": None, "year": 2024, "category": None},
    "results": [
        {
            "year": 2024,
            "target_compounds": 40,
            "target_households": 6000,
            "started": 32,
            "started_households": 4810,
            "completed": 12,
            "completed_households": 1730,
            "start_rate": "80.0",
            "start_rate_households": "80.2",
            "completion_rate": "30.0",
            "completion_rate_households": "28.8",
        }
    ],
}


class ProgressStatisticsView(StatisticsView):
    csv_filename = "progress-statistics"

    @extend_schema(
        tags=["statistics"],
        summary="Progress by year: started and completed against target",
        description=(
            "Per year: the target (compounds, households) of the programmes in scope, the "
            "projects started (entered construction, 新开工) and completed (accepted, 完工), "
            "by compounds and by households, and the start and completion rates in percent. "
            "Targets are set per district programme, so street-level figures have none. "
            "Computed by grouped SQL aggregates."
        ),
        parameters=_scope_parameters("district", "street", "programme", "year"),
        responses={200: api.ProgressStatisticsSerializer},
        examples=[OpenApiExample("A district in 2024", value=PROGRESS_EXAMPLE, response_only=True)],
    )
    @cached_statistics
    def get(self, request: AuthedRequest) -> Response:
        scope = self.scope(request)
        rows = selectors.progress_statistics(user=request.user, scope=scope)
        return Response(
            {
                "scope": self.scope_data(scope),
                "results": api.YearFiguresSerializer(rows, many=True).data,
            }
        )


class StageStatisticsView(StatisticsView):
    query_fields = ("district", "street", "programme", "year", "category")
    csv_filename = "stage-statistics"

    @extend_schema(
        tags=["statistics"],
        summary="Projects and households by stage",
        description=(
            "Every stage with its number of projects, households and average progress. "
            "Without `programme`, each compound counts once, by its current project. `year` "
            "and `category` refer to the project's plan year and category."
        ),
        parameters=_scope_parameters("district", "street", "programme", "year", "category"),
        responses={200: api.StageStatisticsSerializer},
    )
    @cached_statistics
    def get(self, request: AuthedRequest) -> Response:
        scope = self.scope(request)
        rows = selectors.stage_statistics(user=request.user, scope=scope)
        return Response(
            {
                "scope": self.scope_data(scope),
                "results": api.StageFiguresSerializer(rows, many=True).data,
            }
        )


class EffectsStatisticsView(StatisticsView):
    query_fields = ("district", "street", "programme", "year", "category")
    csv_filename = "effects-statistics"

    @extend_schema(
        tags=["statistics"],
        summary="Work done by type: the effects of renovation",
        description=(
            "Per work type (metres of pipe, elevators, parking spaces, chargers, ...): the "
            "number of projects, the planned and completed quantities (each work item's latest "
            "cumulative report, never a sum of reports) and the budget. `year` is the plan "
            "year of the projects; `category` that of the work type. One grouped SQL query."
        ),
        parameters=_scope_parameters("district", "street", "programme", "year", "category"),
        responses={200: api.EffectsStatisticsSerializer},
        examples=[
            OpenApiExample(
                "Elevators and pipes",
                value={
                    "scope": {
                        "district": 1,
                        "street": None,
                        "programme": None,
                        "year": None,
                        "category": None,
                    },
                    "results": [
                        {
                            "work_type": "elevator",
                            "name": "加装电梯",
                            "unit": "unit",
                            "category": "improvement",
                            "projects": 18,
                            "planned_quantity": "676.00",
                            "completed_quantity": "412.00",
                            "budget": "338000000.00",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
    @cached_statistics
    def get(self, request: AuthedRequest) -> Response:
        scope = self.scope(request)
        rows = selectors.work_effects(user=request.user, scope=scope)
        return Response(
            {
                "scope": self.scope_data(scope),
                "results": api.EffectSerializer(rows, many=True).data,
            }
        )

"""`POST /api/v1/projects/{id}/historical-record/`: a project that started or finished in the
past, entered with its real dates through programmes.history_services (the same service as the
page). Mixed into ProjectViewSet, so the project comes from the scoped queryset (404 outside
the caller's scope)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from programmes import history_services, services
from programmes.models import Stage
from renovation.access import can_enter_historical_record, require
from renovation.api.exceptions import django_validation_errors
from renovation.api.views import ETAG_HEADER, IF_MATCH, etag, requested_version, validated
from renovation.http import AuthedRequest

from .serializers import MAX_VERSION, ProjectSerializer, StageTransitionSerializer

AMOUNT = {"max_digits": 16, "decimal_places": 2, "min_value": 0}


class HistoricalQuantityInput(serializers.Serializer):
    work_item = serializers.IntegerField()
    quantity_to_date = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class HistoricalMoneyInput(serializers.Serializer):
    sub_type = serializers.CharField(max_length=32, help_text=gettext_lazy("Funding sub-type."))
    kind = serializers.CharField(max_length=16, required=False, allow_blank=True)
    funder = serializers.CharField(max_length=160)
    amount = serializers.DecimalField(**AMOUNT, help_text=gettext_lazy("Committed (yuan)."))
    received = serializers.DecimalField(**AMOUNT, required=False, allow_null=True)
    received_on = serializers.DateField(required=False, allow_null=True)
    spent = serializers.DecimalField(**AMOUNT, required=False, allow_null=True)
    spent_on = serializers.DateField(required=False, allow_null=True)


class HistoricalRecordInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, allow_blank=True)
    stage_dates = serializers.DictField(
        child=serializers.DateField(),
        help_text=gettext_lazy(
            "Effective date of each stage after the current one, up to the last stage reached "
            "(construction at least), none skipped: {stage: YYYY-MM-DD}."
        ),
    )
    accepted_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Acceptance date (default: the date of 'accepted')."),
    )
    residents_present = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    participants = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    quantities = HistoricalQuantityInput(many=True, required=False)
    quantities_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=gettext_lazy("Date of the quantities (default: acceptance date, or today)."),
    )
    money = HistoricalMoneyInput(many=True, required=False)
    confirm_warnings = serializers.BooleanField(
        default=False,
        help_text=gettext_lazy(
            "Plausibility warnings (acceptance before start, quantities above plan) answer "
            "400 under `errors.confirm_warnings` until they are confirmed with true."
        ),
    )
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_VERSION
    )


class HistoricalRecordOutput(serializers.Serializer):
    project = ProjectSerializer()
    transitions = StageTransitionSerializer(many=True)


def _api_errors(error: DjangoValidationError, quantities: list[dict]) -> dict[str, list[str]]:
    """Service keys `date_<stage>` and `item_<id>` as the request's paths."""
    positions = {
        services.field_for_item(line["work_item"]): index for index, line in enumerate(quantities)
    }
    stages = {history_services.stage_field(stage): stage for stage in Stage.values}
    result = {}
    for key, messages in django_validation_errors(error).items():
        if key in stages:
            key = f"stage_dates.{stages[key]}"
        elif key in positions:
            key = f"quantities.{positions[key]}.quantity_to_date"
        result[key] = messages
    return result


EXAMPLE = {
    "reason": "2021年度竣工项目补录，依据区住建局2021年改造台账",
    "stage_dates": {
        "consultation": "2020-11-02",
        "design": "2020-12-10",
        "approved": "2021-01-15",
        "tendering": "2021-02-20",
        "construction": "2021-03-15",
        "accepted": "2021-11-20",
    },
    "residents_present": 5,
    "participants": "建设单位、施工单位、监理单位、设计单位、街道办、居民代表",
    "quantities": [],
    "money": [
        {
            "sub_type": "central_subsidy",
            "funder": "中央财政补助资金",
            "amount": "500000.00",
            "received": "500000.00",
            "received_on": "2021-03-01",
            "spent": "480000.00",
            "spent_on": "2021-12-01",
        }
    ],
    "confirm_warnings": False,
    "version": None,
}


class HistoricalRecordActions:
    """The stage history and historical-record actions of ProjectViewSet."""

    @extend_schema(
        tags=["programmes"],
        summary="The stage history of a project, with effective dates and waived gates",
        description=(
            "Every stage change, in the order they took effect: `effective_on` is the day the "
            "change took effect, `at` the time it was entered; `gate_waived` and "
            "`waiver_reason` say that a historical record was entered without the gate, by "
            "`by`, for that reason."
        ),
        responses={200: StageTransitionSerializer(many=True)},
    )
    # One project's whole history: neither the list's filters nor its pages apply.
    @action(
        detail=True,
        methods=["get"],
        url_path="stage-history",
        filter_backends=[],
        pagination_class=None,
    )
    def stage_history(self, request: AuthedRequest, pk: str | None = None) -> Response:
        project = self.get_object()
        transitions = project.transitions.select_related("by", "project").order_by(
            "effective_on", "at", "id"
        )
        return Response(StageTransitionSerializer(transitions, many=True).data)

    @extend_schema(
        tags=["programmes"],
        summary="Enter a project that started or finished in the past, with its real dates",
        description=(
            "District officials of the project's district only. Moves the project through each "
            "stage after its current one to the last stage in `stage_dates`, each on its "
            "effective date (not in the future, not before 2000, never before the previous "
            "stage); `started_on` and `completed_on` follow. The gates are not checked: every "
            "transition records `gate_waived: true` with the `reason` and who entered it. "
            "Reaching `accepted` records the acceptance; `quantities` are the completed "
            "quantities to date; `money` rows are committed, approved, received and spent "
            "through the funding services on their dates. All or nothing. Errors of a stage's "
            "date are under `stage_dates.<stage>`, of a quantity under "
            "`quantities.<index>.quantity_to_date`, of money under `money.<index>.<field>`; "
            "warnings under `confirm_warnings`. A stale `version` (or `If-Match`) is a 409."
        ),
        request=HistoricalRecordInput,
        responses={201: HistoricalRecordOutput},
        parameters=[IF_MATCH, ETAG_HEADER],
        examples=[OpenApiExample("A project completed in 2021", value=EXAMPLE, request_only=True)],
    )
    @action(detail=True, methods=["post"], url_path="historical-record")
    def historical_record(self, request: AuthedRequest, pk: str | None = None) -> Response:
        project = self.get_object()
        require(
            can_enter_historical_record(request.user, project.compound.street.district_id),
            _("Historical records are entered by the district's officials."),
        )
        data = validated(HistoricalRecordInput, request)
        quantities = data.get("quantities") or []
        money = [dict(row) for row in data.get("money") or []]
        try:
            project = history_services.project_historical_record_enter(
                project=project,
                by=request.user,
                reason=data["reason"],
                stage_dates=data["stage_dates"],
                accepted_on=data.get("accepted_on"),
                residents_present=data.get("residents_present"),
                participants=data.get("participants", ""),
                quantities={line["work_item"]: line["quantity_to_date"] for line in quantities},
                quantities_on=data.get("quantities_on"),
                money=money,
                confirm_warnings=data["confirm_warnings"],
                version=requested_version(request, data.get("version")),
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError(_api_errors(error, quantities)) from None
        project = self.get_queryset().get(pk=project.pk)
        transitions = project.transitions.select_related("by").order_by("effective_on", "id")
        response = Response(
            HistoricalRecordOutput(
                {"project": project, "transitions": transitions}, context={"request": request}
            ).data,
            status=status.HTTP_201_CREATED,
        )
        response["ETag"] = etag(project.version)
        return response

"""The "区划与小区" set-up pages of a district: streets, communities and areas with their
forms, compound and building forms (reached from the compound list and the compound page),
and the merge of a duplicate compound. District officials of the district only; records come
from scoped selectors (another district's id is a 404); every write is a geography service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from renovation.access import can_set_up_geography, require
from renovation.http import AuthedHttpRequest

from . import geography_services as services
from . import selectors
from .geography_forms import (
    BUILDING_FORM_FIELDS,
    COMPOUND_FORM_FIELDS,
    AreaForm,
    BuildingForm,
    CommunityForm,
    CompoundForm,
    MergeForm,
    StreetForm,
)
from .models import Community, Compound, CompoundMerge, District
from .views import run_service

FORM = "programmes/geography/form.html"


def _district(request: AuthedHttpRequest) -> District:
    """The district being set up: the official's own (a platform administrator names one)."""
    user = request.user
    district_id = user.district_id or request.GET.get("district") or request.POST.get("district")
    if not district_id and user.is_superuser:
        district = selectors.district_list(user=user).first()
    else:
        try:
            district = selectors.district_list(user=user).filter(pk=int(str(district_id))).first()
        except (TypeError, ValueError):
            district = None
    if district is None or not can_set_up_geography(user, district.pk):
        raise PermissionDenied(_("Streets, areas and compounds are set up by district officials."))
    return district


def _allowed(request: AuthedHttpRequest, district_id: int) -> None:
    require(
        can_set_up_geography(request.user, district_id),
        _("Streets, areas and compounds are set up by the district's officials."),
    )


def _form_page(
    request: AuthedHttpRequest,
    *,
    form,
    call: Callable[[dict], Any],
    success: str,
    redirect_to: Callable[[Any], str],
    title: str,
    back: str,
    extra: dict | None = None,
) -> HttpResponse:
    """GET shows the form; a valid POST calls the service through `call(cleaned_data)`.
    Validation errors and warnings re-render the form (warnings with the confirmation box);
    a stale version answers 409 with the conflict message."""
    status = 200
    if request.method == "POST" and form.is_valid():
        result, status = run_service(form, lambda: call(form.cleaned_data))
        if result is not None:
            messages.success(request, success)
            return redirect(redirect_to(result))
    context = {"form": form, "title": title, "back": back, **(extra or {})}
    return render(request, FORM, context, status=status)


@login_required
def geography(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    streets = (
        district.streets.annotate(compound_count=Count("compounds"))
        .prefetch_related(Prefetch("communities", queryset=Community.objects.order_by("name")))
        .order_by("name")
    )
    areas = district.areas.annotate(compound_count=Count("compounds")).order_by("name")
    merges = (
        CompoundMerge.objects.visible_to(request.user)
        .filter(kept__street__district=district)
        .select_related("kept", "by")[:10]
    )
    return render(
        request,
        "programmes/geography/index.html",
        {"district": district, "streets": streets, "areas": areas, "merges": merges},
    )


# --- Streets, communities, areas -----------------------------------------------------------


def _back() -> str:
    return reverse("programmes:geography")


@login_required
@require_http_methods(["GET", "POST"])
def street_create(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    return _form_page(
        request,
        form=StreetForm(request.POST or None),
        call=lambda data: services.street_create(
            by=request.user, district=district, name=data["name"]
        ),
        success=_("Street office set up."),
        redirect_to=lambda street: _back(),
        title=_("New street office"),
        back=_back(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def street_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    street = get_object_or_404(selectors.street_list(user=request.user), pk=pk)
    _allowed(request, street.district_id)
    return _form_page(
        request,
        form=StreetForm(request.POST or None, initial={"name": street.name}),
        call=lambda data: services.street_update(by=request.user, street=street, name=data["name"]),
        success=_("Street office saved."),
        redirect_to=lambda saved: _back(),
        title=_("Street office: %(name)s") % {"name": street.name},
        back=_back(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def community_create(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    form = CommunityForm(
        request.POST or None, district=district, initial={"street": request.GET.get("street")}
    )
    return _form_page(
        request,
        form=form,
        call=lambda data: services.community_create(
            by=request.user, street=data["street"], name=data["name"]
        ),
        success=_("Community set up."),
        redirect_to=lambda community: _back(),
        title=_("New community"),
        back=_back(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def community_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    community = get_object_or_404(
        Community.objects.visible_to(request.user).select_related("street__district"), pk=pk
    )
    _allowed(request, community.street.district_id)
    form = CommunityForm(
        request.POST or None,
        district=community.street.district,
        initial={"street": community.street_id, "name": community.name},
    )
    return _form_page(
        request,
        form=form,
        call=lambda data: services.community_update(
            by=request.user, community=community, name=data["name"], street=data["street"]
        ),
        success=_("Community saved."),
        redirect_to=lambda saved: _back(),
        title=_("Community: %(name)s") % {"name": community.name},
        back=_back(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_create(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    return _form_page(
        request,
        form=AreaForm(request.POST or None, district=district),
        call=lambda data: services.area_create(by=request.user, district=district, **data),
        success=_("Area set up."),
        redirect_to=lambda area: _back(),
        title=_("New area"),
        back=_back(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    area = get_object_or_404(
        selectors.area_list(user=request.user).select_related("district"), pk=pk
    )
    _allowed(request, area.district_id)
    initial = {
        "name": area.name,
        "description": area.description,
        "compounds": list(area.compounds.values_list("pk", flat=True)),
    }
    return _form_page(
        request,
        form=AreaForm(request.POST or None, district=area.district, initial=initial),
        call=lambda data: services.area_update(by=request.user, area=area, **data),
        success=_("Area saved."),
        redirect_to=lambda saved: _back(),
        title=_("Area: %(name)s") % {"name": area.name},
        back=_back(),
    )


# --- Compounds and buildings ---------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def compound_create(request: AuthedHttpRequest) -> HttpResponse:
    district = _district(request)
    form = CompoundForm(request.POST or None, district=district)

    def call(data: dict) -> Compound:
        values = form.service_values()
        return services.compound_create(by=request.user, street=values.pop("street"), **values)

    return _form_page(
        request,
        form=form,
        call=call,
        success=_("Compound registered."),
        redirect_to=lambda compound: compound.get_absolute_url(),
        title=_("Register a compound"),
        back=reverse("programmes:compound-list"),
    )


def _initial(record, name: str) -> Any:
    """A form's initial value: the id for a relation."""
    return getattr(record, record._meta.get_field(name).attname)


def _compound(request: AuthedHttpRequest, pk: int) -> Compound:
    compound = get_object_or_404(
        selectors.compound_list(user=request.user).select_related("street__district"), pk=pk
    )
    _allowed(request, compound.street.district_id)
    return compound


@login_required
@require_http_methods(["GET", "POST"])
def compound_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    initial = {name: _initial(compound, name) for name in COMPOUND_FORM_FIELDS}
    initial["version"] = compound.version
    form = CompoundForm(request.POST or None, district=compound.street.district, initial=initial)
    return _form_page(
        request,
        form=form,
        call=lambda data: services.compound_update(
            by=request.user,
            compound=compound,
            version=data.get("version"),
            confirm_warnings=data.get("confirm_warnings", False),
            **form.service_values(),
        ),
        success=_("Compound saved."),
        redirect_to=lambda saved: saved.get_absolute_url(),
        title=_("Edit compound: %(name)s") % {"name": compound.name},
        back=compound.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def building_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    form = BuildingForm(request.POST or None)
    return _form_page(
        request,
        form=form,
        call=lambda data: services.building_create(
            by=request.user,
            compound=compound,
            confirm_warnings=data.get("confirm_warnings", False),
            **form.service_values(),
        ),
        success=_("Building added."),
        redirect_to=lambda building: compound.get_absolute_url() + "#buildings",
        title=_("Add a building to %(name)s") % {"name": compound.name},
        back=compound.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def building_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    building = get_object_or_404(
        selectors.building_list(user=request.user).select_related("compound__street"), pk=pk
    )
    compound = building.compound
    _allowed(request, compound.street.district_id)
    initial = {name: _initial(building, name) for name in BUILDING_FORM_FIELDS}
    initial["version"] = building.version
    form = BuildingForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        form=form,
        call=lambda data: services.building_update(
            by=request.user,
            building=building,
            version=data.get("version"),
            confirm_warnings=data.get("confirm_warnings", False),
            **form.service_values(),
        ),
        success=_("Building saved."),
        redirect_to=lambda saved: compound.get_absolute_url() + "#buildings",
        title=_("Building %(name)s of %(compound)s")
        % {"name": building.name, "compound": compound.name},
        back=compound.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def compound_merge(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    kept = _compound(request, pk)
    form = MergeForm(request.POST or None, kept=kept)
    return _form_page(
        request,
        form=form,
        call=lambda data: services.compound_merge(
            by=request.user,
            kept=kept,
            duplicate=data["duplicate"],
            reason=data["reason"],
            version=data.get("version"),
        ),
        success=_("The duplicate was merged into this compound."),
        redirect_to=lambda merge: kept.get_absolute_url(),
        title=_("Merge a duplicate into %(name)s") % {"name": kept.name},
        back=kept.get_absolute_url(),
        extra={
            "intro": _(
                "The duplicate's buildings (one of the same name is the same building), "
                "projects with their money, and resident governance records move to this "
                "compound; the duplicate is then deleted. The change is kept in the history."
            )
        },
    )

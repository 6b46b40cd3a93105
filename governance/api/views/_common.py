"""What the governance endpoints share: scoped look-ups, choices named in a body, 201 answers."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from governance import selectors
from programmes.models import Building, Compound, Project
from renovation.access import can_file_street_records, require
from renovation.api.schema import ERRORS
from renovation.api.views import etag

TAG = "governance"


def _compound(request: Request, pk: int) -> Compound:
    try:
        return selectors.compound_in_scope(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _project(request: Request, pk: int) -> Project:
    try:
        return selectors.project_in_scope(user=request.user, pk=pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _may_file(request: Request, compound: Compound) -> None:
    require(
        can_file_street_records(request.user, compound.street_id),
        _("Only the street office in charge records governance for this compound."),
    )


def _choice(queryset: QuerySet, pk: int | None, field: str, message: str):
    """A related choice named in the body (project, building): refused as a field error, as
    the page's form refuses a choice it does not offer; the service checks it belongs."""
    if pk is None:
        return None
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise serializers.ValidationError({field: [message]})
    return found


def _project_choice(request: Request, pk: int | None) -> Project | None:
    return _choice(
        Project.objects.visible_to(request.user),
        pk,
        "project",
        _("Choose a project of this compound."),
    )


def _building_choice(request: Request, pk: int | None) -> Building | None:
    return _choice(
        Building.objects.filter(compound__in=Compound.objects.visible_to(request.user)),
        pk,
        "building",
        _("Choose a building of this compound."),
    )


def _created(data: dict, name: str, pk: int, version: int | None = None) -> Response:
    response = Response(data, status=status.HTTP_201_CREATED)
    response["Location"] = reverse(f"api:{name}-detail", args=[pk])
    if version is not None:
        response["ETag"] = etag(version)
    return response


NOT_FOUND = {404: ERRORS["404"]}

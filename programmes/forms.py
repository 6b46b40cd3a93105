"""Forms translate page input; the services validate the rules and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renovation.form_fields import PlainDecimalField, VersionedForm
from renovation.uploads import clean_photo

from .models import ProgressReport, Project, SiteProblem, Stage, WorkItem
from .services import field_for_item, project_allowed_targets


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Several photos from a phone; each is checked to be a real image of bounded size, then
    re-encoded without its metadata (location, camera, comments: renovation.uploads)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        for upload in files:
            if upload.size > settings.PHOTO_MAX_BYTES:
                raise forms.ValidationError(
                    _("Each photo must be smaller than %(size)s MB.")
                    % {"size": settings.PHOTO_MAX_BYTES // (1024 * 1024)}
                )
            cleaned.append(clean_photo(super().clean(upload, initial)))
        return cleaned


class ProgressReportForm(VersionedForm):
    """One row per work item: the completed quantity to date, and a reason where needed."""

    report_date = forms.DateField(
        label=_("Report date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    photos = MultipleImageField(label=_("Photos"))

    def __init__(
        self,
        *args,
        work_items: list[WorkItem],
        previous: dict[int, Decimal] | None = None,
        report: ProgressReport | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.work_items = work_items
        self.previous = previous or {}
        self.report = report
        lines = {line.work_item_id: line for line in report.lines.all()} if report else {}
        for item in work_items:
            key = field_for_item(item.pk)
            line = lines.get(item.pk)
            self.fields[key] = PlainDecimalField(
                label=str(item.work_type),
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=line.quantity_to_date if line else None,
                widget=forms.NumberInput(
                    attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}
                ),
            )
            self.fields[f"reason_{item.pk}"] = forms.CharField(
                label=_("Reason"),
                required=False,
                max_length=255,
                initial=line.reason if line else "",
            )
        if report is not None:
            self.fields["version"].initial = report.version
            self.fields["note"].initial = report.note
            self.fields["report_date"].initial = report.report_date
        else:
            self.fields["report_date"].initial = timezone.localdate()

    def rows(self):
        """(work item, quantity field, reason field, last reported) for the template."""
        for item in self.work_items:
            yield (
                item,
                self[field_for_item(item.pk)],
                self[f"reason_{item.pk}"],
                self.previous.get(item.pk),
            )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "report_date": data["report_date"],
            "quantities": {item.pk: data.get(field_for_item(item.pk)) for item in self.work_items},
            "reasons": {item.pk: data.get(f"reason_{item.pk}", "") for item in self.work_items},
            "note": data.get("note", ""),
            "version": data.get("version"),
            "photos": data.get("photos") or [],
        }


class StageChangeForm(VersionedForm):
    to_stage = forms.ChoiceField(label=_("New stage"))
    effective_date = forms.DateField(
        label=_("Effective date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The day the stage really changed; leave empty for today (for acceptance, the "
            "acceptance date)."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [
            (stage, Stage(stage).label) for stage in project_allowed_targets(project)
        ]
        self.fields["version"].initial = project.version


class SiteProblemForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=160)
    severity = forms.ChoiceField(
        label=_("Severity"), choices=SiteProblem.Severity.choices, initial="medium"
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class SiteProblemCloseForm(VersionedForm):
    resolution = forms.CharField(
        label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class ReportReturnForm(VersionedForm):
    comment = forms.CharField(
        label=_("What must be corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

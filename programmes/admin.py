"""Django admin for every programmes model. History is readable through SimpleHistoryAdmin.

Stage, progress and the started/completed dates are read-only here: they change only through
the services, which check gates and record who and why."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(models.City)
class CityAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "province")
    list_filter = ("province",)
    search_fields = ("name", "code")


@admin.register(models.District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "city")
    list_filter = ("city__province",)
    list_select_related = ("city",)
    search_fields = ("name", "code")


@admin.register(models.Street)
class StreetAdmin(admin.ModelAdmin):
    list_display = ("name", "district")
    list_filter = ("district",)
    list_select_related = ("district",)
    search_fields = ("name",)


@admin.register(models.Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "street")
    list_select_related = ("street",)
    search_fields = ("name",)
    autocomplete_fields = ("street",)


@admin.register(models.Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "district")
    list_filter = ("district",)
    list_select_related = ("district",)
    search_fields = ("name",)


class BuildingInline(admin.TabularInline):
    model = models.Building
    extra = 0


@admin.register(models.Compound)
class CompoundAdmin(SimpleHistoryAdmin):
    list_display = ("name", "street", "area", "year_built", "households", "survey_status")
    list_filter = ("survey_status", "street__district", "street")
    list_select_related = ("street", "area")
    search_fields = ("name", "address", "code")
    autocomplete_fields = ("street", "community", "area")
    readonly_fields = ("current_project", "created_at", "created_by", "updated_at", "updated_by")
    inlines = (BuildingInline,)


@admin.register(models.Building)
class BuildingAdmin(SimpleHistoryAdmin):
    list_display = ("name", "compound", "floors", "units", "households", "has_elevator")
    list_select_related = ("compound",)
    search_fields = ("name", "compound__name")
    autocomplete_fields = ("compound",)


class YearTargetInline(admin.TabularInline):
    model = models.YearTarget
    extra = 0


class BatchInline(admin.TabularInline):
    model = models.Batch
    extra = 0


@admin.register(models.Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "district", "start_year", "end_year", "support_threshold")
    list_filter = ("district",)
    list_select_related = ("district",)
    search_fields = ("name",)
    inlines = (YearTargetInline, BatchInline)


@admin.register(models.YearTarget)
class YearTargetAdmin(SimpleHistoryAdmin):
    list_display = ("programme", "year", "compounds", "households", "buildings")
    list_filter = ("year",)
    list_select_related = ("programme",)


@admin.register(models.Batch)
class BatchAdmin(SimpleHistoryAdmin):
    list_display = ("name", "programme", "year", "sequence")
    list_select_related = ("programme",)


class WorkItemInline(admin.TabularInline):
    model = models.WorkItem
    extra = 0
    readonly_fields = ("completed_quantity",)
    autocomplete_fields = ("work_type",)


@admin.register(models.Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "programme", "year", "category", "stage", "progress", "budget")
    list_filter = ("stage", "category", "year", "programme")
    list_select_related = ("programme", "compound")
    search_fields = ("name", "compound__name")
    autocomplete_fields = ("compound",)
    readonly_fields = (
        "stage",
        "stage_changed_at",
        "started_on",
        "completed_on",
        "progress",
        "last_report_on",
        "version",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    )
    inlines = (WorkItemInline,)


@admin.register(models.StageTransition)
class StageTransitionAdmin(admin.ModelAdmin):
    list_display = ("project", "from_stage", "to_stage", "by", "at")
    list_filter = ("to_stage",)
    list_select_related = ("project", "by")
    search_fields = ("project__compound__name", "reason")

    # The log is append-only: it is written by the stage service and never edited.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.AcceptanceRecord)
class AcceptanceRecordAdmin(SimpleHistoryAdmin):
    list_display = ("project", "accepted_on", "residents_present", "passed")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)


@admin.register(models.WorkType)
class WorkTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "unit", "category", "sort_order", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("code", "name_zh", "name_en")


@admin.register(models.WorkItem)
class WorkItemAdmin(SimpleHistoryAdmin):
    list_display = ("work_type", "project", "planned_quantity", "completed_quantity", "budget")
    list_select_related = ("work_type", "project")
    readonly_fields = ("completed_quantity",)
    autocomplete_fields = ("project", "work_type")


class ProgressReportLineInline(admin.TabularInline):
    model = models.ProgressReportLine
    extra = 0


class ProgressPhotoInline(admin.TabularInline):
    model = models.ProgressPhoto
    extra = 0


@admin.register(models.ProgressReport)
class ProgressReportAdmin(SimpleHistoryAdmin):
    list_display = ("project", "report_date", "status", "created_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("project", "created_by")
    date_hierarchy = "report_date"
    inlines = (ProgressReportLineInline, ProgressPhotoInline)
    readonly_fields = ("version",)


@admin.register(models.ProgressReportLine)
class ProgressReportLineAdmin(SimpleHistoryAdmin):
    list_display = ("report", "work_item", "quantity_to_date", "reason")
    list_select_related = ("report", "work_item")


@admin.register(models.ProgressPhoto)
class ProgressPhotoAdmin(admin.ModelAdmin):
    list_display = ("report", "caption", "created_at")
    list_select_related = ("report",)


@admin.register(models.SiteProblem)
class SiteProblemAdmin(SimpleHistoryAdmin):
    list_display = ("title", "project", "severity", "status", "created_at", "closed_at")
    list_filter = ("status", "severity")
    list_select_related = ("project",)
    search_fields = ("title", "description")
    readonly_fields = ("version",)

"""Django admin for funding records, with history. Status, approval and versions are read-only:
they change only through the services, which check the money rules and record who and when."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from . import models


@admin.register(models.FundingSource)
class FundingSourceAdmin(SimpleHistoryAdmin):
    list_display = ("funder", "kind", "sub_type", "district")
    list_filter = ("kind", "sub_type", "district")
    list_select_related = ("district",)
    search_fields = ("funder",)


@admin.register(models.ContributionRule)
class ContributionRuleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "programme", "sub_type", "basis", "rate", "year")
    list_filter = ("basis", "sub_type")
    list_select_related = ("programme",)


class AllocationInline(admin.TabularInline):
    model = models.Allocation
    extra = 0
    raw_id_fields = ("project",)
    readonly_fields = ("version",)


@admin.register(models.Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = ("source", "programme", "project", "year", "amount", "status")
    list_filter = ("status", "source__kind", "source__sub_type", "year")
    list_select_related = ("source", "programme", "project", "project__compound")
    search_fields = ("source__funder", "reference", "project__compound__name")
    raw_id_fields = ("project", "source", "rule", "batch", "programme")
    readonly_fields = ("status", "approved_by", "approved_at", "version")
    inlines = [AllocationInline]


@admin.register(models.Allocation)
class AllocationAdmin(SimpleHistoryAdmin):
    list_display = ("commitment", "project", "amount")
    list_select_related = ("commitment__source", "project__compound")
    raw_id_fields = ("commitment", "project")


@admin.register(models.Receipt)
class ReceiptAdmin(SimpleHistoryAdmin):
    list_display = ("received_on", "commitment", "project", "amount")
    list_filter = ("commitment__source__kind",)
    list_select_related = ("commitment__source", "project__compound")
    raw_id_fields = ("commitment", "project")
    date_hierarchy = "received_on"


@admin.register(models.Expenditure)
class ExpenditureAdmin(SimpleHistoryAdmin):
    list_display = ("spent_on", "commitment", "project", "amount", "payee")
    list_filter = ("commitment__source__kind",)
    list_select_related = ("commitment__source", "project__compound")
    raw_id_fields = ("commitment", "project", "work_item")
    date_hierarchy = "spent_on"

"""Django admin for funding records, with history. Read-only (renovation.admin_site): money is
corrected through the services behind the pages and the API, which the platform administrator
uses too — "View on site" opens a commitment's, receipt's or expenditure's page, where a wrong
entry is reversed (冲销) with a reason."""

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
    list_display = ("source", "programme", "project", "year", "amount", "mode", "status")
    list_filter = ("status", "mode", "source__kind", "source__sub_type", "year")
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


@admin.register(models.Voucher)
class VoucherAdmin(SimpleHistoryAdmin):
    list_display = ("title", "receipt", "expenditure", "size", "created_at")
    list_select_related = ("receipt", "expenditure")
    raw_id_fields = ("receipt", "expenditure")

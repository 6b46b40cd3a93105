from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Ballot,
    CommitteeMember,
    Disclosure,
    FundCollection,
    LongTermManagement,
    Meeting,
    OpinionSurvey,
    OwnerVote,
    ResidentCommittee,
    SatisfactionSurvey,
    Suggestion,
    VoteRule,
    VoteRuleSet,
)


@admin.register(OpinionSurvey)
class OpinionSurveyAdmin(SimpleHistoryAdmin):
    list_display = ("project", "held_on", "forms_issued", "forms_returned", "support", "oppose")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)


class CommitteeMemberInline(admin.TabularInline):
    model = CommitteeMember
    extra = 0


@admin.register(ResidentCommittee)
class ResidentCommitteeAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "street", "compound", "formed_on", "headcount")
    list_filter = ("kind",)
    list_select_related = ("street", "compound")
    search_fields = ("name", "compound__name")
    autocomplete_fields = ("compound",)
    raw_id_fields = ("street", "area")
    inlines = [CommitteeMemberInline]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ("compound", "kind", "held_on", "attendance")
    list_filter = ("kind",)
    list_select_related = ("compound",)
    autocomplete_fields = ("compound", "project")


class VoteRuleInline(admin.TabularInline):
    model = VoteRule
    extra = 0


@admin.register(VoteRuleSet)
class VoteRuleSetAdmin(SimpleHistoryAdmin):
    list_display = ("name", "city", "effective_from")
    inlines = [VoteRuleInline]


@admin.register(OwnerVote)
class OwnerVoteAdmin(SimpleHistoryAdmin):
    list_display = (
        "title",
        "compound",
        "matter",
        "scope_kind",
        "held_on",
        "quorum_reached",
        "passed",
    )
    list_filter = ("matter", "scope_kind", "passed")
    list_select_related = ("compound",)
    autocomplete_fields = ("compound", "project")
    raw_id_fields = ("building",)
    readonly_fields = ("rule_set", "quorum_reached", "passed", "tallied_at")


@admin.register(Ballot)
class BallotAdmin(admin.ModelAdmin):
    list_display = ("vote", "room", "area", "choice")
    raw_id_fields = ("vote",)


@admin.register(Suggestion)
class SuggestionAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "compound", "channel", "status", "received_at", "answered_at")
    list_filter = ("status", "kind", "channel")
    list_select_related = ("compound",)
    autocomplete_fields = ("compound", "project")
    raw_id_fields = ("disclosure",)


@admin.register(SatisfactionSurvey)
class SatisfactionSurveyAdmin(SimpleHistoryAdmin):
    list_display = ("project", "held_on", "respondents", "satisfied")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)


@admin.register(LongTermManagement)
class LongTermManagementAdmin(SimpleHistoryAdmin):
    list_display = ("compound", "mode", "fee_per_m2", "starts_on")
    list_filter = ("mode",)
    list_select_related = ("compound",)
    autocomplete_fields = ("compound", "project")
    raw_id_fields = ("decided_by",)


@admin.register(FundCollection)
class FundCollectionAdmin(SimpleHistoryAdmin):
    list_display = ("project", "as_of", "households_paid", "households_expected")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)


@admin.register(Disclosure)
class DisclosureAdmin(SimpleHistoryAdmin):
    list_display = ("title", "project", "window_starts_on", "window_ends_on", "published")
    list_filter = ("published",)
    list_select_related = ("project",)
    autocomplete_fields = ("project",)
    readonly_fields = ("token", "published_at")

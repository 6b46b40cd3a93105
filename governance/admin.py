from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OpinionSurvey


@admin.register(OpinionSurvey)
class OpinionSurveyAdmin(SimpleHistoryAdmin):
    list_display = ("project", "held_on", "forms_issued", "forms_returned", "support", "oppose")
    list_select_related = ("project",)
    autocomplete_fields = ("project",)

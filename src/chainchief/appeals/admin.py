from django.contrib import admin

from chainchief.appeals.models import Request, RequestEvent
from chainchief.core.admin import AuditedAdmin, register_remaining


@admin.register(Request)
class RequestAdmin(AuditedAdmin):
    list_display = ("title", "enterprise", "category", "status", "department", "received_on", "due_on",
                    "closed_on")
    list_filter = ("status", "category", "chain", "department")
    search_fields = ("title", "content", "enterprise__name")
    autocomplete_fields = ("enterprise",)
    date_hierarchy = "received_on"
    list_select_related = ("enterprise", "department")


@admin.register(RequestEvent)
class RequestEventAdmin(admin.ModelAdmin):
    """The timeline is append-only: readable here, written only by the workflow's steps."""

    list_display = ("request", "time", "action", "from_status", "to_status", "actor")
    list_filter = ("action",)
    search_fields = ("request__title", "actor", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


register_remaining("appeals")

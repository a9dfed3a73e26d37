from django.contrib import admin

from chainchief.appeals.models import Request, RequestEvent
from chainchief.core.admin import AuditedAdmin, ReadOnlyAdmin, register_remaining


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
class RequestEventAdmin(ReadOnlyAdmin):
    """The timeline is append-only: written only by the workflow's steps."""

    list_display = ("request", "time", "action", "from_status", "to_status", "actor")
    list_filter = ("action",)
    search_fields = ("request__title", "actor", "note")


register_remaining("appeals")

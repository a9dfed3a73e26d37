from django.contrib import admin

from chainchief.appeals.models import Request
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


register_remaining("appeals")

from django.contrib import admin

from chainchief.audit.models import AuditEvent
from chainchief.core.admin import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The change log, read-only: nobody may add, change or delete an entry."""

    list_display = ("time", "username", "action", "content_type", "object_repr", "request_id")
    list_filter = ("action", "content_type")
    search_fields = ("username", "object_repr", "request_id", "object_id")
    date_hierarchy = "time"
    list_select_related = ("content_type",)

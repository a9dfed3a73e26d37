from django.contrib import admin

from chainchief.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The change log, read-only: nobody may add, change or delete an entry."""

    list_display = ("time", "username", "action", "content_type", "object_repr", "request_id")
    list_filter = ("action", "content_type")
    search_fields = ("username", "object_repr", "request_id", "object_id")
    date_hierarchy = "time"
    list_select_related = ("content_type",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

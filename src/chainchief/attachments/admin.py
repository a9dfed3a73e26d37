from django.contrib import admin

from chainchief.attachments.models import Attachment


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Read-only: files are added through their row's pages and API, which check who may."""

    list_display = ("name", "content_type", "object_id", "size", "uploaded_by", "uploaded_at")
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from chainchief.attachments.models import Attachment
from chainchief.core.admin import ReadOnlyAdmin


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    """Files are added through their row's pages and API, which check who may."""

    list_display = ("name", "content_type", "object_id", "size", "uploaded_by", "uploaded_at")

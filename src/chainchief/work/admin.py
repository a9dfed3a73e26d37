from django.contrib import admin

from chainchief.core.admin import AuditedAdmin, register_remaining
from chainchief.work.models import Task


@admin.register(Task)
class TaskAdmin(AuditedAdmin):
    list_display = ("title", "chain", "work_item", "lead_department", "responsible", "due_on", "status")
    list_filter = ("status", "chain", "lead_department")
    search_fields = ("title", "description", "progress")
    date_hierarchy = "due_on"
    list_select_related = ("chain", "work_item", "lead_department", "responsible")


register_remaining("work")

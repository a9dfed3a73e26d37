from django.contrib import admin

from chainchief.audit.admin import AuditedAdmin, register_remaining
from chainchief.core.models import Department, Person, Region


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("name", "code", "level", "parent", "work_model")
    list_filter = ("level",)
    search_fields = ("name", "code")


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "region")
    search_fields = ("name", "short_name")


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("name", "title", "department", "region", "user")
    search_fields = ("name", "title")


register_remaining("core")

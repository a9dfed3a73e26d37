from django.contrib import admin

from chainchief.core.admin import AuditedAdmin, register_remaining
from chainchief.chains.models import Chain, ChainDepartment, ChainRole, ChainTier, ChainWorkItem, WorkModel, WorkModelItem


class WorkModelItemInline(admin.TabularInline):
    model = WorkModelItem
    extra = 0


@admin.register(WorkModel)
class WorkModelAdmin(AuditedAdmin):
    list_display = ("name",)
    inlines = [WorkModelItemInline]


@admin.register(ChainTier)
class ChainTierAdmin(AuditedAdmin):
    list_display = ("name", "region", "target_scale", "target_year", "order")
    list_filter = ("region",)


@admin.register(Chain)
class ChainAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "region", "tier", "order", "is_active", "is_illustrative")
    list_filter = ("tier", "is_active", "is_illustrative", "region")
    search_fields = ("name", "short_name")


@admin.register(ChainRole)
class ChainRoleAdmin(AuditedAdmin):
    list_display = ("chain", "kind", "person", "order")
    list_filter = ("kind", "chain")


@admin.register(ChainDepartment)
class ChainDepartmentAdmin(AuditedAdmin):
    list_display = ("chain", "department", "is_lead")
    list_filter = ("is_lead", "department")


@admin.register(ChainWorkItem)
class ChainWorkItemAdmin(AuditedAdmin):
    list_display = ("chain", "item", "status")
    list_filter = ("status", "chain")


register_remaining("chains")

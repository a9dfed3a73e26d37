from django.contrib import admin

from chainchief.core.admin import AuditedAdmin, register_remaining
from chainchief.enterprises.models import Enterprise, Membership, Qualification, SupplyLink


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ("name", "uscc", "region", "is_above_scale", "is_sample")
    list_filter = ("is_above_scale", "is_sample", "region")
    search_fields = ("name", "short_name", "uscc")


@admin.register(Qualification)
class QualificationAdmin(AuditedAdmin):
    list_display = ("enterprise", "kind", "level", "year")
    list_filter = ("kind", "level")
    search_fields = ("enterprise__name",)
    autocomplete_fields = ("enterprise",)


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("enterprise", "chain", "role")
    list_filter = ("role", "chain")
    search_fields = ("enterprise__name",)
    autocomplete_fields = ("enterprise",)


@admin.register(SupplyLink)
class SupplyLinkAdmin(AuditedAdmin):
    list_display = ("supplier", "customer", "product", "year", "annual_amount", "chain")
    list_filter = ("year", "chain")
    search_fields = ("product", "supplier__name", "customer__name")
    autocomplete_fields = ("supplier", "customer")
    list_select_related = ("supplier", "customer", "chain")


register_remaining("enterprises")

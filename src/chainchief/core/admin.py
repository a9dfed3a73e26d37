from django.apps import apps
from django.contrib import admin

from chainchief.core.models import Department, Person, Region
from chainchief.core.registry import registry

SECRET_FIELDS = ("password",)


def _snap(obj):
    data = registry.audit.snapshot(obj)
    for name in SECRET_FIELDS:
        if name in data:
            data[name] = "***"
    return data


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin land in the change log too, and bump the optimistic-locking version."""

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = _snap(type(obj)._default_manager.get(pk=obj.pk))
            if hasattr(obj, "version"):
                obj.version += 1
            if hasattr(obj, "updated_by_id"):
                obj.updated_by = request.user
        elif hasattr(obj, "created_by_id"):
            obj.created_by = obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        request._audit_pending = (obj, before, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pending = getattr(request, "_audit_pending", None)
        if pending:
            obj, before, changed = pending
            registry.audit.record(request.user, "update" if changed else "create", obj,
                                  before=before, after=_snap(obj))
            request._audit_pending = None

    def delete_model(self, request, obj):
        before, pk, text = _snap(obj), obj.pk, str(obj)
        super().delete_model(request, obj)
        obj.pk = pk
        registry.audit.record(request.user, "delete", obj, before=before, object_repr=text)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    """An append-only record (the change log, a request's timeline, attachments): shown, never added, changed
    or deleted here; only its own app's services write it."""

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def register_remaining(app_label, admin_class=AuditedAdmin):
    """Register every model of an app not yet registered (models added later appear without more code)."""
    for model in apps.get_app_config(app_label).get_models():
        if not admin.site.is_registered(model):
            admin.site.register(model, admin_class)


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

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from chainchief.accounts.models import ApiToken, User
from chainchief.core.admin import AuditedAdmin


class InitialPasswordForm(AdminPasswordChangeForm):
    """A password an administrator sets is an initial one: it must be changed at the next login."""

    def save(self, commit=True):
        self.user.must_change_password = True
        return super().save(commit=commit)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    change_password_form = InitialPasswordForm
    list_display = ("username", "display_name", "role", "region", "department", "is_active", "is_staff")
    list_filter = ("role", "is_active", "is_staff", "region")
    search_fields = ("username", "display_name", "email")
    filter_horizontal = ("chains", "enterprises", "groups", "user_permissions")
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("角色与范围"), {"fields": ("display_name", "role", "region", "department", "chains", "enterprises")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        (_("角色与范围"), {"fields": ("display_name", "role", "region", "department")}),
    )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True  # the password typed by the administrator is an initial one
        super().save_model(request, obj, form, change)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be seen and revoked (deleted) here; they are issued through the API only."""

    list_display = ("user", "prefix", "created_at", "expires_at", "last_used_at", "address")
    readonly_fields = ("user", "digest", "prefix", "created_at", "expires_at", "last_used_at", "user_agent", "address")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

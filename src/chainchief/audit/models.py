from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import AUDIT, Access
from chainchief.core.querysets import RestrictedQuerySet


class AuditAction(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    TOKEN = "token", _("获取令牌")


class ReadOnlyError(Exception):
    pass


class AuditQuerySet(RestrictedQuerySet):
    """Bulk updates and deletes would bypass ``AuditEvent.save``/``delete``: refused too."""

    def update(self, **kwargs):
        raise ReadOnlyError("审计记录不可修改。")

    def delete(self):
        raise ReadOnlyError("审计记录不可删除。")


class AuditEvent(models.Model):
    """One entry of the change log. Written once, never changed or deleted through the application."""

    time = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=16, choices=AuditAction.choices, db_index=True)
    request_id = models.CharField(_("请求编号"), max_length=64, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    # The region the changed object belongs to (by its ``access``), as it was when the event was written. Not a
    # constraint: the log outlives the rows it names, and deleting a region changes none of its events.
    region = models.ForeignKey("core.Region", verbose_name=_("对象所属区域"), null=True, blank=True,
                               on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")

    objects = AuditQuerySet.as_manager()
    # An event is read in the region of the user who caused it and in the region of the object it changed: a change
    # of a city's row by anyone outside the city (the platform's administrator) is in the city's log too. Failed
    # logins (no user, no object) only admins see.
    access = Access(kind=AUDIT, region=("user__region", "region"))

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-time", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.username} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ReadOnlyError("审计记录不可修改。")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReadOnlyError("审计记录不可删除。")

    def changed_fields(self):
        """Names of the fields whose value differs between before and after."""
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

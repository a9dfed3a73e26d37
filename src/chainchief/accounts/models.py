import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as _DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from chainchief.accounts.roles import Role
from chainchief.accounts.scope import cached as cached_scope
from chainchief.accounts.scope import with_new_regions
from chainchief.core.access import AUDIT, Access
from chainchief.core.querysets import RestrictedQuerySet


class ChainChiefUserManager(_DjangoUserManager.from_queryset(RestrictedQuerySet)):
    pass


class User(AbstractUser):
    """A login. Its role says what it may do; its scopes say where."""

    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, default=Role.LEADER)
    region = models.ForeignKey("core.Region", verbose_name=_("区域范围"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="users")
    department = models.ForeignKey("core.Department", verbose_name=_("所属部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="users")
    chains = models.ManyToManyField("chains.Chain", verbose_name=_("负责产业链"), blank=True,
                                    related_name="scoped_users")
    enterprises = models.ManyToManyField("enterprises.Enterprise", verbose_name=_("关联企业"), blank=True,
                                         related_name="scoped_users")
    display_name = models.CharField(_("显示名称"), max_length=64, blank=True)
    must_change_password = models.BooleanField(_("须修改密码"), default=False,
                                               help_text=_("管理员设置的初始密码或重置的密码，须在下次登录时修改"))
    # Raised by "log out everywhere": part of the sessions' authentication hash, so every session signed in
    # before it no longer verifies (``_get_session_auth_hash``).
    session_generation = models.PositiveIntegerField(_("会话代数"), default=0, editable=False)

    objects = ChainChiefUserManager()
    # An account belongs to its region: read there (by the chain office, as part of the audit), pointed at only by
    # writes of that region.
    access = Access(kind=AUDIT, region="region")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username

    @cached_property
    def scope(self):
        """The user's scopes resolved to ids (once per request; cached under the data stamp, see scope.cached)."""
        return cached_scope(self)

    def _get_session_auth_hash(self, secret=None):
        """Django's HMAC of the password hash, with the session generation mixed in once "log out everywhere" has
        raised it (0 keeps Django's own value, so existing sessions stay valid until then)."""
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        from django.utils.crypto import salted_hmac

        return salted_hmac("chainchief.accounts.User.session_auth_hash", f"{self.password}:{self.session_generation}",
                           secret=secret, algorithm="sha256").hexdigest()

    def save(self, *args, **kwargs):
        # A new password (set_password, whoever calls it: the user's own change, the admin, changepassword) ends
        # every API token of the user. A hash upgrade at login is not a new password (Django clears _password).
        new_password = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if new_password:
            ApiToken.objects.filter(user=self).delete()

    def refresh_region_scope(self):
        """After a region was added below the user's region: its region scope includes it at once."""
        if "scope" in self.__dict__:
            with_new_regions(self)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored. It lives ``API_TOKEN_TTL_HOURS`` (a refresh gives a
    new one), and ends earlier when its holder revokes it, changes the password, enrols a second factor or logs
    out everywhere (``accounts.services``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("前缀"), max_length=8)
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("到期时间"))
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    # Where it was issued, so that its holder recognises it in the list.
    user_agent = models.CharField(_("客户端"), max_length=200, blank=True)
    address = models.GenericIPAddressField(_("地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created_at", "-id"]

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user, request=None):
        """A new token for ``user``: returns (token row, raw token). The raw value is shown once."""
        raw = secrets.token_urlsafe(32)
        from chainchief.accounts.lockout import client_address  # the client's, behind a proxy too

        row = cls.objects.create(
            user=user, digest=cls.hash(raw), prefix=raw[:8],
            expires_at=timezone.now() + timedelta(hours=settings.API_TOKEN_TTL_HOURS),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:200] if request is not None else "",
            address=_address(client_address(request)) if request is not None else None,
        )
        return row, raw


def _address(value):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(value or "")
    except ValidationError:  # no address, or not one
        return None
    return value


class PasswordHistory(models.Model):
    """The hashes of a user's last passwords (``accounts.passwords.PasswordHistoryValidator``): never the passwords
    themselves, never shown, read only to refuse a recent password."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("历史密码")
        verbose_name_plural = _("历史密码")


class Notification(models.Model):
    """A message in a user's inbox (站内通知): a request to handle, a task assigned, a deadline near. Each user
    reads only its own (``for_user``), so it needs no access description."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="notifications")
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # What happened (accounts.notifications.RULES) and its parameters: the message is rendered in its reader's
    # language from them; ``text`` keeps it in Chinese.
    event = models.CharField(_("事件"), max_length=40, blank=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text

    @property
    def message(self):
        """The message in the active language."""
        from chainchief.accounts.notifications import render

        return render(self)


class SavedView(models.Model):
    """A user's own named filter of a list page (e.g. "我部门的超期诉求"): the page and its query string."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="saved_views")
    page = models.CharField(_("页面"), max_length=64)
    name = models.CharField(_("名称"), max_length=40)
    query = models.CharField(_("筛选条件"), max_length=500)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = _("常用筛选")
        ordering = ["page", "name"]
        constraints = [models.UniqueConstraint(fields=["user", "page", "name"], name="savedview_unique")]

    def __str__(self):
        return self.name

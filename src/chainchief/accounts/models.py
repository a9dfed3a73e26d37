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

from chainchief.core.access import AUDIT, Access
from chainchief.core.querysets import RestrictedQuerySet


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COORDINATOR = "coordinator", _("链长办")
    LEADER = "leader", _("市领导")
    CHIEF = "chief", _("链长")
    DEPT = "dept", _("牵头部门")
    COMMISSIONER = "commissioner", _("服务专员")
    ENTERPRISE = "enterprise", _("企业用户")


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

    objects = ChainChiefUserManager()
    access = Access(kind=AUDIT)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.username

    @cached_property
    def scope(self):
        """The user's scopes resolved to ids (once per request; cached under the data stamp, see scope.cached)."""
        from chainchief.accounts.scope import cached

        return cached(self)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user):
        """A new token for ``user``: returns (token row, raw token). The raw value is shown once."""
        raw = secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user, digest=cls.hash(raw), prefix=raw[:8],
            expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
        )
        return row, raw

    @classmethod
    def user_for(cls, raw: str):
        """The active user of an unexpired token, read in one query with the cache stamp (accounts.backends)."""
        from django.db import connection

        from chainchief.accounts.backends import select_user, user_table

        q = connection.ops.quote_name
        now = timezone.now()
        user, values = select_user(
            f"{q(cls._meta.db_table)} t JOIN {q(user_table())} u ON u.id = t.user_id "
            f"WHERE t.digest = %s AND t.expires_at > %s",
            [cls.hash(raw), connection.ops.adapt_datetimefield_value(now)],
            extra=[("t.id", cls._meta.pk), ("t.last_used_at", cls._meta.get_field("last_used_at"))],
        )
        if user is None or not user.is_active:
            return None
        pk, last_used_at = values
        if last_used_at is None or now - last_used_at > timedelta(minutes=5):
            cls.objects.filter(pk=pk).update(last_used_at=now)  # at most one write per token in 5 minutes
        return user

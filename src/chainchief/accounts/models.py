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
        """The active user of an unexpired token. The token's row and its user's are cached under the stamp
        (core.stamps), which a deleted token, a changed expiry or user, or a changed user row changes at once."""
        from chainchief.accounts.backends import cached_user
        from chainchief.core import stamps

        digest = cls.hash(raw)
        token = stamps.current()
        found = stamps.memo(token, ("apitoken", digest), lambda: cls.objects.filter(digest=digest).values_list(
            "pk", "user_id", "expires_at", "last_used_at").first())
        now = timezone.now()
        if found is None or found[2] <= now:
            return None
        pk, user_id, _expires, last_used_at = found
        user = cached_user(user_id, token)
        if user is None or not user.is_active:
            return None
        _touch(cls, pk, digest, last_used_at, now)
        return user


_last_used = {}  # token digest → when this process last wrote its last_used_at


def _touch(model, pk, digest, stored, now):
    """Record a token's use: at most one write per token and process in 5 minutes."""
    last = _last_used.get(digest) or stored
    if last is None or now - last > timedelta(minutes=5):
        _last_used[digest] = now
        model.objects.filter(pk=pk).update(last_used_at=now)

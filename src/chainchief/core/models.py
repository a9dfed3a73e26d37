from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import REFERENCE, Access
from chainchief.core.querysets import RestrictedQuerySet


class BaseModel(models.Model):
    """Timestamps, who made and last changed the row, and a version for optimistic locking."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = RestrictedQuerySet.as_manager()

    # Fields a service never takes from user input.
    SYSTEM_FIELDS = ("id", "created_at", "updated_at", "created_by", "updated_by", "version")

    class Meta:
        abstract = True


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")


class Region(BaseModel):
    """Province → city → district/county. Every chain, department, enterprise and user belongs to one."""

    name = models.CharField(_("名称"), max_length=64)
    code = models.CharField(_("区划代码"), max_length=12, unique=True,
                            help_text=_("行政区划代码，如 370700"))
    level = models.CharField(_("层级"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级区域"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    work_model = models.ForeignKey("chains.WorkModel", verbose_name=_("工作模式"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="regions")
    order = models.PositiveIntegerField(_("排序"), default=0)

    access = Access(kind=REFERENCE, region="pk", region_managed=True)

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["order", "code"]

    def __str__(self):
        return self.name

    def descendant_ids(self):
        """Ids of this region and every region below it."""
        return Region.subtree_ids(self.pk)

    def ancestor_ids(self):
        """Ids of this region and every region above it, nearest first."""
        ids, parent = [self.pk], self.parent_id
        while parent is not None:
            ids.append(parent)
            parent = Region.objects.filter(pk=parent).values_list("parent_id", flat=True).first()
        return ids

    @staticmethod
    def subtree_ids(pk):
        """Ids of region ``pk`` and every region below it (one query: the tree is small)."""
        children = {}
        for child, parent_id in Region.objects.values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(child)
        ids, frontier = [pk], [pk]
        while frontier:
            frontier = [c for p in frontier for c in children.get(p, ())]
            ids.extend(frontier)
        return ids


class Department(BaseModel):
    name = models.CharField(_("名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="departments")

    access = Access(kind=REFERENCE, region="region", region_managed=True)
    # What a search of departments matches, on the page and in the API (whose export the page links to).
    SEARCH_FIELDS = ("name", "short_name")

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name")]

    def __str__(self):
        return self.name


class Person(BaseModel):
    """An official. A person may or may not have a login (``user``)."""

    name = models.CharField(_("名称"), max_length=64)
    title = models.CharField(_("职务"), max_length=64, help_text=_("如 副市长"))
    department = models.ForeignKey(Department, verbose_name=_("部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="people")
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="people")
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="person")

    access = Access(kind=REFERENCE, region="region", region_managed=True)
    # What a search of people matches, on the page and in the API (whose export the page links to).
    SEARCH_FIELDS = ("name", "title", "department__name", "phone")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["region", "name"]

    def __str__(self):
        return f"{self.name}（{self.title}）" if self.title else self.name


class Stamp(models.Model):
    """One row whose random token changes, in the same transaction, with every write to the tables cached reads
    are computed from (see ``chainchief.core.stamps``)."""

    token = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("缓存版本")
        verbose_name_plural = _("缓存版本")

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import CHAIN, REFERENCE, Access
from chainchief.core.models import BaseModel


class WorkModel(BaseModel):
    """A named checklist every chain must complete, e.g. "八个一" or "1+N 清单". Data, never code.

    It belongs to the region that drew it up (``region``): that region's office keeps it and its items; a region
    below may follow it (``Region.work_model``) without owning it."""

    name = models.CharField(_("名称"), max_length=64)
    region = models.ForeignKey("core.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                               related_name="own_work_models", help_text=_("制定该工作模式的区域，由其链长办维护"))
    description = models.TextField(_("说明"), blank=True)

    access = Access(kind=REFERENCE, region="region", region_managed=True)

    class Meta:
        verbose_name = _("工作模式")
        verbose_name_plural = _("工作模式")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="workmodel_unique_name")]

    def __str__(self):
        return self.name


class EvidenceKind(models.TextChoices):
    """The kinds of records that may prove a work-model item (each item lists those that count for it)."""

    LEADER = "leader", _("链长包靠")
    DEPARTMENT = "department", _("牵头部门")
    RESEARCH = "research", _("专题调研")
    MAP = "map", _("产业链图谱")
    PLAN = "plan", _("发展计划")
    ALLIANCE = "alliance", _("产业链联盟")
    POLICY = "policy", _("政策文件")
    MEETING = "meeting", _("调度会")
    TASK = "task", _("标记该事项的任务")


class WorkModelItem(BaseModel):
    """One item of a work model, with the rule that decides a chain's status on it from the platform's records:
    which kinds of records count (``evidence_kinds``), in which period (``evidence_months``: records dated within
    that many months before today; undated ones — a chain's chief, its map — count while they exist) and how many
    completed records make it 已完成 (``evidence_required``)."""

    work_model = models.ForeignKey(WorkModel, verbose_name=_("工作模式"), on_delete=models.CASCADE,
                                   related_name="items")
    name = models.CharField(_("事项"), max_length=64)
    description = models.TextField(_("说明"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    evidence_kinds = models.JSONField(_("计入的记录"), default=list, blank=True,
                                      help_text=_("可佐证该事项的记录种类，如 [\"research\", \"task\"]"))
    evidence_months = models.PositiveIntegerField(_("计入期限（月）"), null=True, blank=True,
                                                  help_text=_("只计入最近若干个月内的记录；不填为不限"))
    evidence_required = models.PositiveIntegerField(_("完成所需记录数"), default=1,
                                                    validators=[MinValueValidator(1)],
                                                    help_text=_("已完成的记录达到此数，事项即为已完成"))

    access = Access(kind=REFERENCE, region="work_model__region", region_managed=True)

    class Meta:
        verbose_name = _("工作模式事项")
        verbose_name_plural = _("工作模式事项")
        ordering = ["work_model", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["work_model", "name"], name="workitem_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        kinds = self.evidence_kinds
        if not isinstance(kinds, list) or any(k not in EvidenceKind.values for k in kinds):
            raise ValidationError({"evidence_kinds": _("计入的记录应为以下各项组成的列表：%(kinds)s。") % {
                "kinds": "、".join(EvidenceKind.values)}})
        if len(set(kinds)) != len(kinds):
            raise ValidationError({"evidence_kinds": _("计入的记录不能重复。")})


class ChainTier(BaseModel):
    """A class of chains with a scale target, e.g. 千亿级: 1000 亿元 by 2025."""

    name = models.CharField(_("名称"), max_length=32)
    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="chain_tiers")
    target_scale = models.DecimalField(_("规模目标（亿元）"), max_digits=12, decimal_places=2,
                                       validators=[MinValueValidator(Decimal("0"))])
    target_year = models.PositiveIntegerField(_("目标年份"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    access = Access(kind=REFERENCE, region="region", region_managed=True)

    class Meta:
        verbose_name = _("产业链层级")
        verbose_name_plural = _("产业链层级")
        ordering = ["order", "-target_scale"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="tier_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.target_year is not None and not 2000 <= self.target_year <= 2100:
            raise ValidationError({"target_year": _("目标年份应在 2000 至 2100 之间。")})
        # A tier holds chains of its own region only (Chain.clean): moving one that holds chains to another region
        # would leave them under a tier of another region, and every later edit of them would fail.
        if self.pk and self.region_id and Chain.objects.filter(tier_id=self.pk).exclude(
                region_id=self.region_id).exists():
            raise ValidationError({"region": _("该层级下已有产业链，不能改到其他区域；请先将其产业链移出该层级。")})


class Chain(BaseModel):
    name = models.CharField(_("名称"), max_length=64)
    short_name = models.CharField(_("简称"), max_length=16, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="chains")
    tier = models.ForeignKey(ChainTier, verbose_name=_("层级"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="chains")
    description = models.TextField(_("简介"), blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    is_illustrative = models.BooleanField(
        _("示意数据"), default=False, help_text=_("演示数据中取自公开名单、仅作示意的产业链"))

    access = Access(kind=CHAIN, region="region", chain="pk", region_managed=True)

    class Meta:
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="chain_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.tier_id and self.region_id and self.tier.region_id != self.region_id:
            raise ValidationError({"tier": _("层级须属于同一区域。")})


class ChainRoleKind(models.TextChoices):
    GENERAL_CHIEF = "general_chief", _("总链长")
    CHIEF = "chief", _("链长")
    DEPUTY = "deputy", _("副链长")
    CONVENER = "convener", _("召集人")


class ChainRole(BaseModel):
    """A person's role on a chain. Several per chain allowed."""

    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey("core.Person", verbose_name=_("人员"), on_delete=models.PROTECT,
                               related_name="chain_roles")
    kind = models.CharField(_("角色"), max_length=16, choices=ChainRoleKind.choices, default=ChainRoleKind.CHIEF)
    order = models.PositiveIntegerField(_("排序"), default=0)

    access = Access(kind=CHAIN, region="chain__region", chain="chain")

    class Meta:
        verbose_name = _("链长职务")
        verbose_name_plural = _("链长职务")
        ordering = ["chain", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["chain", "person", "kind"], name="chainrole_unique")]

    def __str__(self):
        return f"{self.chain} {self.get_kind_display()} {self.person}"


class ChainDepartment(BaseModel):
    """The lead department (牵头部门) and supporting departments (配合部门) of a chain."""

    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="departments")
    department = models.ForeignKey("core.Department", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="chain_links")
    is_lead = models.BooleanField(_("牵头部门"), default=False)

    access = Access(kind=CHAIN, region="chain__region", chain="chain")

    class Meta:
        verbose_name = _("产业链部门")
        verbose_name_plural = _("产业链部门")
        ordering = ["chain", "-is_lead", "id"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "department"], name="chaindept_unique"),
            models.UniqueConstraint(fields=["chain"], condition=models.Q(is_lead=True), name="chaindept_one_lead"),
        ]

    def __str__(self):
        return f"{self.chain} {'牵头' if self.is_lead else '配合'} {self.department}"


class WorkStatus(models.TextChoices):
    MISSING = "missing", _("未开展")
    IN_PROGRESS = "in_progress", _("推进中")
    DONE = "done", _("已完成")


class ChainWorkItem(BaseModel):
    """A chain's status on one item of its region's work model, set by hand. A chain's status on an item is
    computed from its evidence (``chains.checklist``); a row with a ``status`` overrides that, and must say why
    (``note``). A row without one leaves the computed status in place (its note and link are still shown)."""

    chain = models.ForeignKey(Chain, verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="work_items")
    item = models.ForeignKey(WorkModelItem, verbose_name=_("事项"), on_delete=models.CASCADE,
                             related_name="chain_statuses")
    status = models.CharField(_("人工认定状态"), max_length=16, choices=WorkStatus.choices, blank=True, default="",
                              help_text=_("不填则按佐证记录自动判定"))
    note = models.TextField(_("说明"), blank=True)
    evidence_url = models.URLField(_("佐证链接"), blank=True)

    access = Access(kind=CHAIN, region="chain__region", chain="chain")

    class Meta:
        verbose_name = _("工作事项进展")
        verbose_name_plural = _("工作事项进展")
        ordering = ["chain", "item__order"]
        constraints = [models.UniqueConstraint(fields=["chain", "item"], name="chainworkitem_unique")]

    def __str__(self):
        return f"{self.chain} · {self.item}：{self.get_status_display() or _('自动判定')}"

    def clean(self):
        if self.status and not (self.note or "").strip():
            raise ValidationError({"note": _("人工认定状态须说明理由。")})


class ChainLink(BaseModel):
    """A city's chain serving a provincial chain (a chain of a higher region): the province's roll-ups are read
    through these links from the cities' own figures and maps, never copied. A city chain may serve several
    provincial chains. The links belong to the provincial chain: its region's office and its own staff keep
    them; a city's users, who see only their city, do not see them."""

    chain = models.ForeignKey(Chain, verbose_name=_("本级产业链"), on_delete=models.CASCADE, related_name="links_up")
    parent = models.ForeignKey(Chain, verbose_name=_("上级产业链"), on_delete=models.CASCADE,
                               related_name="links_down", help_text=_("省级（或上级区域）的产业链"))
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("如：对应其中的整车与零部件环节"))

    access = Access(kind=CHAIN, region="parent__region", chain="parent")

    class Meta:
        verbose_name = _("上级产业链归属")
        verbose_name_plural = _("上级产业链归属")
        ordering = ["parent", "chain"]
        constraints = [models.UniqueConstraint(fields=["chain", "parent"], name="chainlink_unique")]

    def __str__(self):
        return f"{self.chain} → {self.parent}"

    def clean(self):
        if self.chain_id and self.parent_id:
            above = set(self.chain.region.ancestor_ids()) - {self.chain.region_id}
            if self.parent.region_id not in above:
                raise ValidationError({"parent": _("上级产业链须属于本产业链所在区域的上级区域。")})

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainchief.core import uscc
from chainchief.core.access import ENTERPRISE, Access
from chainchief.core.models import BaseModel

ABOVE_SCALE_REVENUE = 2000  # 万元: 规模以上工业企业 threshold


class Enterprise(BaseModel):
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=128, db_index=True)
    short_name = models.CharField(_("简称"), max_length=32, blank=True)
    region = models.ForeignKey("core.Region", verbose_name=_("所在区县"), on_delete=models.PROTECT,
                               related_name="enterprises")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_above_scale = models.BooleanField(_("规上企业"), default=False,
                                         help_text=_("规模以上工业企业：年主营业务收入 2000 万元及以上"))
    contact_name = models.CharField(_("联系人"), max_length=32, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    description = models.TextField(_("简介"), blank=True)
    is_sample = models.BooleanField(_("样例数据"), default=False)

    access = Access(kind=ENTERPRISE, region="region", enterprise="pk", self_service=("change",))

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        """The USCC is normalised and checked first, so its messages say what is wrong with the code."""
        errors = {}
        try:
            self.uscc = uscc.validate(self.uscc)
        except ValidationError as exc:
            errors["uscc"] = exc.messages
        try:
            super().clean_fields(exclude={*(exclude or ()), *errors})
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)


class QualificationKind(models.TextChoices):
    SRDI = "srdi", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”")
    CHAMPION = "champion", _("制造业单项冠军")
    HIGH_TECH = "high_tech", _("高新技术企业")
    GAZELLE = "gazelle", _("瞪羚企业")
    TECH_SME = "tech_sme", _("科技型中小企业")


class QualificationLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")


class Qualification(BaseModel):
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="qualifications")
    kind = models.CharField(_("资质"), max_length=16, choices=QualificationKind.choices)
    level = models.CharField(_("级别"), max_length=16, choices=QualificationLevel.choices,
                             default=QualificationLevel.PROVINCIAL)
    year = models.PositiveIntegerField(_("认定年份"))

    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise")

    class Meta:
        verbose_name = _("企业资质")
        verbose_name_plural = _("企业资质")
        ordering = ["enterprise", "-year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "kind", "level"], name="qualification_unique")]

    def __str__(self):
        return f"{self.get_level_display()}{self.get_kind_display()}（{self.year}）"

    def clean(self):
        if self.year is not None and not 1980 <= self.year <= 2100:
            raise ValidationError({"year": _("认定年份应在 1980 至 2100 之间。")})


class MembershipRole(models.TextChoices):
    MASTER = "master", _("链主企业")
    BACKBONE = "backbone", _("龙头骨干企业")
    SUPPORTING = "supporting", _("配套企业")


class Membership(BaseModel):
    """An enterprise's place in a chain. An enterprise may belong to several chains."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="memberships")
    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="memberships")
    role = models.CharField(_("链上角色"), max_length=16, choices=MembershipRole.choices,
                            default=MembershipRole.SUPPORTING)

    access = Access(kind=ENTERPRISE, region="enterprise__region", chain="chain", enterprise="enterprise")

    class Meta:
        verbose_name = _("产业链成员")
        verbose_name_plural = _("产业链成员")
        ordering = ["chain", "role", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "chain"], name="membership_unique")]
        indexes = [models.Index(fields=["chain", "role"])]

    def __str__(self):
        return f"{self.chain} · {self.enterprise}（{self.get_role_display()}）"


class SupplyLink(BaseModel):
    """One enterprise supplies a product to another (供应关系), with the year's purchase amount.

    Supply relations are commercially sensitive and belong to both parties: a link is seen by whoever may see the
    supplier's or the customer's enterprise data (the enterprise itself, its commissioner, the staff of its chains,
    the officials of its region). A chain's local supply rate (本地配套率) is computed from these: the share of its
    members' purchases bought from suppliers in the region.
    """

    # The unique (supplier, customer, product, year) index serves lookups by supplier: no separate index.
    supplier = models.ForeignKey(Enterprise, verbose_name=_("供应方"), on_delete=models.CASCADE,
                                 related_name="supplies", db_index=False)
    customer = models.ForeignKey(Enterprise, verbose_name=_("采购方"), on_delete=models.CASCADE,
                                 related_name="purchases")
    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="supply_links",
                              help_text=_("供应关系所属的产业链：须是供应方或采购方所在的产业链"))
    product = models.CharField(_("产品"), max_length=100)
    annual_amount = models.DecimalField(_("年度采购额（万元）"), max_digits=18, decimal_places=2, null=True,
                                        blank=True, validators=[MinValueValidator(Decimal("0"))])
    year = models.PositiveIntegerField(_("年份"))
    source = models.CharField(_("来源"), max_length=64, blank=True, help_text=_("如 企业填报、走访调研"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    access = Access(kind=ENTERPRISE, region=("supplier__region", "customer__region"),
                    enterprise=("supplier", "customer"))

    class Meta:
        verbose_name = _("供应关系")
        verbose_name_plural = _("供应关系")
        ordering = ["-year", "id"]
        constraints = [models.UniqueConstraint(
            fields=["supplier", "customer", "product", "year"], name="supplylink_unique",
            violation_error_message=_("同一供应方、采购方、产品和年份的供应关系已存在。"))]
        # The list's order: its first page without a sort of every link.
        indexes = [models.Index(fields=["-year", "id"], name="supplylink_year_id")]

    def __str__(self):
        return f"{self.supplier} → {self.customer}：{self.product}（{self.year}）"

    def clean(self):
        errors = {}
        if self.supplier_id and self.supplier_id == self.customer_id:
            errors["customer"] = _("供应方与采购方不能是同一家企业。")
        if self.year is not None and not 2000 <= self.year <= 2100:
            errors["year"] = _("年份应在 2000 至 2100 之间。")
        if self.product is not None:
            self.product = self.product.strip()
            if not self.product:
                errors["product"] = _("请填写产品。")
        if (self.chain_id and self.supplier_id and self.customer_id and "customer" not in errors
                and not Membership.objects.filter(chain_id=self.chain_id,
                                                  enterprise_id__in=[self.supplier_id, self.customer_id]).exists()):
            errors["chain"] = _("所选产业链须是供应方或采购方所在的产业链。")
        if errors:
            raise ValidationError(errors)


class CommissionerAssignment(BaseModel):
    """A service commissioner (服务企业专员) paired with an enterprise from a date, until a date or for good.

    A commissioner serves the enterprises of its current assignments (part of its scope, registered by this
    app); an ended assignment stays on record. Assignments are made by the chain office."""

    commissioner = models.ForeignKey("core.Person", verbose_name=_("服务专员"), on_delete=models.PROTECT,
                                     related_name="assignments")
    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="commissioner_assignments")
    started_on = models.DateField(_("开始日期"), default=timezone.localdate)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise", region_managed=True)

    class Meta:
        verbose_name = _("专员包联")
        verbose_name_plural = _("专员包联")
        ordering = ["enterprise", "-started_on", "id"]
        indexes = [models.Index(fields=["commissioner", "ended_on"])]

    def __str__(self):
        return f"{self.commissioner} · {self.enterprise}"

    @property
    def is_current(self):
        today = timezone.localdate()
        return self.started_on <= today and (self.ended_on is None or self.ended_on >= today)

    def clean(self):
        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("结束日期不能早于开始日期。")
        if self.commissioner_id and self.enterprise_id and self.started_on and "ended_on" not in errors:
            overlapping = CommissionerAssignment.objects.filter(
                commissioner_id=self.commissioner_id, enterprise_id=self.enterprise_id).exclude(pk=self.pk).filter(
                models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=self.started_on))
            if self.ended_on is not None:
                overlapping = overlapping.filter(started_on__lte=self.ended_on)
            if overlapping.exists():
                errors["commissioner"] = _("该专员在这段时间已包联该企业。")
        if errors:
            raise ValidationError(errors)


def current_assignments_q(today=None):
    today = today or timezone.localdate()
    return models.Q(started_on__lte=today) & (models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=today))


class Visit(BaseModel):
    """A commissioner's visit to an enterprise (走访): whom they met, what was discussed, the problems found
    (each of which may be filed as a request)."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="visits")
    commissioner = models.ForeignKey("core.Person", verbose_name=_("服务专员"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="visits")
    visited_on = models.DateField(_("走访日期"), default=timezone.localdate)
    people_met = models.CharField(_("接待人员"), max_length=200, blank=True)
    content = models.TextField(_("走访内容"))
    problems = models.TextField(_("发现问题"), blank=True)

    # A commissioner records the visits to the enterprises it serves.
    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise",
                    service=("add", "change"))

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.enterprise} · {self.visited_on}"

    def clean(self):
        if self.content is not None:
            self.content = self.content.strip()
            if not self.content:
                raise ValidationError({"content": _("请填写走访内容。")})
        if self.visited_on and self.visited_on > timezone.localdate():
            raise ValidationError({"visited_on": _("走访日期不能晚于今天。")})

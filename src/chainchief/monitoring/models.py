from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import AGGREGATE, CHAIN, ENTERPRISE, REFERENCE, Access
from chainchief.core.models import BaseModel
from chainchief.core.querysets import RestrictedQuerySet
from chainchief.monitoring import validation

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


def first_of_month(value):
    if value is not None and value.day != 1:
        raise ValidationError(_("期间应为某月 1 日（表示该月）。"))


class MonthlyStat(BaseModel):
    """An enterprise's figures for a month, as reported: year-to-date cumulative (1–N月累计), money in 万元.

    January is often not reported alone: then the first row of the year is February's, covering 1–2月.
    Monthly values are derived (chainchief.analytics.periods.monthly_from_ytd), never stored or invented.
    """

    # Millions of rows: no index beyond the unique (enterprise, period) and (period, enterprise) pair — the
    # foreign keys' own indexes would only slow imports down. The two user columns are bookkeeping, not figures:
    # they carry no database constraint either, which spares a bulk import two foreign-key checks per row at
    # commit (users are deactivated, not deleted; Django still nulls them if a user is deleted through the ORM).
    # The enterprise is enforced on PostgreSQL by statement-level triggers instead of a foreign key (migration
    # 0005): the same guarantee, checked once per statement over all its rows rather than once per row.
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="stats", db_index=False, db_constraint=False)
    period = models.DateField(_("期间"), validators=[first_of_month], help_text=_("该月 1 日"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False, db_index=False,
                                   db_constraint=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更新人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+", editable=False, db_index=False,
                                   db_constraint=False)
    revenue = models.DecimalField(_("营业收入累计（万元）"), **MONEY)
    gross_output = models.DecimalField(_("工业总产值累计（万元）"), **MONEY)
    profit = models.DecimalField(_("利润总额累计（万元）"), **MONEY)
    tax = models.DecimalField(_("税收累计（万元）"), **MONEY)
    rd_spend = models.DecimalField(_("研发投入累计（万元）"), **MONEY)
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    import_batch = models.BigIntegerField(_("导入批次"), null=True, blank=True, editable=False)

    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise",
                    self_service=("add", "change"))

    FIGURES = ("revenue", "gross_output", "profit", "tax", "rd_spend", "employees")

    class Meta:
        verbose_name = _("月度统计")
        verbose_name_plural = _("月度统计")
        ordering = ["enterprise", "period"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "period"], name="monthlystat_unique")]
        indexes = [models.Index(fields=["period", "enterprise"])]

    def __str__(self):
        return f"{self.enterprise} {self.period:%Y-%m}"

    def clean(self):
        # The rules every path shares (monitoring.validation); the head count's sign is its field's own.
        errors = {}
        for name in self.FIGURES:
            problem = validation.figure_problem(name, getattr(self, name)) if name != "employees" else None
            if problem:
                errors[name] = problem
        if errors:
            raise ValidationError(errors)


class ChainTarget(BaseModel):
    """An optional annual target of a chain (亿元), beside its tier's scale target."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="targets")
    year = models.PositiveIntegerField(_("年份"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    revenue = models.DecimalField(_("营业收入目标（亿元）"), max_digits=12, decimal_places=2,
                                  validators=[MinValueValidator(Decimal("0"))])
    note = models.CharField(_("说明"), max_length=200, blank=True)

    access = Access(kind=CHAIN, region="chain__region", chain="chain")

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["chain", "year"]
        constraints = [models.UniqueConstraint(fields=["chain", "year"], name="chaintarget_unique")]

    def __str__(self):
        return f"{self.chain} {self.year} 年 {self.revenue} 亿元"


class MonitoringSettings(BaseModel):
    """The status rules of a region, which its coordinator sets."""

    region = models.OneToOneField("core.Region", verbose_name=_("区域"), on_delete=models.CASCADE,
                                  related_name="monitoring_settings")
    yellow_ratio = models.DecimalField(
        _("黄灯比例"), max_digits=4, decimal_places=2, default=Decimal("0.80"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("可比同比增速不低于所需年均增速的该比例时为黄灯，更低为红灯"))
    sharp_drop = models.DecimalField(
        _("大幅下降阈值"), max_digits=4, decimal_places=2, default=Decimal("-0.20"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("0"))],
        help_text=_("企业营业收入同比低于该值时预警，如 -0.20 表示下降 20%"))

    access = Access(kind=REFERENCE, region="region", region_managed=True)

    class Meta:
        verbose_name = _("监测规则")
        verbose_name_plural = _("监测规则")

    def __str__(self):
        return f"{self.region} 监测规则"


class ChainFigure(models.Model):
    """Pre-aggregated figures of a chain (or, with chain empty, of a whole region counting every enterprise
    once) for a period, refreshed whenever monthly statistics change. The cockpit reads only these rows."""

    region = models.ForeignKey("core.Region", on_delete=models.CASCADE, related_name="+")
    chain = models.ForeignKey("chains.Chain", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="figures")
    period = models.DateField()
    revenue = models.DecimalField(max_digits=20, decimal_places=2, default=0)  # YTD, reporters this period
    comparable_current = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    comparable_previous = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    comparable_units = models.PositiveIntegerField(default=0)
    reporters = models.PositiveIntegerField(default=0)  # members that reported this period
    above_scale_reporters = models.PositiveIntegerField(default=0)  # above-scale members that reported
    members = models.PositiveIntegerField(default=0)  # all members (of the chain, or enterprises of the region)
    above_scale = models.PositiveIntegerField(default=0)  # above-scale members: the ones expected to report

    objects = RestrictedQuerySet.as_manager()
    access = Access(kind=AGGREGATE, region="region", chain="chain")

    class Meta:
        verbose_name = _("产业链汇总")
        verbose_name_plural = _("产业链汇总")
        constraints = [
            models.UniqueConstraint(fields=["chain", "period"], name="chainfigure_unique"),
            models.UniqueConstraint(fields=["region", "period"], condition=models.Q(chain__isnull=True),
                                    name="regionfigure_unique"),
        ]
        indexes = [models.Index(fields=["period", "chain"])]

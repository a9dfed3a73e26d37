"""A region's input–output table (投入产出表) with its sectors mapped to chains, and the reference totals (province,
nation) that location quotients and shift-share compare the city with. Money in 万元."""
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import REFERENCE, Access
from chainchief.core.models import BaseModel
from chainchief.core.querysets import RestrictedQuerySet

MONEY = {"max_digits": 20, "decimal_places": 2}
YEAR = [MinValueValidator(1950), MaxValueValidator(2100)]


class IOTable(BaseModel):
    """An input–output table of a region for a year: sectors × sectors of intermediate flows, with each
    sector's final use (最终使用) and total output (总产出)."""

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="io_tables")
    year = models.PositiveIntegerField(_("年份"), validators=YEAR)
    title = models.CharField(_("名称"), max_length=100)
    is_illustrative = models.BooleanField(_("示意数据"), default=False,
                                          help_text=_("演示或示意用的表，页面上标明“示意数据”"))
    unit = models.CharField(_("计量单位"), max_length=16, default="万元", editable=False)
    source = models.CharField(_("来源"), max_length=200, blank=True)

    access = Access(kind=REFERENCE, region="region", region_managed=True)

    class Meta:
        verbose_name = _("投入产出表")
        verbose_name_plural = _("投入产出表")
        ordering = ["-year", "-pk"]

    def __str__(self):
        return f"{self.title}（{self.year}）"


class IOSector(BaseModel):
    """A sector (部门) of a table, and the chain it is counted in (none: 其他)."""

    table = models.ForeignKey(IOTable, verbose_name=_("投入产出表"), on_delete=models.CASCADE,
                              related_name="sectors")
    code = models.CharField(_("代码"), max_length=32)
    name = models.CharField(_("部门名称"), max_length=64)
    order = models.PositiveIntegerField(_("排序"), default=0)
    total_output = models.DecimalField(_("总产出（万元）"), **MONEY)
    final_demand = models.DecimalField(_("最终使用（万元）"), **MONEY)
    chain = models.ForeignKey("chains.Chain", verbose_name=_("对应产业链"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")

    access = Access(kind=REFERENCE, region="table__region")

    class Meta:
        verbose_name = _("投入产出部门")
        verbose_name_plural = _("投入产出部门")
        ordering = ["table", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="iosector_unique_code"),
                       models.UniqueConstraint(fields=["table", "name"], name="iosector_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.total_output is not None and self.total_output <= 0:
            raise ValidationError({"total_output": _("总产出应为正数。")})
        if self.chain_id and self.table_id and self.chain.region_id != self.table.region_id:
            raise ValidationError({"chain": _("只能对应本区域的产业链。")})


class IOFlow(models.Model):
    """Intermediate flow z_ij: what sector ``row`` sells to sector ``column`` (万元). Written in bulk with its
    table, never one by one."""

    table = models.ForeignKey(IOTable, on_delete=models.CASCADE, related_name="flows")
    row = models.ForeignKey(IOSector, verbose_name=_("产出部门"), on_delete=models.CASCADE, related_name="+")
    column = models.ForeignKey(IOSector, verbose_name=_("投入部门"), on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("流量（万元）"), **MONEY)

    objects = RestrictedQuerySet.as_manager()
    access = Access(kind=REFERENCE, region="table__region")

    class Meta:
        verbose_name = _("中间流量")
        verbose_name_plural = _("中间流量")
        constraints = [models.UniqueConstraint(fields=["row", "column"], name="ioflow_unique_pair")]

    def __str__(self):
        return f"{self.row} → {self.column}"


class ReferenceTotal(BaseModel):
    """A reference economy's figure (山东省, 全国) for an industry or a chain in a year, in 万元 — or, with
    ``is_total``, of all its industry. Held by the region that compares itself with it."""

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="reference_totals")
    reference = models.CharField(_("参照经济"), max_length=32, help_text=_("如 山东省、全国"))
    year = models.PositiveIntegerField(_("年份"), validators=YEAR)
    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="+")
    industry = models.CharField(_("行业或产业链名称"), max_length=64)
    is_total = models.BooleanField(_("全部工业合计"), default=False)
    value = models.DecimalField(_("营业收入（万元）"), **MONEY)
    source = models.CharField(_("来源"), max_length=200, blank=True, help_text=_("如 统计年鉴；演示数据写“示意数据”"))

    access = Access(kind=REFERENCE, region="region", region_managed=True)

    class Meta:
        verbose_name = _("参照总量")
        verbose_name_plural = _("参照总量")
        ordering = ["reference", "year", "-is_total", "industry"]
        constraints = [models.UniqueConstraint(fields=["region", "reference", "year", "industry"],
                                               name="referencetotal_unique")]

    def __str__(self):
        return f"{self.reference} {self.year} {self.industry}"

    def clean(self):
        errors = {}
        if self.value is not None and self.value < 0:
            errors["value"] = _("不能为负数。")
        if self.is_total and self.chain_id:
            errors["chain"] = _("全部工业合计不对应某条产业链。")
        if not self.is_total and not self.chain_id:
            errors["chain"] = _("请选择对应的产业链，或勾选“全部工业合计”。")
        if errors:
            raise ValidationError(errors)


class SegmentPresence(BaseModel):
    """How many enterprises another region (``place``: 青岛市, 烟台市 …) has on a segment of this region's chain map,
    from a reference table such as a provincial survey of the chains (示意数据 in the demo). With the region's own
    map (its enterprises placed on the segments) and the maps of its sibling regions held in the platform, these
    rows make the region × segment matrix that 延链 density is computed from (insights.queries.extension). The
    region's own row always comes from its map, never from here."""

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="segment_presence")
    place = models.CharField(_("参照地区"), max_length=32, help_text=_("如 青岛市、烟台市"))
    segment = models.ForeignKey("maps.Segment", verbose_name=_("环节"), on_delete=models.CASCADE, related_name="+")
    enterprises = models.PositiveIntegerField(_("企业数（家）"))
    source = models.CharField(_("来源"), max_length=200, blank=True, help_text=_("如 全省产业链调查；演示数据写“示意数据”"))

    access = Access(kind=REFERENCE, region="region", region_managed=True)

    class Meta:
        verbose_name = _("参照地区环节企业数")
        verbose_name_plural = _("参照地区环节企业数")
        ordering = ["place", "segment"]
        constraints = [models.UniqueConstraint(fields=["region", "place", "segment"], name="segmentpresence_unique")]

    def __str__(self):
        return f"{self.place} · {self.segment}"

    def clean(self):
        errors = {}
        if self.region_id and (self.place or "").strip() == self.region.name:
            errors["place"] = _("本地区的企业数取自本地产业链图谱，无须录入。")
        if self.segment_id and self.region_id:
            chain_region = self.segment.chain.region
            node, ok = self.region, False
            while node is not None:
                if node.pk == chain_region.pk:
                    ok = True
                    break
                node = node.parent
            if not ok:
                errors["segment"] = _("只能对应本区域（或上级区域）产业链的环节。")
        if errors:
            raise ValidationError(errors)

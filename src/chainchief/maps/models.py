"""The chain map (产业链图谱): segments, enterprises placed on them, key technologies, cross-chain links, and the
settings and overrides of the strong / weak / missing rule (see maps.mapping).

The tables keep the names they had when the map was part of the chains app (``chains_segment`` …)."""
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import CHAIN, ENTERPRISE, REFERENCE, Access
from chainchief.core.models import BaseModel


class Stage(models.TextChoices):
    UPSTREAM = "upstream", _("上游")
    MIDSTREAM = "midstream", _("中游")
    DOWNSTREAM = "downstream", _("下游")


class Strength(models.TextChoices):
    STRONG = "strong", _("强链")
    WEAK = "weak", _("弱链")
    MISSING = "missing", _("缺链")


class Segment(BaseModel):
    """A segment (环节) of a chain's map: a tree inside the chain, each node in one stage."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="segments")
    parent = models.ForeignKey("self", verbose_name=_("上级环节"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    stage = models.CharField(_("环节位置"), max_length=16, choices=Stage.choices)
    name = models.CharField(_("名称"), max_length=64)
    description = models.TextField(_("说明"), blank=True)
    key_products = models.CharField(_("主要产品"), max_length=300, blank=True,
                                    help_text=_("以顿号或逗号分隔，如 曲轴、连杆"))
    order = models.PositiveIntegerField(_("排序"), default=0)

    access = Access(kind=CHAIN, region="chain__region", chain="chain")

    class Meta:
        db_table = "chains_segment"
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["chain", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="segment_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id is None:
            return
        parent = self.parent
        if parent.chain_id != self.chain_id:
            raise ValidationError({"parent": _("上级环节须属于同一产业链。")})
        if parent.stage != self.stage:
            raise ValidationError({"stage": _("下级环节须与上级环节处于同一位置（上游/中游/下游）。")})
        seen, node = set(), parent
        while node is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": _("不能把环节移到它自己或它的下级环节之下。")})
            seen.add(node.pk)
            node = node.parent

    def key_product_list(self):
        return [p for p in re.split(r"[、,，;；\s]+", self.key_products or "") if p]


class SegmentPlacement(BaseModel):
    """A chain membership placed on a segment. A membership may sit on several segments of its chain."""

    segment = models.ForeignKey(Segment, verbose_name=_("环节"), on_delete=models.PROTECT,
                                related_name="placements")
    membership = models.ForeignKey("enterprises.Membership", verbose_name=_("产业链成员"),
                                   on_delete=models.CASCADE, related_name="placements")
    note = models.CharField(_("说明"), max_length=200, blank=True)

    access = Access(kind=ENTERPRISE, region="membership__enterprise__region", chain="membership__chain",
                    enterprise="membership__enterprise")

    class Meta:
        db_table = "chains_segmentplacement"
        verbose_name = _("环节企业")
        verbose_name_plural = _("环节企业")
        ordering = ["segment", "id"]
        constraints = [models.UniqueConstraint(fields=["segment", "membership"], name="placement_unique")]

    def __str__(self):
        return f"{self.segment} · {self.membership.enterprise}"

    def clean(self):
        if self.segment_id and self.membership_id and self.segment.chain_id != self.membership.chain_id:
            raise ValidationError({"segment": _("企业须属于该环节所在的产业链。")})


class TechnologyStatus(models.TextChoices):
    PLANNED = "planned", _("谋划中")
    IN_PROGRESS = "in_progress", _("攻关中")
    BREAKTHROUGH = "breakthrough", _("已突破")
    SUSPENDED = "suspended", _("暂缓")


class TechnologyHolder(models.TextChoices):
    HOLDER = "holder", _("承担企业")
    TARGET = "target", _("目标企业")


class KeyTechnology(BaseModel):
    """A key product or technology to be tackled (关键产品技术攻关) on a segment."""

    segment = models.ForeignKey(Segment, verbose_name=_("环节"), on_delete=models.CASCADE,
                                related_name="technologies")
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="key_technologies")
    enterprise_role = models.CharField(_("企业角色"), max_length=16, choices=TechnologyHolder.choices,
                                       default=TechnologyHolder.HOLDER)
    external_party = models.CharField(_("外部单位"), max_length=100, blank=True,
                                      help_text=_("本地以外的承担或目标单位，如拟引进的企业、合作高校"))
    status = models.CharField(_("状态"), max_length=16, choices=TechnologyStatus.choices,
                              default=TechnologyStatus.PLANNED)
    order = models.PositiveIntegerField(_("排序"), default=0)

    access = Access(kind=CHAIN, region="segment__chain__region", chain="segment__chain")

    class Meta:
        db_table = "chains_keytechnology"
        verbose_name = _("关键产品技术攻关")
        verbose_name_plural = _("关键产品技术攻关")
        ordering = ["segment", "order", "id"]

    def __str__(self):
        return self.name


class LinkKind(models.TextChoices):
    SAME = "same", _("同一环节")
    SUPPLIES = "supplies", _("供应")


class SegmentLink(BaseModel):
    """A link from a segment to a segment of another chain: the same segment, or one supplies the other."""

    source = models.ForeignKey(Segment, verbose_name=_("环节"), on_delete=models.CASCADE,
                               related_name="links_out")
    target = models.ForeignKey(Segment, verbose_name=_("关联环节"), on_delete=models.CASCADE,
                               related_name="links_in")
    kind = models.CharField(_("关联类型"), max_length=16, choices=LinkKind.choices, default=LinkKind.SUPPLIES)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    access = Access(kind=CHAIN, region="source__chain__region", chain="source__chain")

    class Meta:
        db_table = "chains_segmentlink"
        verbose_name = _("跨链关联")
        verbose_name_plural = _("跨链关联")
        ordering = ["source", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "target", "kind"], name="segmentlink_unique")]

    def __str__(self):
        return f"{self.source} → {self.target}（{self.get_kind_display()}）"

    def clean(self):
        if not (self.source_id and self.target_id):
            return
        if self.source.chain_id == self.target.chain_id:
            raise ValidationError({"target": _("跨链关联须连接另一条产业链的环节。")})
        if self.source.chain.region_id != self.target.chain.region_id:
            raise ValidationError({"target": _("关联环节须属于同一区域的产业链。")})


class MapSettings(BaseModel):
    """The thresholds of the strong / weak / missing rule for one region. A coordinator may change them."""

    region = models.OneToOneField("core.Region", verbose_name=_("区域"), on_delete=models.CASCADE,
                                  related_name="map_settings")
    missing_max_enterprises = models.PositiveIntegerField(
        _("缺链：本地企业不超过（家）"), default=0,
        help_text=_("本地企业数不超过此值的环节判为缺链；默认 0，即无本地企业"))
    strong_min_enterprises = models.PositiveIntegerField(_("强链：本地企业至少（家）"), default=5)
    strong_min_above_scale = models.PositiveIntegerField(_("强链：规上企业至少（家）"), default=3)
    strong_requires_leader = models.BooleanField(_("强链：须有链主或龙头骨干企业"), default=True)
    strong_min_revenue_share = models.DecimalField(
        _("强链：营收占全链比重至少（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("有月度统计数据时才参与判定；留空则不考虑营收"))

    access = Access(kind=REFERENCE, region="region", region_managed=True)

    class Meta:
        db_table = "chains_mapsettings"
        verbose_name = _("图谱判定标准")
        verbose_name_plural = _("图谱判定标准")

    def __str__(self):
        return f"{self.region} 图谱判定标准"

    def clean(self):
        if self.strong_min_enterprises is not None and self.missing_max_enterprises is not None \
                and self.strong_min_enterprises <= self.missing_max_enterprises:
            raise ValidationError({"strong_min_enterprises": _("强链的企业数下限须大于缺链的企业数上限。")})
        if self.strong_min_revenue_share is not None and self.strong_min_revenue_share > 100:
            raise ValidationError({"strong_min_revenue_share": _("营收占比不能超过 100%。")})


class StrengthOverride(BaseModel):
    """A coordinator's verdict on a segment that replaces the rule's, with the written reason."""

    segment = models.OneToOneField(Segment, verbose_name=_("环节"), on_delete=models.CASCADE,
                                   related_name="override")
    strength = models.CharField(_("认定结果"), max_length=16, choices=Strength.choices)
    reason = models.TextField(_("认定理由"))

    access = Access(kind=CHAIN, region="segment__chain__region", chain="segment__chain", region_managed=True)

    class Meta:
        db_table = "chains_strengthoverride"
        verbose_name = _("强弱认定")
        verbose_name_plural = _("强弱认定")

    def __str__(self):
        return f"{self.segment}：{self.get_strength_display()}（人工认定）"

    def clean(self):
        if not (self.reason or "").strip():
            raise ValidationError({"reason": _("人工认定须写明理由。")})
        self.reason = self.reason.strip()

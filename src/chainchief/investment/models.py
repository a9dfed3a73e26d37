"""Filling the gaps (补链招商) and measuring how local a chain is (本地配套率).

- ``ExternalEnterprise``: the catalogue of enterprises outside the region that could fill a segment of a map;
- ``Lead`` and ``LeadStep``: an investment lead on such an enterprise and its pipeline (推介 → 在谈 → 签约 → 开工 →
  到资 → 投产), each move written to the lead's history and the change log;
- ``Need``, ``Capability`` and ``Contact``: supply–demand matching between the region's buyers and suppliers.

Supply links themselves are the enterprises app's (``enterprises.SupplyLink``); their rates are computed in
``investment.supply``."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainchief.core import uscc
from chainchief.core.access import CHAIN, ENTERPRISE, REFERENCE, Access
from chainchief.core.models import BaseModel

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True,
         "validators": [MinValueValidator(Decimal("0"))]}


def _strip_required(obj, errors, name, message):
    value = getattr(obj, name)
    if value is not None:
        value = value.strip()
        setattr(obj, name, value)
        if not value:
            errors[name] = message


class Size(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class ExternalEnterprise(BaseModel):
    """An enterprise outside the region (外地企业), kept in the region's catalogue of investment targets
    (招商目标企业库) with the segments of the region's maps it could fill."""

    region = models.ForeignKey("core.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT,
                               related_name="external_enterprises", help_text=_("维护该企业库的区域（本市）"))
    name = models.CharField(_("企业名称"), max_length=128, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    province = models.CharField(_("所在省份"), max_length=32)
    city = models.CharField(_("所在城市"), max_length=32, blank=True)
    main_products = models.CharField(_("主营产品"), max_length=300, help_text=_("以顿号或逗号分隔，如 高压共轨系统、喷油器"))
    segments = models.ManyToManyField("maps.Segment", verbose_name=_("可补环节"), blank=True,
                                      related_name="external_candidates")
    size = models.CharField(_("企业规模"), max_length=8, choices=Size.choices, default=Size.MEDIUM)
    revenue = models.DecimalField(_("年营业收入（万元）"), **MONEY)
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=300, blank=True)

    access = Access(kind=REFERENCE, region="region")
    SEARCH_FIELDS = ("name", "main_products", "province", "city")

    class Meta:
        verbose_name = _("外地企业")
        verbose_name_plural = _("招商目标企业库")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "uscc"], condition=~models.Q(uscc=""),
                                               name="external_unique_uscc",
                                               violation_error_message=_("企业库中已有该统一社会信用代码的企业。"))]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        _strip_required(self, errors, "name", _("请填写企业名称。"))
        _strip_required(self, errors, "province", _("请填写所在省份。"))
        _strip_required(self, errors, "main_products", _("请填写主营产品。"))
        if self.uscc:
            try:
                self.uscc = uscc.validate(self.uscc)
            except ValidationError as exc:
                errors["uscc"] = exc.messages
        if errors:
            raise ValidationError(errors)


class LeadStage(models.TextChoices):
    PITCHED = "pitched", _("推介")
    NEGOTIATING = "negotiating", _("在谈")
    SIGNED = "signed", _("签约")
    STARTED = "started", _("开工")
    FUNDED = "funded", _("到资")
    PRODUCING = "producing", _("投产")


STAGES = list(LeadStage.values)
# Days a lead may stay in a stage before it counts as stalled (停滞); a producing lead never stalls.
STALL_DAYS = {"pitched": 60, "negotiating": 90, "signed": 90, "started": 180, "funded": 180}


def stalled_q(today=None):
    """Leads stalled today: longer in their stage than it allows (computed from the date, never stored)."""
    from datetime import timedelta

    today = today or timezone.localdate()
    q = models.Q(pk__in=[])
    for stage, days in STALL_DAYS.items():
        q |= models.Q(stage=stage, stage_on__lt=today - timedelta(days=days))
    return q


class LeadSource(models.TextChoices):
    CHAIN = "chain", _("以链招商")
    BUSINESS = "business", _("以商招商")
    FAIR = "fair", _("展会推介")
    OFFICE = "office", _("驻外招商")
    AGENCY = "agency", _("中介机构")
    VISIT = "visit", _("走访调研")
    OTHER = "other", _("其他")


class Lead(BaseModel):
    """An investment lead (招商线索): an external enterprise invited to fill a segment of a chain, followed by its
    owner department through the pipeline. The stage moves only through ``investment.services.advance``."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="investment_leads")
    segment = models.ForeignKey("maps.Segment", verbose_name=_("所补环节"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="investment_leads")
    target = models.ForeignKey(ExternalEnterprise, verbose_name=_("目标企业"), on_delete=models.PROTECT,
                               related_name="leads")
    title = models.CharField(_("项目名称"), max_length=200)
    source = models.CharField(_("线索来源"), max_length=16, choices=LeadSource.choices, default=LeadSource.CHAIN)
    department = models.ForeignKey("core.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT,
                                   related_name="investment_leads")
    stage = models.CharField(_("阶段"), max_length=16, choices=LeadStage.choices, default=LeadStage.PITCHED,
                             editable=False)
    stage_on = models.DateField(_("进入当前阶段日期"), default=timezone.localdate, editable=False)
    intended_amount = models.DecimalField(_("意向投资（万元）"), **MONEY)
    contracted_amount = models.DecimalField(_("签约投资（万元）"), **MONEY)
    arrived_amount = models.DecimalField(_("到位资金（万元）"), **MONEY)
    note = models.TextField(_("进展说明"), blank=True)

    access = Access(kind=CHAIN, region="chain__region", chain="chain", department="department")
    SEARCH_FIELDS = ("title", "target__name", "segment__name")

    class Meta:
        verbose_name = _("招商线索")
        verbose_name_plural = _("招商线索")
        ordering = ["chain", "-stage_on", "id"]
        indexes = [models.Index(fields=["chain", "stage"]), models.Index(fields=["department", "stage"])]

    def __str__(self):
        return self.title

    @property
    def stage_index(self):
        return STAGES.index(self.stage)

    def stalled_days(self, today=None):
        """Days beyond the stage's allowance (停滞天数), or 0."""
        limit = STALL_DAYS.get(self.stage)
        if limit is None or self.stage_on is None:
            return 0
        over = ((today or timezone.localdate()) - self.stage_on).days - limit
        return max(0, over)

    @property
    def is_stalled(self):
        return self.stalled_days() > 0

    def clean(self):
        errors = {}
        _strip_required(self, errors, "title", _("请填写项目名称。"))
        chain = self.chain if self.chain_id else None
        if chain is not None and self.segment_id and self.segment.chain_id != chain.pk:
            errors["segment"] = _("该环节不属于本产业链。")
        if chain is not None and self.department_id and self.department.region_id != chain.region_id:
            errors["department"] = _("责任部门须是该产业链所在区域的部门。")
        if chain is not None and self.target_id and self.target.region_id != chain.region_id:
            errors["target"] = _("目标企业须在本区域的招商目标企业库中。")
        index = STAGES.index(self.stage) if self.stage in STAGES else 0
        if index >= STAGES.index(LeadStage.SIGNED) and not self.contracted_amount:
            errors["contracted_amount"] = _("已签约的线索须填写签约投资（万元）。")
        if index >= STAGES.index(LeadStage.FUNDED) and not self.arrived_amount:
            errors["arrived_amount"] = _("已到资的线索须填写到位资金（万元）。")
        if (self.arrived_amount is not None and self.contracted_amount is not None
                and self.arrived_amount > self.contracted_amount):
            errors["arrived_amount"] = _("到位资金不能超过签约投资。")
        if errors:
            raise ValidationError(errors)


class LeadStep(BaseModel):
    """One move of a lead through the pipeline (阶段记录): from, to, on which date, by whom, why."""

    lead = models.ForeignKey(Lead, verbose_name=_("招商线索"), on_delete=models.CASCADE, related_name="steps")
    from_stage = models.CharField(_("原阶段"), max_length=16, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=16, choices=LeadStage.choices)
    on = models.DateField(_("日期"), default=timezone.localdate)
    amount = models.DecimalField(_("本阶段金额（万元）"), **MONEY)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    access = Access(kind=CHAIN, region="lead__chain__region", chain="lead__chain", department="lead__department")

    class Meta:
        verbose_name = _("线索阶段记录")
        verbose_name_plural = _("线索阶段记录")
        ordering = ["lead", "on", "id"]

    def __str__(self):
        return f"{self.lead} {self.get_to_stage_display()} {self.on}"

    def clean(self):
        if self.on and self.on > timezone.localdate():
            raise ValidationError({"on": _("阶段日期不能晚于今天。")})


class PostStatus(models.TextChoices):
    OPEN = "open", _("发布中")
    CLOSED = "closed", _("已关闭")


class _Post(BaseModel):
    """What a need and a capability share: an enterprise of the region, a title and a Chinese text."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("详细说明"))
    status = models.CharField(_("状态"), max_length=8, choices=PostStatus.choices, default=PostStatus.OPEN)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    @property
    def document(self):
        return f"{self.title}\n{self.text}"

    def clean(self):
        errors = {}
        _strip_required(self, errors, "title", _("请填写标题。"))
        _strip_required(self, errors, "text", _("请填写详细说明。"))
        if errors:
            raise ValidationError(errors)


class Need(_Post):
    """A buyer's need (采购需求): what an enterprise of the region wants to buy, in its own words."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("需求企业"), on_delete=models.CASCADE,
                                   related_name="needs")
    amount = models.DecimalField(_("预计采购额（万元）"), **MONEY)

    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise",
                    self_service=("add", "change"), service=("add", "change"))
    SEARCH_FIELDS = ("title", "text", "enterprise__name")

    class Meta:
        verbose_name = _("采购需求")
        verbose_name_plural = _("采购需求")
        ordering = ["-created_at", "-id"]


class Capability(_Post):
    """A supplier's capability (供应能力): what an enterprise of the region can make or supply."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("供应企业"), on_delete=models.CASCADE,
                                   related_name="capabilities")
    # The words matching counts (investment.matching.tokens), kept with the row so that an index is built without
    # cutting every text again.
    terms = models.TextField(_("检索词"), blank=True, editable=False)

    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise",
                    self_service=("add", "change"), service=("add", "change"))
    SEARCH_FIELDS = ("title", "text", "enterprise__name")

    class Meta:
        verbose_name = _("供应能力")
        verbose_name_plural = _("供应能力")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["updated_at"], name="capability_updated")]

    def save(self, *args, **kwargs):
        from chainchief.investment.words import tokens

        self.terms = " ".join(tokens(self.document))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "terms"}
        super().save(*args, **kwargs)


class Outcome(models.TextChoices):
    PENDING = "pending", _("待对接")
    CONTACTED = "contacted", _("已对接")
    INTENT = "intent", _("达成意向")
    DEAL = "deal", _("已签订合同")
    FAILED = "failed", _("未成功")


class Contact(BaseModel):
    """A match turned into a contact record (对接记录): who was put in touch, why (score and matched terms), and
    what came of it."""

    need = models.ForeignKey(Need, verbose_name=_("采购需求"), on_delete=models.CASCADE, related_name="contacts")
    capability = models.ForeignKey(Capability, verbose_name=_("供应能力"), on_delete=models.CASCADE,
                                   related_name="contacts")
    score = models.DecimalField(_("匹配得分"), max_digits=8, decimal_places=3, default=0)
    terms = models.JSONField(_("匹配词"), default=list, blank=True)
    contacted_on = models.DateField(_("对接日期"), default=timezone.localdate)
    outcome = models.CharField(_("对接结果"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    deal_amount = models.DecimalField(_("成交金额（万元）"), **MONEY)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    access = Access(kind=ENTERPRISE, region=("need__enterprise__region", "capability__enterprise__region"),
                    enterprise=("need__enterprise", "capability__enterprise"), service=("add", "change"))

    class Meta:
        verbose_name = _("对接记录")
        verbose_name_plural = _("对接记录")
        ordering = ["-contacted_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["need", "capability"], name="contact_unique",
                                               violation_error_message=_("该需求与该供应能力已有对接记录。"))]

    def __str__(self):
        return f"{self.need} ↔ {self.capability}"

    def clean(self):
        errors = {}
        if self.need_id and self.capability_id and self.need.enterprise_id == self.capability.enterprise_id:
            errors["capability"] = _("不能与需求企业自己的供应能力对接。")
        if self.contacted_on and self.contacted_on > timezone.localdate():
            errors["contacted_on"] = _("对接日期不能晚于今天。")
        if self.outcome == Outcome.DEAL and not self.deal_amount:
            errors["deal_amount"] = _("已签订合同的对接须填写成交金额（万元）。")
        if errors:
            raise ValidationError(errors)

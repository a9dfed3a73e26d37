"""Briefings (通报) and chain one-pagers (一页纸): the documents that go up to the leaders.

A ``Briefing`` is one generated issue — the city's monthly briefing for a period, or a chain's one-pager — with
its editable introduction, who generated it and when, and its Word and PDF files, kept so that they can be
downloaded again. What it contains is what its author may see (``briefings.content``); who may read it again is
the REPORT rule of ``accounts.rules``: officials of its region, a chain's own staff for their chain's one-pager.
"""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import REPORT, Access
from chainchief.core.models import BaseModel


class BriefingKind(models.TextChoices):
    MONTHLY = "monthly", _("月度通报")
    CHAIN = "chain", _("产业链一页纸")


class BriefingStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


class Briefing(BaseModel):
    kind = models.CharField(_("类型"), max_length=16, choices=BriefingKind.choices, default=BriefingKind.MONTHLY)
    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="briefings")
    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="briefings")
    period = models.DateField(_("期间"), help_text=_("该月 1 日"))
    number = models.PositiveIntegerField(_("期号"), null=True, blank=True, help_text=_("当年第几期"))
    doc_number = models.CharField(_("文号"), max_length=64, blank=True, help_text=_("如：潍链办〔2021〕6号"))
    title = models.CharField(_("标题"), max_length=200)
    introduction = models.TextField(_("导语"), blank=True, help_text=_("印在正文之前的一段话，每期可改"))
    status = models.CharField(_("状态"), max_length=16, choices=BriefingStatus.choices,
                              default=BriefingStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    message = models.TextField(_("说明"), blank=True)
    docx_file = models.CharField(_("Word 文件"), max_length=255, blank=True, editable=False)
    pdf_file = models.CharField(_("PDF 文件"), max_length=255, blank=True, editable=False)
    docx_size = models.PositiveIntegerField(_("Word 大小（字节）"), default=0, editable=False)
    pdf_size = models.PositiveIntegerField(_("PDF 大小（字节）"), default=0, editable=False)
    finished_at = models.DateTimeField(_("生成时间"), null=True, blank=True, editable=False)
    figures = models.JSONField(_("主要数据"), default=dict, blank=True, editable=False,
                               help_text=_("文件中各项数据的留底，供接口读取"))
    signed_on = models.DateField(_("成文日期"), null=True, blank=True,
                                 help_text=_("落款日期；文号中的年份随之确定"))
    replaces = models.ForeignKey("self", verbose_name=_("更正的文件"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="corrections",
                                 help_text=_("本文为更正稿时，被其替代的文件"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True, editable=False)
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=200, blank=True, editable=False)

    access = Access(kind=REPORT, region="region", chain="chain")

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["region", "kind", "period"])]

    def __str__(self):
        return self.title

    @property
    def is_running(self):
        return self.status in (BriefingStatus.PENDING, BriefingStatus.RUNNING)

    @property
    def is_done(self):
        return self.status == BriefingStatus.DONE

    @property
    def is_withdrawn(self):
        return self.withdrawn_at is not None

    def clean(self):
        errors = {}
        if self.period and self.period.day != 1:
            self.period = self.period.replace(day=1)
        if self.kind == BriefingKind.CHAIN and not self.chain_id:
            errors["chain"] = _("产业链一页纸须选择产业链。")
        if self.kind == BriefingKind.MONTHLY and self.chain_id:
            errors["chain"] = _("月度通报面向全区域，不选择产业链。")
        if self.chain_id and self.region_id and self.chain.region_id != self.region_id:
            errors["chain"] = _("该产业链不属于所选区域。")
        if self.title is not None:
            self.title = self.title.strip()
            if not self.title:
                errors["title"] = _("请填写标题。")
        if self.replaces_id and (self.replaces.kind != self.kind or self.replaces.region_id != self.region_id
                                 or self.replaces.chain_id != self.chain_id or self.replaces_id == self.pk):
            errors["replaces"] = _("更正稿须与被更正的文件类型、区域和产业链相同。")
        if errors:
            raise ValidationError(errors)


class DocumentNumber(BaseModel):
    """The register of document numbers (文号): one row per number an issuer has given in a year. A number is
    given once — a database constraint holds it — and stays with its document when it is withdrawn, corrected or
    even deleted (the row keeps the document's title), so that no later document is ever given it again."""

    region = models.ForeignKey("core.Region", verbose_name=_("发文区域"), on_delete=models.PROTECT,
                               related_name="document_numbers")
    issuer = models.CharField(_("发文机关代字"), max_length=32, help_text=_("如：潍链办"))
    year = models.PositiveSmallIntegerField(_("年份"), help_text=_("随成文日期"))
    serial = models.PositiveIntegerField(_("序号"))
    briefing = models.OneToOneField(Briefing, verbose_name=_("文件"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="register_entry")
    title = models.CharField(_("文件标题"), max_length=200, help_text=_("文件删除后仍保留"))

    access = Access(kind=REPORT, region="region")

    class Meta:
        verbose_name = _("文号登记")
        verbose_name_plural = _("文号登记")
        ordering = ["region", "issuer", "-year", "-serial"]
        constraints = [models.UniqueConstraint(fields=["region", "issuer", "year", "serial"],
                                               name="briefings_document_number_once",
                                               violation_error_message=_("该文号已登记，不能重复使用。"))]

    def __str__(self):
        return self.text

    @property
    def text(self):
        return format_number(self.issuer, self.year, self.serial)


def format_number(issuer, year, serial):
    return f"{issuer}〔{year}〕{serial}号"

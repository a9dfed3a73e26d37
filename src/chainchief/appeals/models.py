"""Enterprise requests (诉求): an enterprise's problem, and how the government handled it."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import ENTERPRISE, Access
from chainchief.core.models import BaseModel, Region
from chainchief.enterprises.models import Membership


class RequestStatus(models.TextChoices):
    """The steps of the workflow, in order: 受理 → 交办 → 办理 → 答复 → 回访/评价 → 办结."""

    ACCEPTED = "accepted", _("已受理")
    ASSIGNED = "assigned", _("已交办")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    REVIEWED = "reviewed", _("已回访评价")
    CLOSED = "closed", _("已办结")


STATUS_ORDER = list(RequestStatus.values)


class RequestCategory(models.TextChoices):
    FINANCING = "financing", _("融资信贷")
    LABOUR = "labour", _("用工招聘")
    LAND = "land", _("土地厂房")
    APPROVAL = "approval", _("审批手续")
    POLICY = "policy", _("政策兑现")
    MARKET = "market", _("市场开拓")
    TECHNOLOGY = "technology", _("技术创新")
    UTILITIES = "utilities", _("水电气热")
    LOGISTICS = "logistics", _("物流运输")
    OTHER = "other", _("其他")


class Request(BaseModel):
    """An enterprise's request (诉求): a ticket from acceptance to closing.

    It is the enterprise's data: the enterprise user sees its own requests, a commissioner those of its
    enterprises, chain staff those of their chains' enterprises, officials those of their region.
    """

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="requests")
    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="requests",
                              help_text=_("诉求涉及的产业链：须是该企业所在的产业链"))
    category = models.CharField(_("类别"), max_length=16, choices=RequestCategory.choices,
                                default=RequestCategory.OTHER)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("诉求内容"))
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.ACCEPTED)
    department = models.ForeignKey("core.Department", verbose_name=_("承办部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="requests")
    commissioner = models.ForeignKey("core.Person", verbose_name=_("服务专员"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="requests")
    received_on = models.DateField(_("受理日期"), default=timezone.localdate)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)

    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise")

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "received_on"])]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        for field in ("title", "content"):
            value = getattr(self, field)
            if value is not None:
                setattr(self, field, value.strip())
        if self.title is not None and not self.title:
            errors["title"] = _("请填写标题。")
        if self.content is not None and not self.content:
            errors["content"] = _("请填写诉求内容。")
        received = self.received_on
        if received and self.due_on and self.due_on < received:
            errors["due_on"] = _("办理期限不能早于受理日期。")
        if received and self.closed_on and self.closed_on < received:
            errors["closed_on"] = _("办结日期不能早于受理日期。")
        if self.status == RequestStatus.CLOSED and not self.closed_on and "closed_on" not in errors:
            errors["closed_on"] = _("办结的诉求须填写办结日期。")
        if self.status != RequestStatus.CLOSED and self.closed_on and "closed_on" not in errors:
            errors["closed_on"] = _("未办结的诉求不能填写办结日期。")
        if self.status in STATUS_ORDER[1:] and not self.department_id:
            errors["department"] = _("交办后须指定承办部门。")
        if self.enterprise_id and self.chain_id and not Membership.objects.filter(
                enterprise_id=self.enterprise_id, chain_id=self.chain_id).exists():
            errors["chain"] = _("所选产业链不包含该企业。")
        if (self.enterprise_id and self.department_id and "department" not in errors
                and self.department.region_id not in _region_and_above(self.enterprise.region_id)):
            errors["department"] = _("承办部门须属于企业所在地区或其上级。")
        if errors:
            raise ValidationError(errors)


def _region_and_above(pk):
    """Ids of region ``pk`` and the regions above it (province → city → district: at most a few steps)."""
    ids = []
    while pk is not None and pk not in ids:
        ids.append(pk)
        pk = Region.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
    return ids

"""Enterprise requests (诉求): an enterprise's problem, and how the government handled it."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import ENTERPRISE, REFERENCE, Access
from chainchief.core.models import BaseModel, Region
from chainchief.enterprises.models import Membership


class RequestStatus(models.TextChoices):
    """The steps of the workflow, in order: 提交 → 受理 → 交办 → 办理 → 答复 → 评价 → 办结 (or 不予受理)."""

    SUBMITTED = "submitted", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    ASSIGNED = "assigned", _("已交办")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    REVIEWED = "reviewed", _("已评价")
    CLOSED = "closed", _("已办结")


STATUS_ORDER = list(RequestStatus.values)
# Statuses in which the request is somebody's work; rejected and closed requests are finished.
OPEN_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.ASSIGNED, RequestStatus.HANDLING,
                 RequestStatus.REPLIED, RequestStatus.REVIEWED)
# Statuses in which a lead department must be named.
ASSIGNED_STATUSES = (RequestStatus.ASSIGNED, RequestStatus.HANDLING, RequestStatus.REPLIED, RequestStatus.REVIEWED,
                     RequestStatus.CLOSED)
# Until it is answered, a request counts against its deadline.
PENDING_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED, RequestStatus.ASSIGNED, RequestStatus.HANDLING)


class RequestCategory(models.TextChoices):
    FINANCING = "financing", _("融资信贷")
    LAND = "land", _("土地厂房")
    LABOUR = "labour", _("用工招聘")
    APPROVAL = "approval", _("审批手续")
    ENERGY = "energy", _("能耗指标")
    LOGISTICS = "logistics", _("物流运输")
    TECHNOLOGY = "technology", _("技术创新")
    MARKET = "market", _("市场开拓")
    POLICY = "policy", _("政策兑现")
    UTILITIES = "utilities", _("水电气热")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    CRITICAL = "critical", _("特急")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Channel(models.TextChoices):
    """Who filed the request: the enterprise itself, its commissioner, or the chain office on its behalf."""

    ENTERPRISE = "enterprise", _("企业自主提交")
    COMMISSIONER = "commissioner", _("服务专员代报")
    OFFICE = "office", _("链长办代录")


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
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL)
    channel = models.CharField(_("提交方式"), max_length=16, choices=Channel.choices, default=Channel.OFFICE)
    status = models.CharField(_("状态"), max_length=16, choices=RequestStatus.choices,
                              default=RequestStatus.SUBMITTED)
    department = models.ForeignKey("core.Department", verbose_name=_("承办部门"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="requests")
    cooperating_departments = models.ManyToManyField("core.Department", verbose_name=_("协办部门"), blank=True,
                                                     related_name="cooperating_requests")
    commissioner = models.ForeignKey("core.Person", verbose_name=_("服务专员"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="requests")
    received_on = models.DateField(_("受理日期"), default=timezone.localdate)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    reply = models.TextField(_("答复内容"), blank=True)
    reject_reason = models.TextField(_("不予受理理由"), blank=True)
    satisfaction = models.CharField(_("企业评价"), max_length=16, choices=Satisfaction.choices, blank=True)
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    # The enterprise's own data; the departments handling it see and act on it too, wherever their chains are.
    # An enterprise user files requests for its enterprise, a commissioner for those it serves.
    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise",
                    department=("department", "cooperating_departments"), self_service=("add",), service=("add",))

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["status", "received_on"]), models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self):
        """Past its deadline and not yet answered (never stored: a fact of the date)."""
        return (self.due_on is not None and self.status in PENDING_STATUSES
                and self.due_on < timezone.localdate())

    @property
    def on_time(self):
        """Answered by its deadline (None while unanswered or without a deadline)."""
        if self.due_on is None or self.replied_on is None:
            return None
        return self.replied_on <= self.due_on

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
        if self.status in ASSIGNED_STATUSES and not self.department_id:
            errors["department"] = _("交办后须指定承办部门。")
        if self.enterprise_id and self.chain_id and not Membership.objects.filter(
                enterprise_id=self.enterprise_id, chain_id=self.chain_id).exists():
            errors["chain"] = _("所选产业链不包含该企业。")
        if (self.enterprise_id and self.department_id and "department" not in errors
                and self.department.region_id not in _region_and_above(self.enterprise.region_id)):
            errors["department"] = _("承办部门须属于企业所在地区或其上级。")
        if received and self.replied_on and self.replied_on < received:
            errors["replied_on"] = _("答复日期不能早于受理日期。")
        if errors:
            raise ValidationError(errors)


def overdue_q(today=None):
    """The requests overdue on ``today``: due before it and not yet answered."""
    return models.Q(due_on__lt=today or timezone.localdate(), status__in=PENDING_STATUSES)


class EventAction(models.TextChoices):
    SUBMIT = "submit", _("提交")
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    ASSIGN = "assign", _("交办")
    START = "start", _("开始办理")
    REPLY = "reply", _("答复")
    EVALUATE = "evaluate", _("评价")
    REOPEN = "reopen", _("重新办理")
    CLOSE = "close", _("办结")
    ESCALATE = "escalate", _("督办")
    INSTRUCT = "instruct", _("链长批示")


class RequestEvent(models.Model):
    """One step of a request's timeline: who did what, when, from which status to which, and what they wrote.
    Append-only, like the change log."""

    request = models.ForeignKey(Request, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="events")
    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("环节"), max_length=16, choices=EventAction.choices)
    from_status = models.CharField(_("原状态"), max_length=16, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=16, choices=RequestStatus.choices, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)

    access = Access(kind=ENTERPRISE, region="request__enterprise__region", enterprise="request__enterprise",
                    department=("request__department", "request__cooperating_departments"))

    class Meta:
        verbose_name = _("诉求办理记录")
        verbose_name_plural = _("诉求办理记录")
        ordering = ["request", "time", "id"]

    def __str__(self):
        return f"{self.request} · {self.get_action_display()}"


class RequestDeadline(BaseModel):
    """How long a region gives its departments to answer a request of a category and urgency (小事不过夜、大事不过周).
    A row without a category applies to every category of its urgency."""

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.CASCADE,
                               related_name="request_deadlines")
    category = models.CharField(_("类别"), max_length=16, choices=RequestCategory.choices, blank=True,
                                help_text=_("留空则适用于该紧急程度的所有类别"))
    urgency = models.CharField(_("紧急程度"), max_length=16, choices=Urgency.choices)
    days = models.PositiveIntegerField(_("办理时限（天）"), validators=[MinValueValidator(1), MaxValueValidator(365)])
    working_days = models.BooleanField(_("按工作日计算"), default=True,
                                       help_text=_("按国家法定节假日和调休安排计算工作日"))

    access = Access(kind=REFERENCE, region="region", region_managed=True)

    class Meta:
        verbose_name = _("诉求办理时限")
        verbose_name_plural = _("诉求办理时限")
        ordering = ["region", "urgency", "category"]
        constraints = [models.UniqueConstraint(fields=["region", "category", "urgency"],
                                               name="requestdeadline_unique")]

    def __str__(self):
        return f"{self.get_category_display() or _('所有类别')} · {self.get_urgency_display()}：{self.days} 天"


def _region_and_above(pk):
    """Ids of region ``pk`` and the regions above it (province → city → district: at most a few steps)."""
    ids = []
    while pk is not None and pk not in ids:
        ids.append(pk)
        pk = Region.objects.filter(pk=pk).values_list("parent_id", flat=True).first()
    return ids

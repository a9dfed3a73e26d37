"""The work ledger (工作台账) of the chains — the "八个一" in practice: development plans, tasks and their progress
reports, coordination meetings (调度会) and their decisions (督办事项), topical research (专题调研) and its findings,
chain alliances (产业链联盟), policies and the enterprises that benefited, and key projects (重点项目) with their
monthly investment."""
import calendar
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import ENTERPRISE, REFERENCE, WORK, Access
from chainchief.core.models import BaseModel, Region

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


def _strip_required(obj, errors, field, message):
    value = getattr(obj, field)
    if value is not None:
        value = value.strip()
        setattr(obj, field, value)
        if not value:
            errors[field] = message


def _in_region(enterprise, region_id):
    """Whether an enterprise lies in the region or below it (enterprises sit in districts, chains in cities)."""
    return enterprise.region_id in Region.subtree_ids(region_id)


def _same_region(obj, errors, field, region_id, message):
    related = getattr(obj, field + "_id", None)
    if related and region_id and getattr(obj, field).region_id != region_id:
        errors[field] = message


class Plan(BaseModel):
    """A chain's development plan (发展计划) for a year: its goals, and the tasks that carry them out."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="plans")
    year = models.PositiveIntegerField(_("年度"), validators=YEAR)
    title = models.CharField(_("计划名称"), max_length=200)
    goals = models.TextField(_("发展目标"), blank=True, help_text=_("稳链、补链、延链、强链的目标与举措"))

    access = Access(kind=WORK, region="chain__region", chain="chain")

    class Meta:
        verbose_name = _("发展计划")
        verbose_name_plural = _("发展计划")
        ordering = ["chain", "-year"]
        constraints = [models.UniqueConstraint(fields=["chain", "year"], name="plan_unique_chain_year")]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        _strip_required(self, errors, "title", _("请填写计划名称。"))
        if errors:
            raise ValidationError(errors)


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class Task(BaseModel):
    """A task (任务) of a chain: what is to be done, by which department, by when, and how far it has got.

    Overdue (已逾期) is not a stored status but a fact of the date: a task is overdue when its due date has passed
    and it is not done (``is_overdue``; the API's ``overdue`` filter).
    """

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="tasks")
    plan = models.ForeignKey(Plan, verbose_name=_("发展计划"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="tasks")
    decision = models.ForeignKey("Decision", verbose_name=_("会议议定事项"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="tasks",
                                 help_text=_("由调度会议定的督办事项"))
    work_item = models.ForeignKey("chains.WorkModelItem", verbose_name=_("工作事项"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="tasks",
                                  help_text=_("任务所属的工作模式事项，如“八个一”中的一项"))
    title = models.CharField(_("任务名称"), max_length=200)
    description = models.TextField(_("任务内容"), blank=True)
    lead_department = models.ForeignKey("core.Department", verbose_name=_("牵头部门"), on_delete=models.PROTECT,
                                        related_name="tasks")
    responsible = models.ForeignKey("core.Person", verbose_name=_("责任人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="tasks")
    due_on = models.DateField(_("完成时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    progress = models.TextField(_("进展情况"), blank=True)
    # Which reminder its assignees have had (临近时限, 已逾期): bookkeeping of the reminders, not a status.
    reminded = models.CharField(_("已提醒"), max_length=8, blank=True, editable=False,
                                choices=[("near", _("临近时限")), ("overdue", _("已逾期"))])

    class Reminded(models.TextChoices):
        NEAR = "near", _("临近时限")
        OVERDUE = "overdue", _("已逾期")

    SYSTEM_FIELDS = (*BaseModel.SYSTEM_FIELDS, "reminded")

    # A lead department's staff see and act on the tasks it leads, in whichever chain.
    access = Access(kind=WORK, region="chain__region", chain="chain", department="lead_department")

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["chain", "status"])]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return self.due_on is not None and self.status != TaskStatus.DONE and self.due_on < timezone.localdate()

    @property
    def is_supervised(self):
        """A supervised task (督办事项): decided at a coordination meeting."""
        return self.decision_id is not None

    def clean(self):
        errors = {}
        _strip_required(self, errors, "title", _("请填写任务名称。"))
        chain = self.chain if self.chain_id else None
        if chain is not None and self.plan_id and self.plan.chain_id != chain.pk:
            errors["plan"] = _("该发展计划不属于本产业链。")
        if chain is not None and self.work_item_id and self.work_item.work_model_id != chain.region.work_model_id:
            errors["work_item"] = _("该事项不属于本产业链所在区域的工作模式。")
        if chain is not None and self.lead_department_id and self.lead_department.region_id != chain.region_id:
            errors["lead_department"] = _("牵头部门须是该产业链所在区域的部门。")
        if errors:
            raise ValidationError(errors)


def overdue_q(today=None, prefix=""):
    """The tasks that are overdue on ``today``: due before it and not done (``prefix``: the path to a task)."""
    return (models.Q(**{f"{prefix}due_on__lt": today or timezone.localdate()})
            & ~models.Q(**{f"{prefix}status": TaskStatus.DONE}))


def open_q(prefix=""):
    return ~models.Q(**{f"{prefix}status": TaskStatus.DONE})


class TaskUpdate(BaseModel):
    """A progress report (进展报告) on a task: what was done by a date, the status it leaves the task in, and
    its attachments (the evidence)."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="updates")
    reported_on = models.DateField(_("报告日期"), default=timezone.localdate)
    text = models.TextField(_("进展内容"))
    status = models.CharField(_("报告后状态"), max_length=16, choices=TaskStatus.choices)

    access = Access(kind=WORK, region="task__chain__region", chain="task__chain", department="task__lead_department")

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ["-reported_on", "-id"]

    def __str__(self):
        return f"{self.task} · {self.reported_on:%Y-%m-%d}"

    def clean(self):
        errors = {}
        _strip_required(self, errors, "text", _("请填写进展内容。"))
        if self.reported_on and self.reported_on > timezone.localdate():
            errors["reported_on"] = _("报告日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)


class TaskUrge(BaseModel):
    """A 催办 of a task: its chain's chief or the office reminds the task's assignees; at most once a day per task
    (who and when: the row's author and the change log)."""

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="urges")
    on = models.DateField(_("催办日期"), default=timezone.localdate)

    access = Access(kind=WORK, region="task__chain__region", chain="task__chain", department="task__lead_department")

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        ordering = ["-on", "-id"]
        constraints = [models.UniqueConstraint(fields=["task", "on"], name="taskurge_once_a_day")]

    def __str__(self):
        return f"{self.task} · {self.on:%Y-%m-%d}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("待召开")
    HELD = "held", _("已召开")


class Meeting(BaseModel):
    """A coordination meeting (调度会) of one chain, or of the city's chains together when it has no chain.

    Its decisions become supervised tasks; the next meeting hears how they stand.
    """

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="meetings")
    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="meetings",
                              help_text=_("不选则为全市产业链联席调度会"))
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    place = models.CharField(_("会议地点"), max_length=200, blank=True)
    chair = models.ForeignKey("core.Person", verbose_name=_("主持人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="chaired_meetings",
                              help_text=_("一般为链长"))
    attendees = models.ManyToManyField("core.Person", verbose_name=_("参会人员"), blank=True,
                                       related_name="meetings")
    minutes = models.TextField(_("会议纪要"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)

    access = Access(kind=WORK, region="region", chain="chain")

    class Meta:
        verbose_name = _("调度会")
        verbose_name_plural = _("调度会")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["region", "held_on"])]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        _strip_required(self, errors, "title", _("请填写会议名称。"))
        if self.chain_id and self.region_id and self.chain.region_id != self.region_id:
            errors["chain"] = _("该产业链不属于会议所在区域。")
        _same_region(self, errors, "chair", self.region_id, _("主持人须是会议所在区域的人员。"))
        if self.status == MeetingStatus.HELD and self.held_on and self.held_on > timezone.localdate():
            errors["status"] = _("会议日期在今天之后，不能标记为已召开。")
        if errors:
            raise ValidationError(errors)

    def previous(self):
        """The meeting before this one on the same chain (or the previous city-wide meeting)."""
        return (Meeting.objects.filter(region_id=self.region_id, chain_id=self.chain_id, held_on__lt=self.held_on)
                .order_by("-held_on", "-id").first())


class Decision(BaseModel):
    """A decision (议定事项) of a meeting: what is to be done, by which department, by when. Recording it
    creates the supervised task (督办事项) that carries it out."""

    meeting = models.ForeignKey(Meeting, verbose_name=_("调度会"), on_delete=models.CASCADE,
                                related_name="decisions")
    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="decisions")
    text = models.TextField(_("议定事项"))
    lead_department = models.ForeignKey("core.Department", verbose_name=_("责任部门"), on_delete=models.PROTECT,
                                        related_name="decisions")
    responsible = models.ForeignKey("core.Person", verbose_name=_("责任人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="decisions")
    due_on = models.DateField(_("完成时限"))

    access = Access(kind=WORK, region="chain__region", chain="chain", department="lead_department")

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ["meeting", "id"]

    def __str__(self):
        return self.text[:60]

    def clean(self):
        errors = {}
        _strip_required(self, errors, "text", _("请填写议定事项。"))
        meeting = self.meeting if self.meeting_id else None
        if meeting is not None and self.chain_id:
            if meeting.chain_id and meeting.chain_id != self.chain_id:
                errors["chain"] = _("议定事项的产业链须与会议的产业链一致。")
            elif self.chain.region_id != meeting.region_id:
                errors["chain"] = _("该产业链不属于会议所在区域。")
        if meeting is not None:
            _same_region(self, errors, "lead_department", meeting.region_id, _("责任部门须是会议所在区域的部门。"))
        if errors:
            raise ValidationError(errors)


class ResearchKind(models.TextChoices):
    VISIT = "visit", _("走访调研")
    REPORT = "report", _("调研报告")
    FORUM = "forum", _("座谈会")


class Research(BaseModel):
    """Topical research (专题调研) on a chain: a visit, a forum or a report, the enterprises it reached, and
    what it found."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="research")
    title = models.CharField(_("调研题目"), max_length=200)
    kind = models.CharField(_("形式"), max_length=16, choices=ResearchKind.choices, default=ResearchKind.VISIT)
    conducted_on = models.DateField(_("调研日期"))
    department = models.ForeignKey("core.Department", verbose_name=_("组织部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="research")
    enterprises = models.ManyToManyField("enterprises.Enterprise", verbose_name=_("走访企业"), blank=True,
                                         related_name="research")
    summary = models.TextField(_("调研情况"), blank=True)

    # An enterprise user reads a piece of research that visited its enterprise (and of it, only its enterprise).
    access = Access(kind=WORK, region="chain__region", chain="chain", enterprise="enterprises")

    class Meta:
        verbose_name = _("专题调研")
        verbose_name_plural = _("专题调研")
        ordering = ["-conducted_on", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        _strip_required(self, errors, "title", _("请填写调研题目。"))
        if self.chain_id:
            _same_region(self, errors, "department", self.chain.region_id, _("组织部门须是该产业链所在区域的部门。"))
        if errors:
            raise ValidationError(errors)


class Finding(BaseModel):
    """A finding (发现问题) of a piece of research; it can become a task of the chain or a request of the
    enterprise it concerns."""

    research = models.ForeignKey(Research, verbose_name=_("专题调研"), on_delete=models.CASCADE,
                                 related_name="findings")
    text = models.TextField(_("发现问题"))
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("涉及企业"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="findings")
    task = models.ForeignKey(Task, verbose_name=_("转为任务"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="findings")
    request = models.ForeignKey("appeals.Request", verbose_name=_("转为诉求"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="findings")

    access = Access(kind=WORK, region="research__chain__region", chain="research__chain", enterprise="enterprise")

    class Meta:
        verbose_name = _("调研发现")
        verbose_name_plural = _("调研发现")
        ordering = ["research", "id"]

    def __str__(self):
        return self.text[:60]

    def clean(self):
        errors = {}
        _strip_required(self, errors, "text", _("请填写发现的问题。"))
        if errors:
            raise ValidationError(errors)


class Alliance(BaseModel):
    """A chain alliance (产业链联盟): enterprises, universities and institutes working together along a chain."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="alliances")
    name = models.CharField(_("联盟名称"), max_length=200)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    lead_enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("理事长单位"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="led_alliances")
    description = models.TextField(_("简介"), blank=True)

    # An enterprise user reads an alliance it leads or belongs to (and of it, only its own membership).
    access = Access(kind=WORK, region="chain__region", chain="chain",
                    enterprise=("lead_enterprise", "members__enterprise"))

    class Meta:
        verbose_name = _("产业链联盟")
        verbose_name_plural = _("产业链联盟")
        ordering = ["chain", "name"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="alliance_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        _strip_required(self, errors, "name", _("请填写联盟名称。"))
        if self.founded_on and self.founded_on > timezone.localdate():
            errors["founded_on"] = _("成立日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)


class MemberKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    UNIVERSITY = "university", _("高校")
    INSTITUTE = "institute", _("科研院所")
    OTHER = "other", _("其他机构")


class AllianceMember(BaseModel):
    """A member of an alliance: an enterprise of the region (linked), or a university, institute or other body
    (by name)."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("成员类型"), max_length=16, choices=MemberKind.choices, default=MemberKind.ENTERPRISE)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="alliance_memberships")
    name = models.CharField(_("单位名称"), max_length=200, blank=True, help_text=_("非本地企业、高校或院所填写名称"))
    role = models.CharField(_("联盟职务"), max_length=32, blank=True, help_text=_("如 理事长单位、副理事长单位、成员单位"))
    joined_on = models.DateField(_("加入日期"), null=True, blank=True)

    access = Access(kind=WORK, region="alliance__chain__region", chain="alliance__chain", enterprise="enterprise")

    class Meta:
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        ordering = ["alliance", "kind", "id"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.enterprise.name if self.enterprise_id else self.name

    def clean(self):
        errors = {}
        self.name = (self.name or "").strip()
        if not self.enterprise_id and not self.name:
            errors["name"] = _("请选择企业或填写单位名称。")
        if self.enterprise_id and self.kind != MemberKind.ENTERPRISE:
            errors["kind"] = _("选择了企业的成员，类型须为“企业”。")
        if self.enterprise_id and self.alliance_id and not _in_region(self.enterprise, self.alliance.chain.region_id):
            errors["enterprise"] = _("该企业不在联盟所在区域；外地单位请填写名称。")
        if errors:
            raise ValidationError(errors)


class AllianceActivity(BaseModel):
    """An activity of an alliance: a matchmaking event, a forum, a joint project."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("联盟"), on_delete=models.CASCADE,
                                 related_name="activities")
    held_on = models.DateField(_("活动日期"))
    title = models.CharField(_("活动名称"), max_length=200)
    summary = models.TextField(_("活动情况"), blank=True)

    access = Access(kind=WORK, region="alliance__chain__region", chain="alliance__chain")

    class Meta:
        verbose_name = _("联盟活动")
        verbose_name_plural = _("联盟活动")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        _strip_required(self, errors, "title", _("请填写活动名称。"))
        if errors:
            raise ValidationError(errors)


class Policy(BaseModel):
    """A policy document (政策文件) of the region: who issued it, its number (文号), the chains it supports."""

    region = models.ForeignKey("core.Region", verbose_name=_("区域"), on_delete=models.PROTECT,
                               related_name="policies")
    title = models.CharField(_("政策名称"), max_length=200)
    issuer = models.CharField(_("发文单位"), max_length=100)
    number = models.CharField(_("文号"), max_length=64, blank=True, help_text=_("如 潍政发〔2021〕5号"))
    issued_on = models.DateField(_("发文日期"))
    chains = models.ManyToManyField("chains.Chain", verbose_name=_("适用产业链"), blank=True,
                                    related_name="policies", help_text=_("不选则适用全部产业链"))
    summary = models.TextField(_("主要内容"), blank=True)

    access = Access(kind=REFERENCE, region="region")

    class Meta:
        verbose_name = _("政策文件")
        verbose_name_plural = _("政策文件")
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        _strip_required(self, errors, "title", _("请填写政策名称。"))
        _strip_required(self, errors, "issuer", _("请填写发文单位。"))
        if self.issued_on and self.issued_on > timezone.localdate():
            errors["issued_on"] = _("发文日期不能晚于今天。")
        if errors:
            raise ValidationError(errors)


class PolicyBenefit(BaseModel):
    """An enterprise that benefited from a policy, with the amount (万元) and year: the enterprise's data."""

    policy = models.ForeignKey(Policy, verbose_name=_("政策文件"), on_delete=models.CASCADE, related_name="benefits")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("受益企业"), on_delete=models.CASCADE,
                                   related_name="policy_benefits")
    year = models.PositiveIntegerField(_("年度"), validators=YEAR)
    amount = models.DecimalField(_("兑现金额（万元）"), **MONEY)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    access = Access(kind=ENTERPRISE, region="enterprise__region", enterprise="enterprise")

    class Meta:
        verbose_name = _("政策兑现")
        verbose_name_plural = _("政策兑现")
        ordering = ["policy", "-year", "enterprise"]

    def __str__(self):
        return f"{self.policy} · {self.enterprise}"

    def clean(self):
        errors = {}
        if self.policy_id and self.enterprise_id and not _in_region(self.enterprise, self.policy.region_id):
            errors["enterprise"] = _("受益企业须在政策所在区域。")
        if errors:
            raise ValidationError(errors)


class ProjectKind(models.TextChoices):
    NEW = "new", _("新建")
    EXPANSION = "expansion", _("扩建")
    UPGRADE = "upgrade", _("技术改造")


class ProjectStage(models.TextChoices):
    PREPARING = "preparing", _("前期")
    BUILDING = "building", _("在建")
    COMPLETED = "completed", _("竣工")
    OPERATING = "operating", _("投产")


STAGE_ORDER = [s.value for s in ProjectStage]
# How far behind the time-proportional annual plan a project may be before it is flagged (percentage points).
BEHIND_TOLERANCE = Decimal("10")


class KeyProject(BaseModel):
    """A key project (重点项目) of a chain: an enterprise's investment, its plan and monthly completion, and its
    stage. Investment figures are the enterprise's data."""

    chain = models.ForeignKey("chains.Chain", verbose_name=_("产业链"), on_delete=models.CASCADE,
                              related_name="projects")
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("建设单位"), on_delete=models.CASCADE,
                                   related_name="projects")
    segment = models.ForeignKey("maps.Segment", verbose_name=_("所属环节"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("建设性质"), max_length=16, choices=ProjectKind.choices, default=ProjectKind.NEW)
    total_investment = models.DecimalField(_("总投资（万元）"), **MONEY)
    year = models.PositiveIntegerField(_("计划年度"), validators=YEAR)
    annual_plan = models.DecimalField(_("年度计划投资（万元）"), **MONEY)
    stage = models.CharField(_("项目阶段"), max_length=16, choices=ProjectStage.choices,
                             default=ProjectStage.PREPARING)
    planned_start_on = models.DateField(_("计划开工日期"), null=True, blank=True)
    planned_finish_on = models.DateField(_("计划竣工日期"), null=True, blank=True)
    started_on = models.DateField(_("实际开工日期"), null=True, blank=True)
    finished_on = models.DateField(_("实际竣工日期"), null=True, blank=True)
    department = models.ForeignKey("core.Department", verbose_name=_("责任部门"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="projects")

    access = Access(kind=ENTERPRISE, region="chain__region", chain="chain", enterprise="enterprise")

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["chain", "-total_investment", "id"]
        indexes = [models.Index(fields=["chain", "year"])]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        _strip_required(self, errors, "name", _("请填写项目名称。"))
        chain = self.chain if self.chain_id else None
        if chain is not None and self.enterprise_id and not _in_region(self.enterprise, chain.region_id):
            errors["enterprise"] = _("建设单位须在该产业链所在区域。")
        if chain is not None and self.segment_id and self.segment.chain_id != chain.pk:
            errors["segment"] = _("该环节不属于本产业链。")
        if (self.annual_plan is not None and self.total_investment is not None
                and self.annual_plan > self.total_investment):
            errors["annual_plan"] = _("年度计划投资不能超过总投资。")
        if self.planned_start_on and self.planned_finish_on and self.planned_finish_on < self.planned_start_on:
            errors["planned_finish_on"] = _("计划竣工日期不能早于计划开工日期。")
        if self.started_on and self.finished_on and self.finished_on < self.started_on:
            errors["finished_on"] = _("实际竣工日期不能早于实际开工日期。")
        order = STAGE_ORDER.index(self.stage) if self.stage in STAGE_ORDER else 0
        if order >= 1 and not self.started_on:
            errors["started_on"] = _("项目已开工，请填写实际开工日期。")
        if order >= 2 and not self.finished_on:
            errors["finished_on"] = _("项目已竣工，请填写实际竣工日期。")
        if chain is not None and self.department_id and self.department.region_id != chain.region_id:
            errors["department"] = _("责任部门须是该产业链所在区域的部门。")
        if errors:
            raise ValidationError(errors)


def project_progress(project, completed, today=None):
    """How a project stands on ``today`` in its plan year: completed investment (万元, the sum of its months),
    the completion rate of the annual plan and the share of the year elapsed (both in %), and whether it is
    behind schedule (进度滞后) — its rate more than ``BEHIND_TOLERANCE`` points below the elapsed share, or its
    planned start or finish passed while it has not reached that stage."""
    today = today or timezone.localdate()
    completed = Decimal(completed or 0).quantize(Decimal("0.01"))
    if project.year < today.year:
        elapsed = Decimal(100)
    elif project.year > today.year:
        elapsed = Decimal(0)
    else:
        days = 366 if calendar.isleap(today.year) else 365
        elapsed = Decimal(100) * Decimal(today.timetuple().tm_yday) / Decimal(days)
    rate = (Decimal(100) * completed / project.annual_plan).quantize(Decimal("0.1")) if project.annual_plan else None
    reasons = []
    order = STAGE_ORDER.index(project.stage)
    # The time-proportional plan holds for a project under construction; one still in preparation is behind
    # when its planned start has passed, one completed or in operation no longer.
    if order == 1 and rate is not None and rate + BEHIND_TOLERANCE < elapsed:
        reasons.append(_("年度投资完成率 %(rate)s%%，低于时序进度 %(elapsed)s%%") % {
            "rate": f"{rate:.1f}", "elapsed": f"{elapsed:.1f}"})
    if order < 1 and project.planned_start_on and project.planned_start_on < today:
        reasons.append(_("计划 %(d)s 开工，尚未开工") % {"d": f"{project.planned_start_on:%Y-%m-%d}"})
    if order < 2 and project.planned_finish_on and project.planned_finish_on < today:
        reasons.append(_("计划 %(d)s 竣工，尚未竣工") % {"d": f"{project.planned_finish_on:%Y-%m-%d}"})
    return {"completed": completed, "rate": rate, "elapsed": elapsed, "behind": bool(reasons),
            "reasons": [str(r) for r in reasons]}


class ProjectMonth(BaseModel):
    """A project's completed investment (完成投资, 万元) in one month."""

    project = models.ForeignKey(KeyProject, verbose_name=_("重点项目"), on_delete=models.CASCADE,
                                related_name="months")
    year = models.PositiveIntegerField(_("年份"), validators=YEAR)
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    completed = models.DecimalField(_("当月完成投资（万元）"), **MONEY)

    access = Access(kind=ENTERPRISE, region="project__chain__region", chain="project__chain",
                    enterprise="project__enterprise")

    class Meta:
        verbose_name = _("项目月度投资")
        verbose_name_plural = _("项目月度投资")
        ordering = ["project", "year", "month"]
        constraints = [models.UniqueConstraint(fields=["project", "year", "month"], name="projectmonth_unique")]

    def __str__(self):
        return f"{self.project} {self.year}-{self.month:02d}"

    def clean(self):
        errors = {}
        if self.year and self.month and date(self.year, self.month, 1) > timezone.localdate():
            errors["month"] = _("不能填报未来月份的完成投资。")
        if errors:
            raise ValidationError(errors)

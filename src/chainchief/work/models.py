"""The work ledger (工作台账) of the chains: tasks now; plans, meetings and decisions, research, alliances, policies
and key projects in later steps."""
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainchief.core.access import CHAIN, Access
from chainchief.core.models import BaseModel


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

    access = Access(kind=CHAIN, region="chain__region", chain="chain")

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

    def clean(self):
        errors = {}
        if self.title is not None:
            self.title = self.title.strip()
            if not self.title:
                errors["title"] = _("请填写任务名称。")
        chain = self.chain if self.chain_id else None
        if chain is not None and self.work_item_id and self.work_item.work_model_id != chain.region.work_model_id:
            errors["work_item"] = _("该事项不属于本产业链所在区域的工作模式。")
        if chain is not None and self.lead_department_id and self.lead_department.region_id != chain.region_id:
            errors["lead_department"] = _("牵头部门须是该产业链所在区域的部门。")
        if errors:
            raise ValidationError(errors)


def overdue_q(today=None):
    """The tasks that are overdue on ``today``: due before it and not done."""
    return models.Q(due_on__lt=today or timezone.localdate()) & ~models.Q(status=TaskStatus.DONE)

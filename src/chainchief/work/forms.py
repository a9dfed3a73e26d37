"""Forms of the work ledger's pages. Every choice of a related row is narrowed to what the user may see (chains:
to those the user may work on), so a form never offers what the service would refuse."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.chains.models import Chain
from chainchief.core.forms import DateInput, StyledForm, StyledModelForm, VersionField
from chainchief.core.permissions import CHANGE, VIEW
from chainchief.work.models import (Alliance, AllianceActivity, AllianceMember, Finding, KeyProject, Meeting, Plan,
                                    Policy, PolicyBenefit, Research, Task, TaskStatus, TaskUpdate)

def date_widget():
    """Dates typed in the interface's format (core.forms.DateInput), not the browser's picker."""
    return DateInput()


class LedgerForm(StyledModelForm):
    """A ledger form: related choices narrowed to the user's sight, chains to those the user works on, dates as
    date inputs, and the version read for optimistic locking."""

    version = VersionField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in self.fields.items():
            if isinstance(field, (forms.ModelChoiceField, forms.ModelMultipleChoiceField)):
                model = field.queryset.model
                field.queryset = (Chain.objects.restrict(user, CHANGE).filter(is_active=True) if model is Chain
                                  else model.objects.restrict(user, VIEW))
            if isinstance(field, forms.DateField):
                field.widget = date_widget()
                field.widget.attrs["class"] = "form-control"
        if self.instance.pk and "version" in self.fields:
            self.fields["version"].initial = self.instance.version


class PlanForm(LedgerForm):
    class Meta:
        model = Plan
        fields = ["chain", "year", "title", "goals"]
        widgets = {"goals": forms.Textarea(attrs={"rows": 6})}


class TaskForm(LedgerForm):
    class Meta:
        model = Task
        fields = ["chain", "plan", "work_item", "title", "description", "lead_department", "responsible", "due_on",
                  "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"].required = False
        self.fields["lead_department"].help_text = _("不选则为该产业链的牵头部门")


class TaskUpdateForm(LedgerForm):
    file = forms.FileField(label=_("佐证材料"), required=False)

    class Meta:
        model = TaskUpdate
        fields = ["reported_on", "status", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].required = False
        self.fields["status"].choices = TaskStatus.choices
        if task is not None:
            self.fields["status"].initial = task.status
            self.fields["version"].initial = task.version


class MeetingForm(LedgerForm):
    class Meta:
        model = Meeting
        fields = ["chain", "title", "held_on", "place", "chair", "attendees", "status", "minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 6}), "attendees": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].required = False
        self.fields["chain"].empty_label = _("全市产业链联席调度会")


class DecisionForm(StyledForm):
    text = forms.CharField(label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 3}))
    chain = forms.ModelChoiceField(label=_("产业链"), queryset=Chain.objects.none(), required=False,
                                   help_text=_("链上调度会默认为本链"))
    lead_department = forms.ModelChoiceField(label=_("责任部门"), queryset=None, required=False,
                                             help_text=_("不选则为该产业链的牵头部门"))
    responsible = forms.ModelChoiceField(label=_("责任人"), queryset=None, required=False)
    due_on = forms.DateField(label=_("完成时限"), required=False, widget=date_widget())
    days = forms.IntegerField(label=_("或：会后若干天内完成"), required=False, min_value=1, max_value=365,
                              help_text=_("按设置以工作日或自然日计算"))

    def __init__(self, *args, user, meeting, **kwargs):
        from chainchief.core.models import Department, Person

        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(user, VIEW).filter(region_id=meeting.region_id)
        self.fields["lead_department"].queryset = Department.objects.restrict(user, VIEW)
        self.fields["responsible"].queryset = Person.objects.restrict(user, VIEW)
        if meeting.chain_id:
            self.fields["chain"].initial = meeting.chain_id

    def clean(self):
        data = super().clean()
        if not data.get("due_on") and not data.get("days"):
            self.add_error("due_on", _("请填写完成时限，或会后完成天数。"))
        return data


class ResearchForm(LedgerForm):
    class Meta:
        model = Research
        fields = ["chain", "title", "kind", "conducted_on", "department", "enterprises", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5}), "enterprises": forms.SelectMultiple(attrs={"size": 8})}


class FindingForm(LedgerForm):
    class Meta:
        model = Finding
        fields = ["text", "enterprise"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class AllianceForm(LedgerForm):
    class Meta:
        model = Alliance
        fields = ["chain", "name", "founded_on", "lead_enterprise", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class AllianceMemberForm(LedgerForm):
    class Meta:
        model = AllianceMember
        fields = ["kind", "enterprise", "name", "role", "joined_on"]


class AllianceActivityForm(LedgerForm):
    class Meta:
        model = AllianceActivity
        fields = ["held_on", "title", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2})}


class PolicyForm(LedgerForm):
    class Meta:
        model = Policy
        fields = ["title", "issuer", "number", "issued_on", "chains", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5}), "chains": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chains"].queryset = Chain.objects.restrict(self.user, VIEW).filter(is_active=True)


class PolicyBenefitForm(LedgerForm):
    class Meta:
        model = PolicyBenefit
        fields = ["enterprise", "year", "amount", "note"]


class KeyProjectForm(LedgerForm):
    class Meta:
        model = KeyProject
        fields = ["chain", "enterprise", "segment", "name", "kind", "total_investment", "year", "annual_plan",
                  "stage", "planned_start_on", "planned_finish_on", "started_on", "finished_on", "department"]


class ProjectMonthForm(StyledForm):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    completed = forms.DecimalField(label=_("当月完成投资（万元）"), min_value=0, max_digits=14, decimal_places=2)


class TaskFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("任务名称、内容或进展")}))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *TaskStatus.choices])
    overdue = forms.ChoiceField(label=_("逾期"), required=False, choices=[("", _("全部")), ("1", _("已逾期")),
                                                                       ("0", _("未逾期"))])
    supervised = forms.ChoiceField(label=_("督办"), required=False, choices=[("", _("全部")), ("1", _("督办事项")),
                                                                          ("0", _("一般任务"))])

    def filters(self):
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        out = {k: d[k] for k in ("q", "status") if d.get(k)}
        for k in ("overdue", "supervised"):
            if d.get(k) in ("1", "0"):
                out[k] = d[k] == "1"
        return out

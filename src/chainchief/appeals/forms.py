from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.appeals.models import Request, RequestCategory, RequestDeadline, RequestStatus, Satisfaction, Urgency
from chainchief.chains.models import Chain
from chainchief.core.forms import DateInput, StyledForm, StyledModelForm
from chainchief.core.models import Department
from chainchief.core.permissions import VIEW
from chainchief.enterprises.models import Enterprise

YES_NO = [("", _("全部")), ("1", _("是")), ("0", _("否"))]


class RequestFilterForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("标题、内容或企业名称")}))
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *RequestStatus.choices])
    category = forms.ChoiceField(label=_("类别"), required=False,
                                 choices=[("", _("全部类别")), *RequestCategory.choices])
    chain = forms.ModelChoiceField(label=_("产业链"), queryset=Chain.objects.none(), required=False,
                                   empty_label=_("全部产业链"))
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=Department.objects.none(), required=False,
                                        empty_label=_("全部部门"))
    overdue = forms.ChoiceField(label=_("超期"), required=False, choices=YES_NO)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(user, VIEW)
        self.fields["department"].queryset = Department.objects.restrict(user, VIEW)

    def filters(self):
        """The API's filter names and values (what the export link passes on too)."""
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        out = {k: d[k] for k in ("q", "status", "category") if d.get(k)}
        for k in ("chain", "department"):
            if d.get(k):
                out[k] = d[k].pk
        if d.get("overdue") in ("1", "0"):
            out["overdue"] = d["overdue"] == "1"
        return out


class RequestForm(StyledModelForm):
    """Filing a request: the enterprise (fixed for an enterprise user), what the problem is, how urgent."""

    class Meta:
        model = Request
        fields = ["enterprise", "chain", "category", "urgency", "title", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        enterprises = Enterprise.objects.restrict(user, VIEW).order_by("name")
        self.fields["enterprise"].queryset = enterprises
        if enterprises.count() == 1:
            self.fields["enterprise"].initial = enterprises.first().pk
        self.fields["chain"].queryset = Chain.objects.restrict(user, VIEW)
        self.fields["chain"].required = False
        self.fields["urgency"].initial = Urgency.NORMAL


class StepForm(StyledForm):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(label=_("承办部门"), queryset=Department.objects.none(), required=False)
    cooperating = forms.ModelMultipleChoiceField(label=_("协办部门"), queryset=Department.objects.none(),
                                                 required=False, widget=forms.SelectMultiple(attrs={"size": 4}))
    satisfaction = forms.ChoiceField(label=_("评价"), required=False,
                                     choices=[("", _("请选择")), *Satisfaction.choices])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        departments = Department.objects.restrict(user, VIEW).order_by("name")
        self.fields["department"].queryset = departments
        self.fields["cooperating"].queryset = departments


class StatsForm(StyledForm):
    by = forms.ChoiceField(label=_("统计维度"), required=False, initial="department",
                           choices=[("department", _("承办部门")), ("chain", _("产业链")), ("category", _("类别")),
                                    ("urgency", _("紧急程度"))])
    received_from = forms.DateField(label=_("受理日期自"), required=False,
                                    widget=DateInput())
    received_to = forms.DateField(label=_("至"), required=False,
                                  widget=DateInput())


class DeadlineForm(StyledModelForm):
    class Meta:
        model = RequestDeadline
        fields = ["category", "urgency", "days", "working_days"]

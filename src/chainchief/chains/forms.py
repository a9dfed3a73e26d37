"""Chain forms: they validate and render; the views save through core.services / chains.services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.chains import queries
from chainchief.chains.models import Chain, ChainDepartment, ChainRole, ChainTier, WorkStatus
from chainchief.core.models import Department, Person, Region
from chainchief.core.permissions import VIEW
from chainchief.core.forms import StyledForm, StyledModelForm, VersionField


class ChainForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Chain
        fields = ["name", "short_name", "region", "tier", "description", "order", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user, VIEW)
        self.fields["tier"].queryset = ChainTier.objects.restrict(user, VIEW)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class ChainTierForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = ChainTier
        fields = ["name", "region", "target_scale", "target_year", "order"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user, VIEW)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class WorkItemForm(StyledForm):
    """A chain's status on one work-model item (the row may not exist yet)."""

    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("按佐证自动判定"))] + list(WorkStatus.choices),
                               help_text=_("人工认定的状态将代替按佐证判定的状态，须说明理由"))
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.URLField(label=_("佐证链接"), required=False, assume_scheme="https",
                                  error_messages={"invalid": _("请输入有效的网址，如 https://example.gov.cn/doc")})
    version = VersionField()


def _in_chain_region(queryset, chain):
    return queryset.filter(region_id__in=queries.related_region_ids(chain))


class ChainRoleForm(StyledModelForm):
    """A person's role on a chain (链长, 副链长 …), chosen among the people of the chain's region."""

    class Meta:
        model = ChainRole
        fields = ["person", "kind", "order"]

    def __init__(self, *args, user, chain, **kwargs):
        super().__init__(*args, **kwargs)
        people = _in_chain_region(Person.objects.restrict(user, VIEW), chain).select_related("region")
        self.fields["person"].queryset = people.order_by("region__code", "name")
        self.fields["person"].label_from_instance = lambda p: f"{p.name}（{p.title}，{p.region.name}）"
        self.fields["person"].empty_label = _("请选择人员")
        self.fields["order"].help_text = _("数字小的排在前面")


class ChainDepartmentForm(StyledModelForm):
    """A department of a chain: the lead one (牵头部门, one per chain) or a supporting one."""

    class Meta:
        model = ChainDepartment
        fields = ["department", "is_lead"]

    def __init__(self, *args, user, chain, **kwargs):
        super().__init__(*args, **kwargs)
        departments = _in_chain_region(Department.objects.restrict(user, VIEW), chain)
        self.fields["department"].queryset = departments.order_by("name")
        self.fields["department"].empty_label = _("请选择部门")
        self.fields["is_lead"].help_text = _("每条产业链只有一个牵头部门：设为牵头后，原牵头部门改为配合部门。")


# People and departments: the officials and offices chains are given to.
class PersonForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Person
        fields = ["name", "title", "region", "department", "phone"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user, VIEW)
        self.fields["department"].queryset = Department.objects.restrict(user, VIEW).select_related("region")
        self.fields["department"].label_from_instance = lambda d: f"{d.name}（{d.region.name}）"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        region, department = data.get("region"), data.get("department")
        if region and department and department.region_id != region.pk:
            self.add_error("department", _("部门应属于所选区域。"))
        return data


class DepartmentForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Department
        fields = ["name", "short_name", "region"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user, VIEW)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class ReferenceSearchForm(StyledForm):
    q = forms.CharField(label=_("搜索"), required=False, max_length=64,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名、职务或部门")}))
    region = forms.ModelChoiceField(label=_("区域"), queryset=Region.objects.none(), required=False,
                                    empty_label=_("全部区域"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.restrict(user, VIEW)

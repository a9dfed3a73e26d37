"""Reference data forms (people, departments): they validate and render; the views save through core.services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.core.models import Department, Person, Region
from chainchief.core.permissions import VIEW
from chainchief.web.forms import StyledForm, StyledModelForm, VersionField


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

"""Enterprise forms: they validate and render; the views save through enterprises.services / core.services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.chains.models import Chain
from chainchief.core.models import Region, RegionLevel
from chainchief.core.permissions import CHANGE, VIEW
from chainchief.enterprises.models import Enterprise, Membership, MembershipRole, Qualification, QualificationKind
from chainchief.core.forms import DateInput, StyledForm, StyledModelForm, VersionField
from chainchief.enterprises.services import IDENTITY_FIELDS, identity_locked

YES_NO = [("", _("全部")), ("1", _("是")), ("0", _("否"))]


def _districts(user):
    return Region.objects.restrict(user, VIEW).filter(level=RegionLevel.DISTRICT)


class EnterpriseFilterForm(StyledForm):
    q = forms.CharField(label=_("名称或统一社会信用代码"), required=False)
    chain = forms.ModelChoiceField(label=_("产业链"), queryset=Chain.objects.none(), required=False,
                                   empty_label=_("全部产业链"))
    qualification = forms.ChoiceField(label=_("资质"), required=False,
                                      choices=[("", _("全部资质")), *QualificationKind.choices])
    region = forms.ModelChoiceField(label=_("所在区县"), queryset=Region.objects.none(), required=False,
                                    empty_label=_("全部区县"))
    above_scale = forms.ChoiceField(label=_("规上企业"), required=False, choices=YES_NO)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(user, VIEW)
        self.fields["region"].queryset = _districts(user)
        self.fields["q"].widget.attrs["placeholder"] = _("输入企业名称或统一社会信用代码")

    def search_args(self):
        if not self.is_valid():
            return {}
        d = self.cleaned_data
        above = {"1": True, "0": False}.get(d.get("above_scale") or "")
        return {"q": d.get("q") or None, "chain": d["chain"].pk if d.get("chain") else None,
                "qualification": d.get("qualification") or None,
                "region": d["region"].pk if d.get("region") else None, "above_scale": above}


class EnterpriseForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "short_name", "region", "address", "founded_on", "is_above_scale",
                  "contact_name", "contact_phone", "description"]
        widgets = {"founded_on": DateInput(),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = _districts(user)
        if self.instance.pk:
            regions = regions | Region.objects.filter(pk=self.instance.region_id)
            self.fields["version"].initial = self.instance.version
        self.fields["region"].queryset = regions.distinct()
        self.fields["uscc"].help_text = _("18 位，可含全角字符或空格，保存时自动规范。")
        self.fields["uscc"].widget.attrs["class"] += " cc-mono"
        if self.instance.pk and identity_locked(user):
            for name in IDENTITY_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = _("由链长办变更（或通过导入），企业用户不能修改。")


class NewEnterpriseForm(EnterpriseForm):
    """Creating an enterprise can place it in a chain at once (lead-department staff must)."""

    chain = forms.ModelChoiceField(label=_("所属产业链"), queryset=Chain.objects.none(), required=False,
                                   empty_label=_("（暂不加入产业链）"))
    role = forms.ChoiceField(label=_("链上角色"), choices=MembershipRole.choices, initial=MembershipRole.SUPPORTING)

    def __init__(self, *args, user, chain_required=False, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        style_chain = self.fields["chain"]
        style_chain.queryset = Chain.objects.restrict(user, CHANGE)
        style_chain.widget.attrs["class"] = "form-select"
        self.fields["role"].widget.attrs["class"] = "form-select"
        if chain_required:
            style_chain.required = True
            style_chain.error_messages["required"] = _("请选择产业链：牵头部门只能在本部门负责的产业链中新建企业。")
        del self.fields["version"]


class MembershipForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = Membership
        fields = ["chain", "role"]

    def __init__(self, *args, user, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        chains = Chain.objects.restrict(user, CHANGE)
        if enterprise is not None:
            chains = chains.exclude(memberships__enterprise=enterprise)
        self.fields["chain"].queryset = chains
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            del self.fields["chain"]


class QualificationForm(StyledModelForm):
    """A qualification (资质) of an enterprise: kind, level and the year it was granted."""

    class Meta:
        model = Qualification
        fields = ["kind", "level", "year"]
        widgets = {"year": forms.NumberInput(attrs={"min": 1980, "max": 2100})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("请选择资质")), *QualificationKind.choices]


class DeleteForm(forms.Form):
    version = VersionField()

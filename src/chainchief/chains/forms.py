"""Chain forms: they validate and render; the views save through core.services / chains.services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.chains.models import Chain, ChainTier, ChainWorkItem
from chainchief.core.models import Region
from chainchief.core.permissions import VIEW
from chainchief.web.forms import StyledForm, StyledModelForm, VersionField


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

    status = forms.ChoiceField(label=_("状态"), choices=ChainWorkItem._meta.get_field("status").choices)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.URLField(label=_("佐证链接"), required=False, assume_scheme="https",
                                  error_messages={"invalid": _("请输入有效的网址，如 https://example.gov.cn/doc")})
    version = VersionField()

"""Forms of the investment pages: related choices narrowed to what the user may see, so that a form never offers
what the service would refuse; dates typed in the interface's format."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.chains.models import Chain
from chainchief.core.forms import DateInput, StyledForm, StyledModelForm, VersionField
from chainchief.core.permissions import CHANGE, VIEW
from chainchief.investment.models import Capability, Contact, ExternalEnterprise, Lead, LeadStage, Need


class ScopedForm(StyledModelForm):
    version = VersionField()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            if isinstance(field, (forms.ModelChoiceField, forms.ModelMultipleChoiceField)):
                model = field.queryset.model
                field.queryset = (Chain.objects.restrict(user, CHANGE).filter(is_active=True) if model is Chain
                                  else model.objects.restrict(user, VIEW))
            if isinstance(field, forms.DateField):
                field.widget = DateInput(attrs={"class": "form-control"})
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class ExternalForm(ScopedForm):
    class Meta:
        model = ExternalEnterprise
        fields = ["name", "uscc", "province", "city", "main_products", "segments", "size", "revenue", "contact", "note"]
        widgets = {"segments": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["segments"].queryset = self.fields["segments"].queryset.select_related("chain").order_by(
            "chain__order", "order")
        self.fields["segments"].label_from_instance = lambda s: f"{s.chain.name} · {s.name}"


class LeadForm(ScopedForm):
    class Meta:
        model = Lead
        fields = ["chain", "segment", "target", "title", "source", "department", "intended_amount",
                  "contracted_amount", "arrived_amount", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        segments = self.fields["segment"]
        segments.queryset = segments.queryset.select_related("chain").order_by("chain__order", "order")
        segments.label_from_instance = lambda s: f"{s.chain.name} · {s.name}"


class AdvanceForm(StyledForm):
    stage = forms.ChoiceField(label=_("推进到"), choices=LeadStage.choices)
    on = forms.DateField(label=_("日期"), widget=DateInput(), required=False, help_text=_("不填为今天"))
    amount = forms.DecimalField(label=_("金额（万元）"), required=False, min_value=0, max_digits=14, decimal_places=2,
                                help_text=_("签约、开工填签约投资；到资、投产填到位资金；推介、在谈填意向投资"))
    note = forms.CharField(label=_("说明"), required=False, max_length=300)
    version = VersionField()

    def __init__(self, *args, lead, **kwargs):
        super().__init__(*args, **kwargs)
        later = [(v, label) for v, label in LeadStage.choices if lead.stage_index < list(LeadStage.values).index(v)]
        self.fields["stage"].choices = later
        self.fields["version"].initial = lead.version


class NeedForm(ScopedForm):
    class Meta:
        model = Need
        fields = ["enterprise", "chain", "title", "text", "amount", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = Chain.objects.restrict(self.user, VIEW).filter(is_active=True)


class CapabilityForm(NeedForm):
    class Meta:
        model = Capability
        fields = ["enterprise", "chain", "title", "text", "status"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ContactForm(ScopedForm):
    class Meta:
        model = Contact
        fields = ["contacted_on", "outcome", "deal_amount", "note"]

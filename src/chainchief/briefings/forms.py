from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.analytics.periods import Period
from chainchief.briefings.models import BriefingKind
from chainchief.chains.models import Chain
from chainchief.core.forms import StyledForm
from chainchief.core.models import Region
from chainchief.briefings.services import may_add_monthly
from chainchief.core.permissions import ADD, VIEW, rebase_q, scope_q


class BriefingForm(StyledForm):
    """A new issue: its kind, period and chain, and the texts that may differ from the defaults."""

    kind = forms.ChoiceField(label=_("类型"), choices=BriefingKind.choices, initial=BriefingKind.MONTHLY)
    period = forms.ChoiceField(label=_("期间"))
    chain = forms.ModelChoiceField(label=_("产业链"), queryset=Chain.objects.none(), required=False,
                                   help_text=_("生成一页纸时选择"))
    signed_on = forms.DateField(label=_("成文日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                help_text=_("月度通报的落款日期，文号年份随之确定；留空则为今天，但不晚于期间次月月底"))
    doc_number = forms.CharField(label=_("文号"), required=False, max_length=64,
                                 help_text=_("留空则取文号登记簿的下一个号；已使用的文号（含已撤回的）不能再用"))
    introduction = forms.CharField(label=_("导语"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("印在正文之前，留空则用默认导语"))

    def __init__(self, *args, user, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(p), str(p)) for p in periods]
        self.fields["chain"].queryset = chains_for_one_pagers(user)
        if not may_add_monthly(user):
            self.fields["kind"].choices = [(BriefingKind.CHAIN, BriefingKind.CHAIN.label)]
            self.fields["kind"].initial = BriefingKind.CHAIN
            del self.fields["signed_on"], self.fields["doc_number"]
        elif periods:
            from chainchief.briefings.services import default_signed_on, suggest

            suggestion = suggest(user.region, default_signed_on(periods[0]))
            self.fields["doc_number"].widget.attrs["placeholder"] = suggestion["doc_number"]

    def clean(self):
        data = super().clean()
        if data.get("kind") == BriefingKind.CHAIN and not data.get("chain"):
            self.add_error("chain", _("产业链一页纸须选择产业链。"))
        if data.get("kind") == BriefingKind.MONTHLY:
            data["chain"] = None
        if data.get("period"):
            data["period"] = Period.parse(data["period"])
        return data



def chains_for_one_pagers(user):
    """The chains whose one-pager the user may make: the REPORT rule for adding a briefing, read from the chain
    (a chief's own chains) or from its region (the chain office's whole region)."""
    from chainchief.briefings.models import Briefing

    chains = Chain.objects.restrict(user, VIEW).filter(is_active=True).order_by("order", "pk")
    q = scope_q(user, Briefing, ADD)
    if q is None:
        return chains.none()
    if not q:
        return chains
    by_chain = rebase_q(q, "chain")
    if by_chain is not None:
        return chains.filter(by_chain)
    by_region = rebase_q(q, "region")
    return chains.none() if by_region is None else chains.filter(region__in=Region.objects.filter(by_region))

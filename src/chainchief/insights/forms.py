"""Insights forms: they validate and render; the views save through insights.services."""
from django import forms
from django.utils.translation import gettext_lazy as _

from chainchief.core.forms import StyledForm

MAX_BYTES = 10 * 1024 * 1024


class UploadForm(StyledForm):
    title = forms.CharField(label=_("名称"), max_length=100, initial=_("投入产出表"))
    year = forms.IntegerField(label=_("年份"), min_value=1950, max_value=2100)
    is_illustrative = forms.BooleanField(label=_("示意数据（非正式统计数据）"), required=False)
    source = forms.CharField(label=_("来源"), max_length=200, required=False)
    file = forms.FileField(label=_("Excel 文件（.xlsx）"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if f.size > MAX_BYTES:
            raise forms.ValidationError(_("文件过大：上限 10 MB。"))
        return f


class MappingForm(StyledForm):
    """One select per sector: the chain it counts in (empty: 其他)."""

    def __init__(self, *args, sectors, chains, **kwargs):
        super().__init__(*args, **kwargs)
        self.sectors = list(sectors)
        choices = [("", _("（其他，不对应产业链）"))] + [(str(c.pk), c.name) for c in chains]
        self.chains = {str(c.pk): c for c in chains}
        for s in self.sectors:
            self.fields[f"sector_{s.pk}"] = forms.ChoiceField(
                label=s.name, choices=choices, required=False, initial=str(s.chain_id or ""))
        from chainchief.core.forms import style

        style(self)

    def mapping(self):
        return {s.pk: self.chains.get(self.cleaned_data.get(f"sector_{s.pk}") or "") for s in self.sectors}

    def rows(self):
        return [(s, self[f"sector_{s.pk}"]) for s in self.sectors]

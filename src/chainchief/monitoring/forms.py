"""Monitoring forms: they validate and render; the views save through monitoring.services / core.services."""
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from chainchief.analytics.periods import Period
from chainchief.core.permissions import VIEW
from chainchief.monitoring import services, validation
from chainchief.monitoring.models import ChainTarget, MonthlyStat
from chainchief.core.forms import MonthInput, StyledForm, StyledModelForm, VersionField, parse_month

HUNDRED = Decimal(100)

# Year-to-date figures that only grow within a year: a smaller YTD than the month before means a negative month.
# Profit may fall (a month with a loss) and employees is a headcount, not a cumulative figure.
CUMULATIVE = ("revenue", "gross_output", "tax", "rd_spend")
LABELS = {
    "revenue": "营业收入", "gross_output": "工业总产值", "profit": "利润总额", "tax": "税收",
    "rd_spend": "研发投入", "employees": "从业人员",
}


def _money(label, help_text=""):
    return forms.DecimalField(
        label=label, required=False, max_digits=18, decimal_places=2, help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        error_messages={"invalid": "请输入数字（万元，最多两位小数）。",
                        "max_decimal_places": "最多保留两位小数。",
                        "max_digits": "数值过大，请核对单位是否为万元。",
                        "max_whole_digits": "数值过大，请核对单位是否为万元。"})


class StatForm(StyledForm):
    """One month's year-to-date figures of one enterprise, as reported (万元).

    A YTD value smaller than the previous month's in the same year (or larger than the next month's) is not
    refused outright — statisticians do revise figures, and tax refunds can make a month negative — but it is
    almost always a typo or a monthly value entered as cumulative. The form stops with a warning and saves only
    when the user ticks ``confirm``.
    """

    period = forms.CharField(label=gettext_lazy("统计期间"), max_length=10,
                             help_text=gettext_lazy("填报月份，如 2021年6月 或 2021-06；1 月未单独统计时直接填 2 月（即 1—2 月累计）。"),
                             widget=MonthInput(),
                             error_messages={"required": "请选择统计期间。"})
    revenue = _money(gettext_lazy("营业收入累计（万元）"), gettext_lazy("1 月至本月累计值，不是当月值。"))
    gross_output = _money(gettext_lazy("工业总产值累计（万元）"))
    profit = _money(gettext_lazy("利润总额累计（万元）"), gettext_lazy("亏损填负数。"))
    tax = _money(gettext_lazy("税收累计（万元）"))
    rd_spend = _money(gettext_lazy("研发投入累计（万元）"))
    employees = forms.IntegerField(label=gettext_lazy("从业人员（人）"), required=False, min_value=0,
                                   widget=forms.NumberInput(attrs={"step": "1", "inputmode": "numeric"}),
                                   error_messages={"invalid": "请输入整数。", "min_value": "从业人员不能为负数。"})
    version = VersionField()
    confirm = forms.BooleanField(label=gettext_lazy("我已核对，累计值确有减少，仍然保存"), required=False)

    FIGURES = MonthlyStat.FIGURES

    def __init__(self, *args, enterprise, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise, self.user = enterprise, user
        self.warnings = []
        self.existing = None  # the row of the chosen period, if any
        self.fields["period"].widget.attrs["class"] += " cc-period-input"

    def clean_period(self):
        try:
            period = Period(*parse_month(self.cleaned_data["period"]))
        except ValueError:
            raise ValidationError("期间格式应为 YYYY-MM 或 YYYY年M月，例如 2021-06。") from None
        try:
            return services.reportable_period(period)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["period"]) from None

    def clean(self):
        data = super().clean()
        for name in CUMULATIVE:  # the rules of monitoring.validation, worded with the field's label
            problem = validation.figure_problem(name, data.get(name))
            if problem:
                self.add_error(name, f"{LABELS[name]}累计{problem}")
        if not validation.has_figures(data) and not self.errors:
            raise ValidationError("请至少填写一项指标。")
        period = data.get("period")
        if period is None or self.errors:
            return data
        rows = {Period.of(r.period): r for r in MonthlyStat.objects.restrict(self.user, VIEW).filter(
            enterprise=self.enterprise, period__year=period.year)}
        self.existing = rows.get(period)
        version = data.get("version")
        if self.existing is not None and version is None:
            raise ValidationError(
                f"{period.label()}已有数据，请在下表中点击该月的“修改”后再保存，以免覆盖他人填报的数据。")
        if self.existing is None and version is not None:
            raise ValidationError(f"{period.label()}的数据已被他人删除，请刷新页面后重新填报。")
        self.warnings = self._decreases(period, rows, data, self.existing)
        if self.warnings and not data.get("confirm"):
            self.add_error("confirm", "请核对：" + "；".join(self.warnings) + "。如确认无误，请勾选后再保存。")
        return data

    @staticmethod
    def _decreases(period, rows, data, existing=None):
        """Warnings where the YTD would fall from the nearest earlier reported month of the year, or exceed the
        nearest later one. On an edit, only the figures being changed are checked: what is stored was reported
        (or confirmed) before."""
        out = []
        before = [p for p in rows if p < period]
        after = [p for p in rows if p > period]
        prev = rows[max(before)] if before else None
        nxt = rows[min(after)] if after else None
        for name in CUMULATIVE:
            value = data.get(name)
            if value is None or (existing is not None and getattr(existing, name) == value):
                continue
            if prev is not None and getattr(prev, name) is not None and value < getattr(prev, name):
                out.append(f"{LABELS[name]}累计 {value:,.2f} 小于{Period.of(prev.period).label()}累计 "
                           f"{getattr(prev, name):,.2f} 万元")
            if nxt is not None and getattr(nxt, name) is not None and value > getattr(nxt, name):
                out.append(f"{LABELS[name]}累计 {value:,.2f} 大于{Period.of(nxt.period).label()}累计 "
                           f"{getattr(nxt, name):,.2f} 万元")
        return out

    def values(self):
        return {name: self.cleaned_data.get(name) for name in self.FIGURES}


class RulesForm(StyledForm):
    """The region's status rules, entered as percentages (the model keeps ratios: 80% → 0.80)."""

    yellow_percent = forms.DecimalField(
        label=gettext_lazy("黄灯比例（%）"), min_value=0, max_value=100, max_digits=5, decimal_places=0,
        help_text=gettext_lazy("近 12 个月营业收入同比增速达到实现目标所需年均增速的这一比例（但未达到所需增速）时亮黄灯，"
                     "更低时亮红灯。例如所需年均增速 10%、黄灯比例 80%：增速 ≥10% 绿灯，8%—10% 黄灯，低于 8% 红灯。"),
        error_messages={"required": "请填写黄灯比例。", "min_value": "黄灯比例不能小于 0%%。",
                        "max_value": "黄灯比例不能大于 100%%。", "invalid": "请输入 0—100 之间的整数。",
                        "max_decimal_places": "请输入整数百分比。"})
    sharp_drop_percent = forms.DecimalField(
        label=gettext_lazy("企业大幅下降阈值（%）"), min_value=-100, max_value=0, max_digits=5, decimal_places=0,
        help_text=gettext_lazy("企业本期累计营业收入同比低于这一幅度时，在产业链页面列为“大幅下降”预警。"
                     "例如 -20 表示同比下降超过 20% 的企业会被提示。"),
        error_messages={"required": "请填写大幅下降阈值。", "min_value": "阈值不能低于 -100%%。",
                        "max_value": "阈值应为负数或 0，例如 -20。", "invalid": "请输入 -100—0 之间的整数。",
                        "max_decimal_places": "请输入整数百分比。"})
    version = VersionField()

    def __init__(self, *args, settings_row, **kwargs):
        kwargs.setdefault("initial", {
            "yellow_percent": (settings_row.yellow_ratio * HUNDRED).quantize(Decimal(1)),
            "sharp_drop_percent": (settings_row.sharp_drop * HUNDRED).quantize(Decimal(1)),
            "version": settings_row.version if settings_row.pk else None,
        })
        super().__init__(*args, **kwargs)

    def model_values(self):
        d = self.cleaned_data
        return {"yellow_ratio": d["yellow_percent"] / HUNDRED, "sharp_drop": d["sharp_drop_percent"] / HUNDRED}


class TargetForm(StyledModelForm):
    version = VersionField()

    class Meta:
        model = ChainTarget
        fields = ["chain", "year", "revenue", "note"]
        error_messages = {
            "year": {"required": "请填写年份。", "invalid": "请输入四位年份。",
                     "min_value": "年份应在 2000—2100 之间。", "max_value": "年份应在 2000—2100 之间。"},
            "revenue": {"required": "请填写目标营业收入（亿元）。", "invalid": "请输入数字（亿元）。",
                        "min_value": "目标不能为负数。", "max_digits": "数值过大，请核对单位是否为亿元。",
                        "max_decimal_places": "最多保留两位小数。",
                        "max_whole_digits": "数值过大，请核对单位是否为亿元。"},
            "chain": {"required": "请选择产业链。", "invalid_choice": "无权为该产业链设定目标。"},
        }

    def __init__(self, *args, chains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = chains
        self.fields["chain"].empty_label = gettext_lazy("请选择产业链")
        self.fields["revenue"].label = gettext_lazy("营业收入目标（亿元）")
        self.fields["revenue"].help_text = gettext_lazy("该年全年营业收入目标，单位亿元（1 亿元 = 10,000 万元）。")
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["chain"].disabled = True

    def clean(self):
        data = super().clean()
        chain, year = data.get("chain"), data.get("year")
        if chain and year:
            clash = ChainTarget.objects.filter(chain=chain, year=year).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("year", f"{chain.name} {year} 年的目标已存在，请在列表中修改。")
        return data



class DeleteForm(forms.Form):
    version = VersionField()

"""The cockpit (驾驶舱) for leaders, the monitoring page of one chain for its chief, an enterprise's monthly
figures with their entry form, and the coordinators' targets and status rules."""
from collections import defaultdict
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from chainchief.analytics.growth import ratio
from chainchief.analytics.periods import Period, monthly_from_ytd
from chainchief.chains.models import Chain
from chainchief.core import services as core_services
from chainchief.core.models import RegionLevel
from chainchief.core.permissions import ADD, CHANGE, DELETE, VIEW, can, may, within
from chainchief.enterprises.models import Enterprise, Membership
from chainchief.monitoring import report, services
from chainchief.monitoring.forms import DeleteForm, RulesForm, StatForm, TargetForm
from chainchief.monitoring.templatetags.monitoring import month_name, ytd_label
from chainchief.monitoring.models import ChainFigure, ChainTarget, MonitoringSettings, MonthlyStat
from chainchief.core.forms import save_with


YI = Decimal(10000)


def _periods(user):
    report.check_may_read(user)
    dates = (ChainFigure.objects.restrict(user, VIEW).order_by("-period").values_list("period", flat=True)
             .distinct())
    return [Period.of(d) for d in dates]


def _selected(request, periods):
    text = request.GET.get("period")
    if text:
        try:
            p = services.parse_period(text)
            if p in periods:
                return p, None
            return (periods[0] if periods else None), _("%(period)s 暂无数据，已显示最近一期。") % {"period": text}
        except ValidationError:
            return (periods[0] if periods else None), _("期间格式应为 YYYY-MM，已显示最近一期。")
    return (periods[0] if periods else None), None


def _month_names():
    """Axis labels of the twelve year-to-date months: 1月, 1—2月, 3月 … (January and February are reported
    together when January has no figure of its own)."""
    return [_("1月") if m == 1 else (_("1—2月") if m == 2 else _month(m)) for m in range(1, 13)]


def _month(month):
    # xgettext:no-python-format
    text = _("%(month)s月")
    return text % {"month": month, "month_name": month_name(month)}


def _chart_labels():
    return {"year": _("{year}年"), "yi": _("亿元"), "yi_value": _("{value} 亿元"), "tier_tip": _("{b}：{c} 亿元（{d}%）"),
            "revenue": _("累计营业收入"), "yoy": _("可比同比"), "yoy_axis": _("同比"), "progress": _("目标进度")}


def _yi(value):
    return None if value is None else float(round(value / YI, 2))


@login_required
def cockpit(request):
    user = request.user
    periods = _periods(user)
    period, notice = _selected(request, periods)
    context = {"periods": periods, "period": period, "notice": notice, "can_set_target": may(user, CHANGE, Chain)}
    if period is None:
        return render(request, "monitoring/cockpit.html", context)
    rows = report.cached_chain_rows(user, period)
    city = report.city_figures(user, user.region, period) if user.region_id else None
    by_tier = defaultdict(lambda: {"revenue": 0.0, "count": 0})
    for r in rows:
        t = by_tier[r.chain.tier.name if r.chain.tier_id else _("未分层")]
        t["revenue"] += _yi(r.revenue) or 0
        t["count"] += 1
    lights = defaultdict(int)
    for r in rows:
        lights[r.status.status] += 1
    # Trend: the city's YTD by month for this year and last, in 亿元.
    city_series = report.ytd_series(user, user.region, [period.year - 1, period.year]) if user.region_id else {}
    # A province's reader sees its province's total and the chains of several cities: each chain is named with its
    # city, and its share and rank are within its city.
    province = bool(user.region_id) and user.region.level == RegionLevel.PROVINCE
    several = len({r.chain.region_id for r in rows}) > 1
    chart = {
        "months": _month_names(), "labels": _chart_labels(),
        "years": {str(y): [_yi(v) for v in s] for y, s in sorted(city_series.items())},
        "chains": [{"name": f"{r.chain.region.name}·{r.chain.name}" if several else r.chain.name,
                    "revenue": _yi(r.revenue), "growth": r.yoy_comparable,
                    "progress": r.progress, "status": r.status.status} for r in rows],
        "tiers": [{"name": k, "value": round(v["revenue"], 2)} for k, v in by_tier.items()],
    }
    context.update(rows=rows, city=city, chart=chart, lights=dict(lights), province=province, several=several,
                   city_yi=_yi(city.revenue) if city else None)
    return render(request, "monitoring/cockpit.html", context)


@login_required
def chain_monitor(request, pk):
    user = request.user
    chain = get_object_or_404(Chain.objects.restrict(user, VIEW).select_related("tier", "region"), pk=pk)
    periods = _periods(user)
    period, notice = _selected(request, periods)
    context = {"chain": chain, "periods": periods, "period": period, "notice": notice,
               "can_set_target": can(user, CHANGE, chain)}
    if period is None:
        return render(request, "monitoring/chain.html", context)
    row = report.cached_chain_rows(user, period, chains=[chain])[0]
    alerts = report.enterprise_alerts(user, period, chain)
    # Top enterprises of the chain this period — only those the user may see.
    visible = Membership.objects.restrict(user, VIEW).filter(chain=chain).values("enterprise")
    top = (MonthlyStat.objects.restrict(user, VIEW).filter(enterprise__in=visible, period=period.first_day)
           .select_related("enterprise").order_by("-revenue")[:10])
    monthly = monthly_from_ytd({p: v for p, v in row.series})
    by_year = defaultdict(dict)
    for p, v in row.series:
        by_year[p.year][p.month] = _yi(v)
    chart = {
        "periods": [str(p) for p, _ in row.series],
        "ytd": [_yi(v) for _, v in row.series],
        "monthly": [_yi(monthly[p][0]) for p, _ in row.series],
        "years": {str(y): [s.get(m) for m in range(1, 13)] for y, s in sorted(by_year.items())},
        "months": _month_names(), "labels": _chart_labels(),
        "progress": row.progress,
    }
    context.update(row=row, alerts=alerts, top=top, chart=chart)
    return render(request, "monitoring/chain.html", context)


# --- Enterprise figures, their entry form, and the coordinators' targets and rules ---------------------------

FIGURE_COLUMNS = [("revenue", gettext_lazy("营业收入")), ("gross_output", gettext_lazy("工业总产值")),
                  ("profit", gettext_lazy("利润总额")), ("tax", gettext_lazy("税收")), ("rd_spend", gettext_lazy("研发投入"))]


def _may_record(user, enterprise):
    if not may(user, ADD, MonthlyStat):
        return False
    return within(user, MonthlyStat, ADD, Enterprise.objects.filter(pk=enterprise.pk), "enterprise").exists()


def _month_label(period, covered):
    if covered == 2:
        return _("1—2月")
    return _month(period.month)


def _ytd_label(period):
    if period.month == 1:
        return _("1月")
    # xgettext:no-python-format
    text = _("1—%(month)s月")
    return text % {"month": period.month, "month_name": month_name(period.month)}


def _monthly_yoy(period, value, covered, monthly):
    """This month's value against the same month a year earlier; 1—2月 merged against last year's 1—2月."""
    if value is None:
        return None
    last = period.same_month_last_year()
    if covered == 2:
        prev = monthly.get(last)
        if prev is None:
            return None
        before = monthly.get(last.shift(-1), (None, 0))
        prev_value = prev[0] if prev[1] == 2 else (
            None if prev[0] is None or before[0] is None else prev[0] + before[0])
        return ratio(value, prev_value)
    prev = monthly.get(last)
    if prev is None or prev[1] != 1:
        return None
    return ratio(value, prev[0])


def _figure_table(rows, year):
    """The lines of the table for ``year``: one per reported month, a gap line where a month between reported
    ones is missing, January left out when it came merged into 1—2月."""
    by_period = {Period.of(r.period): r for r in rows}
    monthly = {name: monthly_from_ytd({p: getattr(r, name) for p, r in by_period.items()})
               for name, _label in FIGURE_COLUMNS}
    reported = sorted(p for p in by_period if p.year == year)
    lines = []
    if not reported:
        return lines
    for month in range(1, reported[-1].month + 1):
        p = Period(year, month)
        row = by_period.get(p)
        if row is None:
            if month == 1 and Period(year, 2) in by_period:
                continue  # reported merged as 1—2月: no January of its own
            lines.append({"period": p, "label": _ytd_label(p), "row": None})
            continue
        last = by_period.get(p.same_month_last_year())
        cells = []
        for name, _label in FIGURE_COLUMNS:
            ytd = getattr(row, name)
            value, covered = monthly[name].get(p, (None, 0))
            cells.append({
                "name": name, "ytd": ytd,
                "ytd_yoy": ratio(ytd, getattr(last, name) if last else None),
                "monthly": value, "covered": covered,
                "monthly_label": _month_label(p, covered) if value is not None else None,
                "monthly_yoy": _monthly_yoy(p, value, covered, monthly[name]),
            })
        lines.append({
            "period": p, "label": _ytd_label(p), "row": row, "cells": cells,
            "employees": row.employees,
            "employees_yoy": ratio(row.employees, last.employees if last else None),
        })
    return lines


def _figure_chart(rows, year):
    by_period = {Period.of(r.period): r for r in rows}
    monthly = monthly_from_ytd({p: r.revenue for p, r in by_period.items()})

    def ytd(y, m):
        r = by_period.get(Period(y, m))
        return None if r is None or r.revenue is None else float(r.revenue)

    def month_value(m):
        value, covered = monthly.get(Period(year, m), (None, 0))
        return None if value is None else float(value)

    return {
        "months": _month_names(),
        "current": str(year), "previous": str(year - 1),
        "ytd": [ytd(year, m) for m in range(1, 13)],
        "ytd_previous": [ytd(year - 1, m) for m in range(1, 13)],
        "monthly": [month_value(m) for m in range(1, 13)],
    }


@login_required
def enterprise_figures(request, pk):
    user = request.user
    enterprise = get_object_or_404(Enterprise.objects.restrict(user, VIEW).select_related("region"), pk=pk)
    can_record = _may_record(user, enterprise)
    rows = list(MonthlyStat.objects.restrict(user, VIEW).filter(enterprise=enterprise).order_by("period"))
    # The page opens on the latest year with figures (not the calendar year: figures arrive late, and the demo's
    # stop in 2021); the selector offers every year with figures and the one asked for.
    years = sorted({r.period.year for r in rows}, reverse=True)
    latest = years[0] if years else None
    from chainchief.core.params import year_param

    year = year_param(request.GET.get("year"), latest or timezone.localdate().year)

    form = None
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(_("无权填报该企业的月度数据。"))
        form = StatForm(request.POST, enterprise=enterprise, user=user)
        form.editing = bool(request.POST.get("version"))
        if form.is_valid():
            period = form.cleaned_data["period"]
            saved = save_with(form, lambda: services.record_stat(
                user, enterprise, period, form.values(), version=form.cleaned_data.get("version")))
            if saved:
                if form.existing is not None:
                    text = _("已修改%(period)s数据。")
                else:
                    text = _("已填报%(period)s数据。")
                messages.success(request, text % {"period": ytd_label(period)})
                url = reverse("monitoring:enterprise", args=[enterprise.pk])
                return redirect(f"{url}?year={period.year}&saved={period}#stat-{period}")
        year = form.cleaned_data["period"].year if form.cleaned_data.get("period") else year
    elif can_record:
        editing = None
        edit = request.GET.get("edit")
        if edit:
            try:
                p = Period.parse(edit)
                editing = next((r for r in rows if Period.of(r.period) == p), None)
            except ValueError:
                pass
        if editing is not None:
            initial = {name: getattr(editing, name) for name in MonthlyStat.FIGURES}
            initial.update(period=str(Period.of(editing.period)), version=editing.version)
        else:
            initial = {}
        form = StatForm(initial=initial, enterprise=enterprise, user=user)
        form.editing = editing

    shown = [r for r in rows if r.period.year in (year, year - 1)]
    return render(request, "monitoring/enterprise.html", {
        "enterprise": enterprise, "years": sorted({*years, year}, reverse=True) if years else [], "year": year,
        "latest": latest, "lines": _figure_table(shown, year),
        "columns": FIGURE_COLUMNS, "gap_colspan": 2 * len(FIGURE_COLUMNS) + 1, "chart": _figure_chart(shown, year), "form": form,
        "can_record": can_record, "saved": request.GET.get("saved"),
        "editing": getattr(form, "editing", None) if form is not None else None,
    })


def _settings_context(user, rules_form=None, target_form=None):
    row = report.settings_for(user.region)
    can_rules = can(user, CHANGE, row) if row.pk else may(user, ADD, MonitoringSettings)
    chains = list(Chain.objects.restrict(user, VIEW).filter(is_active=True).select_related("tier")
                  .order_by("order", "pk"))
    targets = defaultdict(list)
    changeable = set(ChainTarget.objects.restrict(user, CHANGE).values_list("pk", flat=True))
    deletable = set(ChainTarget.objects.restrict(user, DELETE).values_list("pk", flat=True))
    for t in ChainTarget.objects.restrict(user, VIEW).filter(chain__in=chains).order_by("year"):
        t.can_change, t.can_delete = t.pk in changeable, t.pk in deletable
        targets[t.chain_id].append(t)
    addable = within(user, ChainTarget, ADD, Chain.objects.filter(is_active=True), "chain").order_by("order", "pk")
    period = report.latest_period(user)
    statuses = {}
    if period is not None:
        statuses = {r.chain.pk: r for r in report.cached_chain_rows(user, period, chains)}
    for c in chains:
        c.annual_targets = targets.get(c.pk, [])
        c.monitor = statuses.get(c.pk)
    if rules_form is None:
        rules_form = RulesForm(settings_row=row)
    if not can_rules:
        for f in rules_form.fields.values():
            f.disabled = True
    if target_form is None and addable.exists():
        target_form = TargetForm(chains=addable, initial={"year": timezone.localdate().year})
    return {"settings_row": row, "can_rules": can_rules, "rules_form": rules_form, "chains": chains,
            "target_form": target_form, "period": period, "addable": addable}


@login_required
def monitoring_settings(request):
    user = request.user
    report.check_may_read(user)
    if not user.region_id:
        raise PermissionDenied(_("账号未设置所属区域。"))
    rules_form = target_form = None
    if request.method == "POST":
        which = request.POST.get("form")
        if which == "rules":
            row = report.settings_for(user.region)
            if not (can(user, CHANGE, row) if row.pk else may(user, ADD, MonitoringSettings)):
                raise PermissionDenied(_("无权修改监测规则。"))
            rules_form = RulesForm(request.POST, settings_row=row)
            if rules_form.is_valid():
                values = rules_form.model_values()
                if row.pk:
                    done = save_with(rules_form, lambda: core_services.update(
                        user, row, values, version=rules_form.cleaned_data.get("version")))
                else:
                    done = save_with(rules_form, lambda: core_services.create(
                        user, MonitoringSettings, {"region": user.region, **values}))
                if done:
                    messages.success(request, _("已保存监测规则，各产业链状态已按新规则重新判断。"))
                    return redirect("monitoring:settings")
        elif which == "target":
            if not may(user, ADD, ChainTarget):
                raise PermissionDenied(_("无权设定年度目标。"))
            addable = within(user, ChainTarget, ADD, Chain.objects.filter(is_active=True), "chain")
            target_form = TargetForm(request.POST, chains=addable)
            if target_form.is_valid():
                data = {k: target_form.cleaned_data[k] for k in ("chain", "year", "revenue", "note")}
                t = save_with(target_form, lambda: core_services.create(user, ChainTarget, data))
                if t:
                    messages.success(request, _("已设定%(chain)s %(year)s 年目标 %(revenue)s 亿元。") % {
                        "chain": t.chain.name, "year": t.year, "revenue": f"{t.revenue:,.2f}"})
                    return redirect(f"{reverse('monitoring:settings')}#chain-{t.chain_id}")
        else:
            return HttpResponseBadRequest(_("未知的表单。"))
    context = _settings_context(user, rules_form, target_form)
    return render(request, "monitoring/settings.html", context)


def _target(user, pk):
    return get_object_or_404(ChainTarget.objects.restrict(user, VIEW).select_related("chain"), pk=pk)


@login_required
def target_edit(request, pk):
    user = request.user
    target = _target(user, pk)
    if not can(user, CHANGE, target):
        raise PermissionDenied(_("无权修改该年度目标。"))
    chain = target.chain
    form = TargetForm(request.POST or None, instance=target, chains=Chain.objects.filter(pk=chain.pk))
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("year", "revenue", "note")}
        saved = save_with(form, lambda: core_services.update(user, target, data,
                                                             version=form.cleaned_data.get("version")))
        if saved:
            messages.success(request, _("已保存%(chain)s %(year)s 年目标。") % {"chain": chain.name, "year": saved.year})
            return redirect(f"{reverse('monitoring:settings')}#chain-{chain.pk}")
    return render(request, "web/form_page.html", {
        "form": form, "title": _("修改年度目标：%(chain)s") % {"chain": chain.name}, "back_url": reverse("monitoring:settings"),
        "back_label": _("目标与规则")})


@login_required
@require_POST
def target_delete(request, pk):
    user = request.user
    target = _target(user, pk)
    if not can(user, DELETE, target):
        raise PermissionDenied(_("无权删除该年度目标。"))
    form = DeleteForm(request.POST)
    chain, year = target.chain, target.year
    if form.is_valid():
        done = save_with(form, lambda: core_services.delete(user, target, version=form.cleaned_data.get("version"))
                         or True)
        if done:
            messages.success(request, _("已删除%(chain)s %(year)s 年目标。") % {"chain": chain.name, "year": year})
        else:
            messages.error(request, " ".join(form.non_field_errors()))
    return redirect(f"{reverse('monitoring:settings')}#chain-{chain.pk}")

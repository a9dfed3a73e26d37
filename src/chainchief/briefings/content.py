"""What a briefing says, as plain data: the same figures the cockpit shows (``monitoring.report``), the map's
verdicts (``maps.mapping``), the ledger's tasks (``work``) and the enterprises' requests (``appeals``), each read
through the permission filter as the author. The Word and PDF writers only lay this out; the briefing keeps it
(``Briefing.figures``) so that the API can answer what a file says.

Money is in 亿元 as text with two decimals (``"1234.56"``), growth and shares as fractions.
"""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from chainchief.appeals import stats as request_stats
from chainchief.appeals.models import OPEN_STATUSES, Request
from chainchief.appeals.models import overdue_q as request_overdue_q
from chainchief.core.permissions import VIEW
from chainchief.enterprises.models import Membership
from chainchief.maps import mapping
from chainchief.maps.models import Strength
from chainchief.monitoring import report
from chainchief.monitoring.models import MonthlyStat
from chainchief.work.models import KeyProject, Task, open_q
from chainchief.work.models import overdue_q as task_overdue_q
from chainchief.work.queries import progress_of, with_completed

YI = Decimal(10000)
CENT = Decimal("0.01")
LIST_LIMIT = 6  # rows of each list on a one-pager; the rest is counted


def yi(value):
    """万元 → 亿元 as text with two decimals, or None."""
    return None if value is None else str((Decimal(value) / YI).quantize(CENT, rounding=ROUND_HALF_UP))


def pct(x, digits=1):
    return "—" if x is None else f"{x * 100:.{digits}f}%"


def period_label(period):
    return _("%(year)s年1-%(month)s月") % {"year": period.year, "month": period.month} if period.month > 1 else \
        _("%(year)s年1月") % {"year": period.year}


def _row(r):
    return {
        "chain_id": r.chain.pk, "name": r.chain.name, "tier": r.chain.tier.name if r.chain.tier_id else "",
        "rank": r.rank, "revenue_yi": yi(r.revenue), "yoy_comparable": r.yoy_comparable, "share": r.share,
        "progress": r.progress, "required_cagr": r.required_cagr, "target": str(r.target) if r.target else None,
        "target_year": r.target_year, "status": r.status.status, "status_label": r.status.label,
        "status_reason": r.status.reason, "reporters": r.reporters, "non_reporters": r.non_reporters,
        "alerts": [str(a["message"]) for a in r.alerts],
    }


def _series(user, region, period, chain=None):
    """YTD (亿元, float) by month for the period's year and the year before: the cockpit's trend."""
    years = report.ytd_series(user, region, [period.year - 1, period.year], chain=chain)
    current = years.get(period.year, [None] * 12)
    years[period.year] = current[:period.month] + [None] * (12 - period.month)  # nothing after the period
    return {str(y): [None if v is None else float(Decimal(yi(v))) for v in years.get(y, [None] * 12)]
            for y in (period.year - 1, period.year)}


def _tasks_by_department(user, region, today):
    rows = (Task.objects.restrict(user, VIEW).filter(chain__region=region).filter(open_q()).order_by()
            .values("lead_department__name")
            .annotate(open=Count("pk"), overdue=Count("pk", filter=task_overdue_q(today))))
    out = [{"department": r["lead_department__name"] or _("未指定部门"), "open": r["open"], "overdue": r["overdue"]}
           for r in rows]
    return sorted(out, key=lambda r: (-r["overdue"], -r["open"], r["department"]))


def _requests_by_department(user, region):
    table = request_stats.table(user, by="department")
    rows = [{"department": str(r["name"]), "count": r["count"], "open": r["open"], "overdue": r["overdue"],
             "on_time_rate": r["on_time_rate"]} for r in table["rows"] if r["open"] or r["overdue"]]
    return sorted(rows, key=lambda r: (-r["overdue"], -r["open"], r["department"]))


def _projects_behind(user, projects, today):
    out = []
    for p in with_completed(projects.select_related("chain", "enterprise")).order_by("chain__order", "name"):
        progress = progress_of(p)
        if progress["behind"]:
            out.append({"name": p.name, "chain": p.chain.name, "enterprise": p.enterprise.name if p.enterprise_id else "",
                        "annual_plan": str(p.annual_plan), "completed": str(progress["completed"]),
                        "rate": None if progress["rate"] is None else float(progress["rate"]),
                        "reasons": progress["reasons"]})
    return out


def monthly(user, region, period, today=None):
    """The monthly briefing of ``region`` for ``period``: the cockpit's figures for every chain the author sees."""
    today = today or timezone.localdate()
    report.check_may_read(user)
    chains = [c for c in report.visible_chains(user) if c.region_id == region.pk]
    rows = report.chain_rows(user, period, chains)
    city = report.city_figures(user, region, period)
    counts = defaultdict(int)
    for r in rows:
        counts[r.status.status] += 1
    alerts = report.enterprise_alerts(user, period)
    projects = KeyProject.objects.restrict(user, VIEW).filter(chain__region=region, year=today.year)
    return {
        "kind": "monthly", "region": region.name, "period": str(period), "period_label": period_label(period),
        "as_of": today.isoformat(),
        "city": {"revenue_yi": yi(city.revenue), "yoy_comparable": city.yoy_comparable,
                 "yoy_simple": city.yoy_simple, "reporters": city.reporters, "above_scale": city.above_scale},
        "chains": [_row(r) for r in rows],
        "status_counts": dict(counts),
        "alerts": [{"chain": r.chain.name, "message": str(a["message"])} for r in rows for a in r.alerts],
        "enterprise_alerts": {"sharp_drops": len(alerts["sharp_drops"]), "not_reported": len(alerts["not_reported"])},
        "tasks_by_department": _tasks_by_department(user, region, today),
        "requests_by_department": _requests_by_department(user, region),
        "projects_behind": _projects_behind(user, projects, today),
        "series": _series(user, region, period),
    }


def _top_enterprises(user, chain, period, limit=LIST_LIMIT):
    members = Membership.objects.filter(chain=chain).values("enterprise")
    stats = MonthlyStat.objects.restrict(user, VIEW).filter(enterprise__in=members)
    current = list(stats.filter(period=period.first_day).order_by("-revenue")
                   .values_list("enterprise_id", "enterprise__name", "revenue")[:limit])
    before = dict(stats.filter(period=period.shift(-12).first_day, enterprise__in=[e for e, _n, _v in current])
                  .values_list("enterprise_id", "revenue"))
    return [{"name": name, "revenue_yi": yi(revenue),
             "yoy": float(revenue / before[pk] - 1) if before.get(pk) else None}
            for pk, name, revenue in current]


def _open_tasks(user, chain, today):
    qs = (Task.objects.restrict(user, VIEW).filter(chain=chain).filter(open_q())
          .select_related("lead_department").order_by("due_on", "id"))
    total = qs.count()
    overdue = qs.filter(task_overdue_q(today)).count()
    rows = [{"title": t.title, "department": t.lead_department.name if t.lead_department_id else "",
             "due_on": t.due_on.isoformat() if t.due_on else "", "overdue": bool(t.due_on and t.due_on < today)}
            for t in qs[:LIST_LIMIT]]
    return {"open": total, "overdue": overdue, "rows": rows}


def _open_requests(user, chain, today):
    # One rule for the count and each row's mark: appeals' overdue_q (past due and not yet answered).
    qs = (Request.objects.restrict(user, VIEW).filter(chain=chain, status__in=OPEN_STATUSES)
          .annotate(late=ExpressionWrapper(request_overdue_q(today), output_field=BooleanField()))
          .select_related("enterprise", "department").order_by("due_on", "id"))
    total = qs.count()
    overdue = qs.filter(late=True).count()
    rows = [{"title": r.title, "enterprise": r.enterprise.name, "department": r.department.name if r.department_id else "",
             "due_on": r.due_on.isoformat() if r.due_on else "", "status_label": str(r.get_status_display()),
             "overdue": bool(r.late)} for r in qs[:LIST_LIMIT]]
    return {"open": total, "overdue": overdue, "rows": rows}


def _map_summary(user, chain):
    tree = mapping.build_map(chain, user, with_enterprises=False)
    gaps = mapping.gap_list(tree)
    summary = tree["summary"]
    return {"segments": summary["segments"], "strong": summary[Strength.STRONG], "weak": summary[Strength.WEAK],
            "missing": summary[Strength.MISSING], "enterprises": summary["enterprises"],
            "gaps": [{"name": g["name"], "stage_label": g["stage_label"], "strength_label": g["strength_label"],
                      "lacking": "；".join(str(x) for x in g["lacking"])} for g in gaps]}


def chain_page(user, chain, period, today=None):
    """A chain's one-pager: its figures, trend, map, top enterprises and open work — what the author may see."""
    today = today or timezone.localdate()
    report.check_may_read(user)
    rows = report.chain_rows(user, period, [chain])
    row = rows[0]
    return {
        "kind": "chain", "region": chain.region.name, "chain": chain.name, "chain_id": chain.pk,
        "period": str(period), "period_label": period_label(period), "as_of": today.isoformat(),
        "kpi": _row(row),
        "series": _series(user, chain.region, period, chain=chain),
        "map": _map_summary(user, chain),
        "top_enterprises": _top_enterprises(user, chain, period),
        "tasks": _open_tasks(user, chain, today),
        "requests": _open_requests(user, chain, today),
    }


"""How requests are handled, by chain, department, category or urgency, over the requests a reader may see.

For the requests received in the period (``received_on``):

* count — all of them; open — not yet closed or rejected; overdue — past the deadline and not yet answered today;
* answered — those with a reply date (an "unsatisfied" evaluation clears it until the department answers again);
* on-time rate — of the answered ones that had a deadline, the share answered on or before it;
* average days — mean calendar days from receipt to the reply, over the answered ones;
* satisfaction rate — of the evaluated ones, the share rated 满意 or 基本满意.

Rates are fractions (0–1) rounded to four places, None where nothing was there to count.
"""
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from chainchief.appeals.models import (
    OPEN_STATUSES, Request, RequestCategory, Satisfaction, Urgency, overdue_q,
)
from chainchief.core.permissions import VIEW

GROUPS = {
    "chain": ("chain_id", "chain__name"),
    "department": ("department_id", "department__name"),
    "category": ("category", None),
    "urgency": ("urgency", None),
}
LABELS = {"category": dict(RequestCategory.choices), "urgency": dict(Urgency.choices)}
NONE_NAMES = {"chain": "未关联产业链", "department": "未交办"}


def _measures():
    answered = Q(replied_on__isnull=False)
    timed = answered & Q(due_on__isnull=False)
    return {
        "count": Count("pk"),
        "open": Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        "overdue": Count("pk", filter=overdue_q()),
        "answered": Count("pk", filter=answered),
        "timed": Count("pk", filter=timed),
        "on_time": Count("pk", filter=timed & Q(replied_on__lte=F("due_on"))),
        "average": Avg(ExpressionWrapper(F("replied_on") - F("received_on"), output_field=DurationField()),
                       filter=answered),
        "evaluated": Count("pk", filter=~Q(satisfaction="")),
        "content": Count("pk", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.BASIC])),
    }


def _rate(part, whole):
    return round(part / whole, 4) if whole else None


def _row(key, name, v):
    average = v["average"]
    return {"key": key, "name": name, "count": v["count"], "open": v["open"], "overdue": v["overdue"],
            "answered": v["answered"], "on_time_rate": _rate(v["on_time"], v["timed"]),
            "average_days": round(average.total_seconds() / 86400, 1) if average is not None else None,
            "evaluated": v["evaluated"], "satisfaction_rate": _rate(v["content"], v["evaluated"])}


def requests_for(user, *, received_from=None, received_to=None, chain=None):
    qs = Request.objects.restrict(user, VIEW)
    if received_from:
        qs = qs.filter(received_on__gte=received_from)
    if received_to:
        qs = qs.filter(received_on__lte=received_to)
    if chain:
        qs = qs.filter(chain_id=chain)
    return qs


def table(user, by="department", **period):
    """{"by", "total": row, "rows": [row, …]}: rows by the group, the department league table ordered by on-time
    rate, then satisfaction, then count; other groups by count."""
    key, name_field = GROUPS[by]
    qs = requests_for(user, **period)
    total = _row(None, "合计", qs.aggregate(**_measures()))
    values = [key] + ([name_field] if name_field else [])
    rows = []
    for v in qs.order_by().values(*values).annotate(**_measures()):
        k = v[key]
        if name_field:
            name = v[name_field] or NONE_NAMES[by]
        else:
            name = str(LABELS[by].get(k, k))
        rows.append(_row(k, name, v))
    if by == "department":
        rows.sort(key=lambda r: (r["key"] is None, -(r["on_time_rate"] or 0), -(r["satisfaction_rate"] or 0),
                                 -r["count"]))
    else:
        rows.sort(key=lambda r: (-r["count"], str(r["name"])))
    return {"by": by, "total": total, "rows": rows}

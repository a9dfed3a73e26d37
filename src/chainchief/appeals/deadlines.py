"""When a request must be answered: its region's time limit for its category and urgency, counted in calendar
days or in working days of China's official calendar (holidays and the weekend days worked in their place, from
the chinese-calendar package; for a year that package does not know yet, Monday to Friday)."""
from datetime import timedelta

import chinese_calendar

from chainchief.appeals.models import RequestDeadline, Urgency, _region_and_above

# Without a setting of the region: 小事不过夜、大事不过周 — a critical request the next working day, an urgent one
# within three, any other within a working week.
DEFAULT_DAYS = {Urgency.CRITICAL: 1, Urgency.URGENT: 3, Urgency.NORMAL: 5}


def is_workday(day):
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # beyond the years the calendar has been published for
        return day.weekday() < 5


def add_days(start, days, working_days=True):
    """The date ``days`` days after ``start``: calendar days, or working days (``start`` itself not counted)."""
    if not working_days:
        return start + timedelta(days=days)
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def rule_for(region_ids, category, urgency):
    """(days, working_days) for a request: the nearest region's row for its category, then for every category;
    else the default."""
    rows = {(r.region_id, r.category): r for r in RequestDeadline.objects.filter(
        region_id__in=region_ids, urgency=urgency, category__in=[category, ""])}
    for region_id in region_ids:
        for cat in (category, ""):
            row = rows.get((region_id, cat))
            if row is not None:
                return row.days, row.working_days
    return DEFAULT_DAYS.get(urgency, DEFAULT_DAYS[Urgency.NORMAL]), True


def due_date(request, start):
    """The deadline of ``request`` when accepted on ``start``."""
    days, working = rule_for(_region_and_above(request.enterprise.region_id), request.category, request.urgency)
    return add_days(start, days, working)

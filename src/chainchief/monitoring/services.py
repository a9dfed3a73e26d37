"""Writes of monthly figures and targets: permission-checked, in one transaction, audited; the
pre-aggregated chain figures are refreshed in the same transaction."""
from django.core.exceptions import ValidationError
from django.db import transaction

from chainchief.analytics.periods import Period
from chainchief.core import services
from chainchief.monitoring import aggregates
from chainchief.monitoring.models import MonthlyStat


def parse_period(text):
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None


@transaction.atomic
def record_stat(user, enterprise, period, values, *, version=None):
    """Create or update an enterprise's YTD figures for a period (enterprise users: their own only)."""
    period = period if isinstance(period, Period) else parse_period(period)
    unknown = set(values) - set(MonthlyStat.FIGURES)
    if unknown:
        raise ValidationError({name: "未知指标。" for name in unknown})
    row = MonthlyStat.objects.filter(enterprise=enterprise, period=period.first_day).first()
    if row is None:
        row = services.create(user, MonthlyStat, {"enterprise": enterprise, "period": period.first_day, **values})
    else:
        row = services.update(user, row, values, version=version)
    aggregates.refresh([period])
    return row

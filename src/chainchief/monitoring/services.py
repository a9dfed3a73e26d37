"""Writes of monthly figures and targets: permission-checked, in one transaction, audited; the
pre-aggregated chain figures are refreshed in the same transaction."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainchief.analytics.periods import Period
from chainchief.core import services
from chainchief.monitoring import aggregates
from chainchief.monitoring.models import MonthlyStat


def parse_period(text):
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None


def reportable_period(text):
    """A period figures may be reported for: a real month since 2000, not in the future (the same rule as the
    entry form, so that no API client can push the cockpit's latest period years ahead)."""
    from django.utils import timezone

    period = text if isinstance(text, Period) else parse_period(text)
    today = timezone.localdate()
    if period > Period(today.year, today.month):
        raise ValidationError({"period": _("不能填报未来月份的数据。")})
    if period.year < 2000:
        raise ValidationError({"period": _("期间过早，请核对年份。")})
    return period


@transaction.atomic
def record_stat(user, enterprise, period, values, *, version=None):
    """Create or update an enterprise's YTD figures for a period (enterprise users: their own only)."""
    period = reportable_period(period)
    unknown = set(values) - set(MonthlyStat.FIGURES)
    if unknown:
        raise ValidationError({name: _("未知指标。") for name in unknown})
    row = MonthlyStat.objects.filter(enterprise=enterprise, period=period.first_day).first()
    if row is None:
        row = services.create(user, MonthlyStat, {"enterprise": enterprise, "period": period.first_day, **values})
    else:
        row = services.update(user, row, values, version=version)
    aggregates.refresh([period])
    return row

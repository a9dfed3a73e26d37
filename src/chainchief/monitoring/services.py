"""Writes of monthly figures and targets: permission-checked, in one transaction, audited; the
pre-aggregated chain figures are refreshed in the same transaction."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainchief.core import services
from chainchief.monitoring import aggregates, validation
from chainchief.monitoring.models import MonthlyStat


parse_period = validation.parse_period
# A period figures may be reported for: a real month since 2000, not in the future. The rule is
# monitoring.validation's, which the entry form, this API's service and the import of monthly figures share.
reportable_period = validation.reportable_period


@transaction.atomic
def record_stat(user, enterprise, period, values, *, version=None):
    """Create or update an enterprise's YTD figures for a period (enterprise users: their own only)."""
    unknown = set(values) - set(MonthlyStat.FIGURES)
    if unknown:
        raise ValidationError({name: _("未知指标。") for name in unknown})
    period = validation.check(period, values)
    row = MonthlyStat.objects.filter(enterprise=enterprise, period=period.first_day).first()
    if row is None:
        row = services.create(user, MonthlyStat, {"enterprise": enterprise, "period": period.first_day, **values})
    else:
        row = services.update(user, row, values, version=version)
    aggregates.refresh([period])
    return row

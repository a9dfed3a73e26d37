"""The rules an enterprise's monthly figures keep, wherever they come from.

The entry form (``forms.StatForm``), the API and the service behind both (``services.record_stat``), the model's own
``clean`` and the import of monthly statistics (``imports.kinds.monthly``, row by row, and set-based on PostgreSQL
in ``imports.bulk``) all ask here, so that no path takes a row another path refuses: a future month moved the
city's cockpit to 2099 through the import while the entry form refused it.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from chainchief.analytics.periods import Period

FIGURES = ("revenue", "gross_output", "profit", "tax", "rd_spend", "employees")
# Profit may be negative (a loss); everything else may not.
NON_NEGATIVE = frozenset({"revenue", "gross_output", "tax", "rd_spend", "employees"})
FIRST_YEAR = 2000
# numeric(18, 2): 16 digits before the point; a head count is a 32-bit integer.
MONEY_LIMIT = Decimal(10) ** 16
EMPLOYEES_MAX = 2147483647


def latest_reportable(today=None):
    """The last month figures may be reported for: the current one."""
    today = today or timezone.localdate()
    return Period(today.year, today.month)


def period_problem(period, today=None):
    """Why figures may not be reported for ``period`` (a Period), or None."""
    if period > latest_reportable(today):
        return _("不能填报未来月份的数据。")
    if period.year < FIRST_YEAR:
        return _("期间过早，请核对年份。")
    return None


def parse_period(text):
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from None


def reportable_period(value):
    """The Period of ``value`` (a Period or "YYYY-MM") when figures may be reported for it; else ValidationError on
    ``period``."""
    period = value if isinstance(value, Period) else parse_period(value)
    problem = period_problem(period)
    if problem:
        raise ValidationError({"period": problem})
    return period


def figure_problem(name, value):
    """Why ``value`` cannot be the figure ``name`` (a Decimal, or an int for employees), or None."""
    if value is None:
        return None
    if name in NON_NEGATIVE and value < 0:
        return _("不能为负数。")
    if name == "employees":
        if value != int(value):
            return _("从业人员应为整数。")
        if value > EMPLOYEES_MAX:
            return _("数值过大。")
    elif abs(value) >= MONEY_LIMIT:
        return _("数值过大。")
    return None


def figure_errors(values):
    """{figure: message} for the figures of ``values`` that break a rule."""
    out = {}
    for name in FIGURES:
        problem = figure_problem(name, values.get(name))
        if problem:
            out[name] = problem
    return out


def has_figures(values):
    return any(values.get(name) is not None for name in FIGURES)


def check(period, values):
    """The Period of a row of figures that may be stored, or ValidationError naming each field that may not."""
    errors = {}
    try:
        period = reportable_period(period)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    errors.update({name: [message] for name, message in figure_errors(values).items()})
    if not errors and not has_figures(values):
        errors["__all__"] = [_("请至少填写一项指标。")]
    if errors:
        raise ValidationError(errors)
    return period

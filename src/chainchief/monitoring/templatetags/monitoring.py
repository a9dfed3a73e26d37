from decimal import Decimal

from datetime import date

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from chainchief.core.forms import month_text

register = template.Library()


@register.filter
def month(value):
    """A month as the interface writes it: '2021-06' → 2021年6月 in Chinese, 2021-06 in English."""
    return month_text(value)


@register.filter
def ytd_label(period):
    """The statisticians' label of a year-to-date figure in the current language: 2024年1—6月; January alone
    reads 2024年1月."""
    if period is None:
        return ""
    if period.month > 1:
        # xgettext:no-python-format
        text = _("%(year)s年1—%(month)s月")
        return text % {"year": period.year, "month": period.month, "month_name": month_name(period.month)}
    return _("%(year)s年1月") % {"year": period.year}


def month_name(month):
    """The short name of a month in the current language (Feb; 2月), offered to translations beside its
    number."""
    return date_format(date(2000, month, 1), "M")


@register.filter
def pct(value, digits=1):
    """0.2493 → '24.9%'; None → '—'."""
    if value is None:
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def yi(value):
    """万元 → 亿元 with two decimals and thousands separators; None → '—'."""
    if value is None:
        return "—"
    return f"{Decimal(value) / Decimal(10000):,.2f}"


@register.filter
def wan(value):
    if value is None:
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def light_class(status):
    return {"green": "success", "yellow": "warning", "red": "danger"}.get(status, "secondary")


@register.filter
def bar_width(value):
    if value is None:
        return 0
    return max(0, min(100, round(float(value) * 100, 1)))

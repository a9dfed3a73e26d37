from decimal import Decimal

from django import template

register = template.Library()


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

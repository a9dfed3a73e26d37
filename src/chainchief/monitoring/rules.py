"""The red / yellow / green status of a chain, each with its reason in words. Pure functions."""
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

GREEN, YELLOW, RED, UNKNOWN = "green", "yellow", "red", "unknown"
LABELS = {GREEN: gettext_noop("绿灯"), YELLOW: gettext_noop("黄灯"), RED: gettext_noop("红灯"), UNKNOWN: gettext_noop("暂无")}


class Text:
    """A message put into the current language only when shown: chain rows are cached and shared between
    users who may read different languages. ``params`` may themselves be Text."""

    def __init__(self, msgid, **params):
        self.msgid, self.params = msgid, params

    def __str__(self):
        text = gettext(self.msgid)
        return text % {k: str(v) for k, v in self.params.items()} if self.params else text

    def __contains__(self, item):
        return item in str(self)

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash(str(self))

    def __repr__(self):
        return f"Text({str(self)!r})"


@dataclass(frozen=True)
class Status:
    status: str
    text: Text = field(default_factory=lambda: Text(""))

    @property
    def label(self):
        return gettext(LABELS[self.status])

    @property
    def reason(self):
        return str(self.text)


def pct(x):
    return f"{x * 100:.1f}%"


def status(*, growth, required, reached, yellow_ratio=Decimal("0.80"), target_year=None, past_target=False,
           progress=None):
    """``growth``: growth of the trailing twelve months over the twelve months a year earlier (a year-to-date
    ratio early in the year swings with one month's base); ``required``: the annual growth still needed to
    reach the target; ``reached``: whether the trailing twelve months already meet the target."""
    if reached:
        return Status(GREEN, Text(gettext_noop("近 12 个月营业收入已达到目标规模")))
    if past_target and progress is not None:
        return Status(RED, Text(gettext_noop("目标年已过，近 12 个月营业收入仅达目标的 %(progress)s"),
                                progress=pct(progress)))
    if growth is None or required is None:
        return Status(UNKNOWN, Text(gettext_noop("缺少同比或目标数据，无法判断")))
    ratio = float(yellow_ratio)
    by = Text(gettext_noop("实现 %(year)s 年目标"), year=target_year) if target_year else Text(gettext_noop("实现目标"))
    if growth < 0:
        return Status(RED, Text(gettext_noop("近 12 个月营业收入同比下降 %(growth)s，而%(by)s需年均增长 %(required)s"),
                                growth=pct(-growth), by=by, required=pct(required)))
    if growth >= required:
        return Status(GREEN, Text(gettext_noop("近 12 个月营业收入同比增长 %(growth)s，不低于%(by)s所需的年均增速 %(required)s"),
                                  growth=pct(growth), by=by, required=pct(required)))
    if growth >= required * ratio:
        return Status(YELLOW, Text(gettext_noop("近 12 个月营业收入同比增长 %(growth)s，略低于%(by)s所需的年均增速 %(required)s"
                                      "（不低于其 %(ratio)s%%）"),
                                   growth=pct(growth), by=by, required=pct(required), ratio=f"{ratio * 100:.0f}"))
    return Status(RED, Text(gettext_noop("近 12 个月营业收入同比增长 %(growth)s，低于%(by)s所需年均增速 %(required)s的 %(ratio)s%%"),
                            growth=pct(growth), by=by, required=pct(required), ratio=f"{ratio * 100:.0f}"))

"""The red / yellow / green status of a chain, each with its reason in words. Pure functions."""
from dataclasses import dataclass
from decimal import Decimal

GREEN, YELLOW, RED, UNKNOWN = "green", "yellow", "red", "unknown"
LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", UNKNOWN: "暂无"}


@dataclass(frozen=True)
class Status:
    status: str
    reason: str

    @property
    def label(self):
        return LABELS[self.status]


def pct(x):
    return f"{x * 100:.1f}%"


def status(*, growth, required, reached, yellow_ratio=Decimal("0.80"), target_year=None):
    """``growth``: growth of the trailing twelve months over the twelve months a year earlier (a year-to-date
    ratio early in the year swings with one month's base); ``required``: the annual growth still needed to
    reach the target; ``reached``: whether the trailing twelve months already meet the target."""
    if reached:
        return Status(GREEN, "近 12 个月营业收入已达到目标规模")
    if growth is None or required is None:
        return Status(UNKNOWN, "缺少同比或目标数据，无法判断")
    ratio = float(yellow_ratio)
    by = f"实现 {target_year} 年目标" if target_year else "实现目标"
    if growth < 0:
        return Status(RED, f"近 12 个月营业收入同比下降 {pct(-growth)}，而{by}需年均增长 {pct(required)}")
    if growth >= required:
        return Status(GREEN, f"近 12 个月营业收入同比增长 {pct(growth)}，不低于{by}所需的年均增速 {pct(required)}")
    if growth >= required * ratio:
        return Status(YELLOW, f"近 12 个月营业收入同比增长 {pct(growth)}，略低于{by}所需的年均增速 {pct(required)}"
                              f"（不低于其 {ratio * 100:.0f}%）")
    return Status(RED, f"近 12 个月营业收入同比增长 {pct(growth)}，低于{by}所需年均增速 {pct(required)}"
                       f"的 {ratio * 100:.0f}%")

"""Calendar-month periods (YYYY-MM) and year-to-date (累计) figures. Pure Python: no Django."""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self):
        if not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")
        if not 1900 <= self.year <= 2200:  # statistics periods; keeps date arithmetic (± a few years) valid
            raise ValueError(f"year {self.year} out of range")

    @classmethod
    def parse(cls, text: str) -> "Period":
        """'2021-06' → Period(2021, 6). Raises ValueError with the text on bad input."""
        try:
            y, m = str(text).strip().split("-")
            return cls(int(y), int(m))
        except (ValueError, TypeError):
            raise ValueError(f"期间格式应为 YYYY-MM（1900—2200 年），实为 {text!r}") from None

    @classmethod
    def of(cls, d: date) -> "Period":
        return cls(d.year, d.month)

    def __str__(self):
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def shift(self, months: int) -> "Period":
        index = self.year * 12 + (self.month - 1) + months
        return Period(index // 12, index % 12 + 1)

    def same_month_last_year(self) -> "Period":
        return Period(self.year - 1, self.month)

    def label(self) -> str:
        """The statisticians' label of a YTD figure: 1–6月; February reads 1–2月."""
        return f"{self.year}年1—{self.month}月" if self.month > 1 else f"{self.year}年1月"


def monthly_from_ytd(ytd: dict) -> dict:
    """Monthly values (当月值) from year-to-date cumulative values (累计值).

    ``ytd`` maps Period → cumulative value (None or absent: not reported). A month's value is its YTD minus
    the previous month's YTD in the same year; January's is its YTD. Where the previous month is missing the
    value is undefined (None) — except that a February whose January was not reported yields the merged
    1–2月 value under February and January stays undefined: a January is never invented.
    Returns Period → (value or None, months covered).
    """
    out = {}
    for period in sorted(ytd):
        value = ytd[period]
        if value is None:
            out[period] = (None, 0)
            continue
        if period.month == 1:
            out[period] = (value, 1)
            continue
        prev = ytd.get(period.shift(-1))
        if prev is not None:
            out[period] = (value - prev, 1)
        elif period.month == 2:
            out[period] = (value, 2)  # 1–2月 merged
        else:
            out[period] = (None, 0)
    return out

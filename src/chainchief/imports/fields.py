"""Columns of an import: Chinese headers with aliases, units read from headers, and cell values parsed
(full-width digits, thousands separators, 亿元/元 converted to 万元)."""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from chainchief.analytics.periods import Period
from chainchief.monitoring import validation

CENT = Decimal("0.01")
# Factor that turns a value in the unit into 万元.
MONEY_UNITS = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001"), "千元": Decimal("0.1"),
               "百万元": Decimal(100)}
_UNIT_RE = re.compile(r"[(\[（【]\s*(?:单位[:：]?\s*)?(百万元|千元|万元|亿元|元|人|个|%)\s*[)\]）】]")
_BRACKETS_RE = re.compile(r"[(\[（【].*?[)\]）】]")
_SPACES_RE = re.compile(r"\s+")
EMPTY = {"", "-", "—", "——", "－", "/", "无", "n/a", "N/A", "null", "NULL", "None"}


class CellError(ValueError):
    """A cell value that cannot be read; the message is shown to the user."""


def text(value) -> str:
    """A cell as text, with full-width letters and digits made half-width and spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def header_key(value) -> tuple[str, str | None]:
    """(the header's name for matching, the unit it names or None). "营业收入（亿元）" → ("营业收入", "亿元")."""
    raw = text(value).replace("\n", "")
    m = _UNIT_RE.search(raw)
    unit = m.group(1) if m else None
    if unit is None:
        m2 = re.search(r"单位[:：]\s*(百万元|千元|万元|亿元|元)", raw)
        unit = m2.group(1) if m2 else None
    name = _BRACKETS_RE.sub("", raw)
    name = re.sub(r"单位[:：]\s*\S+", "", name)
    name = _SPACES_RE.sub("", name).strip("*＊:：")
    return name, unit


@dataclass
class Column:
    """A field an import reads. ``aliases``: the header names it answers to (the label is one)."""

    name: str
    label: str
    kind: str = "text"  # text | money | int | period | year | bool | date | uscc
    required: bool = False
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    help: str = ""
    example: str = ""
    keys: set = field(default_factory=set, repr=False)

    def __post_init__(self):
        self.keys = {header_key(a)[0] for a in (self.label, *self.aliases)}

    def matches(self, name):
        return name in self.keys


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and text(value) in EMPTY)


def parse_decimal(value, unit=None) -> Decimal | None:
    """A number in 万元 (or as is, without a money unit), rounded to cents. Raises CellError."""
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CellError("应为数字。")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        s = text(value).replace(",", "").replace("，", "").replace(" ", "")
        s = s.replace("−", "-").replace("－", "-")
        if s.endswith("万元"):
            s, unit = s[:-2], "万元"
        elif s.endswith("亿元"):
            s, unit = s[:-2], "亿元"
        try:
            number = Decimal(s)
        except InvalidOperation:
            raise CellError("应为数字。") from None
        if not number.is_finite():
            raise CellError("应为数字。")
    if unit in MONEY_UNITS and unit != "万元":
        number = number * MONEY_UNITS[unit]
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_int(value) -> int | None:
    number = parse_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError("应为整数。")
    return int(number)


def parse_bool(value) -> bool | None:
    if is_empty(value):
        return None
    if isinstance(value, bool):
        return value
    s = text(value).lower()
    if s in {"是", "y", "yes", "true", "1", "√", "✓"}:
        return True
    if s in {"否", "n", "no", "false", "0", "×"}:
        return False
    raise CellError("应为“是”或“否”。")


def parse_date(value) -> date | None:
    if is_empty(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    s = text(value)
    m = re.fullmatch(_DATE + _TIME, s)
    if not m:
        raise CellError("日期格式应为 YYYY-MM-DD。")
    try:
        return date(*_ymd(m))
    except ValueError:
        raise CellError("日期无效。") from None


# The time a date cell read as text carries ("2024-03-01 00:00:00"); a date names its day, or its month.
_TIME = r"(?:[ T]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
# A date with one separator throughout, or 年 月 日: "2021年1-6" is no date (it is a period of months).
_DATE = r"(?:(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?P=sep)(?P<d>\d{1,2})|(?P<y2>\d{4})年(?P<m2>\d{1,2})月(?P<d2>\d{1,2})日?)"
def _ymd(match):
    """(year, month, day) of a match of _DATE (whichever of its two forms matched)."""
    g = match.groupdict()
    return tuple(int(g[k] or g[k + "2"]) for k in ("y", "m", "d"))


_PERIOD_RES = [
    re.compile(_DATE + _TIME),  # a date: its month
    re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*月?(?:份)?"),  # 2021-06, 2021年6月, 2021/6
    # 2021年1-6月, 2021年1—6月, 2021年1至6月 (YTD label: the period is the last month)
    re.compile(r"(?P<y>\d{4})\s*年?\s*1\s*(?:-|—|–|~|～|至|到)+\s*(?P<m>\d{1,2})\s*月(?:累计)?"),
]
_MONTH_ONLY_RES = [
    re.compile(r"1\s*(?:-|—|–|~|～|至|到)+\s*(?P<m>\d{1,2})\s*月(?:累计)?"),  # 1-6月 (year from a column)
    re.compile(r"(?P<m>\d{1,2})\s*月(?:份)?"),
    re.compile(r"(?P<m>\d{1,2})"),
]


def parse_period(value, year=None) -> date:
    """The first day of the month a period cell names. "2021-06", "2021年6月", "2021年1-6月" and, with the
    year from another column, "1—6月" or "6月". "1-2月" (January and February merged) is February."""
    if isinstance(value, datetime):
        return date(value.year, value.month, 1)
    if isinstance(value, date):
        return date(value.year, value.month, 1)
    s = text(value).replace(" ", "")
    if not s:
        raise CellError("期间不能为空。")
    y = m = None
    for rx in _PERIOD_RES:
        hit = rx.fullmatch(s)
        if hit:
            y, m = _ymd(hit)[:2] if "sep" in rx.groupindex else (int(hit.group("y")), int(hit.group("m")))
            break
    else:
        if re.fullmatch(r"\d{6}", s):  # 202106
            y, m = int(s[:4]), int(s[4:])
        else:
            for rx in _MONTH_ONLY_RES:
                hit = rx.fullmatch(s)
                if hit:
                    m = int(hit.group("m"))
                    break
            if m is None:
                raise CellError("期间格式应为 YYYY-MM 或“2021年1-6月”。")
            if year is None:
                raise CellError("期间未写年份，且没有“年份”列。")
            y = year
    if not 1 <= m <= 12:
        raise CellError(f"月份应在 1 至 12 之间，实为 {m}。")
    if not 1990 <= y <= 2100:
        raise CellError(f"年份应在 1990 至 2100 之间，实为 {y}。")
    return date(y, m, 1)


def reportable_period(praw, yraw):
    """The month a period cell names (with the year column's cell), or the CellError saying why it cannot be
    imported: unreadable, or a month figures may not be reported for (monitoring.validation, as on the entry form
    and in the API)."""
    try:
        period = parse_period(praw, parse_year(yraw) if yraw is not None else None)
    except CellError as exc:
        return exc
    problem = validation.period_problem(Period.of(period))
    return CellError(problem) if problem else period


def parse_year(value) -> int | None:
    if is_empty(value):
        return None
    s = text(value).rstrip("年")
    if not re.fullmatch(r"\d{4}", s):
        raise CellError("年份应为四位数字。")
    return int(s)


def normalise_name(value) -> str:
    """An enterprise name for matching: full-width to half-width, no spaces, brackets unified, no "(样例)"."""
    s = text(value)
    s = _SPACES_RE.sub("", s).replace("(", "（").replace(")", "）")
    return s.lower()


# The figures of a monthly statistics row (monitoring.MonthlyStat) and how a cell of one is read; what a figure
# may be is monitoring.validation's rule, the same for the entry form, the API and the import.
FIGURES = validation.FIGURES
NON_NEGATIVE = validation.NON_NEGATIVE
PREVIEW_ROWS = 20  # rows of a sheet shown before an import is committed


def parse_figure(v, factor, unit, is_int):
    """A figure cell in 万元 (or a head count): the fast path for plain numbers, parse_decimal for the rest."""
    t = type(v)
    if t is str:
        try:
            d = Decimal(v)
        except InvalidOperation:
            d = None
        if d is None or not d.is_finite():
            d = parse_decimal(v, unit)
            if d is None:
                return None
            factor = None
    elif t is float:
        d = Decimal(repr(v))
    elif t is int:
        d = Decimal(v)
    else:
        d = parse_decimal(v, unit)
        if d is None:
            return None
        factor = None
    if factor is not None:
        d = d * factor
    if is_int:
        if d != d.to_integral_value():
            raise CellError("从业人员应为整数。")
        return int(d)
    return d.quantize(CENT, ROUND_HALF_UP)


def figure_text(value):
    """A money figure as the text of its value in 万元 to the cent (how previews show it)."""
    if value is None:
        return None
    return str(Decimal(str(value)).quantize(CENT, ROUND_HALF_UP))

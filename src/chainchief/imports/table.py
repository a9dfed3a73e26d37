"""Finding the header of a sheet (below title rows, over one or two rows with merged cells) and mapping its
columns to an import's fields."""
import re
from dataclasses import dataclass, field

from chainchief.imports.fields import Column, header_key, text
from chainchief.imports.readers import FileError

SCAN_ROWS = 30
_STRIP_RE = re.compile(r"^(\d{4}年)?(1[-—–~～至]\d{1,2}月)?|(本年累计|本期累计|累计数|累计值|累计|本年|本期|当年|合计|金额|数)$")
TOTAL_WORDS = {"合计", "总计", "小计", "全市合计", "全市", "总合计"}


def column_letter(index):
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


@dataclass
class Mapped:
    index: int
    column: Column
    header: str
    unit: str | None

    @property
    def where(self):
        return f"{column_letter(self.index)} 列“{self.header}”"


@dataclass
class Header:
    rows: list  # sheet row numbers of the header (one or two)
    mapped: list  # [Mapped]
    titles: list = field(default_factory=list)  # text of the rows above the header
    unknown: list = field(default_factory=list)  # headers that map to nothing

    def by_name(self):
        return {m.column.name: m for m in self.mapped}

    def describe(self):
        return [{"column": column_letter(m.index), "header": m.header, "field": m.column.name,
                 "label": m.column.label, "unit": m.unit} for m in self.mapped]


def _match(columns, raw):
    name, unit = header_key(raw)
    if not name:
        return None, unit
    for candidate in (name, _STRIP_RE.sub("", name), _STRIP_RE.sub("", _STRIP_RE.sub("", name))):
        for col in columns:
            if candidate and col.matches(candidate):
                return col, unit
    return None, unit


def _map_row(columns, cells):
    """[(index, column, header text, unit)] for one header row (first occurrence of a field wins)."""
    seen, out = set(), []
    for i, cell in enumerate(cells):
        col, unit = _match(columns, cell)
        if col is not None and col.name not in seen:
            seen.add(col.name)
            out.append(Mapped(i, col, text(cell), unit))
    return out


def _map_pair(columns, parent, child):
    width = max(len(parent), len(child))
    parent = list(parent) + [None] * (width - len(parent))
    child = list(child) + [None] * (width - len(child))
    filled, last = [], None
    for i in range(width):  # a parent merged across its children: carry it to the right
        if text(parent[i]):
            last = parent[i]
            filled.append(parent[i])
        elif text(child[i]) and last is not None:
            filled.append(last)
        else:
            filled.append(None)
            last = None
    seen, out = set(), []
    for i in range(width):
        p, c = text(filled[i]), text(child[i])
        tries = [c, p + c] if c and p else [c or p]
        for raw in tries:
            col, unit = _match(columns, raw)
            if col is not None:
                unit = unit or header_key(p)[1] or header_key(c)[1]
                if col.name not in seen:
                    seen.add(col.name)
                    out.append(Mapped(i, col, f"{p}/{c}" if p and c and p != c else (c or p), unit))
                break
    return out


def locate(rows, columns, required_any=()):
    """(Header, data rows iterator) from an iterator of (row number, cells).

    ``required_any``: groups of field names of which at least one must be present, e.g. (("uscc", "name"),).
    """
    rows = iter(rows)
    head = []
    for item in rows:
        head.append(item)
        if len(head) >= SCAN_ROWS:
            break
    if not any(any(text(c) for c in cells) for _, cells in head):
        raise FileError("工作表为空：没有找到任何数据。")
    best = None  # (score, is_single, -position) ordering
    for pos, (_, cells) in enumerate(head):
        mapped = _map_row(columns, cells)
        cand = (len(mapped), 1, -pos, [pos], mapped)
        if best is None or cand[:3] > best[:3]:
            best = cand
        if pos + 1 < len(head):
            mapped2 = _map_pair(columns, cells, head[pos + 1][1])
            cand2 = (len(mapped2), 0, -pos, [pos, pos + 1], mapped2)
            if cand2[:3] > best[:3]:
                best = cand2
    score, _, _, positions, mapped = best
    labels = "、".join(c.label for c in columns if c.required)
    if score == 0:
        raise FileError(f"未找到表头：前 {SCAN_ROWS} 行中没有可识别的列名（应包含 {labels} 等列）。")
    names = {m.column.name for m in mapped}
    missing = [c for c in columns if c.required and c.name not in names]
    if missing:
        raise FileError("缺少必填列：" + "、".join(f"“{c.label}”" for c in missing) + "。")
    by = {c.name: c for c in columns}
    for group in required_any:
        if not names & set(group):
            raise FileError("缺少必填列：" + " 或 ".join(f"“{by[g].label}”" for g in group) + "。")
    last = positions[-1]
    titles = [" ".join(text(c) for c in cells if text(c)) for _, cells in head[:positions[0]]]
    header_cells = head[positions[-1]][1]
    mapped_idx = {m.index for m in mapped}
    unknown = [text(c) for i, c in enumerate(header_cells) if text(c) and i not in mapped_idx]
    header = Header(rows=[head[p][0] for p in positions], mapped=mapped, titles=titles, unknown=unknown)

    def data():
        for item in head[last + 1:]:
            yield item
        yield from rows

    return header, data()


def is_blank(cells):
    for c in cells:
        if c is not None and c != "" and (not isinstance(c, str) or c.strip()):
            return False
    return True


def is_total(cells, first_index=0):
    for c in cells:
        t = text(c)
        if t:
            return t.replace(" ", "") in TOTAL_WORDS
    return False

"""Writes of the insights app: an input–output table from its .xlsx sheet (all or nothing), the mapping of its
sectors to chains, and reference totals. Each through core.services, so that every write is checked and
audited; the table's flows are written in bulk with it."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainchief.core import services as core
from chainchief.insights.models import IOFlow, IOSector, IOTable, ReferenceTotal

FINAL_USE = "最终使用"
TOTAL_OUTPUT = "总产出"
MAX_SECTORS = 300


def _text(value):
    return "" if value is None else str(value).strip()


def _number(value):
    """The cell as a Decimal, or None when it is not a number (text that reads as one counts)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = _text(value).replace(",", "")
    if not text:
        return None
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _cell(row, col):
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def parse_workbook(file):
    """Read an input–output table from the first sheet of an .xlsx file.

    Layout: row 1 holds the sector names from column B on, then the columns 最终使用 and 总产出; column A holds
    the same sector names, in the same order, from row 2 on; the cells between are the flows z_ij (what the row's
    sector sells to the column's), in 万元. Returns [(name, final_demand, total_output)] and the n×n list of flows.
    Raises ValidationError listing every bad cell by its row, column and reason.
    """
    from openpyxl import load_workbook

    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        raise ValidationError(_("无法读取该文件：请上传 Excel 工作簿（.xlsx）。")) from None
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    while rows and not any(_text(v) for v in rows[-1]):
        rows.pop()
    if len(rows) < 2:
        raise ValidationError(_("工作表为空：第 1 行应为部门名称及“最终使用”“总产出”两列，第 A 列为部门名称。"))
    header = [_text(v) for v in rows[0]]
    while header and not header[-1]:
        header.pop()
    if FINAL_USE not in header or TOTAL_OUTPUT not in header:
        raise ValidationError(_("第 1 行缺少“%(final)s”或“%(total)s”列。") % {"final": FINAL_USE, "total": TOTAL_OUTPUT})
    f_col, x_col = header.index(FINAL_USE), header.index(TOTAL_OUTPUT)
    names = header[1:min(f_col, x_col)]
    n = len(names)
    errors = []
    if n == 0:
        raise ValidationError(_("第 1 行在“最终使用”“总产出”之前没有部门名称。"))
    if n > MAX_SECTORS:
        raise ValidationError(_("部门过多：最多 %(max)s 个，实为 %(n)s 个。") % {"max": MAX_SECTORS, "n": n})
    for j, name in enumerate(names):
        if not name:
            errors.append(_("第 1 行第 %(cell)s 格：部门名称为空。") % {"cell": _cell(1, j + 2)})
        elif name in names[:j]:
            errors.append(_("第 1 行第 %(cell)s 格：部门“%(name)s”重复。") % {"cell": _cell(1, j + 2), "name": name})
    body = rows[1:]
    if len(body) != n:
        errors.append(_("应有 %(n)s 行部门（与第 1 行的部门数相同），实为 %(m)s 行。") % {"n": n, "m": len(body)})
    flows, sectors = [], []
    for i, raw in enumerate(body[:n]):
        line = i + 2
        raw = raw + [None] * (len(header) - len(raw))
        label = _text(raw[0])
        if i < n and label != names[i]:
            errors.append(_("第 %(row)s 行第 A 列：部门名称应为“%(want)s”（与第 1 行同序），实为“%(got)s”。")
                          % {"row": line, "want": names[i], "got": label})
        values = []
        for j in range(n):
            v = _number(raw[j + 1])
            where = {"row": line, "cell": _cell(line, j + 2), "seller": names[i], "buyer": names[j],
                     "got": _text(raw[j + 1])}
            if v is None and _text(raw[j + 1]) == "":
                v = Decimal(0)  # an empty flow is no flow
            elif v is None:
                errors.append(_("第 %(row)s 行 %(cell)s 格（“%(seller)s”行、“%(buyer)s”列）：应为数字，实为“%(got)s”。")
                              % where)
            elif v < 0:
                errors.append(_("第 %(row)s 行 %(cell)s 格（“%(seller)s”行、“%(buyer)s”列）：中间流量不能为负数。")
                              % where)
            values.append(v)
        flows.append(values)
        final, total = _number(raw[f_col]), _number(raw[x_col])
        if final is None:
            errors.append(_("第 %(row)s 行 %(cell)s 格（“%(name)s”的最终使用）：应为数字，实为“%(got)s”。")
                          % {"row": line, "cell": _cell(line, f_col + 1), "name": names[i], "got": _text(raw[f_col])})
        if total is None or total <= 0:
            errors.append(_("第 %(row)s 行 %(cell)s 格（“%(name)s”的总产出）：应为正数，实为“%(got)s”。")
                          % {"row": line, "cell": _cell(line, x_col + 1), "name": names[i], "got": _text(raw[x_col])})
        sectors.append((names[i], final, total))
    if not errors:
        # Each sector's intermediate inputs must stay below its output, else I − A has no meaningful inverse.
        for j, (name, _final, total) in enumerate(sectors):
            inputs = sum(flows[i][j] for i in range(n))
            if inputs >= total:
                errors.append(_("第 %(col)s 列（“%(name)s”）：中间投入合计 %(inputs)s 不小于总产出 %(total)s，无法计算系数。")
                              % {"col": _cell(1, j + 2)[:-1], "name": name, "inputs": inputs, "total": total})
    if errors:
        raise ValidationError(errors)
    return sectors, flows


@transaction.atomic
def create_table(user, *, region, year, title, sectors, flows, is_illustrative=False, source=""):
    """A table with its sectors and flows (``parse_workbook``'s result), all or nothing; the table's creation
    and every sector are audited, the n² flows are written in bulk."""
    table = core.create(user, IOTable, {"region": region, "year": year, "title": title,
                                        "is_illustrative": is_illustrative, "source": source})
    made = []
    for k, (name, final, total) in enumerate(sectors):
        made.append(core.create(user, IOSector, {"table": table, "code": f"{k + 1:02d}", "name": name,
                                                 "order": k + 1, "total_output": total, "final_demand": final}))
    IOFlow.objects.bulk_create(
        [IOFlow(table=table, row=made[i], column=made[j], value=flows[i][j])
         for i in range(len(made)) for j in range(len(made)) if flows[i][j]], batch_size=2000)
    return table


def upload_table(user, file, *, region, year, title, is_illustrative=False, source=""):
    sectors, flows = parse_workbook(file)
    return create_table(user, region=region, year=year, title=title, sectors=sectors, flows=flows,
                        is_illustrative=is_illustrative, source=source)


@transaction.atomic
def map_sectors(user, table, mapping):
    """Set each sector's chain from ``mapping`` (sector id → Chain or None); returns how many changed."""
    changed = 0
    for sector in table.sectors.all():
        if sector.pk not in mapping:
            continue
        chain = mapping[sector.pk]
        if (chain.pk if chain else None) != sector.chain_id:
            core.update(user, sector, {"chain": chain})
            changed += 1
    return changed


def delete_table(user, table):
    return core.delete(user, table)


def set_reference_total(user, *, region, reference, year, industry, value, chain=None, is_total=False, source=""):
    """Create or update one reference total (region, reference, year, industry)."""
    row = ReferenceTotal.objects.filter(region=region, reference=reference, year=year, industry=industry).first()
    data = {"value": value, "chain": chain, "is_total": is_total, "source": source}
    if row is None:
        return core.create(user, ReferenceTotal, {"region": region, "reference": reference, "year": year,
                                                  "industry": industry, **data})
    return core.update(user, row, data)

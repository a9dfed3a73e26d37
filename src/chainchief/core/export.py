"""Exports: rows to .xlsx (xlsxwriter, constant memory) or .csv (UTF-8 with BOM, so Excel reads Chinese), with
text that begins like a formula (= + - @, tab, carriage return) escaped so that it can never run as one."""
import csv
import io
import tempfile
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}


def escape(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _value(row, key):
    if callable(key):
        return key(row)
    if isinstance(row, dict):
        return row.get(key)
    value = row
    for part in key.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value() if callable(value) else value


def export_rows(rows, columns, fmt="xlsx", sheet_name="Sheet1"):
    """Write ``rows`` (dicts or objects) with ``columns`` [(key or callable, header)] as ``fmt``.

    Returns a binary file object positioned at its start (a temporary file: large exports stay off the heap).
    """
    if fmt not in FORMATS:
        raise ValueError(f"不支持的导出格式：{fmt}（可选 xlsx、csv）")
    out = tempfile.TemporaryFile()
    if fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([h for _, h in columns])
        for row in rows:
            cells = []
            for key, _ in columns:
                v = _value(row, key)
                if v is None:
                    cells.append("")
                elif isinstance(v, bool):
                    cells.append("是" if v else "否")
                elif isinstance(v, str):
                    cells.append(escape(v))
                else:
                    cells.append(v)
            writer.writerow(cells)
        text.flush()
        text.detach()
        out.seek(0)
        return out
    return export_workbook([(sheet_name, rows, columns)], out)


def export_workbook(sheets, out=None):
    """An .xlsx file of several sheets [(name, rows, columns)], each as ``export_rows`` writes one."""
    import xlsxwriter

    out = out or tempfile.TemporaryFile()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    formats = {"bold": wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1}),
               "text": wb.add_format({"quote_prefix": True}), "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
               "money": wb.add_format({"num_format": "#,##0.00"})}
    for name, rows, columns in sheets:
        _write_sheet(wb.add_worksheet(name[:31]), rows, columns, formats)
    wb.close()
    out.seek(0)
    return out


def _write_sheet(ws, rows, columns, formats):
    for c, (_, h) in enumerate(columns):
        ws.write_string(0, c, str(h), formats["bold"])
        ws.set_column(c, c, max(10, min(40, len(str(h)) * 2 + 2)))
    for r, row in enumerate(rows, start=1):
        for c, (key, _) in enumerate(columns):
            v = _value(row, key)
            if v is None:
                continue
            if isinstance(v, bool):
                ws.write_string(r, c, "是" if v else "否")
            elif isinstance(v, Decimal):
                ws.write_number(r, c, float(v), formats["money"])
            elif isinstance(v, (int, float)):
                ws.write_number(r, c, v)
            elif isinstance(v, (date, datetime)):
                ws.write_datetime(r, c, v.replace(tzinfo=None) if isinstance(v, datetime) else v, formats["date"])
            else:
                s = str(v)
                ws.write_string(r, c, s, formats["text"] if s.startswith(FORMULA_START) else None)
    ws.freeze_panes(1, 0)


def export_response(rows, columns, fmt, filename):
    fmt = fmt if fmt in FORMATS else "xlsx"
    return FileResponse(export_rows(rows, columns, fmt), as_attachment=True, filename=f"{filename}.{fmt}",
                        content_type=FORMATS[fmt])


# Headings of an API schema's computed fields (the model's own fields are headed by their verbose names).
COMPUTED_LABELS = {"tier_name": "层级", "chiefs": "链长", "lead_department": "牵头部门",
                   "supporting_departments": "配合部门", "enterprise_count": "企业数", "kind_label": "角色",
                   "status_label": "状态", "role_label": "链上角色"}
SKIPPED = {"version"}


def flat(value):
    """A value of an API schema as one cell: a related object by its name, a list joined with 、."""
    if isinstance(value, dict):
        if "name" in value:
            return value["name"]
        parts = [flat(v) for k, v in value.items() if k not in SKIPPED and k != "kind" and not k.endswith("id")]
        return " ".join(str(p) for p in parts if p not in (None, ""))
    if isinstance(value, (list, tuple)):
        return "、".join(str(flat(v)) for v in value if v not in (None, ""))
    return value


def related_fields(schema, model):
    """The foreign keys an output schema gives as ``<name>_id``: exported by the related object's name."""
    names = []
    for name in schema.model_fields:
        if name.endswith("_id"):
            try:
                field = model._meta.get_field(name.removesuffix("_id"))
            except Exception:
                continue
            if field.is_relation and field.many_to_one:
                names.append(field.name)
    return names


def schema_columns(schema, model):
    """[(key, heading)] for exporting (object, dump of ``schema``) pairs of ``model``: the schema's fields in its
    order, foreign keys by the related object's name, headed by the model's verbose names."""
    related = set(related_fields(schema, model))
    columns = []
    for name in schema.model_fields:
        if name in SKIPPED:
            continue
        base = name.removesuffix("_id")
        label = COMPUTED_LABELS.get(name)
        if label is None:
            for candidate in (name, base):
                try:
                    label = str(model._meta.get_field(candidate).verbose_name)
                    break
                except Exception:
                    continue
        label = label or ("ID" if name == "id" else name)
        if base in related:
            columns.append((lambda row, base=base: _name_of(getattr(row[0], base)), label))
        else:
            columns.append((lambda row, name=name: flat(row[1].get(name)), label))
    return columns


def _name_of(obj):
    return None if obj is None else getattr(obj, "name", None) or str(obj)

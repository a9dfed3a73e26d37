"""Workbooks the import pages hand out: a template per kind (an instructions row, the headers, an example
row) and a batch's file with an error column added."""
import re
import tempfile
from datetime import datetime, time
from collections import defaultdict

from chainchief.imports.readers import open_sheet
from chainchief.imports.table import column_letter

# A cell read as text that was a number: written back as one. Not a code with leading zeros, not 16+ digits.
NUMBER = re.compile(r"-?(0|[1-9][0-9]{0,14})(\.[0-9]+)?")
# A date cell read as text: written back as a date.
DATETIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")


def template(kind):
    import xlsxwriter

    out = tempfile.TemporaryFile()
    wb = xlsxwriter.Workbook(out, {"in_memory": False})
    ws = wb.add_worksheet(kind.label)
    note = wb.add_format({"text_wrap": True, "valign": "top", "font_color": "#555555", "bg_color": "#FFF8E1"})
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True})
    required = wb.add_format({"bold": True, "bg_color": "#FDE2E1", "border": 1, "text_wrap": True})
    text_fmt = wb.add_format({"num_format": "@"})
    columns = kind.columns
    ws.merge_range(0, 0, 0, len(columns) - 1, kind.instructions, note)
    ws.set_row(0, 60)
    for c, col in enumerate(columns):
        is_required = col.required or any(col.name in g for g in kind.required_any)
        ws.write_string(1, c, col.label, required if is_required else head)
        ws.set_column(c, c, max(12, len(col.label) * 2 + 4), text_fmt if col.kind in ("uscc", "text") else None)
        if col.example:
            ws.write_string(2, c, col.example)
        if col.help:
            ws.write_comment(1, c, col.help)
    ws.freeze_panes(2, 0)
    wb.close()
    out.seek(0)
    return out


def with_errors(path, errors, header_row):
    """The uploaded sheet again, with an "错误说明" column after the last one and erroneous rows marked."""
    import xlsxwriter

    by_row = defaultdict(list)
    for e in errors:
        col = f"{e['column']}：" if e.get("column") else ""
        by_row[e["row"]].append(f"{col}{e['message']}")
    out = tempfile.TemporaryFile()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    ws = wb.add_worksheet("错误明细")
    bad = wb.add_format({"bg_color": "#FDE2E1"})
    msg = wb.add_format({"font_color": "#B00020", "bg_color": "#FDE2E1", "text_wrap": True})
    head = wb.add_format({"bold": True, "font_color": "#B00020"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    datetime_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    width = 0
    with open_sheet(str(path)) as sheet:
        rows = list(_rows(sheet, header_row + 50)) if header_row else []
        width = max((len(c) for _, c in rows), default=0)
    with open_sheet(str(path)) as sheet:
        for number, cells in sheet:
            r = number - 1
            fmt = bad if number in by_row else None
            for c, v in enumerate(cells):
                if v is None or v == "":
                    continue
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    ws.write_number(r, c, v, fmt)
                elif isinstance(v, str) and NUMBER.fullmatch(v):
                    ws.write_number(r, c, float(v), fmt)
                elif isinstance(v, str) and DATETIME.fullmatch(v):
                    when = datetime.fromisoformat(v)
                    ws.write_datetime(r, c, when, date_fmt if when.time() == time() else datetime_fmt)
                else:
                    ws.write_string(r, c, str(v), fmt)
            if number == header_row:
                ws.write_string(r, width, "错误说明", head)
            elif number in by_row:
                ws.write_string(r, width, "；".join(by_row[number]), msg)
    ws.set_column(width, width, 60)
    wb.close()
    out.seek(0)
    return out


def _rows(sheet, limit):
    for number, cells in sheet:
        if number > limit:
            break
        yield number, [c for c in cells]


__all__ = ["template", "with_errors", "column_letter"]

"""Real files for the import tests, built with openpyxl and the csv module."""
import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from chainchief.core.uscc import with_check_digit


def xlsx(rows, *, title=None, merges=(), name="test.xlsx"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    if title:
        ws.append([title])
    for row in rows:
        ws.append(list(row))
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile(name, buf.getvalue())


def csv_file(rows, encoding="utf-8", name="test.csv"):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return SimpleUploadedFile(name, buf.getvalue().encode(encoding))


def new_uscc(n):
    return with_check_digit(f"91370700MA{n:07d}")


def bad_uscc(code):
    """The code with a wrong check character."""
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last

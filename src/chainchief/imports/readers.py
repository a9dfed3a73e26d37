"""Reading uploaded sheets row by row: .xlsx/.xls through fastexcel (calamine, in Rust, into Arrow columns) or
openpyxl in read-only mode (streaming, for very large workbooks), .csv in UTF-8 (with or without BOM),
GB18030/GBK or UTF-16.

A reader yields ``(sheet row number, [cell values])``; formulas arrive as their cached values. A workbook read
by fastexcel arrives as text, as a CSV file does (numbers as written, dates as “2024-03-01 00:00:00”, TRUE as
“true”, error values as empty cells), and keeps the whole sheet as Arrow columns (``Sheet.columns``) for the
set-based monthly import, which stages it without a Python loop over its rows.
"""
import codecs
import csv
import io
import os
import re
import zipfile
import zlib

import fastexcel
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

# Workbooks larger than this are read with openpyxl's streaming reader: fastexcel holds a whole sheet in memory.
WHOLE_SHEET_MAX_BYTES = int(getattr(settings, "IMPORT_WHOLE_SHEET_MAX_BYTES", 40 * 1024 * 1024))
# Arrow rows turned into Python rows at a time; the first slice is small, the header is found within it
FIRST_SLICE, ROWS_PER_SLICE = 64, 5000
MAX_UNCOMPRESSED = int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024 * 1024))
MAX_RATIO = 200  # a zip member that expands more than this is treated as a zip bomb
CSV_FIELD_LIMIT = 1 << 20
# pyarrow's first conversion of a Python value looks for pandas, importing it when installed (0.2 s): done here,
# at start-up, rather than inside the first import of a sheet.
pa.array([""], pa.string())


class FileError(ValueError):
    """The file cannot be read at all; the message is shown to the user."""


def max_bytes():
    return int(getattr(settings, "IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def check_size(size, limits=None):
    """FileError when an upload of ``size`` bytes is over the ceiling, or over ``limits`` (imports.limits)."""
    from chainchief.imports.limits import megabytes

    limit = limits.size if limits is not None else max_bytes()
    if size > limit:
        whose = f"{limits}的" if limits is not None else ""
        raise FileError(f"文件过大：{size / 1048576:.1f} MB，{whose}上限为 {megabytes(limit)}。"
                        "请拆分后分批导入，或改用 CSV 格式。")


def expanded_size(path):
    """The file's size once unpacked, from a workbook's zip directory (read without unpacking anything); a CSV or
    an .xls file is its own size. What the directory claims is verified when the parts are read (``measure``)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        if f.read(4) != b"PK\x03\x04":
            return size
    try:
        with zipfile.ZipFile(path) as z:
            return sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError):
        return size  # a damaged file: reading it says so (open_sheet)


def check_expanded(size, limits):
    from chainchief.imports.limits import megabytes

    if size > limits.expanded:
        raise FileError(f"文件解压后约 {megabytes(size)}，超过{limits}的上限 {megabytes(limits.expanded)}。"
                        "请删去无关的工作表、行和列后重新上传，或拆分后分批导入。")


def cells_message(count, limits, rows=None, columns=None, sheet=""):
    shape = f"（{rows:,} 行 × {columns:,} 列）" if rows and columns else ""
    where = f"工作表“{sheet}”" if sheet else "文件"
    return (f"{where}的表格范围约 {count:,} 个单元格{shape}，超过{limits}的上限 {limits.cells:,} 个。"
            "请删去空白或无关的行、列（包括远处误填的单元格）后重新上传，或拆分后分批导入。")


_CHUNK = 1 << 20


class _Extent:
    """The grid a reader allocates for a worksheet — its last row × its last column — and the cells written, from
    the sheet's XML read a chunk at a time (each chunk cut before its last “<”, so that no tag is split)."""

    def __init__(self, head):
        found = re.search(rb"<(\w+:)?worksheet\b", head)
        p = re.escape(found.group(1)) if found and found.group(1) else b""
        self.cell_ref = re.compile(rb"<" + p + rb"c\b[^>]*?\sr=\"([A-Z]{1,3})\d+\"")
        self.cell = re.compile(rb"<" + p + rb"c[\s/>]")
        self.row_ref = re.compile(rb"<" + p + rb"row\b[^>]*?\sr=\"(\d+)\"")
        self.row = re.compile(rb"<" + p + rb"row[\s/>]")
        self.cells = self.rows = self.last_row = self.last_column = 0

    def feed(self, data):
        columns = set(self.cell_ref.findall(data))
        if columns:
            self.last_column = max(self.last_column, max(_column_index(c) for c in columns))
        written = len(self.cell.findall(data))
        if written > 0 and not columns:  # cells without a reference sit one after another in their row
            self.last_column = max(self.last_column, max(len(self.cell.findall(part))
                                                         for part in self.row.split(data)))
        self.cells += written
        self.rows += len(self.row.findall(data))
        refs = self.row_ref.findall(data)
        if refs:
            self.last_row = max(self.last_row, max(int(r) for r in refs))

    @property
    def extent(self):
        return max(self.last_row, self.rows) * self.last_column if self.cells else 0


def _column_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def measure(path, limits):
    """Read every part of a workbook once, unpacking it a chunk at a time, before any of its rows is read: FileError
    when it unpacks to more than ``limits.expanded`` (counting what the parts really hold, not what the zip's
    directory claims) or a worksheet's grid is larger than ``limits.cells``. A CSV or .xls file is measured as it is
    read (``Sheet``)."""
    if sniff(path) != "xlsx":
        check_expanded(os.path.getsize(path), limits)
        return
    total = 0
    try:
        with zipfile.ZipFile(path) as z:
            sheets = _sheet_names(z)
            declared = sum(info.file_size for info in z.infolist())
            for info in z.infolist():
                is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
                extent, carry = None, b""
                with z.open(info) as part:
                    while True:
                        chunk = part.read(_CHUNK)
                        if not chunk:
                            break
                        total += len(chunk)
                        check_expanded(max(total, declared) if total > limits.expanded else total, limits)
                        if is_sheet:
                            data = carry + chunk
                            extent = extent or _Extent(data[:4096])
                            cut = data.rfind(b"<")
                            cut = cut if cut > 0 else len(data)
                            extent.feed(data[:cut])
                            carry = data[cut:]
                            if extent.extent > limits.cells:
                                raise FileError(cells_message(extent.extent, limits, max(extent.last_row,
                                                extent.rows), extent.last_column, sheets.get(info.filename, "")))
                if is_sheet and extent is not None:
                    extent.feed(carry)
                    if extent.extent > limits.cells:
                        raise FileError(cells_message(extent.extent, limits, max(extent.last_row, extent.rows),
                                                      extent.last_column, sheets.get(info.filename, "")))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        raise FileError("文件已损坏，无法作为 Excel 文件打开。") from None


def _sheet_names(z):
    """{part name: sheet name} of a workbook, for the messages (empty when the workbook does not say)."""
    from defusedxml.ElementTree import fromstring

    try:
        book = fromstring(z.read("xl/workbook.xml"))
        rels = fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except Exception:  # the names are only for the message
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "").lstrip("/")
            out[target if target.startswith("xl/") else f"xl/{target}"] = el.get("name", "")
    return out


def sniff(path):
    """'xlsx', 'xls' or 'csv' from the file's first bytes, or FileError."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if not head.strip():
        raise FileError("文件为空。")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile:
            raise FileError("文件已损坏，无法作为 Excel 文件打开。") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise FileError("不是 Excel 文件：请上传 .xlsx 或 .csv 文件（WPS、Numbers 请另存为 .xlsx）。")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"\x1f\x8b")):
        raise FileError("不是 Excel 文件：请上传 .xlsx 或 .csv 文件。")
    suffix = os.path.splitext(str(path))[1].lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):  # text under an Excel name: a damaged or renamed file, not a CSV
        raise FileError(f"文件扩展名为 {suffix}，但内容不是 Excel 工作簿：文件可能已损坏，或是改了扩展名的其他文件。"
                        "请用 Excel 或 WPS 另存为 .xlsx 后再上传。")
    return "csv"


def check_xlsx_safety(path):
    """Refuse zip bombs and XML with DTDs or entities (checked with defusedxml)."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    with zipfile.ZipFile(path) as z:
        total = 0
        for info in z.infolist():
            total += info.file_size
            if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 10 << 20:
                raise FileError("文件解压后异常庞大（疑似压缩炸弹），已拒绝。")
        if total > MAX_UNCOMPRESSED:
            raise FileError("文件解压后过大，已拒绝。请拆分后分批导入。")
        for info in z.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            with z.open(info) as part:
                head = part.read(4096)
            if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                raise FileError("文件包含不安全的 XML 定义（DTD/实体），已拒绝。")
        try:
            fromstring(z.read("xl/workbook.xml"))
        except DefusedXmlException:
            raise FileError("文件包含不安全的 XML 定义，已拒绝。") from None
        except Exception:
            raise FileError("文件已损坏，无法作为 Excel 文件打开。") from None


class Sheet:
    """Rows of one worksheet (or a CSV file). With ``limits``, a sheet whose rows × widest row grows past
    ``limits.cells`` while it is read stops with a FileError (a CSV file is measured this way)."""

    def __init__(self, name, rows, estimated_rows=0, closer=None, all_text=False, columns=None, limits=None):
        self.name, self._rows, self.estimated_rows, self._closer = name, rows, estimated_rows, closer
        self.all_text = all_text  # every cell a str (CSV, or a workbook read by fastexcel)
        self.columns = columns  # the whole sheet as Columns, when read by fastexcel
        if limits is not None:
            self._rows = _bounded(self._rows, limits, name)

    def __iter__(self):
        return self._rows

    def close(self):
        if self._closer:
            self._closer()
            self._closer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _bounded(rows, limits, name):
    width = count = 0
    for number, cells in rows:
        count, width = number, max(width, len(cells))
        if count * width > limits.cells:
            raise FileError(cells_message(count * width, limits, count, width, name if name != "CSV" else ""))
        yield number, cells


def open_sheet(path, sheet_name=None, limits=None):
    """The rows of the file's sheet. With ``limits`` (imports.limits), the file is measured first: its size once
    unpacked and the grid of its worksheets, before a reader is given anything to allocate."""
    kind = sniff(path)
    if limits is not None:
        measure(path, limits)
    if kind == "csv":
        return _csv(path, limits)
    if kind == "xlsx":
        check_xlsx_safety(path)
        if os.path.getsize(path) > WHOLE_SHEET_MAX_BYTES:
            return _openpyxl(path, sheet_name, limits)
    return _fastexcel(path, sheet_name, limits)


class Columns:
    """A whole worksheet as Arrow string columns: row ``i`` of ``table`` is sheet row ``i + 1`` and its columns
    are the sheet's columns from ``first`` (0 = A) on; empty cells are null."""

    def __init__(self, table, first):
        self.table, self.first = table, first

    def column(self, index, start=0, length=None):
        """The sheet column ``index`` (0 = A) from table row ``start``, empty cells as "" (all "" outside)."""
        n = self.table.num_rows - start if length is None else length
        j = index - self.first
        if not 0 <= j < self.table.num_columns:
            return pa.array([""] * n, pa.string())
        return pc.fill_null(self.table.column(j).slice(start, n), "")

    def rows(self):
        """(sheet row number, [cells]) for every row, a slice at a time."""
        pad, start, size = [""] * self.first, 0, FIRST_SLICE
        while start < self.table.num_rows:
            part = self.table.slice(start, size)
            values = [self.column(self.first + j, start, part.num_rows).to_pylist()
                      for j in range(part.num_columns)]
            for i, cells in enumerate(zip(*values), start=start + 1):
                yield i, pad + list(cells)
            start, size = start + part.num_rows, ROWS_PER_SLICE


def _fastexcel(path, sheet_name, limits=None):
    try:
        reader = fastexcel.read_excel(path)
        names = reader.sheet_names
        chosen = first = None
        for name in ([sheet_name] if sheet_name in names else names):
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if name != sheet_name and sheet.visible != "visible":
                continue
            first = first or (name, sheet)
            if limits is not None and sheet.height * sheet.width > limits.cells:  # an .xls file: measured here
                raise FileError(cells_message(sheet.height * sheet.width, limits, sheet.height, sheet.width, name))
            if sheet.height:  # the first sheet with data; each is parsed once (loading is the costly part)
                chosen = (name, sheet)
                break
        name, sheet = chosen or first or (names[0], None)
        table = sheet.to_arrow() if sheet is not None and sheet.width else None
    except FileError:
        raise
    except fastexcel.FastExcelError as exc:
        raise FileError(f"无法读取 Excel 文件：{exc}") from None
    except Exception:
        raise FileError("无法读取 Excel 文件，文件可能已损坏或加密。") from None
    if table is None:
        return Sheet(name, iter(()), 0, all_text=True)
    columns = Columns(table, sheet.available_columns()[0].absolute_index)
    return Sheet(name, columns.rows(), table.num_rows, all_text=True, columns=columns)


def _openpyxl(path, sheet_name, limits=None):
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise FileError("无法读取 Excel 文件，文件可能已损坏或加密。") from None
    ws = wb[sheet_name] if sheet_name in wb.sheetnames else wb.worksheets[0]

    def numbered():
        n = 0
        for cells in ws.iter_rows():
            n += 1
            if cells and hasattr(cells[0], "row") and cells[0].row:
                n = cells[0].row
            yield n, [c.value for c in cells]

    return Sheet(ws.title, numbered(), ws.max_row or 0, wb.close, limits=limits)


def detect_encoding(path):
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the sample
            return "utf-8"
    try:
        head.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        raise FileError("无法识别 CSV 文件的编码：请另存为 UTF-8 或 GBK 编码。") from None


def _csv(path, limits=None):
    encoding = detect_encoding(path)
    raw = open(path, "rb")
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="")
    sample = stream.read(1 << 14)
    stream.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    lines = max(1, sample.count("\n"))
    size = os.path.getsize(path)
    estimate = int(size / max(1, len(sample.encode(encoding if encoding != "utf-8-sig" else "utf-8")) / lines)) \
        if len(sample) >= (1 << 14) else lines
    csv.field_size_limit(CSV_FIELD_LIMIT)

    def rows():
        reader = csv.reader(stream, delimiter=delimiter)
        n = 0
        try:
            for row in reader:
                n += 1  # the record number is the row Excel shows, even with line breaks inside a cell
                yield n, row
        except UnicodeDecodeError:
            raise FileError(f"CSV 文件第 {reader.line_num + 1} 行附近编码错误（按 {encoding} 读取）。") from None
        except csv.Error as exc:
            raise FileError(f"CSV 文件第 {reader.line_num} 行格式错误：{exc}") from None

    return Sheet("CSV", rows(), estimate, stream.close, all_text=True, limits=limits)

"""Imports end to end with real files: title rows, merged headers, full-width digits, GBK CSV, unit
conversion, errors with row and column, all-or-nothing commit, re-import, rollback and permissions."""
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from chainchief.audit.models import AuditEvent
from chainchief.enterprises.models import Enterprise, Membership
from chainchief.imports import services
from chainchief.imports.models import BatchStatus, ImportBatch, NameMatch
from chainchief.imports.tests.helpers import bad_uscc, csv_file, new_uscc, xlsx
from chainchief.monitoring.models import ChainFigure, MonthlyStat

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


def dry(username, f, kind):
    u = user(username)
    batch = services.start(u, f, f.name, kind)
    return services.run(batch, u)


def chain_name():
    from chainchief.chains.models import Chain

    return Chain.objects.order_by("order", "pk").first().name


# --- enterprises ----------------------------------------------------------------------------------------------

def test_enterprises_below_title_with_merged_header_and_full_width_digits(demo_db):
    code = new_uscc(1)
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    rows = [
        ["", "", "基本信息", "", "链上情况", ""],
        ["统一社会信用代码", "企业名称", "所在区县", "规上企业", "所属产业链", "企业角色"],
        [full_width, "潍坊测试动力有限公司", "潍城区", "是", chain_name(), "配套"],
        [new_uscc(2), "潍坊测试材料有限公司", "寿光市", "否", "", ""],
    ]
    f = xlsx(rows, title="2021年潍坊市重点产业链企业名录", merges=["A1:F1", "C2:D2", "E2:F2"])
    batch = dry("coordinator", f, "enterprises")
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert batch.header_row == 3
    assert (batch.new_count, batch.updated_count, batch.error_count) == (2, 0, 0)
    assert not Enterprise.objects.filter(uscc=code).exists()  # a dry run writes nothing

    batch = services.commit(batch, user("coordinator"))
    assert batch.status == BatchStatus.COMMITTED
    ent = Enterprise.objects.get(uscc=code)
    assert ent.name == "潍坊测试动力有限公司" and ent.is_above_scale and ent.region.name == "潍城区"
    assert Membership.objects.get(enterprise=ent).role == "supporting"
    events = AuditEvent.objects.filter(object_id=str(batch.pk), content_type__model="importbatch")
    assert events.count() == 1  # one audit event per commit, not one per row


def test_bad_uscc_on_row_37_names_row_and_column(demo_db):
    rows = [["序号", "企业名称", "统一社会信用代码", "所在区县"]]
    for i in range(40):
        rows.append([i + 1, f"潍坊第{i}号测试有限公司", new_uscc(100 + i), "奎文区"])
    # header on row 2 (below a title) → data row i is on sheet row i + 3; row 37 is data index 34
    rows[35][2] = bad_uscc(rows[35][2])
    batch = dry("coordinator", xlsx(rows, title="企业名录"), "enterprises")
    assert batch.status == BatchStatus.PARSED
    assert batch.error_count == 1
    [error] = batch.errors
    assert error["row"] == 37
    assert "C 列" in error["column"] and "统一社会信用代码" in error["column"]
    assert "校验位" in error["message"]
    # all-or-nothing: the commit is refused and nothing is written
    with pytest.raises(Exception):
        services.commit(batch, user("coordinator"))
    assert not Enterprise.objects.filter(uscc=new_uscc(100)).exists()


def test_duplicate_row_and_unknown_chain(demo_db):
    rows = [["统一社会信用代码", "企业名称", "产业链"],
            [new_uscc(5), "潍坊重复测试有限公司", chain_name()],
            [new_uscc(5), "潍坊重复测试有限公司", chain_name()],
            [new_uscc(6), "潍坊未知链测试有限公司", "不存在的产业链"]]
    batch = dry("coordinator", xlsx(rows), "enterprises")
    messages = {e["row"]: e["message"] for e in batch.errors}
    assert "与第 2 行重复" in messages[3]
    assert "未知的产业链" in messages[4]
    assert batch.error_count == 2 and batch.new_count == 1


def test_empty_sheet_and_non_excel_file(demo_db):
    batch = dry("coordinator", xlsx([]), "enterprises")
    assert batch.status == BatchStatus.FAILED and "为空" in batch.message
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("名录.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    batch = dry("coordinator", pdf, "enterprises")
    assert batch.status == BatchStatus.FAILED and "不是 Excel 文件" in batch.message
    zipped = SimpleUploadedFile("a.xlsx", b"PK\x03\x04" + b"\x00" * 100)
    assert dry("coordinator", zipped, "enterprises").status == BatchStatus.FAILED


def test_workbook_cells_arrive_as_text_with_their_sheet_row_numbers(tmp_path):
    """Skipping a hidden sheet, rows and columns keep the numbers Excel shows even when the sheet starts at B3;
    numbers, dates and TRUE arrive as text, and the error workbook writes numbers back as numbers."""
    from datetime import datetime

    from chainchief.imports import workbooks
    from chainchief.imports.readers import open_sheet

    wb = openpyxl.Workbook()
    hidden = wb.active
    hidden.title, hidden.sheet_state = "旧表", "hidden"
    hidden["A1"] = "不应读取"
    ws = wb.create_sheet("数据")
    ws["B3"], ws["C3"], ws["D3"], ws["E3"] = "代码", "日期", "金额", "是否"
    ws["B5"], ws["C5"], ws["D5"], ws["E5"] = "0012", datetime(2024, 3, 1), 1100.0, True
    ws["D6"] = 0.25
    path = tmp_path / "book.xlsx"
    wb.save(path)
    with open_sheet(str(path)) as sheet:
        rows = list(sheet)
    assert sheet.name == "数据" and [n for n, _ in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[2][1][1:] == ["代码", "日期", "金额", "是否"] and rows[2][1][0] == ""
    assert rows[4][1][1:] == ["0012", "2024-03-01 00:00:00", "1100", "true"]
    assert rows[5][1][3] == "0.25"
    errors = [{"row": 5, "column": "D 列“金额”", "message": "示例错误。"}]
    out = openpyxl.load_workbook(workbooks.with_errors(path, errors, 3))
    sheet = out.active
    assert sheet["B5"].value == "0012" and sheet["D5"].value == 1100 and sheet["D6"].value == 0.25
    assert sheet["C5"].value == datetime(2024, 3, 1)  # a date again, not its text
    assert sheet["F3"].value == "错误说明" and "示例错误" in sheet["F5"].value


def test_size_limit_has_a_clear_message(demo_db, settings):
    settings.IMPORT_MAX_BYTES = 1000
    f = csv_file([["统一社会信用代码", "企业名称"]] + [[new_uscc(i), "x" * 30] for i in range(100)])
    from chainchief.imports.readers import FileError

    with pytest.raises(FileError, match="文件过大"):
        services.start(user("coordinator"), f, f.name, "enterprises")


def test_name_match_is_confirmed_and_remembered(demo_db):
    ent = Enterprise.objects.order_by("pk").first()
    near = ent.name.replace("有限公司", "有限责任公司")
    rows = [["企业名称", "期间", "营业收入"], [near, "2021-10", "100"]]
    batch = dry("coordinator", xlsx(rows), "monthly_stats")
    assert batch.status == BatchStatus.PARSED
    [m] = batch.pending_matches
    assert ent.pk in [c["id"] for c in m["candidates"]]
    batch = services.confirm_match(batch, user("coordinator"), m["key"], ent.pk)
    assert batch.status == BatchStatus.VALIDATED and batch.new_count == 1
    assert NameMatch.objects.filter(enterprise=ent).exists()
    again = dry("coordinator", xlsx(rows, name="again.xlsx"), "monthly_stats")
    assert again.status == BatchStatus.VALIDATED  # remembered


# --- monthly statistics ---------------------------------------------------------------------------------------

def test_monthly_gbk_csv_with_year_column_and_merged_january(demo_db):
    a, b = Enterprise.objects.order_by("pk")[:2]
    rows = [["2022年重点企业主要经济指标"], [],
            ["年份", "期间", "统一社会信用代码", "企业名称", "营业收入(万元)", "从业人员(人)"],
            ["2022", "1-2月", a.uscc, a.name, "1,234.5", "１２０"],
            ["2022", "1—6月", b.uscc, b.name, "８８８", "30"]]
    batch = dry("coordinator", csv_file(rows, "gbk"), "monthly_stats")
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert batch.new_count == 2
    services.commit(batch, user("coordinator"))
    feb = MonthlyStat.objects.get(enterprise=a, period=date(2022, 2, 1))  # 1–2月 stored under February
    assert feb.revenue == Decimal("1234.50") and feb.employees == 120
    assert MonthlyStat.objects.get(enterprise=b, period=date(2022, 6, 1)).revenue == Decimal("888.00")
    assert ChainFigure.objects.filter(period=date(2022, 6, 1)).exists()  # aggregates refreshed


def test_units_in_headers_are_converted_to_wan_yuan(demo_db):
    a = Enterprise.objects.order_by("pk").first()
    rows = [["统一社会信用代码", "统计期", "营业收入（亿元）", "税收(元)", "利润总额（万元）"],
            [a.uscc, "2022年1-3月", 1.5, 123456, "-20"]]
    batch = dry("coordinator", xlsx(rows), "monthly_stats")
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    services.commit(batch, user("coordinator"))
    row = MonthlyStat.objects.get(enterprise=a, period=date(2022, 3, 1))
    assert row.revenue == Decimal("15000.00") and row.tax == Decimal("12.35") and row.profit == Decimal("-20.00")


def test_negative_count_and_duplicate_rows_are_errors(demo_db):
    a, b = Enterprise.objects.order_by("pk")[:2]
    rows = [["统一社会信用代码", "期间", "营业收入", "从业人员"],
            [a.uscc, "2022-04", 10, -5],
            [b.uscc, "2022-04", 10, 5],
            [b.uscc, "2022-04", 10, 5]]
    batch = dry("coordinator", xlsx(rows), "monthly_stats")
    errors = {e["row"]: e for e in batch.errors}
    assert "不能为负数" in errors[2]["message"] and "从业人员" in errors[2]["column"]
    assert "与第 3 行重复" in errors[4]["message"]
    assert batch.error_count == 2
    batch = services.commit(services.run(batch), user("coordinator")) if batch.can_commit else batch
    assert not MonthlyStat.objects.filter(period=date(2022, 4, 1)).exists()


def test_reimport_changes_nothing_and_rollback_restores(demo_db):
    coordinator = user("coordinator")
    existing = MonthlyStat.objects.order_by("pk").first()
    old_revenue = existing.revenue
    other = Enterprise.objects.exclude(pk=existing.enterprise_id).order_by("pk").first()
    rows = [["统一社会信用代码", "期间", "营业收入（万元）"],
            [existing.enterprise.uscc, f"{existing.period:%Y-%m}", str((old_revenue or 0) + 1)],
            [other.uscc, "2010-01", "5"]]
    # The same file twice (the same bytes: a workbook saved again a second later differs in its timestamps).
    content = xlsx(rows).read()
    first = services.commit(dry("coordinator", SimpleUploadedFile("test.xlsx", content), "monthly_stats"),
                            coordinator)
    assert (first.new_count, first.updated_count) == (1, 1)
    existing.refresh_from_db()
    assert existing.revenue == (old_revenue or 0) + 1 and existing.import_batch == first.pk

    again = dry("coordinator", SimpleUploadedFile("test.xlsx", content), "monthly_stats")
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert again.replaces_id == first.pk
    services.commit(again, coordinator)

    services.rollback(first, coordinator)
    existing.refresh_from_db()
    assert existing.revenue == old_revenue
    assert not MonthlyStat.objects.filter(enterprise=other, period=date(2010, 1, 1)).exists()
    assert ImportBatch.objects.get(pk=first.pk).status == BatchStatus.ROLLED_BACK
    assert AuditEvent.objects.filter(object_id=str(first.pk), content_type__model="importbatch").count() == 2


def test_enterprise_rollback_restores_changed_fields(demo_db):
    coordinator = user("coordinator")
    ent = Enterprise.objects.order_by("pk").first()
    old = ent.contact_name
    rows = [["统一社会信用代码", "联系人"], [ent.uscc, "新联系人"], [new_uscc(9), ""]]
    rows[2] = [new_uscc(9), "某人"]
    rows[0].append("企业名称")
    rows[1].append(ent.name)
    rows[2].append("潍坊撤销测试有限公司")
    batch = services.commit(dry("coordinator", xlsx(rows), "enterprises"), coordinator)
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    ent.refresh_from_db()
    assert ent.contact_name == "新联系人"
    services.rollback(batch, coordinator)
    ent.refresh_from_db()
    assert ent.contact_name == old
    assert not Enterprise.objects.filter(uscc=new_uscc(9)).exists()


def test_enterprise_user_imports_only_its_own_figures(demo_db):
    me = user("enterprise")
    own = me.enterprises.get()
    other = Enterprise.objects.exclude(pk=own.pk).order_by("pk").first()
    rows = [["统一社会信用代码", "期间", "营业收入"], [own.uscc, "2011-01", "10"], [other.uscc, "2011-01", "10"]]
    batch = dry("enterprise", xlsx(rows), "monthly_stats")
    assert batch.status == BatchStatus.PARSED, batch.errors
    [error] = batch.errors
    assert error["row"] == 3 and "无权" in error["message"]
    ok = dry("enterprise", xlsx(rows[:2]), "monthly_stats")
    assert services.commit(ok, me).status == BatchStatus.COMMITTED
    assert MonthlyStat.objects.filter(enterprise=own, period=date(2011, 1, 1)).exists()


def test_leader_cannot_import(demo_db):
    rows = [["统一社会信用代码", "期间", "营业收入"]]
    with pytest.raises(PermissionDenied):
        services.start(user("leader"), xlsx(rows), "a.xlsx", "monthly_stats")


@pytest.mark.parametrize("raw, period", [
    ("2021-06", date(2021, 6, 1)), ("2021年6月", date(2021, 6, 1)), ("2021年1-6月", date(2021, 6, 1)),
    ("202106", date(2021, 6, 1)), ("2024-03-01 00:00:00", date(2024, 3, 1)), ("2024/3/15", date(2024, 3, 1)),
    ("2024年3月31日", date(2024, 3, 1))])
def test_periods_written_as_months_labels_or_dates(raw, period):
    from chainchief.imports.fields import parse_date, parse_period

    assert parse_period(raw) == period
    if raw.count("-") + raw.count("/") == 2 or "日" in raw:  # a full date is a date too
        assert parse_date(raw).replace(day=1) == period


def test_a_period_that_is_no_month_is_refused():
    from chainchief.imports.fields import CellError, parse_period

    for raw in ("2024-13-01", "2024-03-01 25", "下月"):
        with pytest.raises(CellError):
            parse_period(raw)


@pytest.mark.parametrize("raw", ["2021年1-6", "2021.1-6", "2021/1-12", "2021-3/5"])
def test_mixed_separators_are_no_date(raw):
    """“2021年1-6” (a period of months written without 月) must not be read as 6 January."""
    from chainchief.imports.fields import CellError, parse_date, parse_period

    with pytest.raises(CellError):
        parse_period(raw)
    with pytest.raises(CellError):
        parse_date(raw)

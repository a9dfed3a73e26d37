"""The insights app: who reads what, the upload of an input–output table (all or nothing, errors by cell), the
mapping of sectors to chains, the page on the demo's illustrative table, and the API's figures checked against
values worked out here from the raw numbers (closed-form 2×2 inverses, shares squared), not through
chainchief.analytics."""
import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from chainchief.audit.models import AuditEvent
from chainchief.chains.models import Chain
from chainchief.core.models import Region, RegionLevel
from chainchief.insights import services
from chainchief.insights.models import IOFlow, IOSector, IOTable, ReferenceTotal
from chainchief.monitoring.models import ChainFigure, MonthlyStat

pytestmark = pytest.mark.django_db


def _user(name):
    return get_user_model().objects.get(username=name)


def _login(client, name):
    client.force_login(_user(name))
    return client


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("io.xlsx", buf.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


GOOD = [
    ["部门", "甲", "乙", "丙", "最终使用", "总产出"],
    ["甲", 10, 20, 30, 40, 100],
    ["乙", 5, 15, 10, 90, 120],
    ["丙", 20, 10, 40, 130, 200],
]


# --- Permissions ---------------------------------------------------------------------------------------

def test_anonymous_gets_401_and_the_login_page(api, client):
    for path in ("linkages", "location-quotients", "shift-share", "hhi"):
        assert api().get(f"/api/v1/analytics/{path}").status_code == 401
    r = client.get("/insights/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_enterprise_user_reads_the_table_but_no_chain_revenue(api, client):
    e = api("enterprise")
    assert e.get("/api/v1/analytics/linkages").status_code == 200  # reference data: everyone in the region
    for path in ("location-quotients", "shift-share", "hhi"):
        r = e.get(f"/api/v1/analytics/{path}")
        assert r.status_code == 403, path
        assert "无权" in r.json()["detail"]
    page = _login(client, "enterprise").get("/insights/").content.decode()
    assert "cc-linkage-table" in page and "cc-lq-table" not in page and "cc-hhi-table" not in page


def test_a_table_of_another_region_is_not_found(api):
    other = Region.objects.create(name="某市", code="379900", level=RegionLevel.CITY)
    table = services.create_table(_user("admin"), region=other, year=2020, title="他市表",
                                  sectors=[("甲", Decimal(50), Decimal(100))], flows=[[Decimal(10)]])
    assert api("coordinator").get(f"/api/v1/analytics/linkages?table={table.pk}").status_code == 404
    assert api("admin").get(f"/api/v1/analytics/linkages?table={table.pk}").status_code == 200


def test_only_the_chain_office_uploads_and_maps(client):
    _login(client, "leader")
    assert client.get("/insights/tables/new/").status_code == 403
    table = IOTable.objects.get(is_illustrative=True)
    assert client.get(f"/insights/tables/{table.pk}/sectors/").status_code == 200  # reads the mapping
    sector = table.sectors.first()
    assert client.post(f"/insights/tables/{table.pk}/sectors/", {f"sector_{sector.pk}": ""}).status_code == 403


# --- Upload ----------------------------------------------------------------------------------------------

def test_upload_writes_the_table_its_sectors_and_flows(client):
    _login(client, "coordinator")
    before = AuditEvent.objects.count()
    r = client.post("/insights/tables/new/", {"title": "测试表", "year": 2022, "file": _xlsx(GOOD)})
    assert r.status_code == 302
    table = IOTable.objects.get(title="测试表")
    assert [s.name for s in table.sectors.order_by("order")] == ["甲", "乙", "丙"]
    assert table.sectors.get(name="丙").total_output == Decimal(200)
    assert IOFlow.objects.filter(table=table).count() == 9
    assert IOFlow.objects.get(table=table, row__name="甲", column__name="丙").value == Decimal(30)
    assert AuditEvent.objects.count() > before  # the table and its sectors are audited
    assert r["Location"].endswith(f"/insights/tables/{table.pk}/sectors/")


def test_one_bad_cell_writes_nothing_and_names_row_column_and_reason(client):
    _login(client, "coordinator")
    bad = [list(r) for r in GOOD]
    bad[2][2] = "十五"  # 乙 row, 乙 column: cell C3
    tables, sectors = IOTable.objects.count(), IOSector.objects.count()
    r = client.post("/insights/tables/new/", {"title": "坏表", "year": 2022, "file": _xlsx(bad)})
    assert r.status_code == 200
    page = r.content.decode()
    assert "未写入任何数据" in page
    assert "第 3 行 C3 格（“乙”行、“乙”列）：应为数字，实为“十五”。" in page
    assert IOTable.objects.count() == tables and IOSector.objects.count() == sectors


def test_parse_errors_for_negative_flows_zero_output_and_misordered_names():
    rows = [list(r) for r in GOOD]
    rows[1][3] = -1
    rows[3][5] = 0
    rows[2][0] = "丁"
    with pytest.raises(Exception) as exc:
        services.parse_workbook(_xlsx(rows))
    messages = exc.value.messages
    assert "第 2 行 D2 格（“甲”行、“丙”列）：中间流量不能为负数。" in messages
    assert "第 4 行 F4 格（“丙”的总产出）：应为正数，实为“0”。" in messages
    assert "第 3 行第 A 列：部门名称应为“乙”（与第 1 行同序），实为“丁”。" in messages
    rows = [list(r) for r in GOOD]
    rows[1][1] = 95  # 甲's inputs 95 + 5 + 20 ≥ its output 100
    with pytest.raises(Exception) as exc:
        services.parse_workbook(_xlsx(rows))
    assert exc.value.messages == ["第 B 列（“甲”）：中间投入合计 120 不小于总产出 100，无法计算系数。"]
    with pytest.raises(Exception) as exc:
        services.parse_workbook(SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert "无法读取" in exc.value.messages[0]


def test_mapping_sets_each_sectors_chain_with_an_audit_row(client):
    _login(client, "coordinator")
    table = IOTable.objects.get(is_illustrative=True)
    sector = table.sectors.get(name="农林牧渔业")
    chain = Chain.objects.get(name="智能农机")
    data = {f"sector_{s.pk}": str(s.chain_id or "") for s in table.sectors.all()}
    data[f"sector_{sector.pk}"] = str(chain.pk)
    before = AuditEvent.objects.count()
    r = client.post(f"/insights/tables/{table.pk}/sectors/", data)
    assert r.status_code == 302
    sector.refresh_from_db()
    assert sector.chain == chain
    assert AuditEvent.objects.count() == before + 1


# --- The page ---------------------------------------------------------------------------------------------

def test_city_page_with_the_demo_table(client):
    page = _login(client, "coordinator").get("/insights/").content.decode()
    for text in ("示意数据", "影响力系数", "感应度系数", "产出乘数", "拉动作用强于平均", "cc-dependency-table",
                 "cc-lq-table", "cc-shift-table", "cc-hhi-table", "动力装备", "cc-insights-data"):
        assert text in page, text


def test_page_without_a_table_says_so(client):
    IOTable.objects.all().delete()
    page = _login(client, "leader").get("/insights/").content.decode()
    assert "尚未上传投入产出表" in page


def test_nav_link_for_officials_only(client):
    assert 'href="/insights/"' in _login(client, "leader").get("/").content.decode()
    client.logout()
    assert 'href="/insights/"' not in _login(client, "enterprise").get("/").content.decode()


# --- The API's figures, worked out independently -----------------------------------------------------------

def _inverse_2x2(m):
    (a, b), (c, d) = m
    det = a * d - b * c
    return [[d / det, -b / det], [-c / det, a / det]]


def test_linkages_equal_the_figures_worked_by_hand(api):
    p, q = Chain.objects.get(name="动力装备"), Chain.objects.get(name="汽车制造")
    office = _user("coordinator")
    sectors, flows = services.parse_workbook(_xlsx(GOOD))
    table = services.create_table(office, region=p.region, year=2022, title="三部门", sectors=sectors, flows=flows)
    ids = {s.name: s.pk for s in table.sectors.all()}
    services.map_sectors(office, table, {ids["甲"]: p, ids["乙"]: p, ids["丙"]: q})
    body = api("leader").get(f"/api/v1/analytics/linkages?table={table.pk}").json()
    assert body["labels"] == ["动力装备", "汽车制造"]
    # Merged by hand: 动力装备 = 甲 + 乙, 汽车制造 = 丙.
    Z = [[10 + 20 + 5 + 15, 30 + 10], [20 + 10, 40]]
    x = [100 + 120, 200]
    assert body["flows"] == Z
    A = [[Z[i][j] / x[j] for j in range(2)] for i in range(2)]
    L = _inverse_2x2([[1 - A[0][0], -A[0][1]], [-A[1][0], 1 - A[1][1]]])
    col = [L[0][j] + L[1][j] for j in range(2)]
    B = [[Z[i][j] / x[i] for j in range(2)] for i in range(2)]
    G = _inverse_2x2([[1 - B[0][0], -B[0][1]], [-B[1][0], 1 - B[1][1]]])
    row = [G[i][0] + G[i][1] for i in range(2)]
    for k, c in enumerate(body["chains"]):
        assert c["total_output"] == pytest.approx(x[k])
        assert c["output_multiplier"] == pytest.approx(col[k])
        assert c["power_of_dispersion"] == pytest.approx(col[k] / (sum(col) / 2))
        assert c["sensitivity_of_dispersion"] == pytest.approx(row[k] / (sum(row) / 2))
        assert c["reading"].startswith("拉动作用强于平均" if col[k] > sum(col) / 2 else "拉动作用弱于平均")
    assert body["technical_coefficients"] == [[pytest.approx(v) for v in r] for r in A]
    assert body["edges"][0] == {"source": "动力装备", "target": "汽车制造", "value": 40.0}


def test_location_quotients_equal_the_shares_ratio(api):
    body = api("coordinator").get("/api/v1/analytics/location-quotients").json()
    assert body["reference"] == "山东省" and body["year"] == 2020
    city = ChainFigure.objects.get(chain__isnull=True, region__code="370700", period=date(2020, 12, 1)).revenue
    total = ReferenceTotal.objects.get(reference="山东省", year=2020, is_total=True).value
    assert len(body["items"]) == 15
    for item in body["items"]:
        c = ChainFigure.objects.get(chain_id=item["chain_id"], period=date(2020, 12, 1)).revenue
        r = ReferenceTotal.objects.get(reference="山东省", year=2020, chain_id=item["chain_id"]).value
        assert item["location_quotient"] == pytest.approx(float(c / city) / float(r / total))


def test_shift_share_components_from_the_raw_totals(api):
    body = api("leader").get("/api/v1/analytics/shift-share").json()
    assert (body["start_year"], body["end_year"]) == (2019, 2020)
    ref = {(t.year, t.chain_id): float(t.value) for t in ReferenceTotal.objects.filter(reference="山东省")}
    G = ref[(2020, None)] / ref[(2019, None)] - 1
    assert body["reference_growth"] == pytest.approx(G)
    for item in body["items"]:
        k = item["chain_id"]
        e0 = float(ChainFigure.objects.get(chain_id=k, period=date(2019, 12, 1)).revenue)
        e1 = float(ChainFigure.objects.get(chain_id=k, period=date(2020, 12, 1)).revenue)
        g = ref[(2020, k)] / ref[(2019, k)] - 1
        assert item["national_share"] == pytest.approx(e0 * G)
        assert item["industry_mix"] == pytest.approx(e0 * (g - G))
        assert item["regional_shift"] == pytest.approx(e1 - e0 * (1 + g))


def test_hhi_is_the_sum_of_squared_percent_shares(api):
    body = api("chief").get("/api/v1/analytics/hhi?period=2021-06").json()
    assert body["period"] == "2021-06"
    item = next(i for i in body["items"] if i["name"] == "动力装备")
    values = [float(v) for v in MonthlyStat.objects.filter(
        period=date(2021, 6, 1), revenue__isnull=False, enterprise__memberships__chain_id=item["chain_id"])
        .values_list("revenue", flat=True)]
    total = sum(values)
    expected = sum((100 * v / total) ** 2 for v in values)
    assert item["enterprises"] == len(values)
    assert item["hhi"] == pytest.approx(expected)
    assert item["equivalent_enterprises"] == pytest.approx(10000 / expected)

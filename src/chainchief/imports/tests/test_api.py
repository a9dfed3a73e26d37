"""The import API (multipart upload, commit, rollback, templates, error file) and exports."""
import csv
import io

import openpyxl
import pytest

from chainchief.enterprises.models import Enterprise
from chainchief.core.export import export_rows
from chainchief.imports.tests.helpers import bad_uscc, new_uscc, xlsx

pytestmark = pytest.mark.django_db


def upload(client, f, kind, dry_run=True):
    return client.client.post("/api/v1/imports", {"file": f, "kind": kind, "dry_run": "true" if dry_run else "false"},
                              HTTP_AUTHORIZATION=f"Bearer {client.token}")


def test_upload_commit_rollback_over_the_api(api):
    c = api("coordinator")
    a = Enterprise.objects.order_by("pk").first()
    rows = [["统一社会信用代码", "期间", "营业收入（万元）"], [a.uscc, "2012-05", "12.5"]]
    r = upload(c, xlsx(rows), "monthly_stats")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "validated" and body["new_count"] == 1 and body["can_commit"]
    assert body["preview"][0]["action"] == "new" and body["preview"][0]["revenue"] == "12.50"
    pk = body["id"]
    assert c.get(f"/api/v1/imports/{pk}").json()["sha256"] == body["sha256"]
    r = c.post(f"/api/v1/imports/{pk}/commit")
    assert r.status_code == 200 and r.json()["status"] == "committed"
    assert c.post(f"/api/v1/imports/{pk}/commit").status_code == 400  # only once
    r = c.post(f"/api/v1/imports/{pk}/rollback")
    assert r.status_code == 200 and r.json()["status"] == "rolled_back"
    assert c.get("/api/v1/imports").json()["count"] >= 1


def test_errors_over_the_api_and_error_file(api):
    c = api("coordinator")
    rows = [["统一社会信用代码", "企业名称"], [bad_uscc(new_uscc(1)), "潍坊错误测试有限公司"]]
    body = upload(c, xlsx(rows), "enterprises").json()
    assert body["status"] == "parsed"
    assert body["errors"][0] == {"row": 2, "column": "A 列“统一社会信用代码”", "value": bad_uscc(new_uscc(1)),
                                 "message": body["errors"][0]["message"]}
    assert c.post(f"/api/v1/imports/{body['id']}/commit").status_code == 400
    r = c.get(f"/api/v1/imports/{body['id']}/errors")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert ws.cell(1, 3).value == "错误说明" and "校验位" in ws.cell(2, 3).value


def test_direct_commit_without_dry_run(api):
    c = api("coordinator")
    rows = [["统一社会信用代码", "企业名称", "所在区县"], [new_uscc(77), "潍坊直接导入有限公司", "潍城区"]]
    body = upload(c, xlsx(rows), "enterprises", dry_run=False).json()
    assert body["status"] == "committed"
    assert Enterprise.objects.filter(uscc=new_uscc(77)).exists()


def test_leader_gets_403_and_others_do_not_see_batches(api):
    rows = [["统一社会信用代码", "期间", "营业收入"]]
    r = upload(api("leader"), xlsx(rows), "monthly_stats")
    assert r.status_code == 403 and "无权" in r.json()["detail"]
    body = upload(api("coordinator"), xlsx([["统一社会信用代码", "企业名称"], [new_uscc(3), "潍坊甲有限公司"]]),
                  "enterprises").json()
    assert api("enterprise").get(f"/api/v1/imports/{body['id']}").status_code == 404


def test_template_has_instructions_and_headers(api):
    r = api("coordinator").get("/api/v1/imports/templates/monthly_stats")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert "填写说明" in ws.cell(1, 1).value
    assert ws.cell(2, 1).value == "统一社会信用代码"
    # the template itself imports (its example row names an unknown enterprise: one error, no crash)
    assert api("coordinator").get("/api/v1/imports/templates/nope").status_code == 400


def test_enterprise_export_respects_scope_and_escapes_formulas(api):
    ent = Enterprise.objects.order_by("pk").first()
    Enterprise.objects.filter(pk=ent.pk).update(contact_name="=HYPERLINK(\"http://x\")")
    r = api("coordinator").get("/api/v1/enterprises/export?format=csv")
    assert r.status_code == 200
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "统一社会信用代码"
    assert "'=HYPERLINK(\"http://x\")" in [cell for row in rows for cell in row]
    assert len(rows) - 1 == Enterprise.objects.filter(region__code__startswith="3707").count()  # the city's
    mine = api("enterprise").get("/api/v1/enterprises/export?format=xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(mine.streaming_content))).active
    assert ws.max_row == 2  # the header and its own enterprise only


def test_export_rows_escapes_in_both_formats():
    rows = [{"a": "=1+1", "b": "-2", "n": -2, "c": "@SUM(A1)", "d": "plain"}]
    cols = [("a", "A"), ("b", "B"), ("n", "N"), ("c", "C"), ("d", "D")]
    text = export_rows(rows, cols, "csv").read().decode("utf-8-sig")
    assert text.splitlines()[1] == "'=1+1,'-2,-2,'@SUM(A1),plain"
    ws = openpyxl.load_workbook(export_rows(rows, cols, "xlsx")).active
    assert ws.cell(2, 1).value == "=1+1" and ws.cell(2, 1).data_type == "s" and ws.cell(2, 1).quotePrefix
    assert ws.cell(2, 3).value == -2


def _sheet(response):
    assert response.status_code == 200, response.content[:300]
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def test_every_api_list_exports_with_its_filters_and_scope(api):
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Membership

    ws = _sheet(api("coordinator").get("/api/v1/chains/export"))
    headings = [c.value for c in ws[1]]
    assert {"名称", "链长", "牵头部门", "配合部门", "企业数"} <= set(headings) and "version" not in headings
    city = Chain.objects.filter(region__code="370700").count()  # 潍坊's alone, not the province's other cities'
    assert ws.max_row - 1 == city < Chain.objects.count()
    power = Chain.objects.get(name="动力装备")
    row = {h: c.value for h, c in zip(headings, next(r for r in ws.iter_rows(min_row=2) if r[1].value == "动力装备"))}
    assert row["牵头部门"] == power.departments.get(is_lead=True).department.name
    assert "市长" not in (row["链长"] or "") and power.roles.get(kind="chief").person.name in row["链长"]
    one = _sheet(api("coordinator").get("/api/v1/chains/export?q=动力装备"))
    assert one.max_row == 2
    mine = _sheet(api("enterprise").get("/api/v1/memberships/export"))
    own = Membership.objects.filter(enterprise__scoped_users__username="enterprise").count()
    assert mine.max_row - 1 == own < Membership.objects.count()
    r = api("coordinator").get("/api/v1/people/export?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(r.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["ID", "名称", "职务"] and len(rows) > 2
    assert api("coordinator").get("/api/v1/people/export?format=pdf").status_code == 400
    assert api().get("/api/v1/people/export").status_code == 401


def test_an_exported_cell_that_looks_like_a_formula_stays_text(api):
    from chainchief.core.models import Person, Region

    Person.objects.create(name="=cmd|' /C calc'!A0", title="@SUM(1)", region=Region.objects.get(code="370700"))
    ws = _sheet(api("coordinator").get("/api/v1/people/export?q=cmd"))
    assert ws.max_row == 2 and ws.cell(2, 2).value == "=cmd|' /C calc'!A0" and ws.cell(2, 2).quotePrefix

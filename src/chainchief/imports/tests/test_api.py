"""The import API (multipart upload, commit, rollback, templates, error file) and exports."""
import csv
import io

import openpyxl
import pytest

from chainchief.enterprises.models import Enterprise
from chainchief.imports.export import export_rows
from chainchief.imports.tests.helpers import bad_uscc, new_uscc, xlsx

pytestmark = pytest.mark.django_db


def upload(client, f, kind, dry_run=True):
    return client.client.post("/api/v1/imports", {"file": f, "kind": kind, "dry_run": "true" if dry_run else "false"},
                              HTTP_AUTHORIZATION=f"Bearer {client.token}")


def test_upload_commit_rollback_over_the_api(api):
    c = api("coordinator")
    a = Enterprise.objects.order_by("pk").first()
    rows = [["统一社会信用代码", "期间", "营业收入（万元）"], [a.uscc, "2032-05", "12.5"]]
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
    assert len(rows) - 1 == Enterprise.objects.count()
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

"""Import pages with the test client, and in a real browser: upload → preview → commit, with a screenshot."""
import os

import pytest

from chainchief.enterprises.models import Enterprise
from chainchief.imports.models import ImportBatch
from chainchief.imports.tests.helpers import bad_uscc, new_uscc, xlsx

PASSWORD = "Demo#2026"


def sample_rows():
    ents = list(Enterprise.objects.order_by("pk")[:6])
    rows = [["统一社会信用代码", "企业名称", "期间", "营业收入（亿元）", "从业人员（人）"]]
    for i, e in enumerate(ents):
        rows.append([e.uscc, e.name, "2021年1-9月", round(1.2 + i * 0.37, 2), 100 + i])
    rows.append([bad_uscc(new_uscc(4)), "潍坊未登记测试有限公司", "2021年1-9月", 0.5, -3])
    rows.append([ents[0].uscc.replace("9", "９"), ents[0].name, "2021年1-9月", 2.0, 10])
    return rows


@pytest.mark.django_db
def test_upload_preview_commit_pages(demo_db, client):
    client.login(username="coordinator", password=PASSWORD)
    assert client.get("/imports/new/").status_code == 200
    rows = sample_rows()[:-2]
    r = client.post("/imports/new/", {"kind": "monthly_stats", "file": xlsx(rows, title="2021年1-9月重点企业")})
    assert r.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    page = client.get(r["Location"]).content.decode()
    assert "确认导入" in page and "预览" in page
    r = client.post(f"/imports/{batch.pk}/commit/", follow=True)
    assert "导入完成" in r.content.decode()
    assert client.get("/imports/").status_code == 200
    assert client.get(f"/imports/{batch.pk}/progress/").status_code == 200
    assert client.get("/imports/templates/enterprises/").status_code == 200


@pytest.mark.django_db
def test_leader_sees_no_import_choices(demo_db, client):
    client.login(username="leader", password=PASSWORD)
    assert "无权导入" in client.get("/imports/new/").content.decode()


@pytest.fixture
def demo_live(transactional_db, live_server):
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()
    return live_server


@pytest.mark.browser
def test_preview_in_a_browser(page, demo_live, artifacts, tmp_path):
    base = demo_live.url
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("coordinator")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/imports/new/")
    page.screenshot(path=os.path.join(artifacts, "import-upload.png"), full_page=True)
    f = xlsx(sample_rows(), title="2021年1-9月重点企业主要经济指标")
    path = tmp_path / "重点企业1-9月.xlsx"
    path.write_bytes(f.read())
    page.get_by_label("导入类型").select_option("monthly_stats")
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_url("**/imports/*/")
    page.screenshot(path=os.path.join(artifacts, "import-preview.png"), full_page=True)
    assert page.get_by_text("第 9 行").first.is_visible()

"""Briefings: the Word file's figures are the API's for the same period; the PDF embeds its fonts and is one page
for a chain; who may generate and read which issue; a one-pager holds only what its author may see; the command,
the queue, a failure that leaves no file, and the pages."""
import io
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from docx import Document

from chainchief.testing import as_user  # noqa: F401

PERIOD = "2021-06"


@pytest.fixture(autouse=True)
def briefing_dir(settings, tmp_path):
    settings.BRIEFING_DIR = tmp_path / "briefings"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                                  "ENQUEUE_ON_COMMIT": False}}
    return settings.BRIEFING_DIR


def _yi(wan):
    return (Decimal(str(wan)) / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _pct(x):
    return "—" if x is None else f"{x * 100:.1f}%"


def _docx(client, item):
    r = client.get(item["docx_url"])
    assert r.status_code == 200, r.content[:200]
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    return Document(io.BytesIO(b"".join(r.streaming_content)))


def _pdf(client, item, tmp_path):
    r = client.get(item["pdf_url"])
    assert r.status_code == 200
    path = tmp_path / f"b{item['id']}.pdf"
    path.write_bytes(b"".join(r.streaming_content))
    assert path.read_bytes()[:5] == b"%PDF-"
    return path


def _tables(container):
    """Every table of the document, also those laid out within a table's cells."""
    for table in container.tables:
        yield table
        for row in table.rows:
            for cell in row.cells:
                yield from _tables(cell)


def _table(doc, first_header):
    for table in _tables(doc):
        if table.rows[0].cells[0].text == first_header:
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table headed {first_header}")


def _text(doc):
    return "\n".join(p.text for p in doc.paragraphs)


def _generate(client, **body):
    r = client.post("/api/v1/briefings", {"period": PERIOD, **body})
    assert r.status_code == 201, r.content
    item = r.json()
    assert item["status"] == "done", item["message"]
    return item


def test_the_monthly_briefing_says_what_the_api_says(as_user):
    coordinator = as_user("coordinator")
    item = _generate(coordinator, introduction="本期导语：请各链长办对照落实。")
    doc = _docx(coordinator, item)
    api = coordinator.get(f"/api/v1/monitoring/chains?period={PERIOD}").json()
    assert len(api["items"]) >= 15

    rows = _table(doc, "排名")
    assert rows[0] == ["排名", "产业链", "累计营业收入（亿元）", "可比同比", "目标进度", "所需年均增速", "状态"]
    by_name = {r[1]: r for r in rows[1:]}
    assert set(by_name) == {c["name"] for c in api["items"]}
    for c in api["items"]:
        rank, _name, revenue, yoy, progress, required, status = by_name[c["name"]]
        assert rank == str(c["rank"])
        assert Decimal(revenue) == _yi(c["ytd_revenue"])
        assert yoy == _pct(c["yoy_comparable"])
        assert progress == _pct(c["progress"])
        assert required == _pct(c["required_cagr"])
        assert status == c["status_label"]
    text = _text(doc)
    assert f"{_yi(api['city']['revenue'])} 亿元" in text  # the city's total, as the cockpit's API gives it
    assert _pct(api["city"]["yoy_comparable"]) in text
    assert "本期导语：请各链长办对照落实。" in text
    # The document's own parts: masthead, issue and document number, headings, the page number field.
    serial = item["number"]  # the register's next number; the year is the 成文日期's (2021-07-31 by default)
    assert item["doc_number"] == f"潍链办〔2021〕{serial}号" and item["signed_on"] == "2021-07-31"
    assert "产业链工作通报" in text and f"2021年第{serial}期" in text and item["doc_number"] in text
    for heading in ("一、总体情况", "二、各产业链运行情况", "三、主要问题", "四、工作推进情况", "五、下步工作"):
        assert heading in text
    footer = doc.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer
    body = doc.element.xml
    assert 'w:eastAsia="仿宋"' in body and 'w:eastAsia="黑体"' in body
    assert len(doc.inline_shapes) == 2  # the trend and the progress charts
    # The API keeps the figures the file holds.
    figures = coordinator.get(f"/api/v1/briefings/{item['id']}/figures").json()
    assert [c["name"] for c in figures["chains"]] == [c["name"] for c in api["items"]]


def test_main_problems_name_each_chain_once_and_compare_in_points(as_user):
    """三、主要问题: one sentence per chain (never a chain twice), the city's growth stated once as the threshold, a
    chain below it by the gap in percentage points computed from the cockpit's figures; 下步工作 and 版记 follow."""
    coordinator = as_user("coordinator")
    item = _generate(coordinator)
    text = _text(_docx(coordinator, item))
    api = coordinator.get(f"/api/v1/monitoring/chains?period={PERIOD}").json()
    city = api["city"]["yoy_comparable"]
    section = text[text.index("三、主要问题"):text.index("四、工作推进情况")]
    lines = [line for line in section.splitlines()[1:] if "：" in line and not line.startswith("对照")]
    names = [line.split("：")[0] for line in lines if not line.startswith("企业层面")]
    assert names and len(names) == len(set(names))
    assert section.count(f"同比增长 {_pct(city)}") == 1  # the threshold, once
    for c in api["items"]:
        growth = c["yoy_comparable"]
        if growth is not None and 0 <= growth < city and round(growth, 3) < round(city, 3):
            line = next(x for x in lines if x.startswith(c["name"] + "："))
            assert f"增长 {_pct(growth)}，低于全市 {abs(growth - city) * 100:.1f} 个百分点" in line
    assert "下步工作" in text and "抄送：" in text and "印发" in text


def test_overdue_tasks_and_requests_by_department_are_those_the_ledger_counts(as_user):
    coordinator = as_user("coordinator")
    item = _generate(coordinator)
    doc = _docx(coordinator, item)
    tasks = _table(doc, "牵头部门")
    overdue = coordinator.get("/api/v1/tasks?overdue=true&limit=1").json()["count"]
    assert sum(int(r[2]) for r in tasks[1:]) == overdue
    requests = _table(doc, "承办部门")
    stats = coordinator.get("/api/v1/requests/stats?by=department").json()
    listed = {r[0]: r for r in requests[1:]}
    for row in stats["rows"]:
        if row["open"] or row["overdue"]:
            assert listed[row["name"]][2:4] == [str(row["open"]), str(row["overdue"])]


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils is not installed")
def test_the_pdf_embeds_its_fonts_and_reads_as_chinese(as_user, tmp_path):
    coordinator = as_user("coordinator")
    item = _generate(coordinator)
    path = _pdf(coordinator, item, tmp_path)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    rows = fonts[2:]
    assert rows, "the PDF names no font"
    for row in rows:
        assert row.split()[-5] == "yes", row  # the "emb" column
    assert any("CJK" in row for row in rows)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "动力装备" in text and "各产业链运行情况" in text
    assert "—1—" in text.replace(" ", "") and "—2—" in text.replace(" ", "")  # page numbers


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_a_chiefs_one_pager_is_one_page_of_his_chain(as_user, tmp_path):
    chief = as_user("chief")
    power = chief.get("/api/v1/chains?q=动力装备").json()["items"][0]
    item = _generate(chief, kind="chain", chain=power["id"])
    assert item["chain_id"] == power["id"]
    pages = subprocess.run(["pdfinfo", str(_pdf(chief, item, tmp_path))], capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M), pages
    doc = _docx(chief, item)
    kpi = _table(doc, "累计营业收入（亿元）")
    api = chief.get(f"/api/v1/monitoring/chains?period={PERIOD}").json()
    mine = next(c for c in api["items"] if c["chain_id"] == power["id"])
    assert Decimal(kpi[1][0]) == _yi(mine["ytd_revenue"]) and kpi[1][5] == mine["status_label"]
    chain_map = chief.get(f"/api/v1/chains/{power['id']}/map?enterprises=false").json()
    assert f"强链 {chain_map['summary']['strong']}、弱链 {chain_map['summary']['weak']}" in doc.element.xml
    gaps = chief.get(f"/api/v1/chains/{power['id']}/lists/gaps").json()
    assert [r[0] for r in _table(doc, "补短板环节")[1:]] == [g["name"] for g in gaps][:6]


def test_who_may_generate_and_read_which_issue(as_user):
    coordinator, chief, leader = as_user("coordinator"), as_user("chief"), as_user("leader")
    chains = coordinator.get("/api/v1/chains?limit=100").json()["items"]
    power = next(c for c in chains if c["name"] == "动力装备")
    other = next(c for c in chains if c["name"] != "动力装备")
    monthly = _generate(coordinator)
    own = _generate(chief, kind="chain", chain=power["id"])

    assert as_user(None).get("/api/v1/briefings").status_code == 401
    assert chief.post("/api/v1/briefings", {"period": PERIOD}).status_code == 403  # the city's: not a chief's
    assert chief.post("/api/v1/briefings", {"period": PERIOD, "kind": "chain", "chain": other["id"]}).status_code == 403
    for name in ("leader", "commissioner", "enterprise"):
        assert as_user(name).post("/api/v1/briefings", {"period": PERIOD, "kind": "chain",
                                                        "chain": power["id"]}).status_code == 403, name
    r = coordinator.post("/api/v1/briefings", {"period": PERIOD, "kind": "chain"})
    assert r.status_code == 400 and "chain" in r.json()["errors"]
    r = coordinator.post("/api/v1/briefings", {"period": "2021-13"})
    assert r.status_code == 400 and "period" in r.json()["errors"]

    def seen(client):
        return {b["id"] for b in client.get("/api/v1/briefings").json()["items"]}

    def chains_seen(client):
        return {b["chain_id"] for b in client.get("/api/v1/briefings").json()["items"]}

    assert seen(coordinator) >= {monthly["id"], own["id"]}
    assert seen(leader) >= {monthly["id"], own["id"]}
    # The city's issue lists every chain's projects: not for one chain's chief, nor for its lead department.
    for client in (chief, as_user("dept")):
        assert own["id"] in seen(client) and monthly["id"] not in seen(client)
        assert chains_seen(client) == {power["id"]}
    for name in ("commissioner", "enterprise"):
        client = as_user(name)
        assert seen(client) == set()
        assert client.get(f"/api/v1/briefings/{own['id']}").status_code == 404
        assert client.get(own["docx_url"]).status_code == 404
    assert chief.get(monthly["docx_url"]).status_code == 404
    assert leader.get(monthly["pdf_url"]).status_code == 200
    assert leader.delete(f"/api/v1/briefings/{monthly['id']}").status_code == 403
    assert coordinator.delete(f"/api/v1/briefings/{monthly['id']}").status_code == 200
    assert coordinator.get(monthly["docx_url"]).status_code == 404


def test_a_one_pager_holds_only_what_its_author_may_see(as_user):
    """The content is read through the permission filter as its author: a service commissioner sees the
    figures of the enterprises it serves, and the one-pager built for it names no other enterprise."""
    from django.contrib.auth import get_user_model

    from chainchief.analytics.periods import Period
    from chainchief.briefings import content
    from chainchief.chains.models import Chain

    User = get_user_model()
    commissioner, coordinator = User.objects.get(username="commissioner"), User.objects.get(username="coordinator")
    served = set(commissioner.enterprises.values_list("name", flat=True))
    period = Period.parse(PERIOD)
    shown = None
    for chain in Chain.objects.filter(memberships__enterprise__in=commissioner.enterprises.all()).distinct():
        narrow = content.chain_page(commissioner, chain, period)
        wide = content.chain_page(coordinator, chain, period)
        names = {e["name"] for e in narrow["top_enterprises"]}
        assert names <= served, names - served
        assert {r["enterprise"] for r in narrow["requests"]["rows"]} <= served
        if {e["name"] for e in wide["top_enterprises"]} - served:
            shown = chain
    assert shown is not None, "no chain where the coordinator's one-pager names more enterprises"


def test_the_command_writes_both_files_and_audits_the_issue(demo_db, briefing_dir, capsys):
    from chainchief.audit.models import AuditEvent
    from chainchief.briefings.models import Briefing

    call_command("briefing", "--period", PERIOD)
    out = capsys.readouterr().out
    briefing = Briefing.objects.latest("pk")
    assert briefing.status == "done" and briefing.region.name == "潍坊市" and briefing.period.isoformat() == "2021-06-01"
    files = sorted(p.suffix for p in (briefing_dir / str(briefing.pk)).iterdir())
    assert files == [".docx", ".pdf"] and str(briefing_dir) in out
    actions = list(AuditEvent.objects.filter(object_id=str(briefing.pk), content_type__model="briefing")
                   .values_list("action", flat=True).order_by("pk"))
    assert actions == ["create", "update"]
    doc = Document(str(next((briefing_dir / str(briefing.pk)).glob("*.docx"))))
    assert "动力装备" in doc.element.xml
    with pytest.raises(Exception, match="2021-13|期间"):
        call_command("briefing", "--period", "2021-13")


def test_a_province_sized_issue_is_queued_and_shows_its_progress(as_user, settings, client):
    from django.contrib.auth import get_user_model

    from chainchief.briefings import services
    from chainchief.briefings.models import Briefing

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.BRIEFING_QUEUE_CHAINS = 3  # the demo city's 15 chains count as a province's
    r = as_user("coordinator").post("/api/v1/briefings", {"period": PERIOD})
    assert r.status_code == 202, r.content
    item = r.json()
    assert item["status"] == "pending" and item["docx_url"] is None
    coordinator = get_user_model().objects.get(username="coordinator")
    client.force_login(coordinator)
    page = client.get(f"/briefings/{item['id']}/progress/", HTTP_HX_REQUEST="true")
    assert "every 1s" in page.content.decode() and "HX-Refresh" not in page
    services.generate(Briefing.objects.get(pk=item["id"]), coordinator)  # what the worker runs
    page = client.get(f"/briefings/{item['id']}/progress/", HTTP_HX_REQUEST="true")
    assert page["HX-Refresh"] == "true" and "下载 Word" in page.content.decode()


def test_a_failed_generation_keeps_its_reason_and_no_file(as_user, briefing_dir, monkeypatch):
    from chainchief.briefings import pdf

    def broken(*args, **kwargs):
        raise OSError("字体库不可用")

    monkeypatch.setattr(pdf, "render", broken)
    r = as_user("coordinator").post("/api/v1/briefings", {"period": PERIOD})
    assert r.status_code == 201
    item = r.json()
    assert item["status"] == "failed" and "字体库不可用" in item["message"]
    assert item["docx_url"] is None and not (briefing_dir / str(item["id"])).exists() or \
        not list((briefing_dir / str(item["id"])).iterdir())


def test_the_pages(demo_db, client):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    client.force_login(User.objects.get(username="coordinator"))
    page = client.get("/briefings/")
    assert page.status_code == 200 and "生成 Word 与 PDF" in page.content.decode()
    empty = client.get("/briefings/?q=没有这样的通报")
    assert "没有符合条件的通报" in empty.content.decode()
    r = client.post("/briefings/new/", {"kind": "chain", "period": PERIOD})
    assert r.status_code == 400 and "产业链一页纸须选择产业链" in r.content.decode()
    r = client.post("/briefings/new/", {"kind": "monthly", "period": PERIOD, "introduction": "导语文字"})
    assert r.status_code == 302
    detail = client.get(r["Location"])
    html = detail.content.decode()
    assert "下载 Word" in html and "导语文字" in html and "动力装备" in html
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    download = client.get(f"/briefings/{pk}/pdf/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    again = client.post(f"/briefings/{pk}/again/", {"title": "更正稿", "introduction": "新导语"})
    assert again.status_code == 302 and again["Location"] != r["Location"]
    html = client.get(again["Location"]).content.decode()
    assert "本文为更正稿，替代" in html and "生成更正稿" in html
    assert "已被更正稿替代" in client.get(f"/briefings/{pk}/").content.decode()
    assert client.get(f"/briefings/{pk}/docx/").status_code == 200  # the first issue's file is kept

    client.force_login(User.objects.get(username="chief"))
    assert client.get(f"/briefings/{pk}/").status_code == 404
    html = client.get("/briefings/").content.decode()
    form = html[html.index('action="/briefings/new/"'):]
    assert 'value="chain"' in form and 'value="monthly"' not in form  # a chief makes one-pagers only
    client.force_login(User.objects.get(username="enterprise"))
    assert client.get("/briefings/").status_code == 403

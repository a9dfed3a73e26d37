"""Hostile input: script payloads stored in text fields (a chain's name, an enterprise's, a segment's, a task's title,
a request's title and content) are shown as text on the pages that show them, the charts' labels and tooltips
included; attachment names with path tricks do nothing; oversize and malformed uploads are refused with a message.

The browser test runs with the Content Security Policy bypassed, so that it proves the escaping itself: with the
policy on, an injected handler would be blocked anyway (web/tests/test_csp.py)."""
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chainchief.testing import as_user, world  # noqa: F401
from chainchief.web.tests.pages import login, text  # noqa: F401
from chainchief.web.tests.test_browser import demo_live, log_in, wait_until  # noqa: F401

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'


def _plant(world):
    """Payloads in the text fields of 动力装备 and what hangs off it; returns the objects."""
    from chainchief.appeals.models import Request
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Enterprise
    from chainchief.maps.models import Segment
    from chainchief.work.models import Task

    chain = world.power
    Chain.objects.filter(pk=chain.pk).update(name=f"动力{SCRIPT}", short_name="动力")
    enterprise = Enterprise.objects.filter(memberships__chain=chain).order_by("pk").first()
    Enterprise.objects.filter(pk=enterprise.pk).update(name=f"企业{IMG}", short_name=f"简{SCRIPT}"[:32])
    segment = Segment.objects.filter(chain=chain).order_by("pk").first()
    Segment.objects.filter(pk=segment.pk).update(name=f"环节{IMG}", description=SCRIPT)
    task = Task.objects.create(chain=chain, title=f"任务{SCRIPT}", description=IMG, due_on=date(2030, 1, 1),
                               lead_department=world.industry)
    req = Request.objects.create(enterprise=enterprise, chain=chain, title=f"诉求{IMG}", content=SCRIPT,
                                 status="handling", department=world.industry)
    return {"chain": chain, "enterprise": enterprise, "segment": segment, "task": task, "request": req}


def test_payloads_are_escaped_on_every_page_that_shows_them(world, login):  # noqa: F811
    objects = _plant(world)
    client = login("coordinator")
    chain, ent = objects["chain"], objects["enterprise"]
    pages = ["/", f"/chains/{chain.pk}/", "/enterprises/", f"/enterprises/{ent.pk}/", f"/enterprises/?q=企业",
             "/maps/", f"/maps/{chain.pk}/", f"/maps/{chain.pk}/lists/", f"/maps/{chain.pk}/edit/",
             f"/maps/{chain.pk}/segments/{objects['segment'].pk}/", "/monitoring/", f"/monitoring/chains/{chain.pk}/",
             f"/work/tasks/{objects['task'].pk}/", "/work/", f"/requests/{objects['request'].pk}/", "/requests/"]
    shown = set()
    for path in pages:
        r = client.get(path)
        assert r.status_code == 200, path
        html = text(r)
        assert SCRIPT not in html and "<img src=x" not in html, path
        if "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003Cscript\\u003Ealert(1)" in html:
            shown.add(path)
        if "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html or "\\u003Cimg src=x" in html:
            shown.add(path)
    # The payloads really were on the pages (escaped), not left out.
    assert len(shown) >= 12, sorted(set(pages) - shown)


# Every chart of the page: show the tooltip of each data item of each series (the first 40), as hovering would;
# after each, count the elements the payloads would have made had they been taken as markup, and whether the
# tooltip showed a payload (as text).
SHOW_TIPS = """() => {
  const injected = () => document.querySelectorAll('img[src="x"], img[onerror], script:not([src]):not([type])').length;
  let shown = 0, made = 0, payload = 0;
  for (const el of document.querySelectorAll("div")) {
    const chart = window.echarts && echarts.getInstanceByDom(el);
    if (!chart) continue;
    (chart.getOption().series || []).forEach((s, si) => {
      const n = Math.min(40, (s.data || []).length || (s.links || []).length);
      for (let i = 0; i < n; i++) {
        chart.dispatchAction({type: "showTip", seriesIndex: si, dataIndex: i});
        shown++;
        made += injected();
        if ([...el.querySelectorAll("div")].some(d => d.textContent.includes("alert(1)"))) payload++;
      }
    });
  }
  return {shown, made, payload};
}"""
# Elements the payloads would have made had they been taken as markup.
INJECTED = """() => document.querySelectorAll('img[src="x"], img[onerror], script:not([src]):not([type])').length"""


@pytest.mark.browser
def test_payloads_stay_inert_in_the_browser_and_in_the_charts(browser, demo_live):  # noqa: F811
    from chainchief.testing import World

    objects = _plant(World())
    base = demo_live.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900}, bypass_csp=True)
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, base, "coordinator")
    chain = objects["chain"]
    tips = {}
    for path, ready in [
        ("/monitoring/", "document.querySelector('#cc-chains canvas')"),
        (f"/monitoring/chains/{chain.pk}/", "document.querySelector('canvas')"),
        (f"/maps/{chain.pk}/", "window.ccMap && window.ccMap.nodes().length > 0"),
        ("/maps/", "window.ccOverview && document.querySelector('#cc-overview canvas')"),
        (f"/chains/{chain.pk}/", "true"),
        (f"/enterprises/{objects['enterprise'].pk}/", "true"),
        (f"/requests/{objects['request'].pk}/", "true"),
    ]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        wait_until(page, ready)
        tips[path] = page.evaluate(SHOW_TIPS)
        page.wait_for_timeout(100)
        assert tips[path]["made"] == 0 and page.evaluate(INJECTED) == 0, (path, tips[path])
    # The chain map's panel (loaded by fetch and inserted as HTML) shows the segment's payloads as text.
    page.goto(f"{base}/maps/{chain.pk}/?segment={objects['segment'].pk}")
    page.locator("#cc-panel[data-segment]").wait_for()
    assert IMG in page.locator("#cc-panel").inner_text()
    assert page.evaluate(INJECTED) == 0
    page.goto(f"{base}/chains/{chain.pk}/")
    assert SCRIPT in page.locator("h1").first.inner_text()  # shown as text, not run
    context.close()
    assert dialogs == [] and errors == [], (dialogs, errors)
    # The tooltips were shown, and those of the chain map and the overview showed the payloads (as text).
    assert all(tips[p]["shown"] > 0 for p in ("/monitoring/", f"/maps/{chain.pk}/", "/maps/")), tips
    assert tips[f"/maps/{chain.pk}/"]["payload"] > 0 and tips["/maps/"]["payload"] > 0, tips


# Uploads ---------------------------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def stored(settings, tmp_path):
    settings.ATTACHMENT_DIR = tmp_path / "attachments"
    return settings.ATTACHMENT_DIR


@pytest.fixture
def req(world):
    from chainchief.appeals.models import Request

    return Request.objects.create(enterprise=world.own, chain=world.power, title="用电增容", content="需增容。",
                                  status="handling", department=world.industry)


def _upload(client, req, name, data):
    return client.client.post(f"/api/v1/requests/{req.pk}/attachments", {"file": SimpleUploadedFile(name, data)},
                              HTTP_AUTHORIZATION=f"Bearer {client.token}")


@pytest.mark.parametrize("name", ["../../etc/passwd.png", "..\\..\\windows\\win.png", "/etc/cron.d/x.png",
                                  "a\x00.png", "正常\x00../../x.png"])
def test_attachment_names_with_path_tricks_do_nothing(stored, req, as_user, tmp_path, name):  # noqa: F811
    from chainchief.attachments.models import Attachment

    before = {p for p in tmp_path.rglob("*")}
    r = _upload(as_user("enterprise"), req, name, PNG)
    assert r.status_code in (201, 400), r.content
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    # Whatever was stored lies inside the attachment directory, under a name the platform chose.
    assert all(stored in p.parents for p in files), files
    assert set(tmp_path.rglob("*")) - before <= {stored, *stored.rglob("*")}
    if r.status_code == 201:
        row = Attachment.objects.get(pk=r.json()["id"])
        assert "/" not in row.name and "\\" not in row.name and "\x00" not in row.name and ".." not in row.name
        assert "/" not in row.path.replace("\\", "/").split("/", 1)[-1] or ".." not in row.path
        got = as_user("enterprise").get(f"/api/v1/attachments/{row.pk}")
        assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    else:
        assert r.json()["detail"] and not Attachment.objects.exists()


def _import_page(client, name, data, kind="enterprises"):
    return client.post("/imports/new/", {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_an_xlsx_that_is_not_a_workbook_is_refused_with_a_message(login):  # noqa: F811
    from chainchief.imports.models import ImportBatch

    client = login("coordinator")
    r = _import_page(client, "企业名单.xlsx", b"this is not a zip file at all" * 20)
    page = text(client.get(r["Location"])) if r.status_code == 302 else text(r)
    assert "文件扩展名为 .xlsx，但内容不是 Excel 工作簿" in page
    assert not ImportBatch.objects.filter(status="committed").exists()
    # A zip that is no workbook, and a workbook whose sheet XML is broken.
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "不是工作簿")
    r = _import_page(client, "压缩包.xlsx", buf.getvalue())
    page = text(client.get(r["Location"])) if r.status_code == 302 else text(r)
    assert "不是 Excel 文件" in page


def test_an_oversize_import_is_refused_with_a_message_and_nothing_stored(login, settings):  # noqa: F811
    from chainchief.imports.models import ImportBatch

    settings.IMPORT_MAX_BYTES = 1024
    client = login("coordinator")
    before = ImportBatch.objects.count()
    r = _import_page(client, "企业名单.csv", ("统一社会信用代码,企业名称\n" + "9137070000000000XX,某企业\n" * 200).encode())
    assert r.status_code == 200 and "文件过大" in text(r) and "上限为" in text(r)
    assert ImportBatch.objects.count() == before

"""The briefings' main path in a real browser: the chain office picks a period, edits the introduction and
generates the monthly briefing, sees it finished and downloads its Word and PDF files; the chief makes his
chain's one-pager and cannot open the city's issue."""
import pytest

from chainchief.testing import browser_login


@pytest.mark.browser
def test_generate_and_download_a_briefing(live_server, page, transactional_db, artifacts, settings, tmp_path):
    from docx import Document

    from chainchief.briefings.models import Briefing
    from chainchief.demo import loader

    loader.load()
    settings.BRIEFING_DIR = tmp_path / "briefings"
    base = live_server.url
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, base, "coordinator")
    page.goto(f"{base}/")
    page.get_by_role("button", name="管理").click()
    page.get_by_role("link", name="通报与一页纸").click()
    page.wait_for_url(f"{base}/briefings/")
    page.select_option("#id_kind", "monthly")
    page.select_option("#id_period", "2021-06")
    page.fill("#id_introduction", "请各产业链对照通报抓好落实。")
    page.screenshot(path=f"{artifacts}/briefings-list.png", full_page=True)
    page.get_by_role("button", name="生成 Word 与 PDF").click()
    page.wait_for_url(f"{base}/briefings/*/", timeout=60000)
    assert page.get_by_role("link", name="下载 Word").is_visible()
    assert "请各产业链对照通报抓好落实。" in page.content()
    page.screenshot(path=f"{artifacts}/briefings-detail.png", full_page=True)
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Word").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    doc = Document(download.path())
    assert "请各产业链对照通报抓好落实。" in "\n".join(p.text for p in doc.paragraphs)
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 PDF").click()
    with open(info.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    monthly = Briefing.objects.filter(kind="monthly").latest("pk")

    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, base, "chief")
    page.goto(f"{base}/briefings/")
    assert page.locator("#id_kind option").all_inner_texts() == ["产业链一页纸"]
    page.select_option("#id_chain", label="动力装备")
    page.get_by_role("button", name="生成 Word 与 PDF").click()
    page.wait_for_url(f"{base}/briefings/*/", timeout=60000)
    assert "动力装备产业链一页纸" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=f"{artifacts}/briefings-chief-phone.png", full_page=True)
    response = page.goto(f"{base}/briefings/{monthly.pk}/")
    assert response.status == 404
    assert not [e for e in errors if "404" not in e], errors

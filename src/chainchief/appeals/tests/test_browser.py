"""A request's main path in a real browser: an enterprise files a request on a phone-sized screen, the chain
office accepts and assigns it, the department answers, the enterprise rates it."""
import os

import pytest

from chainchief.testing import browser_login


def _step(page, action, fill=None):
    form = page.locator(f'form[data-step="{action}"]')
    details = form.locator("xpath=..")
    if not details.get_attribute("open") and details.get_attribute("open") != "":
        details.locator("summary").click()
    for selector, value in (fill or {}).items():
        target = form.locator(selector)
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(label=value)
        else:
            target.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
def test_file_answer_and_rate(live_server, page, transactional_db, artifacts, settings, tmp_path):
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()
    else:
        loader.load()  # the parts a flushed database lacks
    base = live_server.url
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, base, "enterprise")
    page.goto(f"{base}/requests/new/")
    page.select_option("select[name=category]", label="用工招聘")
    page.select_option("select[name=urgency]", label="紧急")
    page.fill("input[name=title]", "数控技工短缺")
    page.fill("textarea[name=content]", "新产线投产，缺数控技工 20 名，希望对接职业院校。")
    page.screenshot(path=os.path.join(artifacts, "request-new-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_selector("#request-status")
    assert page.inner_text("#request-status") == "待受理"
    url = page.url
    settings.ATTACHMENT_DIR = tmp_path / "attachments"
    pdf = tmp_path / "用工需求表.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% sample\n")
    page.set_input_files("input[name=file]", str(pdf))
    page.click("form[enctype] button[type=submit]")
    page.wait_for_load_state()
    assert "用工需求表.pdf" in page.inner_text("#attachments")

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, base, "coordinator")
    page.goto(url)
    _step(page, "accept")
    assert page.inner_text("#request-status") == "已受理"
    _step(page, "assign", {"select[name='assign-department']": "市工业和信息化局"})
    assert page.inner_text("#request-status") == "已交办"

    browser_login(page, base, "dept")
    page.goto(url)
    _step(page, "start")
    _step(page, "reply", {"textarea[name='reply-note']": "已对接潍坊职业学院，下周开展订单培养。"})
    assert page.inner_text("#request-status") == "已答复"

    browser_login(page, base, "enterprise")
    page.goto(url)
    _step(page, "evaluate", {"select[name='evaluate-satisfaction']": "满意"})
    assert page.inner_text("#request-status") == "已评价"
    timeline = page.inner_text("#timeline")
    for word in ("提交", "受理", "交办", "开始办理", "答复", "评价"):
        assert word in timeline
    page.screenshot(path=os.path.join(artifacts, "request-detail.png"), full_page=True)
    assert not errors, errors

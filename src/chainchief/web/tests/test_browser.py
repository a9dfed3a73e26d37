"""A real browser: log in as the chain office, see the chains, open one, edit a checklist item inline.

Screenshots go to test-artifacts/ (desktop and phone width)."""
import os

import pytest


PASSWORD = "Demo#2026"


@pytest.fixture
def demo_live(transactional_db, live_server):
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()
    return live_server


def wait_until(page, expression, timeout=10.0):
    """Waits until ``expression`` is true in the page. Playwright's wait_for_function evaluates its expression with
    eval() in the page, which the Content Security Policy forbids; page.evaluate goes through the browser's
    debugging protocol and is not bound by the page's policy."""
    import time

    from playwright.sync_api import Error

    end = time.monotonic() + timeout
    while True:
        try:
            if page.evaluate(f"() => !!({expression})"):
                return
        except Error as e:  # the page is navigating: ask the next one
            if "context was destroyed" not in str(e) and "navigat" not in str(e):
                raise
        if time.monotonic() > end:
            raise AssertionError(f"not true after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
def test_coordinator_walks_through_chains(page, demo_live, artifacts):
    from chainchief.chains import checklist
    from chainchief.chains.models import Chain, ChainWorkItem, WorkStatus

    base = demo_live.url
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("coordinator")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text().startswith("用户名或密码错误")
    page.screenshot(path=os.path.join(artifacts, "login-error.png"))

    log_in(page, base, "coordinator")
    page.goto(f"{base}/?all=1")  # the home page is the office's desk; the chains by tier are one link away
    cards = page.locator(".cc-chain-card")
    assert cards.count() == 15
    assert page.get_by_text("目标 1000 亿元 · 2025 年").is_visible()
    # Bootstrap and our stylesheet are really loaded (from local static files)
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in font
    page.screenshot(path=os.path.join(artifacts, "home-desktop.png"), full_page=True)

    cards.filter(has_text="动力装备").first.click()
    page.wait_for_url("**/chains/*/")
    assert page.get_by_role("heading", name="链长").is_visible()
    assert page.locator(".cc-work-item").count() == 8
    page.screenshot(path=os.path.join(artifacts, "chain-desktop.png"), full_page=True)

    # inline edit of a checklist item through htmx: the row and the progress bar update without a reload
    power = Chain.objects.get(name="动力装备")
    entries = checklist.work_checklist(power)
    # a status set by hand, with its reason: an item the evidence counts as done is set back to 推进中, or the reverse
    entry = entries[0]
    target = ChainWorkItem.objects.get(chain=power, item=entry.item)
    status = WorkStatus.IN_PROGRESS if entry.status == WorkStatus.DONE else WorkStatus.DONE
    done_before = checklist.progress(entries)["done"]
    done_after = done_before - 1 if status == WorkStatus.IN_PROGRESS else done_before + 1
    row = page.locator(f"#work-item-{target.item_id}")
    row.get_by_role("link", name="编辑").click()
    form_row = page.locator(f"#work-item-{target.item_id} form")
    form_row.get_by_label("状态").select_option(status)
    form_row.get_by_label("说明").fill("浏览器测试：人工认定")
    page.screenshot(path=os.path.join(artifacts, "chain-inline-edit.png"), full_page=False)
    form_row.get_by_role("button", name="保存").click()
    page.locator(f"#work-item-{target.item_id} .cc-status-{status}").wait_for()
    assert "浏览器测试：人工认定" in page.locator(f"#work-item-{target.item_id}").inner_text()
    assert f"{done_after} / 8" in page.locator("#work-progress").inner_text()
    target.refresh_from_db()
    assert target.status == status

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/chains/{power.pk}/")
    assert page.locator(".navbar-toggler").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.screenshot(path=os.path.join(artifacts, "chain-phone.png"), full_page=True)
    page.goto(f"{base}/")
    page.locator(".navbar-toggler").click()
    page.locator("#cc-nav.show").wait_for()
    assert page.get_by_role("link", name="企业", exact=True).is_visible()
    assert page.get_by_role("button", name="退出登录").is_visible()
    page.screenshot(path=os.path.join(artifacts, "home-phone-menu.png"), full_page=False)
    page.goto(f"{base}/enterprises/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(artifacts, "enterprises-phone.png"), full_page=False)


@pytest.mark.browser
def test_enterprise_list_and_audit_desktop(page, demo_live, artifacts):
    base = demo_live.url
    log_in(page, base, "coordinator")
    page.goto(f"{base}/enterprises/?above_scale=1")
    assert page.locator("tbody tr").count() == 20
    page.screenshot(path=os.path.join(artifacts, "enterprises-desktop.png"), full_page=True)
    page.goto(f"{base}/audit/")
    assert page.locator(".cc-audit-row").count() >= 1
    page.screenshot(path=os.path.join(artifacts, "audit-desktop.png"), full_page=False)

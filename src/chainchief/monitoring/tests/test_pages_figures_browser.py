"""A real browser: the enterprise user enters a month of figures on its own page and sees it in the table;
the coordinator opens the targets and rules page. Screenshots go to test-artifacts/."""
import os
from decimal import Decimal

import pytest

from chainchief.web.tests.test_browser import wait_until

PASSWORD = "Demo#2026"


@pytest.fixture
def demo_live(transactional_db, live_server):
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()
    return live_server


def log_in(page, base, username):
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
def test_enterprise_user_enters_a_month(page, demo_live, artifacts):
    from django.contrib.auth import get_user_model

    from chainchief.monitoring.models import MonthlyStat

    base = demo_live.url
    own = next(iter(get_user_model().objects.get(username="enterprise").scope.enterprises))
    sept = MonthlyStat.objects.get(enterprise_id=own, period="2021-09-01")
    log_in(page, base, "enterprise")

    page.goto(f"{base}/enterprises/{own}/")
    page.get_by_role("link", name="月度数据").click()
    page.wait_for_url(f"**/monitoring/enterprises/{own}/")
    assert page.locator("#stat-2021-02 th").inner_text() == "1—2月"
    wait_until(page, "document.querySelector('#cc-ent-chart canvas') !== null")
    assert "Noto Sans CJK SC" in page.evaluate("getComputedStyle(document.body).fontFamily")
    page.screenshot(path=os.path.join(artifacts, "enterprise-figures.png"), full_page=True)

    # A monthly value typed as cumulative: the form warns and keeps the values.
    page.locator("#id_period").fill("2021-10")
    page.get_by_label("营业收入累计（万元）").fill("312000")
    page.get_by_role("button", name="保存").click()
    warning = page.get_by_role("alert").filter(has_text="请核对")
    assert "小于2021年1—9月累计" in warning.inner_text()
    page.screenshot(path=os.path.join(artifacts, "enterprise-figures-warning.png"), full_page=True)

    value = sept.revenue + Decimal("341234.50")
    page.get_by_label("营业收入累计（万元）").fill(str(value))
    page.get_by_label("从业人员（人）").fill("815")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**saved=2021-10*")
    assert "已填报2021年1—10月数据。" in page.get_by_role("alert").first.inner_text()
    row = page.locator("#stat-2021-10")
    assert row.locator("th").inner_text() == "1—10月"
    assert f"{value:,.2f}" in row.inner_text()
    assert "341,234.50" in row.inner_text()  # the derived October value
    assert MonthlyStat.objects.get(enterprise_id=own, period="2021-10-01").revenue == value
    row.scroll_into_view_if_needed()
    page.screenshot(path=os.path.join(artifacts, "enterprise-figures-saved.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=os.path.join(artifacts, "enterprise-figures-phone.png"), full_page=True)


@pytest.mark.browser
def test_coordinator_opens_targets_and_rules(page, demo_live, artifacts):
    base = demo_live.url
    log_in(page, base, "coordinator")
    page.goto(f"{base}/monitoring/?period=2021-06")
    page.get_by_role("link", name="目标与规则").click()
    page.wait_for_url("**/monitoring/settings/")
    page.get_by_label("黄灯比例（%）").fill("90")
    page.get_by_role("button", name="保存规则").click()
    page.wait_for_url("**/monitoring/settings/")
    assert "已保存监测规则" in page.get_by_role("alert").first.inner_text()
    page.get_by_label("产业链").select_option(label="纺织服装")
    page.get_by_label("营业收入目标（亿元）").fill("420")
    page.get_by_role("button", name="添加目标").click()
    page.wait_for_url("**/monitoring/settings/#chain-*")
    assert "420.00" in page.locator("tr", has_text="纺织服装").first.inner_text()
    page.screenshot(path=os.path.join(artifacts, "monitoring-settings.png"), full_page=True)

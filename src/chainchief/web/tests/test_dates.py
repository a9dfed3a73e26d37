"""Dates and months are typed in the interface's language, not in the browser's: the page says its language
(<html lang>), a date reads YYYY-MM-DD and a month 2021年6月 in Chinese even in a browser set to English (where
Chromium's own date picker shows mm/dd/yyyy). Screenshots go to test-artifacts/."""
import os
import re

import pytest
from django.utils import translation

from chainchief.core.forms import DateInput, MonthInput, month_text, parse_month
from chainchief.web.tests.test_browser import PASSWORD, demo_live  # noqa: F401


@pytest.mark.parametrize("text", ["2021-06", "2021-6", "2021/6", "2021.06", "2021年6月", " 2021 年 6 月 ", "202106"])
def test_a_month_is_read_in_either_writing(text):
    assert parse_month(text) == (2021, 6)


@pytest.mark.parametrize("text", ["", "2021", "2021-13", "2021-00", "21-06", "abc", "2021年6月3日"])
def test_a_bad_month_is_refused(text):
    with pytest.raises(ValueError):
        parse_month(text)


def test_widgets_speak_the_interface_language():
    with translation.override("zh-hans"):
        month = MonthInput().render("period", "2021-06")
        assert 'value="2021年6月"' in month and 'placeholder="YYYY年M月"' in month and 'type="text"' in month
        assert month_text("2021-10") == "2021年10月"
    with translation.override("en"):
        month = MonthInput().render("period", "2021-06")
        assert 'value="2021-06"' in month and 'placeholder="YYYY-MM"' in month
    from datetime import date

    day = DateInput().render("d", date(2021, 6, 5))
    assert 'type="text"' in day and 'value="2021-06-05"' in day and 'placeholder="YYYY-MM-DD"' in day


def test_no_page_form_uses_the_browsers_date_picker(demo_db, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="coordinator"))
    for path in ["/audit/", "/requests/stats/", "/enterprises/1/edit/"]:
        body = client.get(path).content.decode()
        assert '<html lang="zh-hans">' in body
        assert not re.search(r'type="(date|month)"', body), path
        assert 'placeholder="YYYY-MM-DD"' in body, path


@pytest.mark.browser
def test_chinese_interface_in_an_english_browser(browser, demo_live, artifacts):  # noqa: F811
    from chainchief.accounts.models import User
    from chainchief.monitoring.models import MonthlyStat

    base = demo_live.url
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": base}])
    page = context.new_page()
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill("coordinator")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{base}/")
    assert page.evaluate("navigator.language") == "en-US"
    assert page.evaluate("document.documentElement.lang") == "zh-hans"

    page.goto(f"{base}/audit/")
    start = page.get_by_label("开始日期")
    assert start.get_attribute("type") == "text" and start.get_attribute("placeholder") == "YYYY-MM-DD"
    start.fill("2021-01-01")
    page.get_by_label("结束日期").fill("2099/12/31")  # the zh-hans locale's other writing
    page.get_by_label("结束日期").press("Enter")
    page.wait_for_url("**date_from=2021-01-01**")
    assert page.get_by_label("开始日期").input_value() == "2021-01-01"
    assert page.locator(".invalid-feedback, .errorlist").count() == 0  # both writings accepted
    assert page.locator(".cc-audit-row").count() >= 1
    page.screenshot(path=os.path.join(artifacts, "dates-audit-filters.png"), full_page=False)

    own = User.objects.get(username="enterprise").enterprises.get()
    page.goto(f"{base}/monitoring/enterprises/{own.pk}/?edit=2021-09")
    assert page.locator("#id_period").input_value() == "2021年9月"  # the month being changed, as shown
    page.goto(f"{base}/monitoring/enterprises/{own.pk}/")
    period = page.locator("#id_period")
    assert period.get_attribute("type") == "text" and period.get_attribute("placeholder") == "YYYY年M月"
    period.fill("2021年10月")
    sept = MonthlyStat.objects.get(enterprise=own, period="2021-09-01")
    page.get_by_label("营业收入累计（万元）").fill(str(sept.revenue + 1000))
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**saved=2021-10*")
    assert MonthlyStat.objects.filter(enterprise=own, period="2021-10-01").exists()
    page.screenshot(path=os.path.join(artifacts, "dates-month-entry.png"), full_page=False)
    context.close()

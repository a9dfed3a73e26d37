"""The main path in a real browser: the province's office opens 省级产业链 from the 管理 menu, picks 现代化工, reads
the cities compared and the provincial map, goes to its N lists (the 补短板环节 list names 氢能 as missing in the
whole province), searches the enterprise list, and reads the alerts; 青岛's office has no such menu entry and gets
a 404 on the page — without a script error, and on a phone's width without sideways scrolling."""
import os

import pytest

from chainchief.testing import browser_login


@pytest.mark.browser
def test_province_office_reads_lists_and_alerts(live_server, page, transactional_db, artifacts):
    from chainchief.chains.models import Chain
    from chainchief.demo import loader

    loader.load()
    base = live_server.url
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    chem = Chain.objects.get(name="现代化工", region__code="370000")

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, base, "province")
    page.click("nav >> text=管理")
    page.click("nav >> text=省级产业链")
    page.wait_for_url(f"{base}/province/")
    page.click("text=现代化工")
    page.wait_for_url(f"{base}/province/chains/{chem.pk}/**")
    body = page.inner_text("main")
    assert "各市对比" in body and "烟台市 · 绿色石化" in body and "全省缺失" in body
    page.click("text=N 张清单")
    page.wait_for_url(f"{base}/province/chains/{chem.pk}/lists/")
    page.click("text=补短板环节清单")
    row = page.locator("tr", has_text="氢能")
    assert "全省缺失" in row.inner_text()
    page.screenshot(path=os.path.join(artifacts, "province-gaps.png"), full_page=True)
    page.click("text=龙头骨干企业清单")
    page.fill("input[name=q]", "烟台")
    page.click("button:has-text('搜索')")
    rows = page.locator("tbody tr")
    assert rows.count() >= 1 and all("烟台" in rows.nth(i).inner_text() for i in range(rows.count()))
    page.click("text=预警")
    page.wait_for_url(f"{base}/province/chains/{chem.pk}/alerts/**")
    assert "各市产业链" in page.inner_text("main") and "潍坊市 · 高端化工" in page.inner_text("main")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/province/chains/{chem.pk}/lists/?list=gaps")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=os.path.join(artifacts, "province-gaps-phone.png"), full_page=True)

    assert errors == [], errors

    browser_login(page, base, "qingdao")
    assert page.locator("nav >> text=省级产业链").count() == 0
    assert page.goto(f"{base}/province/chains/{chem.pk}/lists/").status == 404

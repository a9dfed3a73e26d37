"""The main path in a real browser: the lead department opens 动力装备's gaps, starts a lead on the first-ranked
candidate of the missing segment 电控单元（ECU）, moves it to 在谈 and sees its history; the chain office reads the
chain's local supply rate with its definition and turns the best match of a need into a contact record — on a
phone's width, without sideways scrolling."""
import os

import pytest

from chainchief.testing import browser_login


@pytest.mark.browser
def test_gap_to_lead_to_rate_to_contact(live_server, page, transactional_db, artifacts):
    from chainchief.chains.models import Chain
    from chainchief.demo import loader
    from chainchief.investment.matching import capabilities
    from chainchief.investment.models import Contact, Lead, Need
    from chainchief.maps.models import Segment

    loader.load()
    capabilities.reset()
    base = live_server.url
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    power = Chain.objects.get(name="动力装备")

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, base, "dept")
    page.click("nav >> text=招商与配套")
    page.click("text=补链环节")
    page.wait_for_url(f"{base}/investment/chains/{power.pk}/gaps/")
    ecu = Segment.objects.get(chain=power, name="电控单元（ECU）")
    gap = page.locator(f"#gap-{ecu.pk}")
    assert "缺链" in gap.inner_text() and "排名理由" in gap.inner_text()
    page.screenshot(path=os.path.join(artifacts, "investment-gaps.png"), full_page=True)
    # The third candidate has no lead yet: start one from it.
    gap.locator("a", has_text="建线索").first.click()
    page.fill("input[name=title]", "电控单元二期招商项目")
    page.select_option("select[name=department]", label="市工业和信息化局")
    page.fill("input[name=intended_amount]", "30000")
    page.click("form[novalidate] button[type=submit]")
    page.wait_for_selector("#steps")
    lead = Lead.objects.get(title="电控单元二期招商项目")
    assert lead.segment.name == "电控单元（ECU）" and lead.stage == "pitched"
    form = page.locator("#advance-form")
    form.locator("select[name=stage]").select_option("negotiating")
    form.locator("input[name=note]").fill("双方团队到访洽谈")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("text=已推进到“在谈”")
    assert "推介 → 在谈" in page.inner_text("#steps") and "双方团队到访洽谈" in page.inner_text("#steps")
    page.screenshot(path=os.path.join(artifacts, "investment-lead.png"), full_page=True)

    browser_login(page, base, "coordinator")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/investment/supply/chains/{power.pk}/")
    assert "%" in page.inner_text("#chain-rate")
    assert "本地配套率 = 产业链企业当年向本地" in page.inner_text("#rate-definition")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=os.path.join(artifacts, "investment-rate-phone.png"), full_page=True)
    need = Need.objects.get(title="采购输电线路绝缘子")
    page.goto(f"{base}/investment/needs/{need.pk}/")
    first = page.locator(".cc-match").first
    assert "高压复合绝缘子" in first.inner_text() and "绝缘子" in first.locator(".cc-term").all_inner_texts()
    first.locator("button", has_text="转为对接记录").click()
    page.wait_for_selector("#contacts >> text=待对接")
    assert Contact.objects.filter(need=need, capability__title="高压复合绝缘子").exists()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=os.path.join(artifacts, "investment-match-phone.png"), full_page=True)
    assert errors == []

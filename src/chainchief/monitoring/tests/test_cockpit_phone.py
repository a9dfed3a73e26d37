"""The cockpit on a phone: the ranking table scrolls sideways inside its box with the rank and the chain's name
kept in view, every cell on one line; the charts rebuild their labels and legends for the narrow box.
Screenshots go to test-artifacts/."""
import os

import pytest

from chainchief.web.tests.test_browser import demo_live, log_in, wait_until  # noqa: F401


@pytest.mark.browser
def test_cockpit_ranking_and_charts_fit_a_phone(page, demo_live, artifacts):  # noqa: F811
    base = demo_live.url
    log_in(page, base, "leader")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/monitoring/")
    wait_until(page, "document.querySelector('#cc-chains canvas') !== null")

    table = page.locator("#cc-ranking")
    # A chain's name is one line, not one character a line; rows stay short.
    name = table.locator("tbody tr").first.locator("td.cc-name a")
    line = page.evaluate("el => parseFloat(getComputedStyle(el).lineHeight) || 24", name.element_handle())
    assert name.bounding_box()["height"] < 1.5 * line
    heights = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.getBoundingClientRect().height)")
    assert len(heights) == 15 and max(heights) < 110, heights
    # The table scrolls inside its box, the page does not.
    box = page.locator(".table-responsive:has(#cc-ranking)")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Scrolled to its right end, the name column is still where it was.
    before = name.bounding_box()["x"]
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    assert abs(name.bounding_box()["x"] - before) < 1
    assert table.locator("th.cc-col-target").is_visible()
    page.screenshot(path=os.path.join(artifacts, "cockpit-phone-table-scrolled.png"), full_page=False)
    box.evaluate("el => { el.scrollLeft = 0; }")

    def option(chart_id):
        return page.evaluate(
            """id => { const o = echarts.getInstanceByDom(document.getElementById(id)).getOption();
                       return {legend: o.legend[0], xAxis: o.xAxis && o.xAxis[0], series: o.series[0],
                               layout: document.getElementById(id).dataset.layout}; }""", chart_id)

    tiers, chains = option("cc-tiers"), option("cc-chains")
    assert tiers["layout"] == "narrow" and chains["layout"] == "narrow"
    assert tiers["legend"]["show"] is not False and tiers["legend"]["bottom"] == 0  # names in a legend below
    assert tiers["series"]["label"]["fontSize"] <= 11
    assert chains["xAxis"]["axisLabel"]["interval"] == 0  # every chain's name, upright
    assert chains["xAxis"]["axisLabel"]["rotate"] == 90
    page.screenshot(path=os.path.join(artifacts, "cockpit-phone.png"), full_page=True)

    # Widened to a desk, the charts go back to their desk layout without a reload.
    page.set_viewport_size({"width": 1366, "height": 900})
    wait_until(page, "document.getElementById('cc-chains').dataset.layout === 'wide'")
    assert option("cc-chains")["xAxis"]["axisLabel"]["rotate"] == 40
    assert table.locator("tbody tr").first.locator("td.cc-name a").bounding_box()["height"] < 1.5 * line
    page.screenshot(path=os.path.join(artifacts, "cockpit-desktop.png"), full_page=True)

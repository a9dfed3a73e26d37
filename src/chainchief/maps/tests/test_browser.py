"""The chain map in a real browser: open 动力装备's map, click a segment, see its side panel."""
import os

import pytest

from chainchief.web.tests.test_browser import wait_until

PASSWORD = "Demo#2026"


@pytest.mark.browser
def test_click_segment_opens_panel(live_server, page, transactional_db, artifacts):
    from chainchief.chains.models import Chain
    from chainchief.demo import loader
    from chainchief.maps.models import Segment

    if not loader.is_loaded() or not Segment.objects.exists():
        loader.load()
    chain = Chain.objects.get(name="动力装备")
    errors = []
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e.stack or e}"))
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "dept")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/maps/{chain.pk}/")
    wait_until(page, "window.ccMap && window.ccMap.nodes().length > 0")

    # Click the 柴油机 node where the chart drew it.
    box = page.evaluate("""() => {
        const chart = window.ccMap.chart();
        const nodes = window.ccMap.nodes();
        const i = nodes.findIndex(n => n.seg.name === "柴油机");
        const [x, y] = chart.convertToPixel({gridIndex: 0}, [nodes[i].x, nodes[i].y]);
        const r = document.getElementById("cc-map").getBoundingClientRect();
        return {x: r.left + x, y: r.top + y};
    }""")
    page.mouse.click(box["x"], box["y"])
    page.wait_for_selector("#cc-panel-title")
    assert page.inner_text("#cc-panel-title") == "柴油机"
    panel = page.inner_text("#cc-panel")
    assert "判定理由" in panel or "人工认定" in panel
    assert "本环节企业" in panel and "跨链关联" in panel and "智能农机" in panel

    # Search an enterprise: its segments light up.
    name = page.eval_on_selector("#cc-panel table a", "a => a.textContent.trim()")
    page.fill("#cc-search", name)
    assert "个环节" in page.inner_text("#cc-search-result")
    page.fill("#cc-search", "")
    page.screenshot(path=os.path.join(artifacts, "chain-map.png"), full_page=True)
    assert not errors, errors

"""The chain map at phone width: the three stages stack and names wrap; at every width a segment's name stays
clear of its count. Screenshots go to test-artifacts/."""
import os

import pytest

from chainchief.web.tests.test_browser import demo_live, log_in, wait_until  # noqa: F401

LONG = "高性能燃气发动机及其关键零部件系统集成"

# The drawn texts of the map (names and counts) with their boxes in the chart's pixels.
TEXTS = """() => {
  const out = [];
  window.ccMap.chart().getZr().storage.getRoots().forEach(root => root.traverse && root.traverse(el => {
    if (el.type !== "text" || (el.name !== "cc-name" && el.name !== "cc-count")) return;
    const r = el.getBoundingRect().clone();
    const m = el.getComputedTransform();
    if (m) r.applyTransform(m);
    out.push({kind: el.name, text: el.style.text, x: r.x, y: r.y, w: r.width, h: r.height});
  }));
  return out;
}"""


def overlaps(a, b):
    return a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]


def assert_texts_clear(page, width):
    texts = page.evaluate(TEXTS)
    assert len([t for t in texts if t["kind"] == "cc-name"]) == 17
    for i, a in enumerate(texts):
        assert a["x"] >= 0 and a["x"] + a["w"] <= width + 1, a
        for b in texts[i + 1:]:
            assert not overlaps(a, b), (width, a, b)
    return texts


@pytest.mark.browser
def test_chain_map_stacks_on_a_phone(page, demo_live, artifacts):  # noqa: F811
    from chainchief.chains.models import Chain
    from chainchief.maps.models import Segment

    chain = Chain.objects.get(name="动力装备")
    Segment.objects.filter(chain=chain, name="燃气发动机").update(name=LONG)
    base = demo_live.url
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, base, "coordinator")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/maps/{chain.pk}/")
    wait_until(page, "window.ccMap && window.ccMap.nodes().length > 0")
    assert page.evaluate("document.getElementById('cc-map').dataset.layout") == "narrow"
    width = page.evaluate("document.getElementById('cc-map').clientWidth")
    texts = assert_texts_clear(page, width)
    # Every name whole (wrapped, not cut), the long one on more than one line.
    drawn = {t["text"].replace("\n", "") for t in texts if t["kind"] == "cc-name"}
    assert LONG in drawn and "电控单元（ECU）" in drawn and not any("…" in t for t in drawn)
    assert "\n" in next(t["text"] for t in texts if t["kind"] == "cc-name" and t["text"].replace("\n", "") == LONG)
    # The stages one below the other, each segment as wide as the map (less its indent).
    nodes = page.evaluate("window.ccMap.nodes().map(n => ({stage: n.x, depth: n.depth, box: n.box}))")
    for stage in (1, 2):
        assert min(n["box"]["top"] for n in nodes if n["stage"] == stage) > max(
            n["box"]["top"] + n["box"]["h"] for n in nodes if n["stage"] == stage - 1)
    assert all(n["box"]["w"] > 0.8 * width for n in nodes if n["depth"] == 0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=os.path.join(artifacts, "chain-map-phone.png"), full_page=True)

    # A tap opens the segment's panel in the stacked layout too.
    box = next(n["box"] for n in nodes if n["stage"] == 1)
    page.locator("#cc-map").click(position={"x": box["left"] + 40, "y": box["top"] + box["h"] / 2})
    page.wait_for_selector("#cc-panel-title")
    assert page.inner_text("#cc-panel-title") == "柴油机"

    # Wider, the stages side by side again; a name cut to its column never runs under its count.
    for w in (640, 1366):
        page.set_viewport_size({"width": w, "height": 900})
        wait_until(page, "document.getElementById('cc-map').dataset.layout === 'wide'")
        assert_texts_clear(page, page.evaluate("document.getElementById('cc-map').clientWidth"))
        page.screenshot(path=os.path.join(artifacts, f"chain-map-{w}.png"), full_page=True)
    assert page.evaluate("window.ccMap.chart().getWidth()") == page.evaluate(
        "document.getElementById('cc-map').clientWidth")
    assert not errors, errors


# Each chain of the city overview: its circle (centre, radius) and its name's box, in the chart's pixels.
OVERVIEW = """() => {
  const data = window.ccOverview.getModel().getSeriesByIndex(0).getData();
  const box = el => { const r = el.getBoundingRect().clone(); const m = el.getComputedTransform(); if (m) r.applyTransform(m);
                      return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const out = [];
  for (let i = 0; i < data.count(); i++) {
    const g = data.getItemGraphicEl(i), sym = g.childAt(0), text = sym.getTextContent();
    const b = box(g);
    out.push({name: data.getName(i), cx: b.x + b.w / 2, cy: b.y + b.h / 2, r: Math.min(b.w, b.h) / 2 - 1,
              shown: !!text && !text.ignore && !text.invisible && text.style.opacity !== 0,
              text: text && text.style.text, label: text && box(text)});
  }
  return out;
}"""


def circle_hits(c, r):
    nx = min(max(c["cx"], r["x"]), r["x"] + r["w"])
    ny = min(max(c["cy"], r["y"]), r["y"] + r["h"])
    return (c["cx"] - nx) ** 2 + (c["cy"] - ny) ** 2 < c["r"] ** 2


@pytest.mark.browser
def test_city_overview_names_do_not_overlap(page, demo_live, artifacts):  # noqa: F811
    base = demo_live.url
    log_in(page, base, "coordinator")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900 if width > 800 else 844})
        page.goto(f"{base}/maps/")
        wait_until(page, "window.ccOverview && document.querySelector('#cc-overview canvas')")
        page.wait_for_timeout(300)  # labels are laid out on the first frame
        chains = page.evaluate(OVERVIEW)
        box = page.evaluate("[document.getElementById('cc-overview').clientWidth, "
                            "document.getElementById('cc-overview').clientHeight]")
        assert len(chains) == 15
        assert all(c["shown"] and c["text"] == c["name"] for c in chains), [c["name"] for c in chains if not c["shown"]]
        for i, a in enumerate(chains):
            lab = a["label"]
            assert lab["x"] >= 0 and lab["y"] >= 0 and lab["x"] + lab["w"] <= box[0] and lab["y"] + lab["h"] <= box[1], a
            for b in chains:
                if b is not a:
                    assert not circle_hits(b, lab), (width, a["name"], "under", b["name"])
                    assert (a["cx"] - b["cx"]) ** 2 + (a["cy"] - b["cy"]) ** 2 >= (a["r"] + b["r"]) ** 2, (a, b)
            for b in chains[i + 1:]:
                assert not overlaps(lab, b["label"]), (width, a["name"], b["name"])
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=os.path.join(artifacts, f"city-overview-{width}.png"), full_page=True)

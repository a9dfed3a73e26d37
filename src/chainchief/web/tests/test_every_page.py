"""Every page of the navigation, for every demo role, at a phone's width (390 px) and a desk's (1366 px): the
page never scrolls sideways, no text runs out of its box or is cut off without an ellipsis, the browser logs
no error and no request answers 4xx/5xx. The pages are the links of the navigation as rendered for the role
(so a new page joins this test as soon as it is in the navigation). Screenshots go to test-artifacts/pages/.

Django's own admin (系统管理) is left out: it is Django's page, not the project's."""
import os
import re
from urllib.parse import urlsplit

import pytest

from chainchief.web.tests.test_browser import demo_live, log_in  # noqa: F401

ROLES = ["admin", "coordinator", "leader", "chief", "dept", "commissioner", "enterprise"]
WIDTHS = [390, 1366]
SKIP = ("/admin/",)

# The navigation's links, as the page renders them (dropdown items included), same-site only.
NAV_LINKS = """() => [...document.querySelectorAll("nav.navbar a[href]")]
  .map(a => new URL(a.getAttribute("href"), location.href))
  .filter(u => u.origin === location.origin && !u.hash)
  .map(u => u.pathname + u.search)"""

# Boxes whose content is wider than the box itself, where that is not meant: a box that scrolls (overflow auto /
# scroll) or ends its text with an ellipsis is meant; one that clips its text (overflow hidden) or lets it run
# out (overflow visible) is not. Only boxes that hold text of their own are looked at; form controls, charts
# and hidden helpers (.visually-hidden) are not.
OVERFLOWS = """() => {
  const out = [];
  const skip = "input, select, textarea, canvas, svg, svg *, .visually-hidden, .visually-hidden *, [aria-hidden=true]";
  for (const el of document.body.querySelectorAll("*")) {
    if (el.matches(skip) || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.display.startsWith("inline") && style.display !== "inline-block" && style.display !== "inline-flex") continue;
    if (style.visibility === "hidden" || el.clientWidth === 0) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    const ox = style.overflowX;
    if (ox === "auto" || ox === "scroll") continue;
    if (style.textOverflow === "ellipsis" && (ox === "hidden" || ox === "clip")) continue;
    const text = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent.trim()).join(" ");
    out.push({tag: el.tagName.toLowerCase(), cls: el.className && String(el.className).slice(0, 60),
              text: text.slice(0, 40), box: el.clientWidth, content: el.scrollWidth, overflow: ox});
  }
  return out;
}"""


def slug(path):
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@pytest.mark.browser
@pytest.mark.parametrize("role", ROLES)
def test_every_navigation_page_fits_every_width(browser, demo_live, artifacts, role):  # noqa: F811
    """One role at a time (a test each, so that the roles can run side by side)."""
    base = demo_live.url
    folder = os.path.join(artifacts, "pages")
    os.makedirs(folder, exist_ok=True)
    problems = {}
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log = []
    page.on("console", lambda m: m.type == "error" and log.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: log.append(f"script: {e}"))
    page.on("response", lambda r: r.status >= 400 and log.append(f"HTTP {r.status} {urlsplit(r.url).path}"))
    log_in(page, base, role)
    todo, done = ["/"], set()
    while todo:
        path = todo.pop(0)
        if path in done:
            continue
        done.add(path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900 if width > 800 else 844})
            log.clear()
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(150)  # charts draw on the next frame
            found = []
            scroll, client = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            if scroll > client:
                found.append(f"page scrolls sideways: {scroll} > {client}")
            found += [f"text overflows its box: {o}" for o in page.evaluate(OVERFLOWS)]
            found += log
            if found:
                problems[f"{role} {path} @{width}"] = found
            page.screenshot(path=os.path.join(folder, f"{role}-{slug(path)}-{width}.png"), full_page=True)
            if width == WIDTHS[-1]:
                todo += [p for p in page.evaluate(NAV_LINKS) if not p.startswith(SKIP) and p not in done]
    context.close()
    # The navigation really was followed: every role has more than the home page, the chain office the most.
    assert len(done) >= 3, done
    if role == "coordinator":
        assert {"/", "/enterprises/", "/maps/", "/monitoring/", "/audit/"} <= done, done
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


@pytest.mark.browser
def test_the_overflow_check_tells_cut_text_from_meant_truncation(page):
    page.set_content("""<body>
      <div style="width:50px">VeryLongUnbreakableWord</div>
      <div style="width:50px;overflow:hidden;white-space:nowrap">被裁掉的一段文字没有省略号</div>
      <button style="width:40px;white-space:nowrap">按钮文字很长</button>
      <div style="width:50px;overflow:hidden;white-space:nowrap;text-overflow:ellipsis">有省略号的一段文字</div>
      <div style="width:50px;overflow:auto;white-space:nowrap">在自己的框里滚动的文字</div>
      <div style="width:200px">放得下的文字</div>
      <span class="visually-hidden">只给读屏软件的文字</span></body>""")
    assert [o["text"] for o in page.evaluate(OVERFLOWS)] == ["VeryLongUnbreakableWord", "被裁掉的一段文字没有省略号",
                                                          "按钮文字很长"]

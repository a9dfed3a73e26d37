"""Content Security Policy: every response carries it, and no template holds what it would block (an inline event
handler, an inline script without a nonce, a javascript: URL). The browser half — that the pages run under it
without a violation — is web/tests/test_every_page.py (a violation is a console error) and the test below."""
import re
from pathlib import Path

import pytest
from django.apps import apps

import chainchief

ROOT = Path(chainchief.__file__).resolve().parent

# An attribute named on… inside a tag (onclick=, onsubmit=, onchange= …); hx-on is htmx's own and evaluates
# script too, so it is caught as well.
HANDLER = re.compile(r"<[a-zA-Z][^<>]*?\s(?:hx-)?on[a-z:-]+\s*=", re.S)
SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)
DATA_TYPES = ("application/json", "application/ld+json", "text/template")


def templates():
    """Every template of the project's apps (those of other engineers' new apps included)."""
    out = []
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents and path != ROOT:
            continue
        out += sorted((path / "templates").rglob("*.html"))
    return out


def offences(text):
    found = [m.group(0)[-40:] for m in HANDLER.finditer(text)]
    for m in SCRIPT.finditer(text):
        attrs = m.group(1)
        if "src=" in attrs or "nonce=" in attrs or any(t in attrs for t in DATA_TYPES):
            continue
        found.append(m.group(0))
    found += [m.group(0) for m in JS_URL.finditer(text)]
    return found


def test_the_scanner_finds_what_the_policy_blocks():
    assert offences("""<form method="post"\n  onsubmit="return confirm('x')">""")
    assert offences('<select class="x" onchange="this.form.submit()">')
    assert offences('<a href="#" onclick="go(1); return false;">')
    assert offences("<script>alert(1)</script>")
    assert offences('<a href="javascript:void(0)">')
    assert offences('<div hx-on:click="alert(1)">')
    assert not offences('<script src="/static/web/js/app.js"></script>')
    assert not offences('<script id="d" type="application/json">{}</script>')
    assert not offences('<script nonce="{{ request.csp_nonce }}">go()</script>')
    assert not offences('<form data-confirm="确定？" class="online">')
    assert not offences('<p>按 onclick="…" 写的说明不在标签里</p>')


def test_no_template_has_an_inline_handler_or_script():
    files = templates()
    assert len(files) > 50, files  # the walk really found the templates
    found = {str(f.relative_to(ROOT)): offences(f.read_text(encoding="utf-8")) for f in files}
    assert {k: v for k, v in found.items() if v} == {}


POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self' 'unsafe-inline'",
}


def parse(header):
    return {d.split()[0]: " ".join(d.split()[1:]) for d in header.split(";") if d.strip()}


@pytest.mark.parametrize("path", ["/", "/login/", "/api/v1/openapi.json"])
def test_every_response_carries_the_policy(client, db, path):
    response = client.get(path)
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {path}"
    policy = parse(header)
    for directive, value in POLICY.items():
        assert policy.get(directive) == value, (directive, header)
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]


@pytest.mark.browser
def test_the_browser_enforces_the_policy_and_the_data_attributes_work(page, demo_live):  # noqa: F811
    """An inline handler added to the page does not run; the language selector (data-autosubmit) still sends its
    form; a form with data-confirm is not sent when the question is declined, and is when it is accepted."""
    base = demo_live.url
    violations = []
    page.on("console", lambda m: m.type == "error" and violations.append(m.text))
    page.goto(f"{base}/login/")
    ran = page.evaluate("""() => new Promise(done => {
        const b = document.createElement("button");
        b.type = "button";
        b.setAttribute("onclick", "window.ccRan = true");
        document.body.append(b);
        b.click();
        setTimeout(() => done(window.ccRan === true), 50);
    })""")
    assert ran is False
    assert any("Content Security Policy" in v for v in violations), violations

    page.locator("#cc-lang").select_option("en")
    page.wait_for_load_state("load")
    wait_until(page, "document.documentElement.lang === 'en'")
    page.locator("#cc-lang").select_option("zh-hans")
    wait_until(page, "document.documentElement.lang === 'zh-hans'")

    # data-confirm: the same behaviour the inline confirm() had
    page.set_content("")
    page.goto(f"{base}/login/")
    page.evaluate("""() => {
        const f = document.createElement("form");
        f.method = "get"; f.action = "/login/?sent=1"; f.dataset.confirm = "确定？"; f.id = "cc-test";
        f.innerHTML = '<input type="hidden" name="sent" value="1"><button id="cc-send">发送</button>';
        document.body.append(f);
    }""")
    asked = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator("#cc-send").click()
    page.wait_for_timeout(200)
    assert asked == ["确定？"] and "sent=1" not in page.url
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    page.locator("#cc-send").click()
    page.wait_for_url("**sent=1*")
    assert asked == ["确定？", "确定？"]


from chainchief.web.tests.test_browser import demo_live, wait_until  # noqa: E402,F401

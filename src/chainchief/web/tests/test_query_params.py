"""Every page (each URL pattern of the project but the admin's and the API's, ids set to 1) answers a query it cannot
use without a server error: NUL in a parameter (which PostgreSQL refuses in text) is a 400 for every page and for
the API; numbers out of any range (20-digit years and months, negative ids, huge page numbers) are ignored or
refused, never a 500."""
import re

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

SKIP = ("admin/", "api/", "static/", "i18n/")
POST_ONLY = ("logout", "logout-everywhere")
HOSTILE = {"year": "9" * 20, "month": "9" * 20, "chain": "-1", "region": "-1", "segment": "-1", "enterprise": "-1",
           "tier": "-1", "department": "-1", "project": "-1", "meeting": "-1", "page": "9" * 20, "period": "9999-99",
           "limit": "-5", "offset": "9" * 20, "from": "99999-01-01", "to": "0000-00-00", "mine": "1"}
SMALL = {"year": "0", "month": "13", "chain": "0", "region": "0", "segment": "0", "page": "-1"}
HUGE = {name: "9" * 20 for name in ("chain", "region", "segment", "enterprise", "tier", "department", "project",
                                   "meeting", "district", "target", "lead", "research", "policy", "alliance")}


def _routes(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def pages():
    """Every page's path, ids and keys filled in (1, "x")."""
    out = []
    for route in _routes(get_resolver().url_patterns):
        if route.startswith(SKIP) or route.startswith("^") or any(word in route for word in POST_ONLY):
            continue
        path = re.sub(r"<int:\w+>", "1", route)
        path = re.sub(r"<(?:str|slug):\w+>", "x", path)
        assert "<" not in path and "(" not in path, f"a URL pattern the walk cannot fill in: {route}"
        out.append("/" + path)
    return sorted(set(out))


def test_the_walk_finds_the_pages():
    found = pages()
    assert len(found) > 100 and {"/enterprises/", "/work/calendar/", "/investment/supply/", "/"} <= set(found)


@pytest.mark.parametrize("username", ["coordinator", None])
def test_every_page_refuses_nul_in_its_query(demo_db, username):
    client = Client()
    if username:
        client.login(username=username, password="Demo#2026")
    failures = []
    for path in pages():
        r = client.get(path, {"q": "a\x00b", "stage": "\x00", "kind": "\x00"})
        if r.status_code != 400:
            failures.append(f"{path}: {r.status_code}")
    for name in ("q", "stage", "kind", "any\x00name"):  # each on its own, on a page that reads it
        for path in ("/enterprises/", "/maps/1/lists/", "/imports/", "/work/projects/"):
            r = client.get(path, {name: "\x00" if "\x00" not in name else "1"})
            if r.status_code != 400:
                failures.append(f"{path}?{name!r}: {r.status_code}")
    assert failures == [], "\n".join(failures)
    r = client.get("/api/v1/enterprises", {"q": "\x00"})
    assert r.status_code == 400 and r.json()["detail"]


@pytest.mark.parametrize("username, queries", [("coordinator", (HOSTILE, HUGE, SMALL)), ("enterprise", (HOSTILE,))])
def test_every_page_survives_numbers_out_of_range(demo_db, username, queries):
    client = Client(raise_request_exception=False)
    client.login(username=username, password="Demo#2026")
    failures = []
    for path in pages():
        for query in queries:
            r = client.get(path, query)
            if r.status_code >= 500:
                failures.append(f"{path}?{'&'.join(f'{k}={v}' for k, v in query.items())}: {r.status_code}")
    assert failures == [], "\n".join(failures)


def test_the_calendar_and_the_supply_links_take_only_what_they_can_show(demo_db):
    client = Client()
    client.login(username="coordinator", password="Demo#2026")
    r = client.get("/work/calendar/", {"year": "9" * 20, "month": "9" * 20})
    assert r.status_code == 200  # the current month instead
    assert client.get("/work/calendar/", {"year": "2021", "month": "13"}).status_code == 200
    assert client.get("/investment/supply/", {"chain": "-1"}).status_code == 200

import pytest

from chainchief.chains.models import Chain


def login(client, username):
    assert client.login(username=username, password="Demo#2026")


def test_cockpit_needs_login(demo_db, client):
    r = client.get("/monitoring/")
    assert r.status_code == 302 and "/login/" in r["Location"]


@pytest.mark.parametrize("username", ["leader", "coordinator", "chief", "dept", "commissioner"])
def test_officials_see_the_cockpit(demo_db, client, username):
    login(client, username)
    r = client.get("/monitoring/?period=2021-06")
    assert r.status_code == 200
    body = r.content.decode()
    assert "2021年1—6月" in body and "动力装备" in body and "节能环保" in body


def test_enterprise_user_gets_403_on_totals(demo_db, client, api):
    login(client, "enterprise")
    assert client.get("/monitoring/").status_code == 403
    assert api("enterprise").get("/api/v1/monitoring/chains?period=2021-06").status_code == 403


def test_chain_page_shows_only_enterprises_the_user_may_see(demo_db, client):
    other = Chain.objects.get(name="海洋化工")
    login(client, "chief")  # chief of 动力装备
    r = client.get(f"/monitoring/chains/{other.pk}/?period=2021-06")
    assert r.status_code == 200
    assert "无可查看的企业数据" in r.content.decode()
    power = Chain.objects.get(name="动力装备")
    r = client.get(f"/monitoring/chains/{power.pk}/?period=2021-06")
    top = r.context["top"]
    assert len(top) == 10 and all(s.enterprise.memberships.filter(chain=power).exists() for s in top)


def test_unknown_period_falls_back_with_a_notice(demo_db, client):
    login(client, "leader")
    r = client.get("/monitoring/?period=2030-01")
    assert r.status_code == 200 and "暂无数据" in r.content.decode()
    r = client.get("/monitoring/?period=abc")
    assert r.status_code == 200 and "YYYY-MM" in r.content.decode()

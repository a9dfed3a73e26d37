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


def test_a_chain_without_a_target_says_so(demo_db, client):
    """A chain with no tier has no scale target: the cockpit and its chain page say that none is set (with a
    link to set it for those who may change the chain) instead of "— / 亿元（None 年）"."""
    chain = Chain.objects.get(name="动力装备")
    Chain.objects.filter(pk=chain.pk).update(tier=None)
    for url in ("/monitoring/?period=2021-06", f"/monitoring/chains/{chain.pk}/?period=2021-06"):
        login(client, "coordinator")
        body = client.get(url).content.decode()
        assert "None 年" not in body and "未设定目标" in body, url
        assert f'href="/chains/{chain.pk}/edit/"' in body, url
        login(client, "leader")
        body = client.get(url).content.decode()
        assert "未设定目标" in body and f'href="/chains/{chain.pk}/edit/"' not in body, url

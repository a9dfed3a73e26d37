"""Page tests for login, home, navigation, language switch, error pages and the Django admin."""
import re

import pytest
from django.contrib.auth import get_user_model

from chainchief.accounts.models import Role
from chainchief.audit.models import AuditAction, AuditEvent
from chainchief.chains.models import Chain
from chainchief.enterprises.models import Membership
from chainchief.web.tests.pages import chain, login, text  # noqa: F401

PASSWORD = "Demo#2026"

PAGES = ["/", "/chains/1/", "/chains/1/edit/", "/chains/new/", "/chains/tiers/", "/chains/tiers/new/",
         "/enterprises/", "/enterprises/1/", "/enterprises/new/", "/enterprises/1/edit/", "/audit/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_is_sent_to_login(demo_db, client, url):
    r = client.get(url)
    assert r.status_code == 302
    assert r["Location"].startswith("/login/?next=")


def test_login_page_is_chinese(demo_db, client):
    body = text(client.get("/login/"))
    assert "用户名" in body and "密码" in body and "链长制工作平台" in body
    assert 'lang="zh-hans"' in body
    assert 'name="language"' in body  # the language selector is there before logging in too


def test_bad_password_shows_chinese_error(demo_db, client):
    r = client.post("/login/", {"username": "coordinator", "password": "wrong"})
    assert r.status_code == 200
    assert "用户名或密码错误" in text(r)
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN_FAILED, username="coordinator").exists()


def test_login_and_logout(demo_db, client):
    r = client.post("/login/", {"username": "coordinator", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/"
    home = text(client.get("/"))
    assert "链长办" in home and "退出登录" in home
    # logout is a POST form, GET does not log out
    assert re.search(r'<form action="/logout/" method="post"', home)
    assert client.get("/logout/").status_code == 405
    r = client.post("/logout/")
    assert r.status_code == 302
    assert client.get("/").status_code == 302


    # The chains by tier: the home page of the roles without a desk, and every desk's "产业链一览" (?all=1).
def test_home_groups_chains_by_tier(login):
    body = text(login("coordinator").get("/?all=1"))
    assert body.count('class="card h-100 cc-chain-card') == 15
    assert "千亿级产业链" in body and "五百亿级产业链" in body
    assert "目标 1000 亿元 · 2025 年" in body and "目标 500 亿元 · 2025 年" in body
    assert body.index("千亿级产业链") < body.index("五百亿级产业链")
    power = chain("动力装备")
    assert f'href="/chains/{power.pk}/"' in body
    card = body[body.index(f'href="/chains/{power.pk}/"'):]
    card = card[:card.index("</a>")]
    assert "市长" in card and "市工业和信息化局" in card
    assert f'<span class="cc-count">{power.memberships.count()}</span>' in card
    assert "市委书记" not in card  # the general chief is the same for every chain: not repeated on the cards


def test_home_for_enterprise_user_shows_only_its_chains(login):
    body = text(login("enterprise").get("/?all=1"))
    user = get_user_model().objects.get(username="enterprise")
    mine = set(Chain.objects.filter(memberships__enterprise__in=user.enterprises.all()).values_list("name", flat=True))
    assert mine and "动力装备" in mine
    assert body.count('class="card h-100 cc-chain-card') == len(mine)
    for name in Chain.objects.exclude(name__in=mine).values_list("name", flat=True):
        assert f">{name}</h3>" not in body


def test_home_empty_state(demo_db, client):
    user = get_user_model().objects.create_user("nobody", password=PASSWORD, role=Role.ENTERPRISE,
                                                region=get_user_model().objects.get(username="leader").region)
    client.force_login(user)
    body = text(client.get("/?all=1"))
    assert "暂无可查看的产业链" in body
    assert "cc-chain-card" not in body


def test_navbar_shows_user_role_and_permitted_links(login):
    c = login("coordinator")
    body = text(c.get("/?all=1"))
    assert "navbar-toggler" in body  # collapses at phone width
    assert "审计日志" in body and "新建产业链" in body and 'href="/admin/"' not in body
    body = text(login("leader").get("/"))
    assert "市领导" in body
    assert "审计日志" not in body and "新建产业链" not in body
    body = text(login("admin").get("/"))
    assert 'href="/admin/"' in body


def test_static_assets_are_local(login):
    body = text(login("coordinator").get("/"))
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in body
    assert "htmx" in body and "cdn" not in body.lower()
    assert not re.search(r'(src|href)="https?://', body)


def test_language_switch_to_english(login):
    c = login("coordinator")
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    body = text(c.get("/?all=1"))
    assert "Key industrial chains" in body and "Log out" in body and 'lang="en"' in body
    assert "Target 1000 (100m yuan) by 2025" in body
    c.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "重点产业链" in text(c.get("/?all=1"))


def test_404_page_is_friendly(login):
    r = login("coordinator").get("/chains/999999/")
    assert r.status_code == 404
    assert "页面不存在" in text(r) and "链长制工作平台" in text(r)


def test_403_page_says_why(login):
    r = login("leader").get(f"/chains/{chain('动力装备').pk}/edit/")
    assert r.status_code == 403
    assert "无权修改该产业链" in text(r)


def test_admin_for_admins_only(login):
    assert login("coordinator").get("/admin/").status_code == 302  # not staff
    c = login("admin")
    body = text(c.get("/admin/"))
    for name in ("产业链", "企业", "审计记录", "用户", "区域"):
        assert name in body
    assert c.get("/admin/chains/chain/").status_code == 200


def test_admin_audit_log_is_read_only(login):
    c = login("admin")
    event = AuditEvent.objects.order_by("id").first() or AuditEvent.objects.create(action=AuditAction.LOGIN)
    assert c.get("/admin/audit/auditevent/").status_code == 200
    assert c.get("/admin/audit/auditevent/add/").status_code == 403
    r = c.get(f"/admin/audit/auditevent/{event.pk}/change/")
    assert r.status_code == 200 and 'name="_save"' not in text(r)  # view only
    assert c.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_changes_are_audited(login):
    c = login("admin")
    power = chain("动力装备")
    r = c.post(f"/admin/chains/chain/{power.pk}/change/", {
        "name": power.name, "short_name": "动力装备", "region": power.region_id, "tier": power.tier_id,
        "description": power.description, "order": power.order, "is_active": "on"})
    assert r.status_code == 302, r.content[:2000]
    power.refresh_from_db()
    assert power.short_name == "动力装备" and power.version == 2
    event = AuditEvent.objects.filter(content_type__model="chain", object_id=str(power.pk)).latest("id")
    assert event.action == AuditAction.UPDATE and "short_name" in event.changed_fields()


def test_membership_count_on_home_matches_database(login):
    body = text(login("leader").get("/"))
    assert body.count('class="card h-100 cc-chain-card') == 15
    total = sum(int(n) for n in re.findall(r'<span class="cc-count">(\d+)</span>', body))
    assert total == Membership.objects.filter(chain__region__code="370700").count() < Membership.objects.count()

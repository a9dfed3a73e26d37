"""The targets and rules page: who may read and change what, and that a rule change changes the chains' lights."""
import math
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from chainchief.audit.models import AuditEvent
from chainchief.chains.models import Chain
from chainchief.monitoring.models import ChainTarget, MonitoringSettings

URL = "/monitoring/settings/"


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def rules(yellow, drop, version=""):
    return {"form": "rules", "yellow_percent": str(yellow), "sharp_drop_percent": str(drop), "version": version}


def target(chain, year, revenue, note=""):
    return {"form": "target", "chain": str(chain.pk), "year": str(year), "revenue": str(revenue), "note": note}


def chains_by_name(api_client, period="2021-06"):
    r = api_client.get(f"/api/v1/monitoring/chains?period={period}")
    assert r.status_code == 200
    return {row["name"]: row for row in r.json()["items"]}


def test_anonymous_goes_to_login_and_enterprise_users_get_403(demo_db, client):
    r = client.get(URL)
    assert r.status_code == 302 and "/login/" in r["Location"]
    login(client, "enterprise")
    assert client.get(URL).status_code == 403
    assert client.post(URL, rules(70, -20)).status_code == 403


def test_leader_reads_but_may_not_change(demo_db, client):
    login(client, "leader")
    r = client.get(URL)
    assert r.status_code == 200
    body = r.content.decode()
    assert "红黄绿灯规则" in body and "保存规则" not in body and "仅链长办可以修改监测规则" in body
    assert all(f.disabled for f in r.context["rules_form"].fields.values())
    assert r.context["target_form"] is None and "添加目标" not in body
    assert client.post(URL, rules(70, -20)).status_code == 403
    assert client.post(URL, target(Chain.objects.get(name="动力装备"), 2022, 900)).status_code == 403
    assert not MonitoringSettings.objects.exists() and not ChainTarget.objects.exists()


def test_cockpit_links_to_the_page(demo_db, client):
    login(client, "leader")
    assert 'href="/monitoring/settings/"' in client.get("/monitoring/?period=2021-06").content.decode()


def test_yellow_ratio_moves_chains_between_yellow_and_red(demo_db, client, api):
    """Read each chain's growth and required growth from the API, choose ratios just above and just below the
    ratio of a chain, and check the lights follow the rule: yellow when growth ≥ ratio × required."""
    coordinator = api("coordinator")
    before = chains_by_name(coordinator)
    # A chain that is yellow under the default 80%: its growth/required lies in [0.80, 1).
    yellow = next(r for r in before.values() if r["status"] == "yellow")
    share = yellow["ttm_growth"] / yellow["required_cagr"]
    assert 0.80 <= share < 1
    up = math.floor(share * 100) + 1  # a ratio just above its share: the chain must turn red
    login(client, "coordinator")
    r = client.post(URL, rules(up, -20), follow=True)
    assert r.status_code == 200 and "已保存监测规则" in r.content.decode()
    row = MonitoringSettings.objects.get()
    assert row.yellow_ratio == Decimal(up) / 100 and row.sharp_drop == Decimal("-0.20")
    assert AuditEvent.objects.filter(content_type__model="monitoringsettings", action="create",
                                     username="coordinator").exists()
    after = chains_by_name(coordinator)
    assert after[yellow["name"]]["status"] == "red"
    assert f"的 {up}%" in after[yellow["name"]]["status_reason"]

    # A red chain that is still growing: a ratio below its share makes it yellow.
    growing_red = [r for r in after.values() if r["status"] == "red" and (r["ttm_growth"] or 0) > 0]
    assert growing_red
    red = min(growing_red, key=lambda r: r["ttm_growth"] / r["required_cagr"])
    down = math.floor(red["ttm_growth"] / red["required_cagr"] * 100) - 1
    r = client.post(URL, rules(down, -20, version=row.version))
    assert r.status_code == 302
    final = chains_by_name(coordinator)
    assert final[red["name"]]["status"] == "yellow"
    # Every chain follows the rule with the new ratio; green and shrinking chains do not move.
    for name, c in final.items():
        if before[name]["status"] in ("green", "unknown") or (c["ttm_growth"] or 0) < 0:
            assert c["status"] == before[name]["status"], name
        else:
            expected = "yellow" if c["ttm_growth"] >= c["required_cagr"] * down / 100 else "red"
            assert c["status"] == expected, name
    # The page shows the lights of the latest period with the new rule too.
    page = client.get(URL).content.decode()
    assert f"的 {down}%" in page


@pytest.mark.parametrize("yellow, drop, message", [
    ("120", "-20", "黄灯比例不能大于 100%。"),
    ("-5", "-20", "黄灯比例不能小于 0%。"),
    ("", "-20", "请填写黄灯比例。"),
    ("abc", "-20", "请输入 0—100 之间的整数。"),
    ("80", "10", "阈值应为负数或 0，例如 -20。"),
    ("80", "-150", "阈值不能低于 -100%。"),
    ("80.5", "-20", "请输入整数百分比。"),
])
def test_rule_validation_messages(demo_db, client, yellow, drop, message):
    login(client, "coordinator")
    r = client.post(URL, rules(yellow, drop))
    assert r.status_code == 200
    assert message in r.content.decode()
    assert not MonitoringSettings.objects.exists()


def test_stale_rules_version_is_a_conflict_message(demo_db, client):
    login(client, "coordinator")
    assert client.post(URL, rules(75, -20)).status_code == 302
    assert client.post(URL, rules(70, -20, version=1)).status_code == 302  # now version 2
    r = client.post(URL, rules(60, -20, version=1))
    assert r.status_code == 200 and "数据已被他人修改" in r.content.decode()
    assert MonitoringSettings.objects.get().yellow_ratio == Decimal("0.70")


def test_sharp_drop_threshold_changes_the_enterprise_alerts(demo_db, client, api):
    power = Chain.objects.get(name="动力装备")
    coordinator = api("coordinator")
    path = f"/api/v1/monitoring/alerts?period=2020-06&chain={power.pk}"  # 2020: a year of drops
    before = coordinator.get(path).json()["sharp_drops"]
    login(client, "coordinator")
    assert client.post(URL, rules(80, -1)).status_code == 302
    after = coordinator.get(path).json()["sharp_drops"]
    # A threshold of −1% flags every enterprise that fell more than 1%: a superset of those below −20%.
    assert {a["enterprise_id"] for a in before} <= {a["enterprise_id"] for a in after}
    assert len(after) > len(before)


def test_coordinator_adds_edits_and_deletes_an_annual_target(demo_db, client, api):
    chain = Chain.objects.get(name="纺织服装")
    login(client, "coordinator")
    r = client.post(URL, target(chain, 2021, "420.5", "市政府工作报告"))
    assert r.status_code == 302
    t = ChainTarget.objects.get(chain=chain, year=2021)
    assert t.revenue == Decimal("420.50")
    assert AuditEvent.objects.filter(content_type__model="chaintarget", object_id=str(t.pk), action="create").exists()
    # The cockpit's rows show it at once.
    assert chains_by_name(api("coordinator"))["纺织服装"]["annual_target"] == "420.50"
    body = client.get(URL).content.decode()
    assert "420.50" in body and "市政府工作报告" in body

    # A second target for the same chain and year is refused with a message.
    r = client.post(URL, target(chain, 2021, "500"))
    assert r.status_code == 200 and "纺织服装 2021 年的目标已存在" in r.content.decode()

    edit = f"/monitoring/settings/targets/{t.pk}/"
    r = client.get(edit)
    assert r.status_code == 200 and "修改年度目标：纺织服装" in r.content.decode()
    r = client.post(edit, {"year": "2021", "revenue": "450", "note": "", "version": str(t.version)})
    assert r.status_code == 302
    t.refresh_from_db()
    assert t.revenue == Decimal("450.00") and t.version == 2
    # stale version
    r = client.post(edit, {"year": "2021", "revenue": "460", "note": "", "version": "1"})
    assert r.status_code == 200 and "数据已被他人修改" in r.content.decode()
    # validation
    r = client.post(edit, {"year": "1999", "revenue": "-1", "note": "", "version": "2"})
    body = r.content.decode()
    assert "年份应在 2000—2100 之间。" in body and "目标不能为负数。" in body

    r = client.post(f"/monitoring/settings/targets/{t.pk}/delete/", {"version": "1"}, follow=True)
    assert "数据已被他人修改" in r.content.decode() and ChainTarget.objects.filter(pk=t.pk).exists()
    r = client.post(f"/monitoring/settings/targets/{t.pk}/delete/", {"version": "2"}, follow=True)
    assert "已删除纺织服装 2021 年目标" in r.content.decode()
    assert not ChainTarget.objects.filter(pk=t.pk).exists()
    assert AuditEvent.objects.filter(content_type__model="chaintarget", object_id=str(t.pk), action="delete").exists()


def test_chief_sets_targets_of_its_own_chains_only(demo_db, client):
    """ChainTarget is chain data: the permission filter lets chain staff add, change and delete it for their
    own chains; the region's rules stay with the coordinator."""
    chief = get_user_model().objects.get(username="chief")
    own = Chain.objects.get(pk=next(iter(chief.scope.chains)))
    other = Chain.objects.filter(region=own.region).exclude(pk__in=chief.scope.chains).first()  # seen, not its own
    login(client, "chief")
    r = client.get(URL)
    assert list(r.context["target_form"].fields["chain"].queryset) == [own]
    assert not r.context["can_rules"] and "保存规则" not in r.content.decode()
    assert client.post(URL, rules(70, -20)).status_code == 403

    assert client.post(URL, target(own, 2022, 800)).status_code == 302
    r = client.post(URL, target(other, 2022, 800))
    assert r.status_code == 200 and "无权为该产业链设定目标。" in r.content.decode()
    assert not ChainTarget.objects.filter(chain=other).exists()

    foreign = ChainTarget.objects.create(chain=other, year=2022, revenue=Decimal("300"))
    body = client.get(URL).content.decode()
    assert f"/monitoring/settings/targets/{foreign.pk}/" not in body  # no edit link for another chain's target
    assert client.get(f"/monitoring/settings/targets/{foreign.pk}/").status_code == 403
    assert client.post(f"/monitoring/settings/targets/{foreign.pk}/delete/", {"version": "1"}).status_code == 403
    assert ChainTarget.objects.filter(pk=foreign.pk).exists()


def test_unknown_form_is_a_bad_request(demo_db, client):
    login(client, "coordinator")
    assert client.post(URL, {"form": "other"}).status_code == 400

"""Chain pages: detail, edit forms, work-model checklist, tiers — per role and scope."""
import pytest

from chainchief.audit.models import AuditAction
from chainchief.chains import checklist
from chainchief.chains.models import Chain, ChainTier, ChainWorkItem, WorkModelItem, WorkStatus
from chainchief.enterprises.models import Membership, MembershipRole
from chainchief.web.tests.pages import chain, last_event, login, text  # noqa: F401


def chain_form(c, **changes):
    data = {"name": c.name, "short_name": c.short_name, "region": c.region_id, "tier": c.tier_id or "",
            "description": c.description, "order": c.order, "is_active": "on" if c.is_active else "",
            "version": c.version}
    data.update(changes)
    return data


def test_detail_shows_chiefs_departments_checklist_and_members(login):
    power = chain("动力装备")
    r = login("coordinator").get(f"/chains/{power.pk}/")
    assert r.status_code == 200
    body = text(r)
    assert "总链长" in body and "市委书记" in body and "市长" in body
    assert "市工业和信息化局" in body and "市科学技术局" in body and "市商务局" in body
    done = checklist.progress(checklist.work_checklist(power))["done"]
    assert f"<strong>{done}</strong> / 8" in body
    assert "一张产业链图谱" in body and "cc-status-done" in body
    for label in ("链主企业", "龙头骨干企业", "配套企业"):
        assert label in body
    master = Membership.objects.get(chain=power, role=MembershipRole.MASTER).enterprise
    assert f'href="/enterprises/{master.pk}/"' in body
    assert body.count('href="/enterprises/') >= power.memberships.count()
    assert f'href="/chains/{power.pk}/edit/"' in body


def test_leader_reads_but_cannot_edit(login):
    power = chain("动力装备")
    c = login("leader")
    body = text(c.get(f"/chains/{power.pk}/"))
    assert "一名市级领导包靠" in body
    assert f'/chains/{power.pk}/edit/' not in body and f"/chains/{power.pk}/work/" not in body
    assert c.get(f"/chains/{power.pk}/edit/").status_code == 403
    assert c.post(f"/chains/{power.pk}/edit/", chain_form(power, name="X")).status_code == 403
    item = WorkModelItem.objects.order_by("order").first()
    assert c.post(f"/chains/{power.pk}/work/{item.pk}/", {"status": "done"}).status_code == 403
    assert c.get("/chains/new/").status_code == 403
    power.refresh_from_db()
    assert power.name == "动力装备"


@pytest.mark.parametrize("username, name, status", [
    ("dept", "动力装备", 200), ("dept", "汽车制造", 200), ("dept", "高端化工", 403),
    ("chief", "动力装备", 200), ("chief", "汽车制造", 403),
    ("coordinator", "高端化工", 200), ("commissioner", "动力装备", 403),
])
def test_edit_form_scope(login, username, name, status):
    assert login(username).get(f"/chains/{chain(name).pk}/edit/").status_code == status


def test_enterprise_user_sees_only_its_chains(login):
    c = login("enterprise")
    power = chain("动力装备")
    r = c.get(f"/chains/{power.pk}/")
    assert r.status_code == 200
    body = text(r)
    ent = Membership.objects.get(chain=power, role=MembershipRole.MASTER).enterprise
    assert ent.name in body
    others = Membership.objects.filter(chain=power).exclude(enterprise=ent)
    assert all(m.enterprise.name not in body for m in others)
    mine = Membership.objects.filter(enterprise=ent).values("chain")
    other_chain = Chain.objects.exclude(pk__in=mine).first()
    assert c.get(f"/chains/{other_chain.pk}/").status_code == 404


def test_edit_chain_post_saves_through_service_and_audits(login):
    power = chain("动力装备")
    r = login("dept").post(f"/chains/{power.pk}/edit/", chain_form(power, description="新的简介"))
    assert r.status_code == 302 and r["Location"] == f"/chains/{power.pk}/"
    power.refresh_from_db()
    assert power.description == "新的简介" and power.version == 2
    event = last_event(Chain, power.pk, AuditAction.UPDATE)
    assert event is not None and event.username == "dept"
    assert {"description", "version"} <= set(event.changed_fields())
    assert event.after["description"] == "新的简介"


def test_stale_version_shows_chinese_message(login):
    power = chain("动力装备")
    c = login("coordinator")
    assert c.post(f"/chains/{power.pk}/edit/", chain_form(power, description="第一次")).status_code == 302
    r = c.post(f"/chains/{power.pk}/edit/", chain_form(power, description="第二次"))  # still version 1
    assert r.status_code == 200
    assert "数据已被他人修改" in text(r) and "请刷新后重试" in text(r)
    power.refresh_from_db()
    assert power.description == "第一次"


def test_chain_form_validation_in_chinese(login):
    power = chain("动力装备")
    r = login("coordinator").post(f"/chains/{power.pk}/edit/", chain_form(power, name=""))
    assert r.status_code == 200
    assert "这个字段是必填项" in text(r)
    other_name = chain("汽车制造").name
    r = login("coordinator").post(f"/chains/{power.pk}/edit/", chain_form(power, name=other_name))
    assert r.status_code == 200 and "已经存在" in text(r)


def test_create_chain(login):
    power = chain("动力装备")
    data = chain_form(power, name="低空经济", short_name="低空", order=99)
    data.pop("version")
    assert login("dept").post("/chains/new/", data).status_code == 403
    r = login("coordinator").post("/chains/new/", data)
    assert r.status_code == 302
    new = Chain.objects.get(name="低空经济")
    assert r["Location"] == f"/chains/{new.pk}/"
    event = last_event(Chain, new.pk, AuditAction.CREATE)
    assert event.username == "coordinator" and event.after["name"] == "低空经济"


def test_work_item_inline_edit_with_htmx(login):
    power = chain("动力装备")
    item = WorkModelItem.objects.get(name="一个产业链联盟")
    c = login("chief")
    url = f"/chains/{power.pk}/work/{item.pk}/"
    form = c.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<html" not in text(form) and 'hx-post="' + url in text(form)
    row = ChainWorkItem.objects.get(chain=power, item=item)
    r = c.post(url, {"status": "done", "note": "联盟已成立", "evidence_url": "https://example.gov.cn/a",
                     "version": row.version}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    body = text(r)
    assert "联盟已成立" in body and 'hx-swap-oob="true"' in body and "<html" not in body
    row.refresh_from_db()
    assert row.status == WorkStatus.DONE and row.note == "联盟已成立"
    event = last_event(ChainWorkItem, row.pk, AuditAction.UPDATE)
    assert event.username == "chief" and event.after["status"] == "done"
    done = checklist.progress(checklist.work_checklist(power))["done"]
    assert f"<strong>{done}</strong> / 8" in body


def test_work_item_plain_post_and_bad_url(login):
    power = chain("汽车制造")
    item = WorkModelItem.objects.get(name="一套政策引导")
    c = login("dept")
    url = f"/chains/{power.pk}/work/{item.pk}/"
    assert "<html" in text(c.get(url))
    r = c.post(url, {"status": "in_progress", "note": "", "evidence_url": "不是网址"})
    assert r.status_code == 200 and "请输入有效的网址" in text(r)
    r = c.post(url, {"status": "in_progress", "note": "起草中", "evidence_url": ""})
    assert r.status_code == 302
    row = ChainWorkItem.objects.get(chain=power, item=item)
    assert row.status == WorkStatus.IN_PROGRESS and row.note == "起草中"
    assert last_event(ChainWorkItem, row.pk) is not None


def test_tiers_list_and_forms(login):
    tier = ChainTier.objects.get(name="千亿级")
    c = login("dept")
    body = text(c.get("/chains/tiers/"))
    assert "千亿级" in body and "五百亿级" in body and "/chains/tiers/new/" not in body
    assert c.get(f"/chains/tiers/{tier.pk}/edit/").status_code == 403
    assert c.get("/chains/tiers/new/").status_code == 403
    c = login("coordinator")
    assert "/chains/tiers/new/" in text(c.get("/chains/tiers/"))
    data = {"name": "千亿级", "region": tier.region_id, "target_scale": "1200", "target_year": "2027",
            "order": tier.order, "version": tier.version}
    r = c.post(f"/chains/tiers/{tier.pk}/edit/", data)
    assert r.status_code == 302
    tier.refresh_from_db()
    assert tier.target_scale == 1200 and tier.target_year == 2027
    event = last_event(ChainTier, tier.pk, AuditAction.UPDATE)
    assert event.before["target_year"] == 2025 and event.after["target_year"] == 2027
    r = c.post(f"/chains/tiers/{tier.pk}/edit/", {**data, "target_year": "1999", "version": tier.version})
    assert r.status_code == 200 and "目标年份应在 2000 至 2100 之间" in text(r)
    r = c.post("/chains/tiers/new/", {"name": "百亿级", "region": tier.region_id, "target_scale": "100",
                                      "target_year": "2026", "order": 5})
    assert r.status_code == 302
    new = ChainTier.objects.get(name="百亿级")
    assert last_event(ChainTier, new.pk, AuditAction.CREATE).username == "coordinator"

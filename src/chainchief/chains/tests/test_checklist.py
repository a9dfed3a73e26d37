"""The work-model checklist follows its evidence: each item's status is computed from the records its rule counts
(kinds and period, configured on the item), or set by hand with a reason; the page and the API say the same."""
import datetime

import pytest
from django.utils import timezone

from chainchief.chains import checklist
from chainchief.chains.models import ChainWorkItem, WorkModelItem, WorkStatus
from chainchief.web.tests.pages import chain, login, text  # noqa: F401
from chainchief.work.models import Research, Task, TaskStatus


def _by_name(rows):
    return {r["item"]: r for r in rows}


def test_api_gives_each_items_computed_status_and_evidence(api):
    power = chain("动力装备")
    r = api("coordinator").get(f"/api/v1/chains/{power.pk}/work-model")
    assert r.status_code == 200
    rows = r.json()
    assert len(rows) == 8 and all(row["computed"] for row in rows)
    for row in rows:
        for ev in row["evidence"]:
            assert set(ev) == {"kind", "id", "title", "date", "url"} and ev["url"].startswith("/")
        # an item with evidence is never 未开展
        assert not (row["evidence"] and row["status"] == "missing"), row
    items = _by_name(rows)
    assert items["一名市级领导包靠"]["status"] == "done"
    assert {e["kind"] for e in items["一名市级领导包靠"]["evidence"]} == {"leader"}
    assert items["一张产业链图谱"]["status"] == "done"
    assert items["一张产业链图谱"]["evidence"][0]["url"] == f"/maps/{power.pk}/"


def test_research_counts_within_the_items_period(demo_db):
    power = chain("动力装备")
    item = WorkModelItem.objects.get(name="一次专题调研", work_model=power.region.work_model)
    today = timezone.localdate()
    Research.objects.filter(chain=power).delete()
    Task.objects.filter(chain=power, work_item=item).delete()
    entry = next(e for e in checklist.work_checklist(power) if e.item == item)
    assert entry.status == WorkStatus.MISSING and entry.computed and entry.evidence == []

    old = Research.objects.create(chain=power, title="三年前的调研", conducted_on=today - datetime.timedelta(days=3 * 365))
    entry = next(e for e in checklist.work_checklist(power) if e.item == item)
    assert entry.status == WorkStatus.MISSING  # outside the item's 12 months

    item.evidence_months = None
    item.save()
    entry = next(e for e in checklist.work_checklist(power) if e.item == item)
    assert entry.status == WorkStatus.DONE and [e.id for e in entry.evidence] == [old.pk]

    item.evidence_kinds = ["task"]  # research no longer counts for it
    item.save()
    entry = next(e for e in checklist.work_checklist(power) if e.item == item)
    assert entry.status != WorkStatus.DONE and all(e.kind == "task" for e in entry.evidence)


def test_a_tagged_task_done_completes_its_item(demo_db):
    power = chain("动力装备")
    item = WorkModelItem.objects.get(name="一个链间沟通衔接机制", work_model=power.region.work_model)
    item.evidence_kinds = ["task"]
    item.save()
    Task.objects.filter(chain=power, work_item=item).delete()
    assert next(e for e in checklist.work_checklist(power) if e.item == item).status == WorkStatus.MISSING
    dept = power.departments.get(is_lead=True).department
    task = Task.objects.create(chain=power, work_item=item, title="建立链间衔接机制", lead_department=dept)
    entry = next(e for e in checklist.work_checklist(power) if e.item == item)
    assert entry.status == WorkStatus.IN_PROGRESS and [e.id for e in entry.evidence] == [task.pk]
    task.status = TaskStatus.DONE
    task.save()
    assert next(e for e in checklist.work_checklist(power) if e.item == item).status == WorkStatus.DONE


def test_a_manual_status_needs_a_reason_and_shows_as_manual(api, login):
    power = chain("动力装备")
    item = WorkModelItem.objects.get(name="一个产业链联盟", work_model=power.region.work_model)
    client = api("chief")
    r = client.put(f"/api/v1/chains/{power.pk}/work-model/{item.pk}", {"status": "missing"})
    assert r.status_code == 400 and "理由" in r.content.decode()
    r = client.put(f"/api/v1/chains/{power.pk}/work-model/{item.pk}", {"status": "missing", "note": "联盟已解散"})
    assert r.status_code == 200
    row = _by_name(client.get(f"/api/v1/chains/{power.pk}/work-model").json())["一个产业链联盟"]
    assert row["status"] == "missing" and row["computed"] is False and row["note"] == "联盟已解散"
    body = text(login("leader").get(f"/chains/{power.pk}/"))
    assert "人工认定" in body and "联盟已解散" in body
    # back to the evidence
    version = ChainWorkItem.objects.get(chain=power, item=item).version
    r = client.put(f"/api/v1/chains/{power.pk}/work-model/{item.pk}", {"status": "", "version": version})
    assert r.status_code == 200
    row = _by_name(client.get(f"/api/v1/chains/{power.pk}/work-model").json())["一个产业链联盟"]
    assert row["computed"] is True


@pytest.mark.parametrize("name", ["动力装备", "汽车制造"])
def test_page_and_api_show_the_same_statuses(api, login, name):
    c = chain(name)
    rows = api("leader").get(f"/api/v1/chains/{c.pk}/work-model").json()
    body = text(login("leader").get(f"/chains/{c.pk}/"))
    done = sum(1 for r in rows if r["status"] == "done")
    assert f"<strong>{done}</strong> / 8" in body
    for r in rows:
        assert f'id="work-item-{r["item_id"]}"' in body
        block = body.split(f'id="work-item-{r["item_id"]}"')[1].split('class="list-group-item')[0]
        assert f'cc-status-{r["status"]}' in block
        for ev in r["evidence"]:
            assert f'href="{ev["url"]}"' in block


def test_the_demo_sets_no_status_without_a_reason(demo_db):
    assert not ChainWorkItem.objects.exclude(status="").filter(note="").exists()
    assert WorkModelItem.objects.get(name="一次专题调研").evidence_kinds == ["research", "task"]


def test_the_office_configures_an_items_rule_through_the_api(api):
    power = chain("动力装备")
    item = WorkModelItem.objects.get(name="一次专题调研", work_model=power.region.work_model)
    client = api("coordinator")
    r = client.patch(f"/api/v1/work-model-items/{item.pk}", {"evidence_kinds": ["research", "meeting"],
                                                             "evidence_months": 6, "version": item.version})
    assert r.status_code == 200, r.content
    assert r.json()["evidence_kinds"] == ["research", "meeting"] and r.json()["evidence_months"] == 6
    r = client.patch(f"/api/v1/work-model-items/{item.pk}", {"evidence_kinds": ["photos"],
                                                             "version": r.json()["version"]})
    assert r.status_code == 400 and "evidence_kinds" in r.json()["errors"]

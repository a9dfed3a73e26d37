"""Tasks of the work ledger: read by chain like the chains themselves, written by the chain's own staff."""
from datetime import date, timedelta

import pytest
from django.utils import timezone

from chainchief.testing import as_user, ids, world  # noqa: F401

PATH = "/api/v1/tasks"


@pytest.fixture
def tasks(world):
    """One task each on 动力装备, 汽车制造, 高端化工 and a chain of 济南市."""
    from chainchief.chains.models import Chain
    from chainchief.core.models import Department
    from chainchief.work.models import Task

    w = world
    Task.objects.all().delete()  # the demo's own ledger: these tests count tasks exactly
    jinan_chain = Chain.objects.create(name="济南测试产业链", region=w.other_city)
    jinan_dept = Department.objects.create(name="济南市工业和信息化局", region=w.other_city)

    def make(chain, title, department=w.industry, **extra):
        return Task.objects.create(chain=chain, title=title, lead_department=department, **extra)

    return {
        "power": make(w.power, "走访链主企业", due_on=date(2021, 6, 30), status="in_progress"),
        "auto": make(w.auto, "召开汽车产业链调度会", due_on=date(2030, 1, 1)),
        "chem": make(w.chem, "绘制化工产业链图谱", due_on=date(2021, 3, 1), status="done"),
        "jinan": make(jinan_chain, "济南任务", jinan_dept),
    }


def _all(client, query=""):
    return ids(client.get(f"{PATH}?limit=1000{query}"))


def _pks(tasks, *keys):
    return {tasks[k].pk for k in keys}


def test_anonymous_is_401(tasks, world, as_user):
    anon, t = as_user(None), tasks["power"]
    assert anon.get(PATH).status_code == 401
    assert anon.get(f"{PATH}/{t.pk}").status_code == 401
    assert anon.post(PATH, {"chain": world.power.pk, "title": "x"}).status_code == 401
    assert anon.patch(f"{PATH}/{t.pk}", {"status": "done"}).status_code == 401
    assert anon.delete(f"{PATH}/{t.pk}").status_code == 401
    t.refresh_from_db()
    assert (t.status, t.version) == ("in_progress", 1)


@pytest.mark.parametrize("role,expected", [
    ("admin", ("power", "auto", "chem", "jinan")),
    ("coordinator", ("power", "auto", "chem")),  # its region only
    ("leader", ("power", "auto", "chem")),
    ("chief", ("power", "auto", "chem")),  # chains are read region-wide; written by their own staff
    ("dept", ("power", "auto", "chem")),
    ("commissioner", ("power", "auto", "chem")),
    ("enterprise", ()),  # the ledger's tasks name no enterprise of its: none of them
])
def test_list_per_role(role, expected, tasks, as_user):
    assert _all(as_user(role)) == _pks(tasks, *expected)


def test_read_by_id(tasks, as_user):
    r = as_user("commissioner").get(f"{PATH}/{tasks['power'].pk}")
    assert r.status_code == 200
    body = r.json()
    assert (body["chain_name"], body["lead_department_name"], body["status_label"], body["is_overdue"]) == (
        "动力装备", "市工业和信息化局", "进行中", True)
    assert as_user("enterprise").get(f"{PATH}/{tasks['power'].pk}").status_code == 404  # not even its chain's
    assert as_user("enterprise").get(f"{PATH}/{tasks['chem'].pk}").status_code == 404
    assert as_user("coordinator").get(f"{PATH}/{tasks['jinan'].pk}").status_code == 404


def test_filters(tasks, world, as_user):
    client = as_user("coordinator")
    assert _all(client, f"&chain={world.power.pk}") == _pks(tasks, "power")
    assert _all(client, "&status=done") == _pks(tasks, "chem")
    assert _all(client, "&overdue=true") == _pks(tasks, "power")  # past due and not done
    assert _all(client, "&overdue=false") == _pks(tasks, "auto", "chem")
    assert _all(client, "&q=调度会") == _pks(tasks, "auto")
    assert _all(client, f"&lead_department={world.finance.pk}") == set()


@pytest.mark.parametrize("role,chain,expected", [
    ("admin", "chem", 201), ("coordinator", "chem", 201),
    ("chief", "power", 201), ("chief", "auto", 403), ("chief", "chem", 403),
    ("dept", "auto", 201), ("dept", "chem", 403),
    ("leader", "power", 403), ("commissioner", "power", 403), ("enterprise", "power", 403),
])
def test_create_per_role(role, chain, expected, world, as_user):
    from chainchief.audit.models import AuditEvent
    from chainchief.work.models import Task

    chain = getattr(world, chain)
    before = AuditEvent.objects.count()
    r = as_user(role).post(PATH, {"chain": chain.pk, "title": "制定产业链发展计划", "due_on": "2026-12-31"})
    assert r.status_code == expected, r.content
    row = Task.objects.filter(title="制定产业链发展计划").first()
    if expected == 201:
        lead = chain.departments.get(is_lead=True).department
        assert row.chain == chain and row.lead_department == lead  # the chain's lead department by default
        assert (row.status, row.created_by.username, r.json()["lead_department_id"]) == ("not_started", role, lead.pk)
        assert AuditEvent.objects.count() == before + 1
    else:
        assert row is None and AuditEvent.objects.count() == before


def test_chain_staff_change_only_their_chains_tasks(tasks, world, as_user):
    chief = as_user("chief")
    power, chem = tasks["power"], tasks["chem"]
    r = chief.patch(f"{PATH}/{power.pk}", {"status": "done", "progress": "已完成走访 12 家", "version": 1})
    assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["is_overdue"] is False
    assert chief.patch(f"{PATH}/{chem.pk}", {"status": "in_progress"}).status_code == 403
    assert chief.delete(f"{PATH}/{chem.pk}").status_code == 403
    # Nor may it move its own task onto another chain.
    assert chief.patch(f"{PATH}/{power.pk}", {"chain": world.chem.pk, "version": 2}).status_code == 403
    power.refresh_from_db()
    assert (power.chain, power.version) == (world.power, 2)
    assert as_user("leader").patch(f"{PATH}/{power.pk}", {"progress": "x"}).status_code == 403
    assert as_user("enterprise").patch(f"{PATH}/{power.pk}", {"progress": "x"}).status_code == 404
    assert as_user("dept").delete(f"{PATH}/{power.pk}").status_code == 200


def test_a_task_may_point_only_at_objects_its_writer_sees(tasks, world, as_user):
    from chainchief.core.models import Person

    jinan_person = Person.objects.create(name="济南人员", title="处长", region=world.other_city)
    r = as_user("coordinator").post(PATH, {"chain": world.power.pk, "title": "x", "responsible": jinan_person.pk})
    assert r.status_code == 400 and r.json()["errors"]["responsible"] == ["所选责任人不存在或无权访问。"]
    r = as_user("coordinator").post(PATH, {"chain": tasks["jinan"].chain_id, "title": "x"})
    assert r.status_code == 400 and "chain" in r.json()["errors"]


def test_validation_messages(tasks, world, as_user):
    from chainchief.chains.models import WorkModel, WorkModelItem

    admin = as_user("admin")
    base = {"chain": world.power.pk, "title": "制定产业链发展计划"}
    jinan_dept = tasks["jinan"].lead_department
    cases = [
        ({"title": "  "}, "title", "请填写任务名称。"),
        ({"lead_department": jinan_dept.pk}, "lead_department", "牵头部门须是该产业链所在区域的部门。"),
        ({"status": "overdue"}, "status", None),
        ({"due_on": "2026-02-30"}, "due_on", None),
    ]
    other_model = WorkModel.objects.create(name="六个一", region=world.city)
    foreign_item = WorkModelItem.objects.create(work_model=other_model, name="一个工作专班")
    cases.append(({"work_item": foreign_item.pk}, "work_item", "该事项不属于本产业链所在区域的工作模式。"))
    for change, field, message in cases:
        r = admin.post(PATH, {**base, **change})
        assert r.status_code == 400, (change, r.content)
        errors = r.json()["errors"]
        assert field in errors, (change, errors)
        if message:
            assert errors[field] == [message]
    own_item = world.city.work_model.items.get(order=4)
    r = admin.post(PATH, {**base, "work_item": own_item.pk})
    assert r.status_code == 201 and r.json()["work_item_name"] == own_item.name


def test_a_chain_without_lead_department_needs_one_named(world, as_user):
    from chainchief.chains.models import ChainDepartment

    ChainDepartment.objects.filter(chain=world.chem, is_lead=True).delete()
    r = as_user("coordinator").post(PATH, {"chain": world.chem.pk, "title": "x"})
    assert r.status_code == 400
    assert r.json()["errors"]["lead_department"] == ["该产业链尚未确定牵头部门，请指定牵头部门。"]
    r = as_user("coordinator").post(PATH, {"chain": world.chem.pk, "title": "x", "lead_department": world.finance.pk})
    assert r.status_code == 201


def test_overdue_is_a_fact_of_the_date(world):
    from chainchief.work.models import Task, TaskStatus

    yesterday = timezone.localdate() - timedelta(days=1)
    task = Task(chain=world.power, title="x", lead_department=world.industry, due_on=yesterday)
    assert task.is_overdue
    task.status = TaskStatus.DONE
    assert not task.is_overdue
    task.status, task.due_on = TaskStatus.IN_PROGRESS, None
    assert not task.is_overdue

"""Importing the work ledger's tasks and key projects with real workbooks: a clean sheet previews, commits,
re-imports unchanged and rolls back; a sheet with one bad row writes nothing and names the row, the column and
why; who may import for which chain."""
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chainchief.accounts.models import Notification
from chainchief.chains.models import Chain
from chainchief.enterprises.models import Membership
from chainchief.imports import services
from chainchief.imports.models import BatchStatus
from chainchief.imports.tests.helpers import xlsx
from chainchief.work.models import KeyProject, Task

pytestmark = pytest.mark.django_db
TASK_HEADER = ["产业链", "任务名称", "任务内容", "牵头部门", "责任人", "完成时限", "状态", "进展情况"]
PROJECT_HEADER = ["产业链", "建设单位", "所属环节", "项目名称", "建设性质", "总投资（亿元）", "计划年度",
                  "年度计划投资（万元）", "项目阶段", "计划开工日期", "实际开工日期", "计划竣工日期"]


def user(name):
    return get_user_model().objects.get(username=name)


def dry(f, kind, username="coordinator"):
    u = user(username)
    return services.run(services.start(u, f, f.name, kind), u)


def commit(f, kind, username="coordinator"):
    return services.commit(dry(f, kind, username), user(username))


# --- tasks ------------------------------------------------------------------------------------------------------

def task_rows():
    due = timezone.localdate() + timedelta(days=30)
    return [TASK_HEADER,
            ["动力装备", "导入测试：对接燃料电池配套企业", "梳理燃料电池电堆配套需求", "工信局", "刘晓东",
             datetime(due.year, due.month, due.day), "进行中", "已对接企业 2 家"],  # a date cell, a short name
            ["高端化工产业链", "导入测试：化工园区安全评估", "", "", "", "2030-06-30", "", ""],  # the chain's lead dept
            ["动力装备", "更新产业链图谱，标注强链、弱链、缺链环节", "", "", "", "", "", "导入更新：下游环节已核实"]]


def test_tasks_preview_commit_reimport_and_rollback(demo_db):
    power, chem = Chain.objects.get(name="动力装备"), Chain.objects.get(name="高端化工")
    mapped = Task.objects.get(chain=power, title="更新产业链图谱，标注强链、弱链、缺链环节")
    progress_before = mapped.progress
    batch = dry(xlsx(task_rows(), title="2021 年产业链重点任务"), "tasks")
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert (batch.new_count, batch.updated_count, batch.unchanged_count) == (2, 1, 0)
    assert batch.get_kind_display() == "任务" and batch.preview[0]["department"] == "市工业和信息化局"
    assert not Task.objects.filter(title__startswith="导入测试").exists()  # a dry run writes nothing

    notes = Notification.objects.count()
    batch = commit(xlsx(task_rows(), title="2021 年产业链重点任务"), "tasks")
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    fuel = Task.objects.get(chain=power, title="导入测试：对接燃料电池配套企业")
    assert (fuel.lead_department.name, fuel.responsible.name, fuel.status, fuel.progress) == (
        "市工业和信息化局", "刘晓东", "in_progress", "已对接企业 2 家")
    assert fuel.due_on == timezone.localdate() + timedelta(days=30) and fuel.created_by == user("coordinator")
    safety = Task.objects.get(chain=chem, title="导入测试：化工园区安全评估")
    assert safety.lead_department == chem.departments.get(is_lead=True).department  # by default the chain's lead
    assert (safety.status, safety.due_on) == ("not_started", date(2030, 6, 30))
    mapped.refresh_from_db()
    assert mapped.progress == "导入更新：下游环节已核实" and mapped.status == "in_progress"  # blank cells keep values
    assert Notification.objects.count() > notes  # the new tasks' assignees are told, as from the task page

    again = dry(xlsx(task_rows()), "tasks")
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    services.rollback(batch, user("coordinator"))
    assert not Task.objects.filter(title__startswith="导入测试").exists()
    mapped.refresh_from_db()
    assert mapped.progress == progress_before


def test_one_bad_task_row_writes_nothing_and_names_row_column_and_reason(demo_db):
    sheet = task_rows() + [["动力装备", "导入测试：错误日期", "", "", "", "下个月底", "", ""]]  # row 5
    before = Task.objects.count()
    batch = services.run(dry(xlsx(sheet), "tasks"), user("coordinator"), write=True)
    assert batch.status != BatchStatus.COMMITTED and "未导入任何数据" in batch.message
    assert Task.objects.count() == before and not Task.objects.filter(title__startswith="导入测试").exists()
    [error] = batch.errors
    assert error["row"] == 5 and error["column"] == "F 列“完成时限”" and error["value"] == "下个月底"
    assert "YYYY-MM-DD" in error["message"]


def test_every_kind_of_bad_task_cell_is_named(demo_db):
    sheet = [TASK_HEADER,
             ["不存在的链", "任务甲", "", "", "", "", "", ""],  # row 2
             ["动力装备", "任务乙", "", "市不存在局", "", "", "", ""],  # row 3
             ["动力装备", "任务丙", "", "", "无此人", "", "", ""],  # row 4
             ["动力装备", "任务丁", "", "", "", "", "已逾期", ""],  # row 5: overdue is the date's, not a status
             ["动力装备", "任务戊", "", "", "", "", "搁置", ""],  # row 6
             ["动力装备", "", "", "", "", "", "", "只有进展"],  # row 7
             ["动力装备", "任务乙", "", "", "", "", "", ""]]  # row 8: the same task as row 3
    batch = dry(xlsx(sheet), "tasks")
    errors = {e["row"]: e for e in batch.errors}
    assert set(errors) == {2, 3, 4, 5, 6, 7, 8}, errors
    assert "未知的产业链" in errors[2]["message"] and errors[3]["column"].startswith("D 列")
    assert "没有部门“市不存在局”" in errors[3]["message"] and "未找到人员“无此人”" in errors[4]["message"]
    assert "由完成时限判定" in errors[5]["message"] and "未开始、进行中 或 已完成" in errors[6]["message"]
    assert "任务名称不能为空" in errors[7]["message"] and "与第 3 行重复" in errors[8]["message"]


def test_a_chief_imports_tasks_for_the_own_chain_only_and_a_leader_none(demo_db, api):
    sheet = [TASK_HEADER, ["动力装备", "导入测试：链长任务", "", "", "", "", "", ""],
             ["高端化工", "导入测试：别链任务", "", "", "", "", "", ""]]
    batch = dry(xlsx(sheet), "tasks", username="chief")
    assert [e["row"] for e in batch.errors] == [3] and "无权在产业链“高端化工”中新增任务" in batch.errors[0]["message"]
    assert services.run(batch, user("chief"), write=True).status != BatchStatus.COMMITTED
    assert not Task.objects.filter(title__startswith="导入测试").exists()
    with pytest.raises(PermissionDenied):
        dry(xlsx(sheet), "tasks", username="leader")
    leader = api("leader")
    r = leader.client.post("/api/v1/imports", {"file": xlsx(sheet), "kind": "tasks", "dry_run": "true"},
                           HTTP_AUTHORIZATION=f"Bearer {leader.token}")
    assert r.status_code == 403


def test_the_task_template_names_the_columns(demo_db, client):
    client.force_login(user("coordinator"))
    r = client.get("/imports/templates/tasks/")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    assert [c.value for c in ws[2]][:8] == TASK_HEADER


# --- key projects -----------------------------------------------------------------------------------------------

def _member(chain_name, role):
    return (Membership.objects.filter(chain__name=chain_name, role=role).select_related("enterprise")
            .order_by("pk").first().enterprise)


def project_rows():
    master, backbone = _member("动力装备", "master"), _member("动力装备", "backbone")
    return [PROJECT_HEADER,
            ["动力装备", master.uscc, "柴油机", "导入测试：船用中速机扩能项目", "扩建", 3.5, 2021, 12000, "在建",
             "2021-03-01", datetime(2021, 3, 18), "2022-12-31"],  # by USCC; 3.5 亿元 = 35000 万元
            ["动力装备", backbone.name, "", "导入测试：电控单元产业化项目", "新建", "1.2", "2021年", "5000", "前期",
             "2021-09-01", "", ""],  # by name
            ["动力装备", "", "", "大缸径高速发动机智能工厂建设项目", "", "", timezone.localdate().year, "42000", "",
             "", "", ""]]  # an update of the demo's project: its annual plan


def test_key_projects_preview_commit_reimport_and_rollback(demo_db):
    power = Chain.objects.get(name="动力装备")
    demo_project = KeyProject.objects.get(name="大缸径高速发动机智能工厂建设项目")
    plan_before = demo_project.annual_plan
    batch = dry(xlsx(project_rows(), title="2021 年重点项目表"), "key_projects")
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert (batch.new_count, batch.updated_count, batch.unchanged_count) == (2, 1, 0)
    assert batch.preview[0]["project_stage"] == "在建" and batch.preview[0]["annual_plan"] == "12000.00"
    assert not KeyProject.objects.filter(name__startswith="导入测试").exists()

    batch = commit(xlsx(project_rows(), title="2021 年重点项目表"), "key_projects")
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    marine = KeyProject.objects.get(chain=power, name="导入测试：船用中速机扩能项目")
    assert marine.enterprise == _member("动力装备", "master") and marine.segment.name == "柴油机"
    assert (marine.kind, marine.stage, marine.total_investment, marine.annual_plan, marine.year) == (
        "expansion", "building", Decimal("35000.00"), Decimal("12000.00"), 2021)
    assert (marine.started_on, marine.planned_finish_on) == (date(2021, 3, 18), date(2022, 12, 31))
    ecu = KeyProject.objects.get(chain=power, name="导入测试：电控单元产业化项目")
    assert ecu.enterprise == _member("动力装备", "backbone") and ecu.stage == "preparing" and ecu.segment is None
    demo_project.refresh_from_db()
    assert demo_project.annual_plan == Decimal("42000.00") and demo_project.stage == "building"

    again = dry(xlsx(project_rows()), "key_projects")
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    services.rollback(batch, user("coordinator"))
    assert not KeyProject.objects.filter(name__startswith="导入测试").exists()
    demo_project.refresh_from_db()
    assert demo_project.annual_plan == plan_before


def test_one_bad_project_row_writes_nothing_and_names_row_column_and_reason(demo_db):
    master = _member("动力装备", "master")
    sheet = project_rows() + [["动力装备", master.uscc, "", "导入测试：未填开工日期", "新建", 1, 2021, 3000, "在建",
                               "2021-05-01", "", ""]]  # row 5: building without its start date
    before = KeyProject.objects.count()
    batch = services.run(dry(xlsx(sheet), "key_projects"), user("coordinator"), write=True)
    assert batch.status != BatchStatus.COMMITTED and "未导入任何数据" in batch.message
    assert KeyProject.objects.count() == before
    [error] = batch.errors
    assert error["row"] == 5 and error["column"] == "K 列“实际开工日期”" and "实际开工日期" in error["message"]


def test_every_kind_of_bad_project_cell_is_named(demo_db):
    master = _member("动力装备", "master")
    row = ["动力装备", master.uscc, "", "", "新建", 1, 2021, 3000, "前期", "", "", ""]

    def with_(**cells):
        r = list(row)
        for i, v in cells.items():
            r[int(i[1:])] = v
        return r

    sheet = [PROJECT_HEADER,
             with_(c3="项目甲", c1=master.uscc[:-1] + ("0" if master.uscc[-1] != "0" else "1")),  # 2: check digit
             with_(c3="项目乙", c1="潍坊不存在的企业有限公司"),  # 3
             with_(c3="项目丙", c2="不存在的环节"),  # 4
             with_(c3="项目丁", c4="新建改扩"),  # 5
             with_(c3="项目戊", c8="开工了"),  # 6
             with_(c3="项目己", c5="很多"),  # 7
             with_(c3="项目庚", c7=5000000),  # 8: the year's plan above the total (the model's rule)
             with_(c3="项目辛", c6=""),  # 9: no plan year
             with_(c3="项目甲")]  # 10: the same project as row 2
    batch = dry(xlsx(sheet), "key_projects")
    errors = {e["row"]: e for e in batch.errors}
    assert set(errors) == {2, 3, 4, 5, 6, 7, 8, 9, 10}, errors
    assert errors[2]["column"] == "B 列“建设单位”" and "校验" in errors[2]["message"]
    assert "未找到该企业" in errors[3]["message"] and "没有环节“不存在的环节”" in errors[4]["message"]
    assert "新建、扩建 或 技术改造" in errors[5]["message"] and "前期、在建、竣工 或 投产" in errors[6]["message"]
    assert errors[7]["column"].startswith("F 列“总投资") and "数字" in errors[7]["message"]
    assert errors[8]["column"].startswith("H 列“年度计划投资") and "不能超过总投资" in errors[8]["message"]
    assert "计划年度" in errors[9]["message"] and "与第 2 行重复" in errors[10]["message"]


def test_a_chief_imports_projects_for_the_own_chain_only(demo_db):
    power_master, chem_master = _member("动力装备", "master"), _member("高端化工", "master")
    sheet = [PROJECT_HEADER,
             ["动力装备", power_master.uscc, "", "导入测试：链长项目", "新建", 1, 2021, 3000, "前期", "", "", ""],
             ["高端化工", power_master.uscc, "", "导入测试：别链项目", "新建", 1, 2021, 3000, "前期", "", "", ""],
             ["动力装备", chem_master.uscc, "", "导入测试：别链企业", "新建", 1, 2021, 3000, "前期", "", "", ""]]
    batch = dry(xlsx(sheet), "key_projects", username="chief")
    errors = {e["row"]: e for e in batch.errors}
    assert set(errors) == {3, 4}, batch.errors
    assert "无权在产业链“高端化工”中新增重点项目" in errors[3]["message"]
    # An enterprise the chief may not see is not found, as its page would not be.
    assert errors[4]["column"].startswith("B 列") and "没有该统一社会信用代码的企业" in errors[4]["message"]
    assert not KeyProject.objects.filter(name__startswith="导入测试").exists()
    with pytest.raises(PermissionDenied):
        dry(xlsx(sheet), "key_projects", username="leader")

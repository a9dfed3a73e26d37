"""An import refuses what the API (or the service behind a page's form) refuses: for every import kind, rows that
the single-entry path turns down are turned down by the import of the same data, with the row, the column and
the reason, and nothing is written. A new kind must bring its own cases (``test_every_kind_has_its_cases``)."""
from dataclasses import dataclass
from datetime import date
from typing import Callable

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chainchief.analytics.periods import Period
from chainchief.imports import registry, services
from chainchief.imports.models import BatchStatus
from chainchief.imports.tests.helpers import new_uscc, xlsx

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


@dataclass
class Case:
    username: str
    refuse: Callable  # the single-entry path: returns an HTTP response (or raises what the service raises)
    rows: list
    column: str  # part of the column the import names
    message: str  # part of the reason, the same as the single-entry path gives where both word it alike
    written: Callable  # whether anything of the row was written


def next_month():
    today = timezone.localdate()
    return Period(today.year, today.month).shift(1)


def _ids():
    from chainchief.chains.models import Chain
    from chainchief.core.models import Region

    city = Region.objects.get(name="潍坊市")
    power = Chain.objects.get(name="动力装备", region=city)
    from chainchief.core.permissions import CHANGE, can

    chief = user("chief")
    other = next(c for c in Chain.objects.filter(region=city).exclude(pk=power.pk).order_by("order", "pk")
                 if not can(chief, CHANGE, c))
    return city, power, other


def _enterprise(username):
    return user(username).enterprises.get()


# --- monthly figures ------------------------------------------------------------------------------------------

def _stats(api, username, ent, period, **values):
    return lambda: api(username).post(f"/api/v1/enterprises/{ent.pk}/stats", {"period": period, **values})


def _stat_written(ent, period):
    from chainchief.monitoring.models import MonthlyStat

    return lambda: MonthlyStat.objects.filter(enterprise=ent, period=period.first_day).exists()


def monthly_future_as_enterprise(api):
    ent = _enterprise("enterprise")
    p = Period(2099, 12)
    return Case("enterprise", _stats(api, "enterprise", ent, str(p), revenue="1"),
                [["统一社会信用代码", "期间", "营业收入"], [ent.uscc, str(p), "1"]], "期间", "不能填报未来月份的数据",
                _stat_written(ent, p))


def monthly_next_month_as_office(api):
    from chainchief.enterprises.models import Enterprise

    ent = Enterprise.objects.filter(region__parent__name="潍坊市").order_by("pk").first()
    p = next_month()
    return Case("coordinator", _stats(api, "coordinator", ent, str(p), revenue="1"),
                [["统一社会信用代码", "期间", "营业收入"], [ent.uscc, f"{p.year}年1-{p.month}月", "1"]], "期间",
                "不能填报未来月份的数据", _stat_written(ent, p))


def monthly_far_future_year_column_as_office(api):
    from chainchief.enterprises.models import Enterprise

    ent = Enterprise.objects.filter(region__parent__name="潍坊市").order_by("pk").first()
    p = Period(2072, 6)
    return Case("coordinator", _stats(api, "coordinator", ent, str(p), revenue="1"),
                [["统一社会信用代码", "年份", "期间", "营业收入"], [ent.uscc, "2072", "1-6月", "1"]], "期间",
                "不能填报未来月份的数据", _stat_written(ent, p))


def monthly_before_2000_as_office(api):
    from chainchief.enterprises.models import Enterprise

    ent = Enterprise.objects.filter(region__parent__name="潍坊市").order_by("pk").first()
    p = Period(1998, 6)
    return Case("coordinator", _stats(api, "coordinator", ent, str(p), revenue="1"),
                [["统一社会信用代码", "期间", "营业收入"], [ent.uscc, str(p), "1"]], "期间", "期间过早",
                _stat_written(ent, p))


def monthly_negative_revenue(api):
    ent = _enterprise("enterprise")
    p = Period(2021, 3)
    from chainchief.monitoring.models import MonthlyStat

    MonthlyStat.objects.filter(enterprise=ent, period=p.first_day).delete()
    return Case("enterprise", _stats(api, "enterprise", ent, str(p), revenue="-1"),
                [["统一社会信用代码", "期间", "营业收入"], [ent.uscc, str(p), "-1"]], "营业收入", "不能为负数",
                _stat_written(ent, p))


# --- the other kinds ------------------------------------------------------------------------------------------

def enterprise_moved_to_another_city(api):
    from chainchief.core.models import Region
    from chainchief.enterprises.models import Enterprise

    ent = Enterprise.objects.filter(region__parent__name="潍坊市").order_by("pk").first()
    far = Region.objects.filter(parent__name="青岛市").order_by("pk").first()
    return Case("coordinator",
                lambda: api("coordinator").patch(f"/api/v1/enterprises/{ent.pk}", {"region": far.pk,
                                                                                    "version": ent.version}),
                [["统一社会信用代码", "企业名称", "所在区县"], [ent.uscc, ent.name, far.name]], "所在区县", "",
                lambda: Enterprise.objects.get(pk=ent.pk).region_id == far.pk)


def segment_on_a_chain_the_chief_does_not_edit(api):
    from chainchief.maps.models import Segment

    _city, _power, other = _ids()
    return Case("chief",
                lambda: api("chief").post("/api/v1/segments", {"chain_id": other.pk, "name": "导入规则测试环节",
                                                               "stage": "upstream"}),
                [["产业链", "环节", "环节位置"], [other.name, "导入规则测试环节", "上游"]], "产业链", "无权",
                lambda: Segment.objects.filter(name="导入规则测试环节").exists())


def placement_on_a_chain_the_chief_does_not_edit(api):
    from chainchief.enterprises.models import Membership
    from chainchief.maps.models import Segment, SegmentPlacement

    _city, _power, other = _ids()
    segment = Segment.objects.filter(chain=other).order_by("pk").first()
    placed = SegmentPlacement.objects.filter(segment=segment).values("membership")
    member = Membership.objects.filter(chain=other).exclude(pk__in=placed).select_related("enterprise").first()
    ent = member.enterprise
    return Case("chief",
                lambda: api("chief").post("/api/v1/segment-placements", {"segment_id": segment.pk,
                                                                         "enterprise_id": ent.pk}),
                [["产业链", "环节", "统一社会信用代码"], [other.name, segment.name, ent.uscc]], "产业链", "无权",
                lambda: SegmentPlacement.objects.filter(segment=segment, membership=member).exists())


def task_of_a_department_of_another_city(api):
    from chainchief.core.models import Department
    from chainchief.work.models import Task

    _city, power, _other = _ids()
    far = Department.objects.filter(region__name="青岛市").order_by("pk").first()
    return Case("coordinator",
                lambda: api("coordinator").post("/api/v1/tasks", {"chain": power.pk, "title": "导入规则测试任务",
                                                                  "lead_department": far.pk}),
                [["产业链", "任务名称", "牵头部门"], [power.name, "导入规则测试任务", far.name]], "牵头部门", "",
                lambda: Task.objects.filter(title="导入规则测试任务").exists())


def project_plan_above_its_total(api):
    from chainchief.work.models import KeyProject

    _city, power, _other = _ids()
    ent = power.memberships.order_by("pk").first().enterprise
    body = {"chain": power.pk, "enterprise": ent.pk, "name": "导入规则测试项目", "year": 2021,
            "total_investment": "100", "annual_plan": "200"}
    return Case("coordinator", lambda: api("coordinator").post("/api/v1/projects", body),
                [["产业链", "建设单位", "项目名称", "计划年度", "总投资（万元）", "年度计划投资（万元）"],
                 [power.name, ent.uscc, "导入规则测试项目", "2021", "100", "200"]], "年度计划投资",
                "年度计划投资不能超过总投资", lambda: KeyProject.objects.filter(name="导入规则测试项目").exists())


def reference_total_before_1950(api):
    from chainchief.core import services as core
    from chainchief.insights.models import ReferenceTotal

    coordinator = user("coordinator")

    def refuse():
        core.create(coordinator, ReferenceTotal, {"region": coordinator.region, "reference": "规则测试省",
                                                  "year": 1900, "industry": "全部工业", "is_total": True,
                                                  "value": 1})

    return Case("coordinator", refuse,
                [["参照经济", "年份", "产业链", "营业收入"], ["规则测试省", "1900", "全部工业", "1"]], "年份", "",
                lambda: ReferenceTotal.objects.filter(reference="规则测试省").exists())


def segment_presence_of_the_region_itself(api):
    from chainchief.core import services as core
    from chainchief.insights.models import SegmentPresence
    from chainchief.maps.models import Segment

    coordinator = user("coordinator")
    _city, power, _other = _ids()
    segment = Segment.objects.filter(chain=power).order_by("pk").first()

    def refuse():
        core.create(coordinator, SegmentPresence, {"region": coordinator.region, "place": coordinator.region.name,
                                                   "segment": segment, "enterprises": 3})

    return Case("coordinator", refuse,
                [["地区", "产业链", "环节", "企业数"], [coordinator.region.name, power.name, segment.name, "3"]], "地区",
                "取自本地产业链图谱", lambda: SegmentPresence.objects.filter(place=coordinator.region.name).exists())


def external_enterprise_with_a_bad_code(api):
    from chainchief.investment.models import ExternalEnterprise

    bad = new_uscc(4242)[:-1] + ("0" if new_uscc(4242)[-1] != "0" else "1")
    body = {"name": "规则测试外地有限公司", "uscc": bad, "province": "江苏省", "main_products": "电控单元"}
    return Case("coordinator", lambda: api("coordinator").post("/api/v1/investment/external-enterprises", body),
                [["企业名称", "统一社会信用代码", "所在省份", "主营产品"], ["规则测试外地有限公司", bad, "江苏省", "电控单元"]],
                "统一社会信用代码", "校验位", lambda: ExternalEnterprise.objects.filter(name="规则测试外地有限公司").exists())


def supply_link_to_itself(api):
    from chainchief.enterprises.models import SupplyLink

    _city, power, _other = _ids()
    ent = power.memberships.order_by("pk").first().enterprise
    body = {"supplier": ent.pk, "customer": ent.pk, "product": "规则测试件", "year": 2021}
    return Case("coordinator", lambda: api("coordinator").post("/api/v1/supply-links", body),
                [["供应方", "供应方统一社会信用代码", "采购方", "采购方统一社会信用代码", "产品", "年份"],
                 [ent.name, ent.uscc, ent.name, ent.uscc, "规则测试件", "2021"]], "采购方", "不能是同一家企业",
                lambda: SupplyLink.objects.filter(product="规则测试件").exists())


CASES = {
    "monthly_stats": [monthly_future_as_enterprise, monthly_next_month_as_office,
                      monthly_far_future_year_column_as_office, monthly_before_2000_as_office,
                      monthly_negative_revenue],
    "enterprises": [enterprise_moved_to_another_city],
    "segments": [segment_on_a_chain_the_chief_does_not_edit],
    "placements": [placement_on_a_chain_the_chief_does_not_edit],
    "tasks": [task_of_a_department_of_another_city],
    "key_projects": [project_plan_above_its_total],
    "reference_totals": [reference_total_before_1950],
    "segment_presence": [segment_presence_of_the_region_itself],
    "external": [external_enterprise_with_a_bad_code],
    "supply_links": [supply_link_to_itself],
}


def test_every_kind_has_its_cases():
    assert set(CASES) == set(registry.kinds()), "每种导入都须在 CASES 中列出单条录入会拒绝、导入也须拒绝的数据"


def _refused(call):
    try:
        r = call()
    except (ValidationError, PermissionDenied) as exc:
        return str(exc)
    assert r.status_code in (400, 403, 404, 409), (r.status_code, r.content[:300])
    return r.json()["detail"]


@pytest.mark.parametrize("kind, make", [(k, f) for k, fs in CASES.items() for f in fs],
                         ids=lambda v: v.__name__ if callable(v) else v)
def test_an_import_refuses_what_the_single_entry_path_refuses(api, kind, make):
    case = make(api)
    detail = _refused(case.refuse)
    assert not case.written()
    who = user(case.username)
    batch = services.start(who, xlsx(case.rows), "规则.xlsx", kind)
    batch = services.run(batch, who, write=True)  # a direct commit, as POST /imports with dry_run=false
    assert batch.status == BatchStatus.PARSED, (batch.status, batch.errors, batch.message)
    assert not case.written()
    [error] = [e for e in batch.errors if e["row"] == len(case.rows)]
    assert case.column in error["column"], error
    assert error["message"] and case.message in error["message"], (error, detail)


def test_the_office_imports_this_month_and_not_the_next(demo_db):
    from chainchief.enterprises.models import Enterprise
    from chainchief.monitoring.models import MonthlyStat

    ent = Enterprise.objects.filter(region__parent__name="潍坊市").order_by("pk").first()
    today = timezone.localdate()
    this = Period(today.year, today.month)
    coordinator = user("coordinator")
    rows = [["统一社会信用代码", "期间", "营业收入"], [ent.uscc, str(this), "10"]]
    batch = services.run(services.start(coordinator, xlsx(rows), "a.xlsx", "monthly_stats"), coordinator, write=True)
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    assert MonthlyStat.objects.filter(enterprise=ent, period=this.first_day).exists()
    rows = [["统一社会信用代码", "期间", "营业收入"], *[[ent.uscc, f"{y}-12", "10"] for y in range(2027, 2073)]]
    batch = services.run(services.start(coordinator, xlsx(rows), "b.xlsx", "monthly_stats"), coordinator, write=True)
    assert batch.status == BatchStatus.PARSED and batch.error_count == 2072 - 2027 + 1
    assert not MonthlyStat.objects.filter(period__year__gt=today.year).exists()


def test_a_future_period_in_the_title_is_refused(demo_db):
    ent = _enterprise("enterprise")
    me = user("enterprise")
    rows = [["统一社会信用代码", "营业收入"], [ent.uscc, "1"]]
    batch = services.run(services.start(me, xlsx(rows, title="2099年1-12月主要经济指标"), "a.xlsx", "monthly_stats"),
                         me, write=True)
    assert batch.status == BatchStatus.FAILED and "不能填报未来月份的数据" in batch.message
    from chainchief.monitoring.models import MonthlyStat

    assert not MonthlyStat.objects.filter(enterprise=ent, period=date(2099, 12, 1)).exists()


def test_the_api_answers_the_same_reason_for_the_same_future_row(api):
    """Finding of the security round: the enterprise's own row for 2099-12 went in through POST /imports."""
    from chainchief.imports.tests.test_api import upload

    ent = _enterprise("enterprise")
    c = api("enterprise")
    single = c.post(f"/api/v1/enterprises/{ent.pk}/stats", {"period": "2099-12", "revenue": "1"})
    assert single.status_code == 400
    body = upload(c, xlsx([["统一社会信用代码", "期间", "营业收入（万元）"], [ent.uscc, "2099-12", "1"]]),
                  "monthly_stats", dry_run=False).json()
    assert body["status"] == "parsed" and not body["can_commit"]
    assert body["errors"] == [{"row": 2, "column": "B 列“期间”", "value": "2099-12",
                               "message": single.json()["errors"]["period"][0]}]

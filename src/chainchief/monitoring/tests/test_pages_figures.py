"""The enterprise figures page: who may read and write, the derived monthly values, and the entry form."""
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from chainchief.analytics.periods import Period
from chainchief.audit.models import AuditEvent
from chainchief.chains.models import Chain
from chainchief.core import services as core_services
from chainchief.enterprises.models import Enterprise
from chainchief.monitoring.models import ChainFigure, MonthlyStat


def user(username):
    return get_user_model().objects.get(username=username)


def login(client, username):
    client.force_login(user(username))
    return client


@pytest.fixture
def own(demo_db):
    """The demo enterprise user's own enterprise."""
    return Enterprise.objects.get(pk=next(iter(user("enterprise").scope.enterprises)))


@pytest.fixture
def other(own):
    return Enterprise.objects.exclude(pk=own.pk).filter(stats__isnull=False).first()


def url(enterprise, query=""):
    return f"/monitoring/enterprises/{enterprise.pk}/{query}"


def stat(enterprise, period):
    return MonthlyStat.objects.get(enterprise=enterprise, period=Period.parse(period).first_day)


def post_values(period, **values):
    return {"period": period, "revenue": "", "gross_output": "", "profit": "", "tax": "", "rd_spend": "",
            "employees": "", **values}


def edit_values(row, **changes):
    data = {name: "" if getattr(row, name) is None else str(getattr(row, name)) for name in MonthlyStat.FIGURES}
    data.update(period=f"{row.period:%Y-%m}", version=str(row.version))
    data.update({k: str(v) for k, v in changes.items()})
    return data


# --- who may read and write -------------------------------------------------------------------------------

def test_anonymous_goes_to_login(own, client):
    r = client.get(url(own))
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_enterprise_user_sees_its_own_figures_and_no_other(own, other, client):
    login(client, "enterprise")
    r = client.get(url(own, "?year=2021"))
    assert r.status_code == 200
    body = r.content.decode()
    assert own.name in body and "1—6月" in body and r.context["can_record"]
    assert "vendor/echarts/echarts.min.js" in body
    assert client.get(url(other)).status_code == 404
    assert client.post(url(other), post_values("2021-10", revenue="1")).status_code == 404
    assert not MonthlyStat.objects.filter(enterprise=other, period=date(2021, 10, 1)).exists()


def test_leader_reads_but_may_not_post(own, client):
    login(client, "leader")
    r = client.get(url(own))
    assert r.status_code == 200 and r.context["form"] is None and "填报月度数据" not in r.content.decode()
    r = client.post(url(own), post_values("2021-10", revenue="100"))
    assert r.status_code == 403
    assert not MonthlyStat.objects.filter(enterprise=own, period=date(2021, 10, 1)).exists()


def test_commissioner_reads_its_enterprises_only_and_may_not_write(demo_db, client):
    commissioner = user("commissioner")
    mine = Enterprise.objects.filter(pk__in=commissioner.scope.enterprises).first()
    stranger = Enterprise.objects.exclude(pk__in=commissioner.scope.enterprises).first()
    login(client, "commissioner")
    assert client.get(url(mine)).status_code == 200
    assert client.get(url(stranger)).status_code == 404
    assert client.post(url(mine), post_values("2021-10", revenue="1")).status_code == 403


def test_chief_records_for_enterprises_of_its_chain_as_the_permission_filter_allows(demo_db, client):
    chief = user("chief")
    in_chain = Enterprise.objects.filter(memberships__chain__in=chief.scope.chains).first()
    login(client, "chief")
    r = client.get(url(in_chain))
    assert r.status_code == 200 and r.context["can_record"]
    outside = Enterprise.objects.exclude(memberships__chain__in=chief.scope.chains).first()
    assert client.get(url(outside)).status_code == 404


def test_enterprise_detail_links_to_the_figures_page(own, client):
    login(client, "enterprise")
    body = client.get(f"/enterprises/{own.pk}/").content.decode()
    assert f'href="/monitoring/enterprises/{own.pk}/"' in body and "月度数据" in body


# --- the table: as reported, derived monthly values, year on year -------------------------------------------

def test_table_derives_monthly_values_and_year_on_year_by_hand(own, client):
    login(client, "enterprise")
    lines = {str(line["period"]): line for line in client.get(url(own, "?year=2021")).context["lines"]}
    # The demo reports 1—2月 merged: no January line, February labelled 1—2月 and its monthly value covers two
    # months.
    assert "2021-01" not in lines
    feb = lines["2021-02"]
    assert feb["label"] == "1—2月"
    rev = feb["cells"][0]
    assert rev["name"] == "revenue" and rev["covered"] == 2 and rev["monthly"] == stat(own, "2021-02").revenue
    # June: monthly = YTD(1—6月) − YTD(1—5月); YoY against the same period of 2020.
    june, may, june_2020, may_2020 = (stat(own, p) for p in ("2021-06", "2021-05", "2020-06", "2020-05"))
    cell = lines["2021-06"]["cells"][0]
    assert cell["monthly"] == june.revenue - may.revenue
    assert cell["ytd_yoy"] == pytest.approx(float(june.revenue / june_2020.revenue) - 1)
    assert cell["monthly_yoy"] == pytest.approx(
        float((june.revenue - may.revenue) / (june_2020.revenue - may_2020.revenue)) - 1)
    # 1—2月 against last year's 1—2月
    assert rev["monthly_yoy"] == pytest.approx(
        float(stat(own, "2021-02").revenue / stat(own, "2020-02").revenue) - 1)
    body = client.get(url(own, "?year=2021")).content.decode()
    assert "1—2月" in body and "1—6月" in body


def test_a_missing_month_is_shown_and_the_next_month_has_no_monthly_value(own, client):
    MonthlyStat.objects.filter(enterprise=own, period=date(2021, 4, 1)).delete()
    login(client, "enterprise")
    r = client.get(url(own, "?year=2021"))
    lines = {str(line["period"]): line for line in r.context["lines"]}
    assert lines["2021-04"]["row"] is None
    assert lines["2021-05"]["cells"][0]["monthly"] is None  # April unknown: May's own value is undefined
    assert lines["2021-05"]["cells"][0]["ytd"] == stat(own, "2021-05").revenue
    assert "未报送" in r.content.decode()


def test_a_january_reported_alone_splits_february(own, client):
    feb = stat(own, "2021-02")
    MonthlyStat.objects.create(enterprise=own, period=date(2021, 1, 1), revenue=Decimal("200000.00"))
    login(client, "enterprise")
    lines = {str(line["period"]): line for line in client.get(url(own, "?year=2021")).context["lines"]}
    assert lines["2021-01"]["label"] == "1月" and lines["2021-01"]["cells"][0]["monthly"] == Decimal("200000.00")
    cell = lines["2021-02"]["cells"][0]
    assert cell["covered"] == 1 and cell["monthly"] == feb.revenue - Decimal("200000.00")
    assert cell["monthly_yoy"] is None  # 2020 had only 1—2月: no February of its own to compare with


# --- the entry form ---------------------------------------------------------------------------------------

def test_entry_creates_the_row_audits_and_refreshes_the_chain_figures(own, client):
    chains = list(Chain.objects.filter(memberships__enterprise=own))
    assert chains
    before = {c.pk: ChainFigure.objects.filter(chain=c, period=date(2021, 10, 1)).first() for c in chains}
    sept = stat(own, "2021-09")
    value = sept.revenue + Decimal("300000.00")
    login(client, "enterprise")
    r = client.post(url(own), post_values("2021-10", revenue=str(value), employees="812"), follow=True)
    assert r.status_code == 200
    body = r.content.decode()
    assert "已填报2021年1—10月数据。" in body
    row = stat(own, "2021-10")
    assert row.revenue == value and row.employees == 812
    assert AuditEvent.objects.filter(content_type__model="monthlystat", object_id=str(row.pk), action="create",
                                     username="enterprise").exists()
    for c in chains:
        # No other demo enterprise has reported 2021-10, so the chain figure is exactly this enterprise's YTD.
        assert before[c.pk] is None
        fig = ChainFigure.objects.get(chain=c, period=date(2021, 10, 1))
        assert fig.revenue == value and fig.reporters == 1
    # The new month is in the table, highlighted.
    assert f'id="stat-2021-10" class="table-success"' in body


def test_edit_with_the_current_version_changes_the_chain_figure_by_the_difference(own, client):
    chain = Chain.objects.filter(memberships__enterprise=own).first()
    figure_before = ChainFigure.objects.get(chain=chain, period=date(2021, 9, 1)).revenue
    row = stat(own, "2021-09")
    login(client, "enterprise")
    r = client.get(url(own, "?year=2021&edit=2021-09"))
    assert r.context["form"]["version"].value() == row.version
    assert r.context["form"]["revenue"].value() == row.revenue
    r = client.post(url(own), edit_values(row, revenue=row.revenue + 1000))
    assert r.status_code == 302, r.context["form"].errors
    row.refresh_from_db()
    assert row.version == 2
    assert ChainFigure.objects.get(chain=chain, period=date(2021, 9, 1)).revenue == figure_before + 1000
    assert AuditEvent.objects.filter(content_type__model="monthlystat", object_id=str(row.pk),
                                     action="update").exists()


def test_a_stale_version_is_a_chinese_conflict_message_not_a_server_error(own, client):
    row = stat(own, "2021-09")
    stale = edit_values(row, revenue=row.revenue + 5)
    core_services.update(user("coordinator"), row, {"revenue": row.revenue + 1}, version=row.version)
    login(client, "enterprise")
    r = client.post(url(own), stale)
    assert r.status_code == 200
    assert "数据已被他人修改" in r.content.decode()
    row.refresh_from_db()
    assert row.revenue == stat(own, "2021-09").revenue and row.version == 2


def test_an_existing_month_without_version_is_not_overwritten(own, client):
    row = stat(own, "2021-09")
    login(client, "enterprise")
    r = client.post(url(own), post_values("2021-09", revenue=str(row.revenue + 1)))
    assert r.status_code == 200
    assert "2021年1—9月已有数据" in r.content.decode()
    row.refresh_from_db()
    assert row.version == 1


@pytest.mark.parametrize("values, field, message", [
    ({"period": "2021-10", "revenue": "-5"}, "revenue", "营业收入累计不能为负数。"),
    ({"period": "2021-10", "tax": "-1"}, "tax", "税收累计不能为负数。"),
    ({"period": "2021-13", "revenue": "5"}, "period", "期间格式应为 YYYY-MM"),
    ({"period": "abc", "revenue": "5"}, "period", "期间格式应为 YYYY-MM"),
    ({"period": "2099-01", "revenue": "5"}, "period", "不能填报未来月份的数据。"),
    ({"period": "2021-10", "revenue": "abc"}, "revenue", "请输入数字"),
    ({"period": "2021-10", "revenue": "1.234"}, "revenue", "最多保留两位小数。"),
    ({"period": "2021-10", "employees": "-3"}, "employees", "从业人员不能为负数。"),
    ({"period": "", "revenue": "5"}, "period", "请选择统计期间。"),
    ({"period": "2021-10"}, None, "请至少填写一项指标。"),
])
def test_validation_messages(own, client, values, field, message):
    login(client, "enterprise")
    r = client.post(url(own), post_values(**values))
    assert r.status_code == 200
    form = r.context["form"]
    errors = form.errors.get(field or "__all__", [])
    assert any(message in e for e in errors), form.errors
    assert message in r.content.decode()
    assert not MonthlyStat.objects.filter(enterprise=own, period=date(2021, 10, 1)).exists()


def test_profit_may_be_negative(own, client):
    login(client, "enterprise")
    r = client.post(url(own), post_values("2021-10", revenue=str(stat(own, "2021-09").revenue + 1), profit="-120.5"))
    assert r.status_code == 302
    assert stat(own, "2021-10").profit == Decimal("-120.50")


def test_a_ytd_below_the_previous_month_needs_confirmation(own, client):
    """A smaller YTD than the month before means a negative month: usually a monthly value typed as cumulative,
    sometimes a real revision. The form warns and saves only when the user confirms."""
    sept = stat(own, "2021-09")
    login(client, "enterprise")
    data = post_values("2021-10", revenue="320000")  # a month's value, not the cumulative
    r = client.post(url(own), data)
    assert r.status_code == 200
    body = r.content.decode()
    assert "营业收入累计 320,000.00 小于2021年1—9月累计" in body and f"{sept.revenue:,.2f}" in body
    assert "如确认无误，请勾选后再保存" in body
    assert not MonthlyStat.objects.filter(enterprise=own, period=date(2021, 10, 1)).exists()
    r = client.post(url(own), {**data, "confirm": "on"})
    assert r.status_code == 302
    assert stat(own, "2021-10").revenue == Decimal("320000")


def test_a_ytd_above_the_next_month_warns_too(own, client):
    aug = stat(own, "2021-08")
    login(client, "enterprise")
    r = client.post(url(own), edit_values(aug, revenue=stat(own, "2021-09").revenue + 10))
    assert r.status_code == 200 and "大于2021年1—9月累计" in r.content.decode()


def test_a_new_year_starts_from_zero_without_a_warning(own, client):
    """The YTD restarts every January: 2022's 1—2月 may be far below 2021's 1—12月."""
    MonthlyStat.objects.create(enterprise=own, period=date(2021, 12, 1), revenue=Decimal("3900000"))
    login(client, "enterprise")
    r = client.post(url(own), post_values("2022-02", revenue="600000"))
    assert r.status_code == 302


def test_coordinator_records_for_any_enterprise_of_its_region(other, client):
    login(client, "coordinator")
    r = client.post(url(other), post_values("2021-10", revenue=str(stat(other, "2021-09").revenue + Decimal("123.45"))))
    assert r.status_code == 302
    row = stat(other, "2021-10")
    assert AuditEvent.objects.filter(object_id=str(row.pk), action="create", username="coordinator").exists()


def test_a_bad_year_parameter_falls_back_to_the_latest_year(own, client):
    login(client, "enterprise")
    r = client.get(url(own, "?year=abc"))
    assert r.status_code == 200 and r.context["year"] == 2021
    r = client.get(url(own, "?year=2015"))
    assert r.status_code == 200 and r.context["lines"] == [] and "2015 年暂无月度数据" in r.content.decode()

from datetime import date

from chainchief.audit.models import AuditEvent
from chainchief.enterprises.models import Enterprise
from chainchief.monitoring.models import MonthlyStat


def test_chains_for_a_period(api):
    r = api("coordinator").get("/api/v1/monitoring/chains?period=2021-06")
    assert r.status_code == 200
    body = r.json()
    assert body["period"] == "2021-06" and body["count"] == 15
    statuses = {row["status"] for row in body["items"]}
    assert len(statuses) >= 2
    for row in body["items"]:
        assert row["status_reason"]
        assert row["target"] in ("1000.00", "500.00")
    # The demo reproduces the report's 2020 figure: 8,755.1 亿元 of city above-scale revenue.
    r = api("coordinator").get("/api/v1/monitoring/chains?period=2020-12")
    assert r.json()["city"]["revenue"] == "87551000.00"


def test_bad_period_is_400(api):
    r = api("coordinator").get("/api/v1/monitoring/chains?period=2021/06")
    assert r.status_code == 400 and "YYYY-MM" in r.json()["detail"]


def test_series_has_no_january(api):
    r = api("leader").get("/api/v1/monitoring/chains/1/series")
    assert r.status_code == 200
    points = r.json()
    assert points and not any(p["period"].endswith("-01") for p in points)
    feb = [p for p in points if p["period"].endswith("-02")]
    assert all(p["months_covered"] == 2 for p in feb)


def test_enterprise_user_reads_only_its_figures(api):
    client = api("enterprise")
    mine = client.get("/api/v1/enterprises").json()["items"]
    assert len(mine) == 1
    own = mine[0]["id"]
    other = Enterprise.objects.exclude(pk=own).filter(stats__isnull=False).first()
    assert client.get(f"/api/v1/enterprises/{own}/stats").status_code == 200
    assert client.get(f"/api/v1/enterprises/{other.pk}/stats").status_code == 404


def test_enterprise_user_reports_its_own_figures(api):
    client = api("enterprise")
    own = client.get("/api/v1/enterprises").json()["items"][0]["id"]
    r = client.post(f"/api/v1/enterprises/{own}/stats", {"period": "2021-10", "revenue": "12345.67"})
    assert r.status_code == 201, r.content
    row = MonthlyStat.objects.get(enterprise_id=own, period=date(2021, 10, 1))
    assert str(row.revenue) == "12345.67"
    assert AuditEvent.objects.filter(content_type__model="monthlystat", object_id=str(row.pk),
                                     action="create", username="enterprise").exists()
    other = Enterprise.objects.exclude(pk=own).first()
    assert client.post(f"/api/v1/enterprises/{other.pk}/stats", {"period": "2021-10", "revenue": "1"}
                       ).status_code == 404


def test_negative_revenue_and_readers_who_may_not_write(api):
    own = api("enterprise").get("/api/v1/enterprises").json()["items"][0]["id"]
    r = api("enterprise").post(f"/api/v1/enterprises/{own}/stats", {"period": "2021-10", "revenue": "-5"})
    assert r.status_code == 400 and "revenue" in r.json()["errors"]
    assert api("leader").post(f"/api/v1/enterprises/{own}/stats",
                              {"period": "2021-10", "revenue": "5"}).status_code == 403
    assert api().get("/api/v1/monitoring/chains").status_code == 401

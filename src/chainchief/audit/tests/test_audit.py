"""The change log: every write through the services leaves one row with who, when, the request id, the object
and before/after values; logins, logouts, failed logins and token issuance are recorded; nobody changes it."""
import pytest

from chainchief.audit.models import AuditAction, AuditEvent, ReadOnlyError
from chainchief.testing import as_user, make_uscc  # noqa: F401


@pytest.fixture
def coord(as_user):
    return as_user("coordinator")


def _events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("id"))


def _new_events(since_id, **filters):
    return list(AuditEvent.objects.filter(id__gt=since_id, **filters).order_by("id"))


def _last_id():
    last = AuditEvent.objects.order_by("-id").first()
    return last.pk if last else 0


# --- writes through the API -------------------------------------------------------------------------------------


def test_create_update_delete_are_recorded_with_request_id_and_values(coord):
    from chainchief.chains.models import ChainTier
    from chainchief.core.models import Region

    city = Region.objects.get(name="潍坊市")
    start = _last_id()
    r = coord.post("/api/v1/tiers", {"name": "百亿级", "region_id": city.pk, "target_scale": "100", "target_year": 2027},
                   headers={"X-Request-ID": "req-create-1"})
    assert r.status_code == 201 and r["X-Request-ID"] == "req-create-1"
    tier = ChainTier.objects.get(name="百亿级")
    (created,) = _new_events(start)
    assert (created.action, created.username, created.user.username) == ("create", "coordinator", "coordinator")
    assert created.request_id == "req-create-1"
    assert (created.content_type.model, created.object_id, created.object_repr) == ("chaintier", str(tier.pk), "百亿级")
    assert created.before is None
    assert created.after["name"] == "百亿级" and created.after["target_year"] == 2027
    assert created.after["region_id"] == city.pk and created.after["version"] == 1
    assert created.ip == "127.0.0.1"

    r = coord.patch(f"/api/v1/tiers/{tier.pk}", {"target_year": 2030, "version": 1},
                    headers={"X-Request-ID": "req-update-1"})
    assert r.status_code == 200 and r["X-Request-ID"] == "req-update-1"
    (updated,) = _new_events(created.pk)
    assert updated.action == "update" and updated.request_id == "req-update-1"
    assert updated.before["target_year"] == 2027 and updated.after["target_year"] == 2030
    assert updated.before["version"] == 1 and updated.after["version"] == 2
    assert updated.changed_fields() == ["target_year", "updated_at", "version"]
    assert updated.before["name"] == updated.after["name"] == "百亿级"

    r = coord.delete(f"/api/v1/tiers/{tier.pk}", headers={"X-Request-ID": "req-delete-1"})
    assert r.status_code == 200
    (deleted,) = _new_events(updated.pk)
    assert deleted.action == "delete" and deleted.request_id == "req-delete-1"
    assert deleted.object_id == str(tier.pk) and deleted.object_repr == "百亿级"
    assert deleted.before["target_year"] == 2030 and deleted.after is None
    assert not ChainTier.objects.filter(pk=tier.pk).exists()


def test_every_request_gets_an_id_and_unsafe_ids_are_replaced(coord):
    from chainchief.chains.models import Chain

    power = Chain.objects.get(name="动力装备")
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "一", "version": power.version})
    generated = r["X-Request-ID"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    assert _events(request_id=generated)[0].object_id == str(power.pk)
    r = coord.patch(f"/api/v1/chains/{power.pk}", {"description": "二", "version": power.version + 1},
                    headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert r["X-Request-ID"] != "<script>alert(1)</script>" and len(r["X-Request-ID"]) == 32
    assert _events(request_id=r["X-Request-ID"])[0].after["description"] == "二"
    r = coord.get("/api/v1/chains", headers={"X-Request-ID": "x" * 65})
    assert r["X-Request-ID"] != "x" * 65


def test_an_update_that_changes_nothing_writes_no_row_and_keeps_the_version(coord):
    from chainchief.chains.models import Chain, ChainTier

    power = Chain.objects.get(name="动力装备")
    tier = ChainTier.objects.get(name="千亿级")
    start = _last_id()
    for path, body in [(f"/api/v1/chains/{power.pk}", {"name": power.name, "description": power.description,
                                                       "version": power.version}),
                       (f"/api/v1/chains/{power.pk}", {"version": power.version}),
                       (f"/api/v1/tiers/{tier.pk}", {"target_scale": "1000", "target_year": 2025,
                                                      "version": tier.version})]:
        r = coord.patch(path, body)
        assert r.status_code == 200, r.content
    assert _new_events(start) == []
    assert Chain.objects.get(pk=power.pk).version == power.version
    assert ChainTier.objects.get(pk=tier.pk).version == tier.version


def test_a_refused_write_leaves_no_row(as_user):
    from chainchief.chains.models import Chain

    chem = Chain.objects.get(name="高端化工")
    start = _last_id()
    r = as_user("chief").patch(f"/api/v1/chains/{chem.pk}", {"description": "越权"})
    assert r.status_code == 403
    r = as_user("coordinator").patch(f"/api/v1/chains/{chem.pk}", {"description": "冲突", "version": 99})
    assert r.status_code == 409
    r = as_user("coordinator").patch(f"/api/v1/chains/{chem.pk}", {"order": -1, "version": chem.version})
    assert r.status_code == 400
    assert _new_events(start, action__in=["create", "update", "delete"]) == []


def test_enterprise_with_memberships_writes_one_row_per_object(coord):
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Enterprise

    power, auto = Chain.objects.get(name="动力装备"), Chain.objects.get(name="汽车制造")
    start = _last_id()
    code = make_uscc("91370705MA3AUD1T0")
    r = coord.post("/api/v1/enterprises", {"uscc": code, "name": "审计测试企业", "memberships": [
        {"chain": power.pk, "role": "backbone"}, {"chain": auto.pk}]}, headers={"X-Request-ID": "req-ent"})
    assert r.status_code == 201, r.content
    e = Enterprise.objects.get(uscc=code)
    events = _new_events(start)
    assert [(ev.action, ev.content_type.model) for ev in events] == [
        ("create", "enterprise"), ("create", "membership"), ("create", "membership")]
    assert {ev.request_id for ev in events} == {"req-ent"}
    assert events[0].after["uscc"] == code and events[0].object_id == str(e.pk)
    assert {ev.after["chain_id"]: ev.after["role"] for ev in events[1:]} == {power.pk: "backbone",
                                                                             auto.pk: "supporting"}


# --- logins, logouts, tokens ------------------------------------------------------------------------------------


def test_web_login_logout_and_failed_login_are_recorded(demo_db, client):
    start = _last_id()
    r = client.post("/login/", {"username": "leader", "password": "wrong"}, HTTP_X_REQUEST_ID="req-bad-login")
    assert r.status_code == 200  # the form again, with its error
    (failed,) = _new_events(start)
    assert (failed.action, failed.username, failed.user, failed.request_id) == (
        "login_failed", "leader", None, "req-bad-login")
    assert "wrong" not in str(failed.before) + str(failed.after) + failed.object_repr

    r = client.post("/login/", {"username": "leader", "password": "Demo#2026"})
    assert r.status_code == 302
    (login,) = _new_events(failed.pk)
    assert login.action == "login" and login.user.username == "leader" and login.username == "leader"

    r = client.post("/logout/")
    assert r.status_code in (200, 302)
    (logout,) = _new_events(login.pk)
    assert logout.action == "logout" and logout.username == "leader"


def test_failed_login_for_an_unknown_user_is_recorded(demo_db, client):
    start = _last_id()
    client.post("/login/", {"username": "mallory", "password": "guess"})
    (failed,) = _new_events(start)
    assert failed.action == "login_failed" and failed.username == "mallory" and failed.user is None


def test_token_issuance_and_refusal_are_recorded(demo_db, client):
    start = _last_id()
    r = client.post("/api/v1/auth/token", {"username": "dept", "password": "Demo#2026"},
                    content_type="application/json", HTTP_X_REQUEST_ID="req-token")
    assert r.status_code == 200
    (issued,) = _new_events(start)
    assert (issued.action, issued.username, issued.request_id) == ("token", "dept", "req-token")
    assert r.json()["token"] not in str(issued.before) + str(issued.after) + issued.object_repr
    r = client.post("/api/v1/auth/token", {"username": "dept", "password": "nope"}, content_type="application/json")
    assert r.status_code == 401
    (failed,) = _new_events(issued.pk)
    assert failed.action == "login_failed" and failed.username == "dept"


# --- read-only ----------------------------------------------------------------------------------------------------


def _an_event():
    from chainchief.audit.services import record

    return record(None, AuditAction.LOGIN_FAILED, username="someone")


def test_events_cannot_be_changed(demo_db):
    event = _an_event()
    event.username = "someone-else"
    with pytest.raises(ReadOnlyError):
        event.save()
    with pytest.raises(ReadOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(username="someone-else")
    assert AuditEvent.objects.get(pk=event.pk).username == "someone"


def test_events_cannot_be_deleted(demo_db):
    event = _an_event()
    with pytest.raises(ReadOnlyError):
        event.delete()
    with pytest.raises(ReadOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ReadOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_user_keeps_its_events(demo_db):
    from django.contrib.auth import get_user_model

    from chainchief.audit.services import record

    user = get_user_model().objects.create(username="temp", role="leader")
    event = record(user, AuditAction.LOGIN, user)
    user.delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.user is None and event.username == "temp"


# --- the audit API ----------------------------------------------------------------------------------------------


def test_audit_api_filters(coord, as_user):
    from chainchief.chains.models import Chain

    power = Chain.objects.get(name="动力装备")
    coord.patch(f"/api/v1/chains/{power.pk}", {"description": "筛选", "version": power.version},
                headers={"X-Request-ID": "req-filter"})
    admin = as_user("admin")
    rows = admin.get("/api/v1/audit?request_id=req-filter").json()["items"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["action"], row["username"], row["object_type"], row["object_id"]) == (
        "update", "coordinator", "chain", str(power.pk))
    assert row["after"]["description"] == "筛选" and row["before"]["description"] != "筛选"
    by_object = admin.get(f"/api/v1/audit?object_type=chain&object_id={power.pk}").json()["items"]
    assert row["id"] in {e["id"] for e in by_object}
    assert all(e["object_type"] == "chain" and e["object_id"] == str(power.pk) for e in by_object)
    tokens = admin.get("/api/v1/audit?action=token&limit=1000").json()["items"]
    assert tokens == [] or all(e["action"] == "token" for e in tokens)
    assert all(e["username"] == "coordinator" for e in admin.get("/api/v1/audit?username=coordinator").json()["items"])
    newest_first = [e["id"] for e in admin.get("/api/v1/audit?limit=1000").json()["items"]]
    assert newest_first == sorted(newest_first, reverse=True)


@pytest.mark.parametrize("role", ["leader", "chief", "dept", "commissioner", "enterprise"])
def test_audit_api_shows_nothing_to_other_roles(role, coord, as_user):
    from chainchief.chains.models import Chain

    power = Chain.objects.get(name="动力装备")
    coord.patch(f"/api/v1/chains/{power.pk}", {"description": "他人的记录", "version": power.version})
    assert AuditEvent.objects.exists()
    r = as_user(role).get("/api/v1/audit?limit=1000")
    assert r.status_code in (200, 403)
    if r.status_code == 200:
        assert r.json()["items"] == [] and r.json()["count"] == 0

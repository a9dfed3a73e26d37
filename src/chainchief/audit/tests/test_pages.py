"""The audit log page: who may see it, its filters, the before/after diff, and that it cannot be changed."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from chainchief.audit.models import AuditAction, AuditEvent
from chainchief.core import services
from chainchief.web.tests.pages import chain, login, text  # noqa: F401


@pytest.fixture
def changed_chain(demo_db):
    power = chain("动力装备")
    user = get_user_model().objects.get(username="coordinator")
    services.update(user, power, {"description": "审计测试简介"}, version=power.version)
    return power


@pytest.mark.parametrize("username, status", [
    ("admin", 200), ("coordinator", 200), ("leader", 403), ("chief", 403), ("dept", 403),
    ("commissioner", 403), ("enterprise", 403),
])
def test_who_may_see_the_audit_log(login, username, status):
    assert login(username).get("/audit/").status_code == status


def test_anonymous_redirected(demo_db, client):
    assert client.get("/audit/").status_code == 302


def test_diff_of_changed_fields(login, changed_chain):
    body = text(login("coordinator").get("/audit/", {"action": "update", "object_type": _ct("chain")}))
    assert changed_chain.name in body
    assert "简介" in body and "审计测试简介" in body and 'class="cc-before"' in body
    assert "版本" in body  # version 1 → 2 shown with the field's Chinese name


def _ct(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get(model=model).pk


def test_filters(login, changed_chain):
    c = login("admin")
    event = AuditEvent.objects.filter(object_id=str(changed_chain.pk), action=AuditAction.UPDATE).latest("id")
    body = text(c.get("/audit/", {"request_id": event.request_id}))
    assert "共 1 条记录" in body and "审计测试简介" in body
    body = text(c.get("/audit/", {"username": "coordinator", "action": "update"}))
    assert "审计测试简介" in body
    assert "没有符合条件的记录" in text(c.get("/audit/", {"username": "leader", "action": "update"}))
    today = timezone.localdate()
    assert "审计测试简介" in text(c.get("/audit/", {"date_from": today.isoformat(), "date_to": today.isoformat()}))
    yesterday = (today - timedelta(days=1)).isoformat()
    assert "审计测试简介" not in text(c.get("/audit/", {"date_to": yesterday}))
    r = c.get("/audit/", {"date_from": today.isoformat(), "date_to": yesterday})
    assert "开始日期不能晚于结束日期" in text(r)


def test_paginated(login, changed_chain):
    user = get_user_model().objects.get(username="coordinator")
    from chainchief.audit.services import record

    for _ in range(60):
        record(user, AuditAction.LOGIN, user)
    c = login("coordinator")
    body = text(c.get("/audit/", {"action": "login"}))
    assert body.count('class="cc-audit-row"') == 50
    assert 'href="?action=login&amp;page=2"' in body
    assert text(c.get("/audit/", {"action": "login", "page": 2})).count('class="cc-audit-row"') >= 10


def test_audit_log_cannot_be_changed(login, changed_chain):
    c = login("admin")
    before = AuditEvent.objects.count()
    assert c.post("/audit/", {"action": "delete"}).status_code == 405
    event = AuditEvent.objects.latest("id")
    assert c.post(f"/admin/audit/auditevent/{event.pk}/change/", {"username": "x"}).status_code == 403
    assert AuditEvent.objects.count() == before


def test_export_has_every_row_the_filters_select(login, changed_chain):
    import html
    import io
    import re

    import openpyxl

    c = login("coordinator")
    body = c.get("/audit/", {"action": "update", "page": "2"}).content.decode()
    link = html.unescape(re.search(r'href="(/audit/export/\?[^"]*format=xlsx)"', body).group(1))
    assert "page=" not in link and "action=update" in link
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(c.get(link).streaming_content))).active
    assert [cell.value for cell in ws[1]][:3] == ["时间", "用户名", "操作"]
    assert ws.max_row - 1 == AuditEvent.objects.filter(action="update").count() > 0
    assert {row[2].value for row in ws.iter_rows(min_row=2)} == {"修改"}
    newest = AuditEvent.objects.filter(action="update").latest("time")
    assert ws.cell(2, 1).value.replace(microsecond=0) == timezone.localtime(newest.time).replace(
        tzinfo=None, microsecond=0)  # local time, newest first
    assert login("leader").get("/audit/export/").status_code == 403

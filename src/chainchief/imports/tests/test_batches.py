"""A batch never ends in a server error or in 处理中 for ever: the error file of a batch that could not be read is a
404 with the reason; a commit that collides with another import's is a 409 and leaves the batch failed, not
running; two batches of the same file committed at once both end (PostgreSQL); a batch whose process died is
detected (its process gone, or no heartbeat for a while) and the chain office clears it, in the change log."""
import os
import socket
import subprocess
import threading
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.utils import timezone

from chainchief.audit.models import AuditEvent
from chainchief.enterprises.models import Enterprise
from chainchief.imports import registry, services
from chainchief.imports.models import BatchStatus, ImportBatch
from chainchief.imports.tests.helpers import xlsx
from chainchief.imports.tests.test_api import upload
from chainchief.monitoring.models import MonthlyStat

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


def sheet(first_year=2004):
    ent = Enterprise.objects.order_by("pk").first()
    return [["统一社会信用代码", "期间", "营业收入（万元）"]] + [[ent.uscc, f"{first_year}-{m:02d}", m] for m in range(1, 13)]


def test_the_error_file_of_a_batch_that_could_not_be_read_is_no_server_error(api, client):
    c = api("coordinator")
    body = upload(c, SimpleUploadedFile("坏.xlsx", b"not,a,workbook\n1,2,3\n"), "monthly_stats").json()
    assert body["status"] == "failed"
    r = c.get(f"/api/v1/imports/{body['id']}/errors")
    assert r.status_code == 404 and "没有错误明细" in r.json()["detail"]
    client.login(username="coordinator", password="Demo#2026")
    r = client.get(f"/imports/{body['id']}/errors/")
    assert r.status_code == 302  # back to the batch, with the reason as a message


def test_the_error_file_of_a_batch_whose_file_is_gone_is_no_server_error(api):
    c = api("coordinator")
    rows = [["统一社会信用代码", "期间", "营业收入（万元）"], ["91370700MA3C0R5X10", "2004-01", "1"]]
    body = upload(c, xlsx(rows), "monthly_stats").json()
    assert body["status"] == "parsed" and body["errors"]
    os.remove(services.file_path(ImportBatch.objects.get(pk=body["id"])))
    r = c.get(f"/api/v1/imports/{body['id']}/errors")
    assert r.status_code == 404 and "文件" in r.json()["detail"]


def test_a_commit_colliding_with_another_import_is_a_conflict_and_the_batch_does_not_stay_running(api, monkeypatch):
    c = api("coordinator")
    body = upload(c, xlsx(sheet()), "monthly_stats").json()
    assert body["status"] == "validated"
    kind = registry.get("monthly_stats")
    original = type(kind).run

    def collide(self, ctx):  # what the database answers when another import wrote the same rows meanwhile
        if ctx.write:
            raise IntegrityError('duplicate key value violates unique constraint "monthlystat_unique"')
        return original(self, ctx)

    monkeypatch.setattr(type(kind), "run", collide)
    r = c.post(f"/api/v1/imports/{body['id']}/commit")
    assert r.status_code == 409, r.content
    assert "同时" in r.json()["detail"]
    batch = ImportBatch.objects.get(pk=body["id"])
    assert batch.status == BatchStatus.FAILED and "未导入任何数据" in batch.message
    assert not MonthlyStat.objects.filter(period__year=2004).exists()


def test_an_unexpected_failure_leaves_the_batch_failed_not_running(demo_db, monkeypatch):
    coordinator = user("coordinator")
    batch = services.run(services.start(coordinator, xlsx(sheet()), "a.xlsx", "monthly_stats"), coordinator)
    kind = registry.get("monthly_stats")

    def boom(self, ctx):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(kind), "run", boom)
    with pytest.raises(RuntimeError):
        services.commit(batch, coordinator)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "disk full" in batch.message


def test_a_batch_cleared_while_it_ran_commits_nothing(demo_db, monkeypatch):
    """The office cleared a batch it took for dead; the process was alive after all: its commit is rolled back."""
    coordinator = user("coordinator")
    batch = services.run(services.start(coordinator, xlsx(sheet()), "a.xlsx", "monthly_stats"), coordinator)
    original = services.locate

    def cleared_meanwhile(*args, **kwargs):  # while the file is read, before the import's transaction
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, message="已清除")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "locate", cleared_meanwhile)
    services.commit(batch, coordinator)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and batch.message == "已清除"
    assert not MonthlyStat.objects.filter(period__year=2004).exists()


def _dead_pid():
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _running(batch, runner, beat):
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING, runner=runner, heartbeat_at=beat)
    batch.refresh_from_db()
    return batch


def test_a_batch_whose_process_died_is_stuck_and_the_office_clears_it(api):
    dept = user("dept")
    batch = services.run(services.start(dept, xlsx(sheet()), "a.xlsx", "monthly_stats"), dept)
    batch = _running(batch, f"{socket.gethostname()}:{_dead_pid()}", timezone.now())
    body = api("coordinator").get(f"/api/v1/imports/{batch.pk}").json()
    assert body["status"] == "running" and body["stuck"] is True
    assert api("dept").post(f"/api/v1/imports/{batch.pk}/clear").status_code == 403  # the office clears
    r = api("coordinator").post(f"/api/v1/imports/{batch.pk}/clear")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "failed" and body["stuck"] is False and "中断" in body["message"]
    event = AuditEvent.objects.filter(content_type__model="importbatch", object_id=str(batch.pk)).latest("pk")
    assert event.user.username == "coordinator" and event.before["status"] == "running"
    assert event.after["status"] == "failed"
    assert api("coordinator").post(f"/api/v1/imports/{batch.pk}/clear").status_code == 400  # once


def test_a_batch_is_stuck_only_when_its_process_is_gone_or_silent(api, settings):
    settings.IMPORT_STALE_MINUTES = 30
    coordinator = user("coordinator")
    batch = services.run(services.start(coordinator, xlsx(sheet()), "a.xlsx", "monthly_stats"), coordinator)
    here = f"{socket.gethostname()}:{os.getpid()}"
    batch = _running(batch, here, timezone.now() - timedelta(minutes=5))
    assert not services.is_stuck(batch)
    r = api("coordinator").post(f"/api/v1/imports/{batch.pk}/clear")
    assert r.status_code == 400 and "仍在处理" in r.json()["detail"]
    batch = _running(batch, "another-host:123", timezone.now() - timedelta(minutes=5))
    assert not services.is_stuck(batch)
    batch = _running(batch, "another-host:123", timezone.now() - timedelta(minutes=31))
    assert services.is_stuck(batch)
    batch = _running(batch, here, timezone.now() - timedelta(minutes=31))  # alive but silent for too long
    assert services.is_stuck(batch)


def test_a_running_import_names_its_process_and_beats(demo_db, monkeypatch):
    coordinator = user("coordinator")
    batch = services.start(coordinator, xlsx(sheet()), "a.xlsx", "monthly_stats")
    seen = {}
    kind = registry.get("monthly_stats")
    original = type(kind).run

    def look(self, ctx):
        seen["batch"] = ImportBatch.objects.values("status", "runner", "heartbeat_at").get(pk=ctx.batch.pk)
        return original(self, ctx)

    monkeypatch.setattr(type(kind), "run", look)
    services.run(batch, coordinator)
    assert seen["batch"]["status"] == BatchStatus.RUNNING
    assert seen["batch"]["runner"] == f"{socket.gethostname()}:{os.getpid()}"
    assert timezone.now() - seen["batch"]["heartbeat_at"] < timedelta(minutes=1)


def test_the_office_clears_a_stuck_batch_on_its_page(demo_db, client):
    dept = user("dept")
    batch = services.run(services.start(dept, xlsx(sheet()), "a.xlsx", "monthly_stats"), dept)
    batch = _running(batch, f"{socket.gethostname()}:{_dead_pid()}", timezone.now())
    client.login(username="coordinator", password="Demo#2026")
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "处理中断" in page and f"/imports/{batch.pk}/clear/" in page
    r = client.post(f"/imports/{batch.pk}/clear/", follow=True)
    assert r.status_code == 200 and ImportBatch.objects.get(pk=batch.pk).status == BatchStatus.FAILED


@pytest.fixture
def pg_demo(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two connections commit at once")
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()


def test_two_batches_of_the_same_file_commit_at_once(pg_demo):
    coordinator = user("coordinator")
    content = xlsx(sheet(2003)).read()
    batches = [services.run(services.start(coordinator, SimpleUploadedFile("同一文件.xlsx", content), "同一文件.xlsx",
                                           "monthly_stats"), coordinator) for _ in range(2)]
    assert [b.status for b in batches] == [BatchStatus.VALIDATED] * 2
    start, errors = threading.Barrier(2), []

    def commit(batch):
        from django.db import connections

        try:
            start.wait()
            services.commit(batch, coordinator)
        except Exception as exc:  # noqa: BLE001 - the test reports whatever escaped
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=commit, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    statuses = sorted(ImportBatch.objects.get(pk=b.pk).status for b in batches)
    assert statuses == [BatchStatus.COMMITTED] * 2
    assert MonthlyStat.objects.filter(period__year=2003).count() == 12

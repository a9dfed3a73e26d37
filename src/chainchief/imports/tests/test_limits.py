"""What a low-privilege user may make the server do through an import: an enterprise user imports its own monthly
figures and nothing else; every file is held to limits per role and kind (its size, its size once unpacked, the
cells of its sheets — counted as the grid a reader would allocate, not as the cells written); anything larger
than a small file is read and committed by the task worker, never in the request."""
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from chainchief.enterprises.models import Enterprise
from chainchief.imports import registry, services
from chainchief.imports.models import BatchStatus, ImportBatch
from chainchief.imports.readers import FileError
from chainchief.imports.tests.helpers import xlsx
from chainchief.imports.tests.test_api import upload
from chainchief.monitoring.models import MonthlyStat

pytestmark = pytest.mark.django_db


def user(name):
    return get_user_model().objects.get(username=name)


def own():
    return user("enterprise").enterprises.get()


def figures(rows, ent=None):
    """A sheet of an enterprise's figures, one month a row from 2000-01 on."""
    ent = ent or own()
    return [["统一社会信用代码", "期间", "营业收入（万元）", "工业总产值（万元）", "利润总额（万元）", "税收（万元）",
             "研发投入（万元）", "从业人员（人）"]] + [[ent.uscc, f"{2000 + i // 12}-{i % 12 + 1:02d}", 1, 2, 3, 4, 5, 6]
                                                  for i in range(rows)]


def test_an_enterprise_user_imports_only_its_monthly_figures(api):
    c = api("enterprise")
    for key, kind in registry.kinds().items():
        r = upload(c, xlsx([[col.label for col in kind.columns]]), key)
        if key == "monthly_stats":
            assert r.status_code == 201, r.content
        else:
            assert r.status_code == 403, (key, r.status_code, r.content[:200])
            assert "无权导入" in r.json()["detail"]
    assert [k for k, kind in registry.kinds().items() if kind.allowed(user("enterprise"))] == ["monthly_stats"]


def test_rows_of_other_enterprises_are_refused_with_row_column_and_reason(api):
    other = Enterprise.objects.exclude(pk=own().pk).order_by("pk").first()
    rows = [["统一社会信用代码", "期间", "营业收入（万元）"], [own().uscc, "2018-06", "10"], [other.uscc, "2018-06", "10"]]
    body = upload(api("enterprise"), xlsx(rows), "monthly_stats", dry_run=False).json()
    assert body["status"] == "parsed" and body["errors"] == [
        {"row": 3, "column": "A 列“统一社会信用代码”", "value": other.uscc, "message": "无权导入该企业的数据。"}]
    assert not MonthlyStat.objects.filter(period__year=2018).exists()
    assert not services.batches_for(user("enterprise")).filter(status=BatchStatus.COMMITTED).exists()


def test_the_defaults_refuse_the_enterprise_users_large_file():
    """The security round's file: 34 MB that unpack to 420 MB, from an enterprise user."""
    from chainchief.imports import limits

    mine = limits.for_user(user("enterprise"), registry.get("monthly_stats"))
    assert mine.size < 34 << 20 and mine.expanded < 420 << 20 and mine.cells <= 100_000
    office = limits.for_user(user("coordinator"), registry.get("monthly_stats"))
    assert office.size >= 100 << 20 and office.cells >= 10_000_000  # a city's year of figures in one file


def test_the_unpacked_size_is_limited_per_role_before_anything_is_read(api, settings):
    settings.IMPORT_LIMITS = {"enterprise": {"*": {"expanded_mb": 0.05}}}
    f = xlsx(figures(600))
    content = f.read()
    r = upload(api("enterprise"), SimpleUploadedFile("big.xlsx", content), "monthly_stats")
    assert r.status_code == 400, r.content
    detail = r.json()["detail"]
    assert "解压后" in detail and "企业用户" in detail and "上限" in detail and "0.05 MB" in detail
    assert not ImportBatch.objects.filter(user__username="enterprise", file_name="big.xlsx").exists()
    r = upload(api("coordinator"), SimpleUploadedFile("big.xlsx", content), "monthly_stats")  # the office's limit
    assert r.status_code == 201


def test_the_cells_are_limited_per_role_and_kind(api, settings):
    settings.IMPORT_LIMITS = {"enterprise": {"monthly_stats": {"cells": 500}}}
    body = upload(api("enterprise"), xlsx(figures(100)), "monthly_stats", dry_run=False).json()
    assert body["status"] == "failed" and body["total_rows"] == 0
    assert "单元格" in body["message"] and "500" in body["message"] and "企业用户" in body["message"]
    assert not MonthlyStat.objects.filter(enterprise=own(), period__year=2000).exists()
    body = upload(api("enterprise"), xlsx(figures(10)), "monthly_stats").json()
    assert body["status"] == "validated", body


def _sparse(far):
    """A workbook of two cells, A1 and ``far``: a reader allocates the whole grid between them."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "统一社会信用代码"
    wb.active[far] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("sparse.xlsx", buf.getvalue())


def test_two_cells_far_apart_count_as_the_grid_between_them(api, settings):
    settings.IMPORT_LIMITS = {"*": {"monthly_stats": {"cells": 1_000_000}}}
    body = upload(api("coordinator"), _sparse("CV500000"), "monthly_stats").json()  # 100 × 500,000 cells
    assert body["status"] == "failed"
    assert "50,000,000" in body["message"] and "1,000,000" in body["message"]


def test_a_file_over_the_size_limit_of_its_role_is_refused_at_upload(settings):
    settings.IMPORT_LIMITS = {"enterprise": {"*": {"size_mb": 0.001}}}
    with pytest.raises(FileError, match="文件过大.*企业用户"):
        services.start(user("enterprise"), xlsx(figures(50)), "a.xlsx", "monthly_stats")


@pytest.fixture
def queued(settings):
    """Tasks are kept, not run: what the request does is all that happens."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "ENQUEUE_ON_COMMIT": False}}
    from django_tasks import tasks

    backend = tasks["default"]
    backend.clear()
    return backend


def _run_queued(backend):
    for result in list(backend.results):
        result.task.call(*result.args, **result.kwargs)
    backend.clear()


def test_a_larger_file_is_read_and_committed_by_the_worker_not_in_the_request(api, settings, queued):
    settings.IMPORT_BACKGROUND_BYTES = 1000
    c = api("coordinator")
    r = upload(c, xlsx(figures(30, ent=Enterprise.objects.order_by("pk").first())), "monthly_stats")
    assert r.status_code == 202, r.content
    body = r.json()
    assert body["status"] == "pending" and body["total_rows"] == 0 and len(queued.results) == 1
    pk = body["id"]
    _run_queued(queued)
    assert c.get(f"/api/v1/imports/{pk}").json()["status"] == "validated"
    r = c.post(f"/api/v1/imports/{pk}/commit")
    assert r.status_code == 202 and r.json()["status"] == "pending" and len(queued.results) == 1
    ent = Enterprise.objects.order_by("pk").first()
    assert not MonthlyStat.objects.filter(enterprise=ent, period__year=2001).exists()
    _run_queued(queued)
    assert c.get(f"/api/v1/imports/{pk}").json()["status"] == "committed"
    assert MonthlyStat.objects.filter(enterprise=ent, period__year=2001).count() == 12


def test_a_small_file_that_unpacks_large_goes_to_the_worker_too(api, settings, queued):
    settings.IMPORT_BACKGROUND_EXPANDED_BYTES = 20_000
    ent = Enterprise.objects.order_by("pk").first()
    f = xlsx(figures(400, ent))
    assert f.size < 1 << 20  # far under the size that alone would send it to the worker
    r = upload(api("coordinator"), f, "monthly_stats")
    assert r.status_code == 202 and r.json()["status"] == "pending" and len(queued.results) == 1


def test_a_small_file_is_still_read_at_once(api, queued):
    r = upload(api("enterprise"), xlsx(figures(3)), "monthly_stats")
    assert r.status_code == 201 and r.json()["status"] == "validated" and not queued.results

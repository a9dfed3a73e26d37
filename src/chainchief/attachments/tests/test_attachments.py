"""Attachments of a request: type, signature and size limits with a clear message and nothing stored; stored
outside the web root; read only by those who may see the request; added only by its parties."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chainchief.testing import as_user, world  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _xlsx():
    book = openpyxl.Workbook()
    book.active.append(["用电负荷", 2000])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def stored(settings, tmp_path):
    settings.ATTACHMENT_DIR = tmp_path / "attachments"
    settings.ATTACHMENT_MAX_BYTES = 1024 * 1024
    return settings.ATTACHMENT_DIR


@pytest.fixture
def req(world):
    from chainchief.appeals.models import Request

    return Request.objects.create(enterprise=world.own, chain=world.power, title="用电增容", content="需增容。",
                                  status="handling", department=world.industry)


def _upload(client, req, name, data):
    return client.client.post(f"/api/v1/requests/{req.pk}/attachments", {"file": SimpleUploadedFile(name, data)},
                              HTTP_AUTHORIZATION=f"Bearer {client.token}")


def test_upload_and_read_back(stored, req, world, as_user):
    from chainchief.attachments.models import Attachment

    ent = as_user("enterprise")
    data = _xlsx()
    r = _upload(ent, req, "负荷表.xlsx", data)
    assert r.status_code == 201, r.content
    row = Attachment.objects.get(pk=r.json()["id"])
    assert (row.name, row.size, row.uploaded_by.username) == ("负荷表.xlsx", len(data), "enterprise")
    on_disk = stored / row.path
    assert on_disk.exists() and on_disk.read_bytes() == data and "static" not in str(on_disk)
    for role in ("enterprise", "dept", "coordinator", "chief"):
        got = as_user(role).get(f"/api/v1/attachments/{row.pk}")
        assert got.status_code == 200, role
        assert b"".join(got.streaming_content) == data
    for role in ("commissioner",):
        assert as_user(role).get(f"/api/v1/attachments/{row.pk}").status_code == 404
    listed = as_user("dept").get(f"/api/v1/requests/{req.pk}/attachments").json()
    assert [a["name"] for a in listed] == ["负荷表.xlsx"]


@pytest.mark.parametrize("name,data,message", [
    ("病毒.exe", b"MZ" + b"\0" * 10, "不支持的文件类型“exe”"),
    ("照片.png", b"GIF89a" + b"\0" * 10, "文件内容与扩展名“png”不符。"),
    ("空.pdf", b"", "文件是空的。"),
    ("大.pdf", b"%PDF" + b"\0" * (1024 * 1024), "文件超过 1 MB 的上限。"),
])
def test_refused_files_store_nothing(stored, req, as_user, name, data, message):
    from chainchief.attachments.models import Attachment

    r = _upload(as_user("enterprise"), req, name, data)
    assert r.status_code == 400 and message in r.json()["errors"]["file"][0], r.content
    assert not Attachment.objects.exists()
    assert not stored.exists() or not any(p.is_file() for p in stored.rglob("*"))


def test_who_may_attach(stored, req, world, as_user):
    assert _upload(as_user("leader"), req, "a.png", PNG).status_code == 403
    assert _upload(as_user("commissioner"), req, "a.png", PNG).status_code == 404  # not its enterprise
    assert _upload(as_user("dept"), req, "a.png", PNG).status_code == 201
    req.status, req.closed_on = "closed", req.received_on
    req.save()
    assert _upload(as_user("coordinator"), req, "a.png", PNG).status_code == 403  # finished

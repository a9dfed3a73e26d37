"""Backup and restore: a round trip yields the same data (SQLite's backup API, or pg_dump / pg_restore)."""
import shutil

import pytest
from django.core.management import CommandError, call_command
from django.db import connection


def _state():
    from chainchief.audit.models import AuditEvent
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Enterprise
    from chainchief.work.models import Task

    return {
        "chains": sorted(Chain.objects.values_list("pk", "name", "version")),
        "enterprises": sorted(Enterprise.objects.values_list("pk", "uscc", "name")),
        "tasks": sorted(Task.objects.values_list("pk", "title", "status", "due_on")),
        "audit": AuditEvent.objects.count(),
    }


def test_round_trip(transactional_db, tmp_path):
    from chainchief.demo import loader
    from chainchief.work.models import Task

    if connection.vendor == "postgresql" and not shutil.which("pg_dump"):
        pytest.skip("pg_dump is not installed")
    loader.load()
    before = _state()
    assert before["tasks"] and before["enterprises"]
    path = tmp_path / "chainchief.backup"
    call_command("backup", output=str(path))
    assert path.stat().st_size > 10_000
    # Lose data after the backup: a deleted chain's tasks, a changed title.
    Task.objects.filter(pk=before["tasks"][0][0]).update(title="改过的标题")
    Task.objects.filter(pk__in=[t[0] for t in before["tasks"][1:5]]).delete()
    assert _state() != before
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))
    call_command("restore", str(path), yes=True)
    assert _state() == before


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    bad = tmp_path / "not-a-backup.backup"
    bad.write_bytes(b"hello")
    with pytest.raises(CommandError):
        call_command("restore", str(bad), yes=True)
    with pytest.raises(CommandError, match="不存在"):
        call_command("restore", str(tmp_path / "missing.backup"), yes=True)

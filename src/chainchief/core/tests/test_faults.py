"""Faults, with real processes on PostgreSQL (these tests are skipped on SQLite, whose test database lives in the
test process's memory; CI runs the suite on both):

* an import (``manage.py import_file`` in a process of its own) killed with SIGKILL while its transaction has
  written rows leaves none of them, and the next import of the same file commits normally;
* the database's connections cut under the application (``pg_terminate_backend``, as a restart of PostgreSQL
  would, without restarting the server others use): the application — gunicorn, persistent connections — answers
  the next requests by itself, because Django checks a reused connection before a request uses it
  (``CONN_HEALTH_CHECKS``, settings ``DB_CONN_HEALTH_CHECKS``); with the check switched off the first request on a
  cut connection fails, which shows the test can fail."""
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from chainchief.testing import make_uscc

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def pg_demo(transactional_db):
    """The demo data, committed (other processes see it), on PostgreSQL only."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: another process must reach the test database")
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()
    return connection.settings_dict


def _env(db, **extra):
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**{k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG",)}, "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "chainchief.settings", "PYTHONPATH": str(settings.SRC_DIR),
            "CACHE_URL": "dummy://", "CHAINCHIEF_VAR_DIR": extra.pop("var_dir"), **extra}


def _others(sql_where=""):
    """Backends of the test database other than this one (pid, state, written?, seconds in transaction)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pid, state, backend_xid IS NOT NULL, EXTRACT(EPOCH FROM now() - xact_start) "
                    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    + sql_where)
        return cur.fetchall()


def _table_bytes(model):
    with connection.cursor() as cur:
        cur.execute("SELECT pg_relation_size(%s)", [model._meta.db_table])
        return cur.fetchone()[0]


def _sheet(path, n, prefix):
    lines = ["统一社会信用代码,企业名称,所在区县,产业链,链上角色"]
    for i in range(n):
        lines.append(f"{make_uscc(f'91370700{prefix}{i:08d}')},故障测试企业{prefix}{i},寿光市,动力装备,配套企业")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_import_killed_half_way_leaves_no_row(pg_demo, tmp_path):
    from chainchief.enterprises.models import Enterprise, Membership
    from chainchief.imports.models import BatchStatus, ImportBatch

    sheet = _sheet(tmp_path / "企业名单.csv", 10000, "K")
    enterprises, memberships = Enterprise.objects.count(), Membership.objects.count()
    env = _env(pg_demo, var_dir=str(tmp_path / "var"))
    proc = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "import_file", str(sheet), "--kind",
                             "enterprises", "--user", "coordinator"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Wait until the import's open transaction has written enterprise rows — the table's file has grown by a
    # quarter of a megabyte (some 1,500 rows) that nobody else can see yet — then kill the process.
    size0, killed_after = _table_bytes(Enterprise), None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        writing = [r for r in _others("AND backend_xid IS NOT NULL") if r[3] is not None]
        if writing and _table_bytes(Enterprise) > size0 + 256 * 1024:
            killed_after = (writing[0][3], _table_bytes(Enterprise) - size0)
            os.kill(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait(timeout=30)
    assert killed_after is not None, ("the import ended before it was caught writing", proc.stdout.read().decode(),
                                      proc.stderr.read().decode()[-2000:])
    assert proc.returncode == -signal.SIGKILL
    # The server notices the lost client and rolls its transaction back; nothing of it is left.
    for _ in range(200):
        if not _others("AND backend_xid IS NOT NULL"):
            break
        time.sleep(0.05)
    assert not _others("AND backend_xid IS NOT NULL")
    assert Enterprise.objects.count() == enterprises
    assert Membership.objects.count() == memberships
    assert not Enterprise.objects.filter(name__startswith="故障测试企业").exists()
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch.status != BatchStatus.COMMITTED and batch.committed_at is None
    # Its process is gone: the batch is found stuck (imports.services.is_stuck), for the office to clear.
    from chainchief.imports import services as imports

    assert batch.status == BatchStatus.RUNNING and imports.is_stuck(batch)
    # The database is not left locked: the same file imports in full afterwards.
    small = _sheet(tmp_path / "企业名单2.csv", 300, "K")
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "import_file", str(small), "--kind", "enterprises",
                           "--user", "coordinator"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert Enterprise.objects.filter(name__startswith="故障测试企业").count() == 300


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0


def _terminate_all():
    with connection.cursor() as cur:
        cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cur.fetchone()[0]


def _serve(pg_demo, tmp_path, health_checks, workers):
    port = _free_port()
    env = _env(pg_demo, var_dir=str(tmp_path / f"var{port}"), DB_CONN_MAX_AGE="600",
               DB_CONN_HEALTH_CHECKS="1" if health_checks else "0")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "chainchief.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}",
                             "--timeout", "60"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("health_checks", [True, False], ids=["health-checks", "without"])
def test_the_application_recovers_by_itself_when_the_database_connections_are_cut(pg_demo, tmp_path, health_checks):
    from chainchief.accounts.models import ApiToken, User

    _row, token = ApiToken.issue(User.objects.get(username="coordinator"))
    # Without the check, one worker: the request after the cut surely meets the cut connection.
    proc, base = _serve(pg_demo, tmp_path, health_checks, workers=2 if health_checks else 1)
    url = f"{base}/api/v1/chains"
    try:
        for _ in range(300):
            if _get(url, token) == 200:
                break
            time.sleep(0.1)
        # The workers hold connections of their own (persistent: DB_CONN_MAX_AGE).
        assert all(_get(url, token) == 200 for _ in range(8))
        assert len(_others()) >= 1
        if not health_checks:
            _terminate_all()
            statuses = [_get(url, token) for _ in range(3)]
            assert statuses[0] == 500, statuses  # a reused connection that was cut fails its request
            return

        # Under load: four clients for 6 s; the connections are cut three times meanwhile.
        results, stop = [], threading.Event()

        def client():
            while not stop.is_set():
                results.append((time.monotonic(), _get(url, token)))

        threads = [threading.Thread(target=client) for _ in range(4)]
        for t in threads:
            t.start()
        cuts = []
        for _ in range(3):
            time.sleep(1.5)
            cuts.append((time.monotonic(), _terminate_all()))
        time.sleep(1.5)
        stop.set()
        for t in threads:
            t.join()
        assert all(n >= 1 for _, n in cuts), cuts  # each cut really ended connections in use
        assert len(results) > 40
        # A request that was running while its connection was cut may fail; every other one succeeds.
        failed = [(at, status) for at, status in results if status != 200]
        assert len(failed) <= len(cuts) * 2, failed
        assert {s for _, s in failed} <= {500}, failed
        # And after the last cut the application answers every request, on new connections.
        assert all(_get(url, token) == 200 for _ in range(10))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()

"""Backing up and restoring the whole database: SQLite through its online backup API (a consistent copy of a
live database), PostgreSQL through pg_dump / pg_restore (custom format). Used by ``manage.py backup`` and
``manage.py restore``."""
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connection


class BackupError(Exception):
    pass


def _pg_env_args():
    s = connection.settings_dict
    env = {**os.environ}
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args = ["-h", s.get("HOST") or "127.0.0.1", "-p", str(s.get("PORT") or 5432), "-U", s.get("USER") or "postgres"]
    return env, args, s["NAME"]


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（Debian: postgresql-client）。")
    return path


def backup(path):
    """Write the database to ``path``; returns the number of bytes written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        env, args, name = _pg_env_args()
        done = subprocess.run([_tool("pg_dump"), *args, "-Fc", "--no-owner", "-f", str(path), name], env=env,
                              capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_dump 失败：{done.stderr.strip()}")
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")
    return path.stat().st_size


def restore(path):
    """Replace the database's contents with the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    if connection.vendor == "sqlite":
        with open(path, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise BackupError("不是 SQLite 备份文件。")
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        env, args, name = _pg_env_args()
        connection.close()
        done = subprocess.run([_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--no-acl",
                               "--single-transaction", "-d", name, str(path)], env=env, capture_output=True, text=True)
        if done.returncode:
            raise BackupError(f"pg_restore 失败：{done.stderr.strip()}")
    else:
        raise BackupError(f"不支持的数据库：{connection.vendor}")

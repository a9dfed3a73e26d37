"""python manage.py import_file PATH --kind KIND [--dry-run] [--user USERNAME]"""
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chainchief.imports import registry, services
from chainchief.imports.models import BatchStatus


class Command(BaseCommand):
    help = "导入一个 .xlsx 或 .csv 文件（全部或全不），显示进度。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", required=True, choices=sorted(registry.kinds()))
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--user", default=None, help="以该用户导入（默认：第一个超级用户）")

    def handle(self, path, kind, dry_run, user, **options):
        User = get_user_model()
        who = (User.objects.filter(username=user).first() if user
               else User.objects.filter(is_superuser=True).order_by("pk").first())
        if who is None:
            raise CommandError("找不到导入用户：请用 --user 指定。")
        p = Path(path)
        if not p.is_file():
            raise CommandError(f"文件不存在：{path}")
        started = time.monotonic()
        with open(p, "rb") as f:
            batch = services.start(who, f, p.name, kind)
        tty = sys.stderr.isatty()

        def progress(count, total):
            rate = count / max(1e-6, time.monotonic() - started)
            pct = f" {100 * count / total:5.1f}%" if total else ""
            line = f"已处理 {count:,} 行{pct}（{rate:,.0f} 行/秒）"
            self.stderr.write(("\r" + line) if tty else line, ending="" if tty else "\n")

        batch = services.run(batch, who, write=not dry_run, progress=progress)
        if tty:
            self.stderr.write("")
        elapsed = time.monotonic() - started
        self.stdout.write(f"批次 #{batch.pk}：{batch.get_status_display()}；共 {batch.total_rows:,} 行，新增 "
                          f"{batch.new_count:,}，更新 {batch.updated_count:,}，未变 {batch.unchanged_count:,}，"
                          f"错误 {batch.error_count:,} 行；用时 {elapsed:.1f} 秒"
                          f"（{batch.total_rows / max(elapsed, 1e-6):,.0f} 行/秒）。")
        if batch.message:
            self.stdout.write(batch.message)
        for e in batch.errors[:20]:
            self.stdout.write(f"  第 {e['row']} 行 {e['column']}：{e['message']}（值：{e['value']}）")
        if batch.status in (BatchStatus.FAILED, BatchStatus.PARSED):
            raise CommandError("导入未完成：存在错误，没有写入任何数据。")

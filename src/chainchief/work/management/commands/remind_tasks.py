"""Remind the assignees of tasks whose deadline is near and of tasks that have become overdue (run daily, e.g. from
cron); each task is reminded once for each."""
from django.core.management.base import BaseCommand

from chainchief.work import services


class Command(BaseCommand):
    help = "Notify assignees of tasks due soon (WORK_REMIND_DAYS) and of tasks newly overdue."

    def handle(self, *args, **options):
        near, overdue = services.send_reminders()
        self.stdout.write(f"临近时限提醒 {near} 项，逾期提醒 {overdue} 项")

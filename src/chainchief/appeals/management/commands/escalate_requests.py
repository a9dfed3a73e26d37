"""督办 every overdue request not yet escalated, as the chain office account given (run daily, e.g. from cron)."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chainchief.appeals import services


class Command(BaseCommand):
    help = "Escalate (督办) the overdue requests of a chain office account's region."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="the chain office (coordinator) account acting")

    def handle(self, *args, user, **options):
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None or not services.is_office(account):
            raise CommandError(f"“{user}” 不是有效的链长办账号。")
        count = services.escalate_overdue(account)
        self.stdout.write(f"督办超期诉求 {count} 件")

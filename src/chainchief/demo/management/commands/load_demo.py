from django.core.management.base import BaseCommand

from chainchief.demo import loader


class Command(BaseCommand):
    help = "Load the demo data set (潍坊市, 15 chains, sample enterprises, one account per role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)

    def handle(self, *args, seed, **options):
        if not loader.load(seed=seed, stdout=self.stdout):
            self.stdout.write("demo: already loaded, nothing changed")

from django.core.management.base import BaseCommand

from chainchief.demo import loader


class Command(BaseCommand):
    help = "Load the demo data set (潍坊市, 15 chains, sample enterprises, one account per role). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--province", action="store_true",
                            help="也载入山东省：三条省级产业链及服务它们的青岛、烟台产业链（省市联动演示）")

    def handle(self, *args, seed, province, **options):
        if not loader.load(seed=seed, stdout=self.stdout, province=province):
            self.stdout.write("demo: already loaded, nothing changed")

from django.core.management.base import BaseCommand

from chainchief.demo import loader


class Command(BaseCommand):
    help = ("Load the demo data set (潍坊市, 15 chains, sample enterprises, one account per role; 山东省's three "
            "provincial chains with 青岛's and 烟台's chains serving them). Idempotent.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--city-only", action="store_true",
                            help="只载入潍坊市，不载入山东省的省级产业链及青岛、烟台的产业链（省市联动演示）")

    def handle(self, *args, seed, city_only, **options):
        if not loader.load(seed=seed, stdout=self.stdout, province=not city_only):
            self.stdout.write("demo: already loaded, nothing changed")

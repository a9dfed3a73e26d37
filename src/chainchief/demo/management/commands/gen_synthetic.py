from django.core.management.base import BaseCommand, CommandError

from chainchief.demo import synthetic


class Command(BaseCommand):
    help = "Generate a deterministic synthetic data set (small, city or province scale) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(synthetic.SCALES), default="province")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--top-up", action="store_true",
                            help="add to a data set generated earlier only the parts it lacks (plans, supply links, "
                                 "tasks, requests, meetings, key projects); --scale is then not used")

    def handle(self, *args, scale, seed, top_up, **options):
        self.stdout.write(f"gen_synthetic {'--top-up' if top_up else f'--scale {scale}'} --seed {seed}")
        try:
            if top_up:
                result = synthetic.top_up(seed=seed, out=self.stdout)
            else:
                result = synthetic.generate(scale, seed=seed, out=self.stdout)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(", ".join(f"{k}={v}" for k, v in result.items()))

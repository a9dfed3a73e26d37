from django.core.management.base import BaseCommand, CommandError

from chainchief.demo import synthetic


class Command(BaseCommand):
    help = "Generate a deterministic synthetic data set (small, city or province scale) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(synthetic.SCALES), default="province")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, scale, seed, **options):
        self.stdout.write(f"gen_synthetic --scale {scale} --seed {seed}")
        try:
            result = synthetic.generate(scale, seed=seed, out=self.stdout)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(", ".join(f"{k}={v}" for k, v in result.items()))

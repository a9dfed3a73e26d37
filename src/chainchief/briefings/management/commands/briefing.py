"""python manage.py briefing --period YYYY-MM [--chain ID] [--region CODE] [--user NAME] [--intro TEXT]

Generates the monthly briefing of a region (or a chain's one-pager with --chain) at once, as the given user
(by default the first active administrator), and prints where its Word and PDF files are."""
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Q

from chainchief.briefings import services, tasks
from chainchief.briefings.models import BriefingKind, BriefingStatus
from chainchief.chains.models import Chain
from chainchief.core.models import Region


class Command(BaseCommand):
    help = "生成月度通报（或 --chain 指定产业链的一页纸），输出 Word 与 PDF 文件。"

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="期间 YYYY-MM")
        parser.add_argument("--chain", type=int, help="产业链编号：生成该链的一页纸")
        parser.add_argument("--region", help="区域代码（默认：用户所在区域，或产业链最多的区域）")
        parser.add_argument("--user", help="以该用户的权限生成（默认：第一个系统管理员）")
        parser.add_argument("--intro", help="导语")
        parser.add_argument("--doc-number", help="文号")

    def handle(self, *args, **options):
        user = self._user(options["user"])
        data = {"period": options["period"], "introduction": options.get("intro"),
                "doc_number": options.get("doc_number")}
        if options["chain"]:
            chain = Chain.objects.filter(pk=options["chain"]).first()
            if chain is None:
                raise CommandError(f"产业链 {options['chain']} 不存在。")
            data.update(kind=BriefingKind.CHAIN, chain=chain.pk)
        else:
            data.update(kind=BriefingKind.MONTHLY, region=self._region(options["region"], user))
        try:
            briefing = tasks.start(user, data, queue=False)
        except ValidationError as exc:
            raise CommandError("；".join(f"{k}: {'，'.join(v)}" for k, v in exc.message_dict.items())
                               if hasattr(exc, "error_dict") else "；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if briefing.status != BriefingStatus.DONE:
            raise CommandError(briefing.message)
        self.stdout.write(f"{briefing.title}（{briefing.region.name}，由 {user.get_username()} 生成）")
        for fmt in services.FORMATS:
            self.stdout.write(f"  {fmt}: {services.file_path(briefing, fmt)}")

    def _user(self, name):
        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(username=name).first() if name else users.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError(f"用户 {name} 不存在或已停用。" if name else "没有可用的系统管理员，请用 --user 指定用户。")
        return user

    def _region(self, code, user):
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise CommandError(f"区域 {code} 不存在。")
            return region
        regions = Region.objects.annotate(n=Count("chains", filter=Q(chains__is_active=True))).filter(n__gt=0)
        if user.region_id and regions.filter(pk=user.region_id).exists():
            return user.region
        region = regions.order_by("-n", "pk").first()
        if region is None:
            raise CommandError("没有设有产业链的区域。")
        return region

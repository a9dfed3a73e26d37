"""Generating briefings: a row for the issue (audited), then its content, charts, Word and PDF files, with the
progress kept on the row so that a page can follow it. Documents are written in Chinese whatever the interface
language: they are official documents.

``briefings.tasks.start`` prepares an issue and generates it in the request for a city (up to
``BRIEFING_QUEUE_CHAINS`` chains) or in the task worker for more; ``manage.py briefing`` generates at once.
"""
import json
import logging
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainchief.analytics.periods import Period
from chainchief.briefings import charts, content as contents, pdf, word
from chainchief.briefings.models import Briefing, BriefingKind, BriefingStatus
from chainchief.core import services as core_services
from chainchief.core.models import RegionLevel
from chainchief.core.permissions import VIEW

log = logging.getLogger(__name__)
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}
TEXT_FIELDS = ("title", "introduction", "doc_number", "number")  # may differ from the defaults


def storage_dir() -> Path:
    path = Path(getattr(settings, "BRIEFING_DIR", Path(settings.VAR_DIR) / "briefings"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def queue_threshold():
    return int(getattr(settings, "BRIEFING_QUEUE_CHAINS", 20))


def readable(user):
    return Briefing.objects.restrict(user, VIEW).select_related("region", "chain", "created_by")


def _whole(region):
    return {RegionLevel.PROVINCE: "全省", RegionLevel.DISTRICT: "全区"}.get(region.level, "全市")


def _chain_title(chain):
    name = chain.name if chain.name.endswith("产业链") else f"{chain.name}产业链"
    return name


def _cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def defaults(kind, region, period, chain=None, number=None):
    """The texts a new issue starts with; each may be edited before it is generated."""
    label = contents.period_label(period)
    if kind == BriefingKind.CHAIN:
        return {"title": f"{_chain_title(chain)}一页纸（{label}）", "introduction": "", "doc_number": "",
                "number": None}
    number = number or period.month
    return {
        "title": f"关于{label}{_whole(region)}重点产业链运行情况的通报",
        "introduction": (f"为及时掌握{_whole(region)}重点产业链运行态势，推动链长制各项工作落实落细，"
                         f"现将{label}{_whole(region)}重点产业链运行情况通报如下。"),
        "doc_number": f"{region.name[:1]}链办〔{period.year}〕{number}号",
        "number": number,
    }


def _texts(briefing, content):
    """Everything a writer prints besides the content's tables."""
    region = briefing.region
    whole = _whole(region)
    as_of = date.fromisoformat(content["as_of"])
    texts = {"title": briefing.title, "introduction": briefing.introduction, "doc_number": briefing.doc_number,
             "masthead": "产业链工作通报", "sign_off": f"{region.name}链长制工作专班办公室　{_cn_date(as_of)}"}
    if content["kind"] == "monthly":
        texts["issue_line"] = f"{briefing.period.year}年第{briefing.number or briefing.period.month}期"
        city = content["city"]
        if city["revenue_yi"] is None:
            texts["overall_sentence"] = f"本期暂无{whole}汇总数据。"
        else:
            growth = city["yoy_comparable"]
            trend = "—" if growth is None else (f"增长 {contents.pct(growth)}" if growth >= 0
                                                 else f"下降 {contents.pct(-growth)}")
            texts["overall_sentence"] = (
                f"{content['period_label']}，{whole}规模以上工业企业累计实现营业收入 {city['revenue_yi']} 亿元，"
                f"可比口径同比{trend}；本期报送企业 {city['reporters']} 家（规上企业 {city['above_scale']} 家）。")
        counts = content["status_counts"]
        texts["status_sentence"] = (
            f"纳入监测的 {len(content['chains'])} 条产业链中，绿灯 {counts.get('green', 0)} 条、"
            f"黄灯 {counts.get('yellow', 0)} 条、红灯 {counts.get('red', 0)} 条、暂无判定 {counts.get('unknown', 0)} 条"
            f"（状态依据近 12 个月营业收入增速与完成目标所需年均增速之比）。")
    else:
        texts["issue_line"] = f"{region.name}　{content['period_label']}　数据截至 {_cn_date(as_of)}"
    return texts


def _progress(briefing, percent, step):
    Briefing.objects.filter(pk=briefing.pk).update(progress=percent, step=step, status=BriefingStatus.RUNNING)


def _write(briefing, fmt, data):
    folder = storage_dir() / str(briefing.pk)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{briefing.period:%Y-%m}-{briefing.kind}-{briefing.pk}.{fmt}"
    (folder / name).write_bytes(data)
    return f"{briefing.pk}/{name}"


def file_path(briefing, fmt):
    relative = briefing.docx_file if fmt == "docx" else briefing.pdf_file
    return storage_dir() / relative if relative else None


def download_name(briefing, fmt):
    return f"{briefing.title}.{fmt}"


def build_content(user, briefing):
    period = Period.of(briefing.period)
    if briefing.kind == BriefingKind.CHAIN:
        return contents.chain_page(user, briefing.chain, period)
    return contents.monthly(user, briefing.region, period)


def build_images(content):
    title = "累计营业收入（亿元）"
    height = 2.4 if content["kind"] == "monthly" else 1.9
    images = {"trend": charts.trend(content["series"], title=title, height=height)}
    if content["kind"] == "monthly":
        images["progress"] = charts.progress(content["chains"], title="各产业链目标进度")
    return images


def generate(briefing, user, formats=("docx", "pdf")):
    """Make the issue's files from what ``user`` may see. The row records each step; a failure is kept on the row
    with its reason and leaves no file behind."""
    briefing = Briefing.objects.select_related("region", "chain").get(pk=briefing.pk)
    written = []
    try:
        with translation.override("zh-hans"):
            _progress(briefing, 10, "汇总数据")
            content = build_content(user, briefing)
            _progress(briefing, 35, "绘制图表")
            images = build_images(content)
            texts = _texts(briefing, content)
            files = {}
            if "docx" in formats:
                _progress(briefing, 55, "生成 Word 文件")
                files["docx"] = _write(briefing, "docx", word.render(texts, content, images))
                written.append(files["docx"])
            if "pdf" in formats:
                _progress(briefing, 75, "生成 PDF 文件")
                files["pdf"] = _write(briefing, "pdf", pdf.render(texts, content, images))
                written.append(files["pdf"])
    except Exception as exc:
        for relative in written:
            (storage_dir() / relative).unlink(missing_ok=True)
        log.exception("briefing %s failed", briefing.pk)
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        Briefing.objects.filter(pk=briefing.pk).update(status=BriefingStatus.FAILED, progress=100, step="",
                                                       message=_("生成失败：%(reason)s") % {"reason": message})
        briefing.refresh_from_db()
        return briefing
    data = {"status": BriefingStatus.DONE, "progress": 100, "step": "", "message": "",
            "docx_file": files.get("docx", ""), "pdf_file": files.get("pdf", ""),
            "docx_size": _size(files.get("docx")), "pdf_size": _size(files.get("pdf")),
            "finished_at": timezone.now(), "figures": _json(content)}
    _finish(user, briefing, data)
    briefing.refresh_from_db()
    return briefing


def _size(relative):
    return (storage_dir() / relative).stat().st_size if relative else 0


def _json(content):
    return json.loads(json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False))


@transaction.atomic
def _finish(user, briefing, data):
    """The generated files on the row: audited as the author's change of the issue."""
    before = core_services.snapshot(briefing)
    Briefing.objects.filter(pk=briefing.pk).update(**data, version=briefing.version + 1, updated_by=user,
                                                   updated_at=timezone.now())
    briefing.refresh_from_db()
    after = core_services.snapshot(briefing)
    after.pop("figures", None)
    before.pop("figures", None)
    core_services.record(user, "update", briefing, before=before, after=after)


def prepare(user, data):
    """The issue's row from the form or the API (kind, period as a Period or "YYYY-MM", chain, texts), with the
    default texts where none are given; audited as its creation."""
    data = dict(data)
    kind = data.get("kind") or BriefingKind.MONTHLY
    period = data.get("period")
    if not isinstance(period, Period):
        try:
            period = Period.parse(str(period or ""))
        except ValueError:
            raise ValidationError({"period": _("请填写期间（YYYY-MM）。")}) from None
    chain = data.get("chain")
    if chain is not None and not hasattr(chain, "pk"):
        from chainchief.chains.models import Chain

        chain = Chain.objects.restrict(user, VIEW).filter(pk=chain).select_related("region").first()
        if chain is None:
            raise ValidationError({"chain": _("产业链不存在或无权查看。")})
    if kind == BriefingKind.CHAIN and chain is None:
        raise ValidationError({"chain": _("产业链一页纸须选择产业链。")})
    region = chain.region if chain is not None else data.get("region") or getattr(user, "region", None)
    if region is None:
        raise ValidationError({"region": _("请选择区域。")})
    texts = defaults(kind, region, period, chain, data.get("number"))
    for key in TEXT_FIELDS:
        if data.get(key) not in (None, ""):
            texts[key] = data[key]
    return core_services.create(user, Briefing, {
        "kind": kind, "region": region, "chain": chain if kind == BriefingKind.CHAIN else None,
        "period": period.first_day, **texts, "status": BriefingStatus.PENDING})


def chain_count(briefing):
    if briefing.kind == BriefingKind.CHAIN:
        return 1
    return briefing.region.chains.filter(is_active=True).count()


def delete(user, briefing, version=None):
    files = [file_path(briefing, fmt) for fmt in FORMATS]
    core_services.delete(user, briefing, version=version)
    for path in files:
        if path is not None:
            transaction.on_commit(lambda p=path: p.unlink(missing_ok=True))

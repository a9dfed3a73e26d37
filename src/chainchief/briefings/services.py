"""Generating briefings: a row for the issue (audited), then its content, charts, Word and PDF files, with the
progress kept on the row so that a page can follow it. Documents are written in Chinese whatever the interface
language: they are official documents.

``briefings.tasks.start`` prepares an issue and generates it in the request for a city (up to
``BRIEFING_QUEUE_CHAINS`` chains) or in the task worker for more; ``manage.py briefing`` generates at once.
"""
import json
import logging
import re
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chainchief.analytics.periods import Period
from chainchief.briefings import charts, content as contents, pdf, word
from chainchief.briefings.models import Briefing, BriefingKind, BriefingStatus, DocumentNumber, format_number
from chainchief.core import services as core_services
from chainchief.core.models import RegionLevel
from chainchief.core.permissions import ADD, VIEW, rebase_q, scope_q

log = logging.getLogger(__name__)
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf"}
TEXT_FIELDS = ("title", "introduction")  # may differ from the defaults
REGISTER_ATTEMPTS = 5  # a number taken by another issue at the same moment: the next one is tried
DOC_NUMBER = re.compile(r"^\s*(?P<issuer>[^〔\[［(（\s]+)\s*[〔\[［(（]\s*(?P<year>\d{4})\s*[〕\]］)）]\s*"
                        r"(?P<serial>\d{1,4})\s*号?\s*$")


def storage_dir() -> Path:
    path = Path(getattr(settings, "BRIEFING_DIR", Path(settings.VAR_DIR) / "briefings"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def queue_threshold():
    return int(getattr(settings, "BRIEFING_QUEUE_CHAINS", 20))


def readable(user):
    return (Briefing.objects.restrict(user, VIEW).select_related("region", "chain", "created_by", "replaces")
            .prefetch_related("corrections"))


def register(user):
    """The document numbers the user may read (its region's register)."""
    return DocumentNumber.objects.restrict(user, VIEW).select_related("briefing")


def suggestion_for(user, period=None, signed_on=None):
    """The number the user's next monthly issue would get, for a period (its default 成文日期) or a date."""
    from django.core.exceptions import PermissionDenied


    region = getattr(user, "region", None)
    if region is None or not may_add_monthly(user):
        raise PermissionDenied(_("无权编发文号。"))
    if signed_on is None:
        try:
            signed_on = default_signed_on(Period.parse(period)) if period else timezone.localdate()
        except ValueError:
            raise ValidationError({"period": _("请填写期间（YYYY-MM）。")}) from None
    return suggest(region, signed_on)


def _whole(region):
    return {RegionLevel.PROVINCE: "全省", RegionLevel.DISTRICT: "全区"}.get(region.level, "全市")


def _chain_title(chain):
    name = chain.name if chain.name.endswith("产业链") else f"{chain.name}产业链"
    return name


def _cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日"


def defaults(kind, region, period, chain=None):
    """The texts a new issue starts with; each may be edited before it is generated."""
    label = contents.period_label(period)
    if kind == BriefingKind.CHAIN:
        return {"title": f"{_chain_title(chain)}一页纸（{label}）", "introduction": ""}
    return {
        "title": f"关于{label}{_whole(region)}重点产业链运行情况的通报",
        "introduction": (f"为及时掌握{_whole(region)}重点产业链运行态势，推动链长制各项工作落实落细，"
                         f"现将{label}{_whole(region)}重点产业链运行情况通报如下。"),
    }


# The register of document numbers (文号) ------------------------------------------------------------------------

def issuer_of(region):
    """The issuer's abbreviation in its numbers (发文机关代字): the region's chain office, 潍坊市 → 潍链办."""
    return f"{region.name[:1]}链办"


def period_end(period):
    return period.shift(1).first_day - timedelta(days=1)


def default_signed_on(period, today=None):
    """The 成文日期 an issue starts with: today, but no later than the end of the month after its period — a
    monthly briefing is written once the month's figures are in, and one made later for an old period is dated
    when it would have gone out (the author may choose another day)."""
    today = today or timezone.localdate()
    return min(today, period_end(period.shift(1)))


def parse_number(text):
    """(issuer, year, serial) of a document number as typed (潍链办〔2021〕9号, also with [ ] or ［ ］), or a
    ValidationError on the doc_number field."""
    match = DOC_NUMBER.match(text or "")
    if not match:
        raise ValidationError({"doc_number": _("文号格式应为“发文机关代字〔年份〕序号号”，如 潍链办〔2021〕9号。")})
    return match["issuer"], int(match["year"]), int(match["serial"])


def next_serial(region, issuer, year):
    """The next free number of the issuer's year: one after the highest given, withdrawn and deleted documents'
    included (their numbers are never given again)."""
    last = (DocumentNumber.objects.filter(region=region, issuer=issuer, year=year)
            .order_by("-serial").values_list("serial", flat=True).first())
    return (last or 0) + 1


def suggest(region, signed_on):
    issuer = issuer_of(region)
    serial = next_serial(region, issuer, signed_on.year)
    return {"issuer": issuer, "year": signed_on.year, "serial": serial,
            "doc_number": format_number(issuer, signed_on.year, serial), "signed_on": signed_on}


def holder_message(entry):
    """Why a number cannot be given: the document that holds it, and the next free one."""
    doc = entry.briefing
    if doc is None:
        holder = _("已删除的文件《%(title)s》") % {"title": entry.title}
    elif doc.is_withdrawn:
        holder = _("《%(title)s》（已撤回，文号仍归其所有）") % {"title": doc.title}
    else:
        holder = _("《%(title)s》（%(day)s 登记）") % {"title": doc.title,
                                                    "day": timezone.localtime(entry.created_at).date().isoformat()}
    nxt = format_number(entry.issuer, entry.year, next_serial(entry.region, entry.issuer, entry.year))
    return _("文号 %(number)s 已由%(holder)s使用，一个文号只能使用一次；下一个可用文号为 %(next)s。") % {
        "number": entry.text, "holder": holder, "next": nxt}


def _register(user, region, issuer, year, serial, title, explicit):
    """Enter the number in the register; a number given by the author that is taken is refused with the name of
    its holder, a suggested one that another issue took meanwhile gives way to the next."""
    for _attempt in range(REGISTER_ATTEMPTS):
        taken = (DocumentNumber.objects.select_related("briefing", "region")
                 .filter(region=region, issuer=issuer, year=year, serial=serial).first())
        if taken is None:
            try:
                return core_services.create(user, DocumentNumber, {
                    "region": region, "issuer": issuer, "year": year, "serial": serial, "title": title})
            except (core_services.Conflict, ValidationError):  # taken at the same moment by another issue
                taken = (DocumentNumber.objects.select_related("briefing", "region")
                         .filter(region=region, issuer=issuer, year=year, serial=serial).first())
                if taken is None:
                    raise
        if explicit:
            raise ValidationError({"doc_number": holder_message(taken)})
        serial = next_serial(region, issuer, year)
    raise core_services.Conflict(_("文号登记繁忙，请稍后重试。"))


def _texts(briefing, content):
    """Everything a writer prints besides the content's tables."""
    region = briefing.region
    whole = _whole(region)
    as_of = date.fromisoformat(content["as_of"])
    texts = {"title": briefing.title, "introduction": briefing.introduction, "doc_number": briefing.doc_number,
             "masthead": "产业链工作通报", "sign_off": f"{region.name}链长制工作专班办公室　{_cn_date(as_of)}"}
    if content["kind"] == "monthly":
        signed = briefing.signed_on or as_of
        texts["sign_off"] = f"{region.name}链长制工作专班办公室　{_cn_date(signed)}"
        texts["issue_line"] = f"{signed.year}年第{briefing.number}期" if briefing.number else ""
        texts["replaces"] = ""
        if briefing.replaces_id and briefing.replaces.doc_number:
            texts["replaces"] = f"（本文为更正稿，替代{briefing.replaces.doc_number}，原文件停止使用。）"
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
        texts["problems"], texts["problems_lead"] = _problems(content, whole)
        texts["next_steps"] = _next_steps(content)
        texts["distribution"] = [f"主送：{region.name}委、{region.name}政府领导同志。",
                                 "抄送：各产业链链长，各产业链牵头部门。",
                                 f"{region.name}链长制工作专班办公室　　{_cn_date(signed)}印发"]
        texts["data_note"] = (f"注：本通报数据期间为{content['period_label']}（累计），取自本平台截至{_cn_date(as_of)}"
                              f"的企业月度报表；排名、增速与目标进度的口径与驾驶舱一致。")
    else:
        texts["issue_line"] = (f"{region.name}　数据期间：{content['period_label']}（累计）　"
                               f"取数日期：{_cn_date(as_of)}")
    return texts


def _points(x, city):
    return f"{abs(x - city) * 100:.1f} 个百分点"


def _problems(content, whole):
    """三、主要问题: each chain once, its findings in one sentence, the city's growth (the threshold) stated once
    in the lead; a gap to the city is given in percentage points (17.2% is 1.0 个百分点 below 18.2%)."""
    city = content["city"]["yoy_comparable"]
    lead = "" if city is None else (
        f"对照{whole}规模以上工业可比口径同比增长 {contents.pct(city)}，本期运行中需关注的问题如下：")
    out = []
    for r in content["chains"]:
        parts, growth = [], r["yoy_comparable"]
        if growth is not None and growth < 0:
            parts.append(f"可比口径同比下降 {contents.pct(-growth)}")
        elif growth is not None and city is not None and round(growth, 3) < round(city, 3):
            parts.append(f"可比口径同比增长 {contents.pct(growth)}，低于{whole} {_points(growth, city)}")
        if r["non_reporters"]:
            parts.append(f"{r['non_reporters']} 家规上企业本期未报送")
        if r["status"] in ("red", "yellow"):
            parts.append(f"目标进度{r['status_label']}（{r['status_reason']}）")
        if parts:
            out.append(f"{r['name']}：{'；'.join(parts)}。")
    return out, lead


def _next_steps(content):
    """五、下步工作, from the ledger: the supervised tasks still open, the key projects behind schedule."""
    tasks = content["tasks_by_department"]
    open_, overdue = sum(t["open"] for t in tasks), sum(t["overdue"] for t in tasks)
    steps = []
    if open_:
        late = [t["department"] for t in tasks if t["overdue"]][:3]
        steps.append(f"抓好督办事项落实。未完成任务 {open_} 项，其中逾期 {overdue} 项"
                     + (f"，请{'、'.join(late)}等部门限期办结并报送进展。" if late else "，请各牵头部门按期办结。"))
    behind = content["projects_behind"]
    if behind:
        names = "、".join(p["name"] for p in behind[:3])
        steps.append(f"推进滞后重点项目。{names}等 {len(behind)} 个项目进度滞后，请所在产业链牵头部门逐一调度、"
                     f"协调解决。")
    requests = content["requests_by_department"]
    if any(r["overdue"] for r in requests):
        steps.append(f"加快企业诉求办理。逾期未办结诉求 {sum(r['overdue'] for r in requests)} 件，请承办部门尽快答复。")
    return steps or ["各产业链按既定计划推进各项工作。"]


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
    _announce(user, briefing)
    return briefing


def _announce(user, briefing):
    """A briefing issued: the office and the chain's chief are told (accounts.notifications.RULES)."""
    from django.urls import reverse

    from chainchief.accounts import notifications

    subject = notifications.Subject(briefing, chain=briefing.chain, region_id=briefing.region_id)
    notifications.send("briefing.issued", subject, {"title": briefing.title},
                       reverse("briefings:detail", args=[briefing.pk]), user)


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
    texts = defaults(kind, region, period, chain)
    for key in TEXT_FIELDS:
        if data.get(key) not in (None, ""):
            texts[key] = data[key]
    replaces = data.get("replaces")
    if replaces is not None and not hasattr(replaces, "pk"):
        replaces = readable(user).filter(pk=replaces).first()
        if replaces is None:
            raise ValidationError({"replaces": _("被更正的文件不存在或无权查看。")})
    with transaction.atomic():
        numbered, entry = {}, None
        if kind == BriefingKind.MONTHLY:
            numbered, entry = _number(user, region, period, data, texts["title"])
        briefing = core_services.create(user, Briefing, {
            "kind": kind, "region": region, "chain": chain if kind == BriefingKind.CHAIN else None,
            "period": period.first_day, **texts, **numbered, "replaces": replaces,
            "status": BriefingStatus.PENDING})
        if entry is not None:
            core_services.update(user, entry, {"briefing": briefing})
    return briefing


def _number(user, region, period, data, title):
    """The 成文日期 and the document number of a new monthly issue: the author's, or the default date and the
    register's next number; the number's year is the 成文日期's."""
    signed_on = data.get("signed_on") or default_signed_on(period)
    if isinstance(signed_on, str):
        try:
            signed_on = date.fromisoformat(signed_on)
        except ValueError:
            raise ValidationError({"signed_on": _("成文日期格式应为 YYYY-MM-DD。")}) from None
    if signed_on <= period_end(period):
        raise ValidationError({"signed_on": _("成文日期应晚于数据期间的最后一天（%(day)s）。") % {
            "day": _cn_date(period_end(period))}})
    explicit = bool(data.get("doc_number") or data.get("number"))
    if data.get("doc_number"):
        issuer, year, serial = parse_number(data["doc_number"])
        if year != signed_on.year:
            raise ValidationError({"doc_number": _("文号中的年份（%(year)s）须与成文日期的年份（%(signed)s）一致。") % {
                "year": year, "signed": signed_on.year}})
    else:
        issuer, year = issuer_of(region), signed_on.year
        serial = int(data["number"]) if data.get("number") else next_serial(region, issuer, year)
    entry = _register(user, region, issuer, year, serial, title, explicit)
    return {"signed_on": signed_on, "number": entry.serial, "doc_number": entry.text}, entry


def withdraw(user, briefing, reason, version=None):
    """Withdraw an issue (撤回): it stays in the list with its files and keeps its number, marked withdrawn."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"withdrawn_reason": _("请填写撤回原因。")})
    if briefing.is_withdrawn:
        raise core_services.Conflict(_("该文件已于 %(when)s 撤回。") % {
            "when": timezone.localtime(briefing.withdrawn_at).strftime("%Y-%m-%d %H:%M")})
    return core_services.update(user, briefing, {"withdrawn_at": timezone.now(), "withdrawn_reason": reason[:200]},
                                version=version)


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


def may_add_monthly(user):
    """Whether the user may make its region's monthly briefing (the REPORT rule with a region-wide scope)."""
    q = scope_q(user, Briefing, ADD)
    return q is not None and getattr(user, "region_id", None) is not None and (
        not q or rebase_q(q, "region") is not None)

"""Import pages: upload → preview (counts, errors, matches awaiting confirmation) → commit; batch history; a
progress bar polled with htmx while a large file is read (in a task worker, see imports.tasks)."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.http import require_POST

from chainchief.core.services import Conflict
from chainchief.imports import registry, services, tasks, workbooks
from chainchief.imports.api import XLSX
from chainchief.imports.readers import FileError, max_bytes


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入类型"))
    file = forms.FileField(label=gettext_lazy("文件"), help_text=gettext_lazy("支持 .xlsx 与 .csv（UTF-8 或 GBK 编码）"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, v.label) for k, v in registry.kinds().items() if v.allowed(user)]
        self.fields["file"].widget.attrs.update({"accept": ".xlsx,.xls,.csv", "class": "form-control"})
        self.fields["kind"].widget.attrs["class"] = "form-select"


@login_required
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            batch = services.start(request.user, f, f.name, form.cleaned_data["kind"])
        except (FileError, ValidationError, PermissionDenied) as exc:
            form.add_error("file", exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
        else:
            tasks.submit(batch, request.user)  # a larger file is read by the worker; the page shows its progress
            return redirect("imports:detail", pk=batch.pk)
    templates = [(k, v.label) for k, v in registry.kinds().items() if v.allowed(request.user)]
    recent = services.batches_for(request.user)[:5]
    return render(request, "imports/upload.html", {
        "form": form, "templates": templates, "recent": recent, "max_mb": max_bytes() // 1048576,
    })


def _batch(request, pk):
    return get_object_or_404(services.batches_for(request.user), pk=pk)


# The preview's column headings, by the keys the import kinds put in a preview row.
PREVIEW_LABELS = {
    "row": gettext_lazy("行号"),
    "action": gettext_lazy("处理"),
    "uscc": gettext_lazy("统一社会信用代码"),
    "name": gettext_lazy("企业名称"),
    "period": gettext_lazy("期间"),
    "revenue": gettext_lazy("营业收入（万元）"),
    "gross_output": gettext_lazy("工业总产值"),
    "profit": gettext_lazy("利润总额"),
    "tax": gettext_lazy("税收"),
    "rd_spend": gettext_lazy("研发投入"),
    "employees": gettext_lazy("从业人员"),
    "chains": gettext_lazy("产业链"),
    "chain": gettext_lazy("产业链"),
    "segment": gettext_lazy("环节"),
    "stage": gettext_lazy("环节位置"),
    "parent": gettext_lazy("上级环节"),
    "title": gettext_lazy("任务名称"),
    "department": gettext_lazy("牵头部门"),
    "due_on": gettext_lazy("完成时限"),
    "status": gettext_lazy("状态"),
    "project": gettext_lazy("项目名称"),
    "enterprise": gettext_lazy("建设单位"),
    "year": gettext_lazy("计划年度"),
    "project_stage": gettext_lazy("项目阶段"),
    "annual_plan": gettext_lazy("年度计划投资（万元）"),
    "supplier": gettext_lazy("供应方"),
    "customer": gettext_lazy("采购方"),
    "product": gettext_lazy("产品"),
    "link_year": gettext_lazy("年份"),
    "amount": gettext_lazy("年度采购额（万元）"),
    "segments": gettext_lazy("可补环节"),
}


@login_required
def detail(request, pk):
    batch = _batch(request, pk)
    own = batch.user_id == request.user.pk or request.user.is_superuser
    headers = [PREVIEW_LABELS.get(key, key) for key in batch.preview[0]] if batch.preview else []
    stuck = services.is_stuck(batch)
    return render(request, "imports/detail.html", {
        "batch": batch, "own": own, "preview_headers": headers, "stuck": stuck,
        "may_clear": stuck and services.may_clear(batch, request.user), "stale_minutes": services.stale_minutes()})


@login_required
def progress(request, pk):
    batch = _batch(request, pk)
    response = render(request, "imports/_progress.html", {"batch": batch})
    if not batch.is_running and request.htmx:
        response["HX-Refresh"] = "true"  # done: show the full preview
    return response


@login_required
@require_POST
def commit(request, pk):
    batch = _batch(request, pk)
    try:
        batch, queued = tasks.submit(batch, request.user, write=True)
        if queued:
            messages.info(request, _("正在导入，请稍候。"))
        elif batch.status == "committed":
            messages.success(request, _("导入完成：新增 %(new)s 行，更新 %(updated)s 行。") % {"new": batch.new_count, "updated": batch.updated_count})
        else:
            messages.error(request, batch.message or _("导入未完成。"))
    except (ValidationError, PermissionDenied, Conflict) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    return redirect("imports:detail", pk=pk)


def _batch_action(request, pk, action, done):
    """A button on the batch page: ``action(batch, user)``, then the page again with ``done`` or the refusal."""
    batch = _batch(request, pk)
    try:
        action(batch, request.user)
        messages.success(request, done)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    return redirect("imports:detail", pk=pk)


@login_required
@require_POST
def rollback(request, pk):
    return _batch_action(request, pk, services.rollback, _("已撤销该批次，数据已恢复为导入前的值。"))


@login_required
@require_POST
def confirm(request, pk):
    batch = _batch(request, pk)
    choice = request.POST.get("enterprise")
    try:
        batch = services.confirm_match(batch, request.user, request.POST.get("key", ""),
                                       int(choice) if choice and choice.isdigit() else None, rerun=False)
        tasks.submit(batch, request.user)
    except (ValidationError, PermissionDenied, Conflict) as exc:
        messages.error(request, exc.messages[0] if isinstance(exc, ValidationError) else str(exc))
    return redirect("imports:detail", pk=pk)


@login_required
def history(request):
    qs = services.batches_for(request.user)
    kind = request.GET.get("kind")
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page, "kinds": registry.kinds(), "kind": kind})


@login_required
def template(request, kind):
    from django.core.exceptions import ValidationError
    from django.http import Http404

    try:
        k = registry.get(kind)
    except ValidationError:
        raise Http404("没有这种导入类型。") from None
    return FileResponse(workbooks.template(k), as_attachment=True, filename=f"{k.label}导入模板.xlsx",
                        content_type=XLSX)


@login_required
@require_POST
def clear(request, pk):
    return _batch_action(request, pk, services.clear, _("已将该批次标记为失败。"))


@login_required
def errors(request, pk):
    batch = _batch(request, pk)
    try:
        data = services.error_file(batch)
    except services.NoErrorFile as exc:
        messages.error(request, str(exc))
        return redirect("imports:detail", pk=pk)
    name = batch.file_name.rsplit(".", 1)[0]
    return FileResponse(data, as_attachment=True, filename=f"{name}-错误明细.xlsx", content_type=XLSX)

"""The change log page: read-only, for the roles that may view the audit log (admins, the chain office)."""
import json
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.views.decorators.http import require_GET
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainchief.audit.models import AuditAction, AuditEvent
from chainchief.core.permissions import VIEW, may
from chainchief.core.export import export_response
from chainchief.core.forms import DateInput, StyledForm, export_query

PER_PAGE = 50


class AuditFilterForm(StyledForm):
    username = forms.CharField(label=gettext_lazy("用户"), required=False)
    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False,
                               choices=[("", gettext_lazy("全部操作")), *AuditAction.choices])
    object_type = forms.ModelChoiceField(label=gettext_lazy("对象类型"), required=False,
                                         queryset=ContentType.objects.none(), empty_label=gettext_lazy("全部类型"))
    date_from = forms.DateField(label=gettext_lazy("开始日期"), required=False,
                                widget=DateInput())
    date_to = forms.DateField(label=gettext_lazy("结束日期"), required=False,
                              widget=DateInput())
    request_id = forms.CharField(label=gettext_lazy("请求编号"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = AuditEvent.objects.exclude(content_type=None).values("content_type").distinct()
        self.fields["object_type"].queryset = ContentType.objects.filter(pk__in=used).order_by("app_label", "model")
        self.fields["object_type"].label_from_instance = lambda ct: (
            str(ct.model_class()._meta.verbose_name) if ct.model_class() else ct.model)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("开始日期不能晚于结束日期。"))
        return data

    def apply(self, qs):
        if not self.is_valid():
            return qs
        d = self.cleaned_data
        if d.get("username"):
            qs = qs.filter(username__icontains=d["username"].strip())
        if d.get("action"):
            qs = qs.filter(action=d["action"])
        if d.get("object_type"):
            qs = qs.filter(content_type=d["object_type"])
        if d.get("request_id"):
            qs = qs.filter(request_id=d["request_id"].strip())
        tz = timezone.get_current_timezone()
        if d.get("date_from"):
            qs = qs.filter(time__gte=datetime.combine(d["date_from"], time.min, tzinfo=tz))
        if d.get("date_to"):
            qs = qs.filter(time__lt=datetime.combine(d["date_to"] + timedelta(days=1), time.min, tzinfo=tz))
        return qs


def _field_label(model, name):
    if model is None:
        return name
    for field in model._meta.get_fields():
        if getattr(field, "attname", None) == name or field.name == name:
            return str(getattr(field, "verbose_name", name))
    return name


def _diff(event):
    before, after = event.before or {}, event.after or {}
    model = event.content_type.model_class() if event.content_type_id else None
    return [{"field": name, "label": _field_label(model, name), "before": before.get(name), "after": after.get(name)}
            for name in event.changed_fields() if name not in ("updated_at", "created_at")]


def _events(request):
    """(filter form, the events it selects): the same for the page and its export."""
    if not may(request.user, VIEW, AuditEvent):
        raise PermissionDenied(_("无权查看审计日志。"))
    form = AuditFilterForm(request.GET or None)
    return form, form.apply(AuditEvent.objects.restrict(request.user, VIEW).select_related("content_type"))


def _type_label(event):
    model = event.content_type.model_class() if event.content_type_id else None
    return str(model._meta.verbose_name) if model else ""


EXPORT_COLUMNS = [
    (lambda e: timezone.localtime(e.time), gettext_lazy("时间")), ("username", gettext_lazy("用户名")),
    (lambda e: e.get_action_display(), gettext_lazy("操作")), (_type_label, gettext_lazy("对象类型")),
    ("object_repr", gettext_lazy("对象")), ("object_id", gettext_lazy("对象编号")),
    ("request_id", gettext_lazy("请求编号")), ("ip", gettext_lazy("IP 地址")),
    (lambda e: json.dumps(e.before, ensure_ascii=False) if e.before else None, gettext_lazy("修改前")),
    (lambda e: json.dumps(e.after, ensure_ascii=False) if e.after else None, gettext_lazy("修改后")),
]


@login_required
@require_GET
def export(request):
    """The log as the page's filters select it, as .xlsx or .csv (every row, not one page)."""
    _form, qs = _events(request)
    fmt = request.GET.get("format", "xlsx")
    return export_response(qs.order_by("-time", "-pk").iterator(chunk_size=2000), EXPORT_COLUMNS, fmt, _("审计日志"))


@login_required
@require_GET
def event_list(request):
    form, qs = _events(request)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.diff = _diff(event)
        event.type_label = _type_label(event)
    filtered = any(v for k, v in request.GET.items() if k != "page")
    return render(request, "audit/list.html", {"form": form, "page": page, "filtered": filtered,
                                               "export_url": reverse("audit:export"),
                                               "export_query": export_query(request)})

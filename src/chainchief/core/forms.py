"""Form helpers shared by every app's pages: forms validate and render; saving always goes through a service."""
import re

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import translation

from chainchief.core.services import Conflict


class VersionField(forms.IntegerField):
    """The version the user read, sent back for optimistic locking."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, min_value=0, **kwargs)


class DateInput(forms.DateInput):
    """A date typed as text in the interface's format, YYYY-MM-DD (the zh-hans locale also reads 2021/6/30 and
    2021年6月30日). Not the browser's date picker: Chromium shows that in the browser's own locale (mm/dd/yyyy on
    an English system) whatever the page's language."""

    input_type = "text"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__({"placeholder": "YYYY-MM-DD", "autocomplete": "off", "maxlength": "11", **(attrs or {})},
                         format=format)


_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?\s*$")


def parse_month(text):
    """'2021-06', '2021-6', '2021/6', '2021年6月', '202106' → (2021, 6). Raises ValueError."""
    text = str(text or "").strip()
    match = _MONTH.match(text) or re.match(r"^(\d{4})(\d{2})$", text)
    if not match:
        raise ValueError(text)
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise ValueError(text)
    return year, month


def _chinese():
    return (translation.get_language() or "").startswith("zh")


def month_text(value):
    """A month as the interface writes it: 2021年6月 in Chinese, 2021-06 otherwise; other text unchanged."""
    try:
        year, month = parse_month(value)
    except ValueError:
        return value
    return f"{year}年{month}月" if _chinese() else f"{year:04d}-{month:02d}"


class MonthInput(forms.TextInput):
    """A month typed as text: shown as 2021年6月 in the Chinese interface (2021-06 in English); both are read."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "maxlength": "10", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", "YYYY年M月" if _chinese() else "YYYY-MM")
        return context

    def format_value(self, value):
        return month_text(super().format_value(value))


def style(form):
    """Bootstrap classes on every visible widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    return form


class StyledModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def save_with(form, action):
    """Run ``action()`` (a service call). Returns its result, or None with the errors put on ``form``.

    A validation error from the model lands on its field; a stale version or a clash with another row
    becomes a message at the top of the form. PermissionDenied is not caught: it is a 403.
    """
    try:
        return action()
    except Conflict as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for error in errors:
                    if target or field == NON_FIELD_ERRORS:
                        form.add_error(target, error)
                    else:
                        form.add_error(None, f"{_label(form, field)}：{error.messages[0]}")
        else:
            form.add_error(None, exc)
    return None


def _label(form, name):
    model = getattr(getattr(form, "_meta", None), "model", None)
    if model is not None and name != NON_FIELD_ERRORS:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except Exception:
            pass
    return name


def model_data(form, fields=None):
    """The cleaned values of ``fields`` (default: the form's model fields) as a service's data dict."""
    names = fields or list(form._meta.fields or form.fields)
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data and name != "version"}


def edit_page(request, obj, form_class, *, title, done_url, back_url, back_label, update=None):
    """The edit page of ``obj``, the same for every model: the change permission is checked, the form
    validates, ``update(user, obj, data, version)`` (default: core.services.update) saves with optimistic
    locking, and the user goes to ``done_url``."""
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied
    from django.shortcuts import redirect, render
    from django.utils.translation import gettext

    from chainchief.core import services
    from chainchief.core.permissions import CHANGE, can

    if not can(request.user, CHANGE, obj):
        raise PermissionDenied(gettext("无权修改该%(name)s。") % {"name": obj._meta.verbose_name})
    save = update or (lambda user, o, data, version: services.update(user, o, data, version=version))
    form = form_class(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version")
        if save_with(form, lambda: save(request.user, obj, model_data(form), version)):
            messages.success(request, gettext("已保存。"))
            return redirect(done_url)
    return render(request, "web/form_page.html",
                  {"form": form, "title": title, "back_url": back_url, "back_label": back_label})


def export_query(request):
    """The list page's filters as the query of its API export (no page number, no empty fields)."""
    from urllib.parse import urlencode

    return urlencode([(k, v) for k, v in request.GET.items() if v and k != "page"])

"""The sign-in form and the commissioner's visit form. The form helpers every page uses are in core.forms."""
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chainchief.core.forms import DateInput, StyledForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误，请重新输入（密码区分大小写）。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class VisitForm(StyledForm):
    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)
    visited_on = forms.DateField(label=_("走访日期"), initial=timezone.localdate,
                                 widget=DateInput())
    people_met = forms.CharField(label=_("接待人员"), required=False, max_length=200)
    content = forms.CharField(label=_("走访内容"), widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label=_("发现问题"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text=_("需要协调解决的问题，可随后作为企业诉求提交"))

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises

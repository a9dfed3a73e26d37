"""The roles a login can have. What each may do is in ``accounts.rules``; where, in its scope (``accounts.scope``)."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    COORDINATOR = "coordinator", _("链长办")
    PROVINCE = "province", _("省链长办")
    LEADER = "leader", _("市领导")
    CHIEF = "chief", _("链长")
    DEPT = "dept", _("牵头部门")
    COMMISSIONER = "commissioner", _("服务专员")
    ENTERPRISE = "enterprise", _("企业用户")

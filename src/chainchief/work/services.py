"""Writes for the work ledger: through core.services (permission checked, one transaction, audited)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainchief.chains.models import Chain, ChainDepartment
from chainchief.core import services
from chainchief.core.permissions import VIEW
from chainchief.work.models import Task


@transaction.atomic
def create_task(user, data):
    """Create a task. Without a lead department it falls to the chain's lead department (牵头部门)."""
    data = dict(data)
    chain = data.get("chain")
    if data.get("lead_department") is None and chain is not None:
        if not Chain.objects.restrict(user, VIEW).filter(pk=getattr(chain, "pk", chain)).exists():
            raise ValidationError({"chain": _("所选产业链不存在或无权访问。")})
        lead = (ChainDepartment.objects.filter(chain_id=getattr(chain, "pk", chain), is_lead=True)
                .values_list("department_id", flat=True).first())
        if lead is None:
            raise ValidationError({"lead_department": _("该产业链尚未确定牵头部门，请指定牵头部门。")})
        data["lead_department"] = lead
    return services.create(user, Task, data)


def update_task(user, task, data, version=None):
    return services.update(user, task, data, version=version)

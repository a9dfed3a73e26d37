"""Writes for chains: every one permission-checked, in one transaction, audited (through core.services)."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chainchief.chains import queries
from chainchief.chains.models import ChainDepartment, ChainWorkItem, WorkStatus
from chainchief.core import services


@transaction.atomic
def set_work_item(user, chain, item, *, status, note="", evidence_url="", version=None):
    """Set by hand a chain's status on one work-model item, with its reason (``note``), or give it back to the
    evidence (``status`` empty: computed by ``chains.checklist``). Creates the row on first use; the model's
    validation refuses a status without its reason."""
    if chain.region.work_model_id != item.work_model_id:
        raise ValidationError({"item": _("该事项不属于本区域的工作模式。")})
    status = status or ""
    if status and status not in WorkStatus.values:
        raise ValidationError({"status": _("状态应为 %(values)s 之一，或留空按佐证自动判定。") % {
            "values": _("、").join(WorkStatus.values)}})
    row = ChainWorkItem.objects.filter(chain=chain, item=item).first()
    data = {"status": status, "note": note, "evidence_url": evidence_url}
    if row is None:
        return services.create(user, ChainWorkItem, {"chain": chain, "item": item, **data})
    return services.update(user, row, data, version=version)


@transaction.atomic
def set_department(user, chain, department, *, is_lead=False):
    """Link a department to a chain, or change whether it leads. A new lead department takes the place of the
    old one, which stays on as a supporting department (a chain has one lead)."""
    if department.region_id not in queries.related_region_ids(chain):
        raise ValidationError({"department": _("部门应属于本产业链所在区域或其上级、下级区域。")})
    if is_lead:
        for old in ChainDepartment.objects.select_for_update().filter(chain=chain, is_lead=True) \
                .exclude(department=department):
            services.update(user, old, {"is_lead": False}, version=old.version)
    row = ChainDepartment.objects.select_for_update().filter(chain=chain, department=department).first()
    if row is None:
        return services.create(user, ChainDepartment, {"chain": chain, "department": department, "is_lead": is_lead})
    if row.is_lead != is_lead:
        return services.update(user, row, {"is_lead": is_lead}, version=row.version)
    return row

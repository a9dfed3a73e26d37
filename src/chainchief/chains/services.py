"""Writes for chains: every one permission-checked, in one transaction, audited (through core.services)."""
from django.core.exceptions import ValidationError
from django.db import transaction

from chainchief.chains.models import ChainWorkItem, WorkStatus
from chainchief.core import services


@transaction.atomic
def set_work_item(user, chain, item, *, status, note="", evidence_url="", version=None):
    """Record a chain's status on one work-model item (creating the row on first use)."""
    if chain.region.work_model_id != item.work_model_id:
        raise ValidationError({"item": "该事项不属于本区域的工作模式。"})
    if status not in WorkStatus.values:
        raise ValidationError({"status": f"状态应为 {'、'.join(WorkStatus.values)} 之一。"})
    row = ChainWorkItem.objects.filter(chain=chain, item=item).first()
    data = {"status": status, "note": note, "evidence_url": evidence_url}
    if row is None:
        return services.create(user, ChainWorkItem, {"chain": chain, "item": item, **data})
    return services.update(user, row, data, version=version)

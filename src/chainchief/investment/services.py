"""Every write of the investment app: one transaction, permission checked, audited (through core.services).

A lead's stage moves only through ``advance``: forward along 推介 → 在谈 → 签约 → 开工 → 到资 → 投产, dated no
earlier than the stage it leaves, with the amount the new stage needs; it writes the lead, one history row
(``LeadStep``) and their change-log rows together."""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainchief.core import services as core
from chainchief.core.permissions import CHANGE, check
from chainchief.core.services import Conflict
from chainchief.investment.models import (STAGES, Capability, Contact, ExternalEnterprise, Lead, LeadStage,
                                          LeadStep, Need)


class StepRefused(Conflict):
    """A stage move the pipeline does not allow from the lead's current stage (HTTP 409 with the reason)."""


# The amount field each stage records, when the move gives one.
STAGE_AMOUNT = {LeadStage.PITCHED: "intended_amount", LeadStage.NEGOTIATING: "intended_amount",
                LeadStage.SIGNED: "contracted_amount", LeadStage.STARTED: "contracted_amount",
                LeadStage.FUNDED: "arrived_amount", LeadStage.PRODUCING: "arrived_amount"}


def create_external(user, data):
    data = dict(data)
    if not data.get("region") and getattr(user, "region_id", None):
        data["region"] = user.region_id
    return core.create(user, ExternalEnterprise, data)


@transaction.atomic
def create_lead(user, data, *, on=None):
    """A new lead, in 推介 from ``on`` (default today), with its first history row."""
    data = dict(data)
    for name in ("stage", "stage_on"):
        if name in data:
            raise ValidationError({name: _("线索阶段只能通过“推进阶段”变更。")})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"stage_on": _("阶段日期不能晚于今天。")})
    lead = core.create(user, Lead, {**data, "stage_on": on})
    _step(user, lead, "", LeadStage.PITCHED, on, lead.intended_amount, _("新建线索"))
    return lead


def update_lead(user, lead, data, version=None):
    for name in ("stage", "stage_on"):
        if name in data:
            raise ValidationError({name: _("线索阶段只能通过“推进阶段”变更。")})
    return core.update(user, lead, data, version=version)


def _step(user, lead, from_stage, to_stage, on, amount, note):
    step = LeadStep(lead=lead, from_stage=from_stage, to_stage=to_stage, on=on, amount=amount, note=note or "",
                    created_by=user, updated_by=user)
    step.full_clean()
    step.save()
    core.record(user, "create", step, after=core.snapshot(step))
    return step


@transaction.atomic
def advance(user, lead, to_stage, *, on=None, amount=None, note="", version=None):
    """Move ``lead`` to ``to_stage`` on ``on`` (default today), recording ``amount`` (万元) in the field the stage
    keeps (签约 → 签约投资, 到资 → 到位资金 …). Only forward; the history row is written with the lead's
    change, in one transaction."""
    check(user, CHANGE, lead)
    if to_stage not in STAGES:
        raise ValidationError({"to_stage": _("未知的阶段“%(stage)s”。") % {"stage": to_stage}})
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    current, target = STAGES.index(lead.stage), STAGES.index(to_stage)
    labels = dict(LeadStage.choices)
    if target <= current:
        raise StepRefused(_("线索已处于“%(current)s”阶段，只能推进到其后的阶段，不能改为“%(target)s”。") % {
            "current": labels[lead.stage], "target": labels[to_stage]})
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise ValidationError({"on": _("阶段日期不能晚于今天。")})
    if on < lead.stage_on:
        raise ValidationError({"on": _("阶段日期不能早于进入“%(stage)s”阶段的日期（%(date)s）。") % {
            "stage": labels[lead.stage], "date": lead.stage_on.isoformat()}})
    data = {"stage": to_stage, "stage_on": on}
    if amount is not None:
        data[STAGE_AMOUNT[to_stage]] = amount
    from_stage = lead.stage
    lead = core.update(user, lead, data, version=version)
    _step(user, lead, from_stage, to_stage, on, amount, note)
    return lead


def create_need(user, data):
    return core.create(user, Need, _own_enterprise(user, data))


def create_capability(user, data):
    return core.create(user, Capability, _own_enterprise(user, data))


def _own_enterprise(user, data):
    """An enterprise user posts for its own enterprise when it names none."""
    data = dict(data)
    if not data.get("enterprise") and not data.get("enterprise_id"):
        own = list(user.enterprises.values_list("pk", flat=True)[:2]) if hasattr(user, "enterprises") else []
        if len(own) == 1:
            data["enterprise"] = own[0]
    return data


def record_contact(user, need, capability, data=None):
    """Turn a match into a contact record (对接记录), keeping the match's score and the terms that matched."""
    from chainchief.investment import matching

    data = dict(data or {})
    match = matching.explain(need, capability)
    data.setdefault("score", Decimal(f"{match['score']:.3f}"))
    data.setdefault("terms", match["terms"])
    return core.create(user, Contact, {"need": need, "capability": capability, **data})


def update_contact(user, contact, data, version=None):
    return core.update(user, contact, data, version=version)

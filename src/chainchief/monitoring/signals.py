"""Keep the pre-aggregated chain figures true when what they are summed over changes: an enterprise joins or
leaves a chain, moves district, becomes above-scale, or is deleted. Changes are collected and refreshed once,
when the transaction commits (an import of a thousand memberships refreshes once, not a thousand times)."""
import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from chainchief.enterprises.models import Enterprise, Membership

_pending = threading.local()


def _state():
    if not hasattr(_pending, "chains"):
        _pending.chains, _pending.regions = set(), False
    return _pending


def _schedule(chains=(), regions=False):
    if not transaction.get_connection().in_atomic_block:
        _refresh(set(chains), regions)
        return
    state = _state()
    state.chains.update(chains)
    state.regions = state.regions or regions
    # One callback per change; the first to run refreshes everything pending and the rest find nothing to do.
    # (After a rollback the pending set may hold a chain that did not change: refreshing it is merely redundant.)
    transaction.on_commit(_flush)


def _flush():
    state = _state()
    chains, regions = state.chains, state.regions
    state.chains, state.regions = set(), False
    _refresh(chains, regions)


def _refresh(chains, regions):
    from chainchief.monitoring import aggregates

    if chains or regions:
        aggregates.refresh(chains=chains, regions=regions)


@receiver(pre_save, sender=Membership)
def _remember_chain(sender, instance, **kwargs):
    instance._old_chain_id = (Membership.objects.filter(pk=instance.pk).values_list("chain_id", flat=True).first()
                              if instance.pk else None)


@receiver(post_save, sender=Membership)
def _membership_saved(sender, instance, **kwargs):
    _schedule(chains={instance.chain_id, getattr(instance, "_old_chain_id", None)} - {None})


@receiver(post_delete, sender=Membership)
def _membership_deleted(sender, instance, **kwargs):
    _schedule(chains={instance.chain_id})


@receiver(pre_save, sender=Enterprise)
def _remember_enterprise(sender, instance, **kwargs):
    instance._old_counting = (Enterprise.objects.filter(pk=instance.pk).values_list("region_id", "is_above_scale")
                              .first() if instance.pk else None)


@receiver(post_save, sender=Enterprise)
def _enterprise_saved(sender, instance, created, **kwargs):
    old = getattr(instance, "_old_counting", None)
    if not created and old is not None and old != (instance.region_id, instance.is_above_scale):
        _schedule(chains=set(instance.memberships.values_list("chain_id", flat=True)), regions=True)


@receiver(post_delete, sender=Enterprise)
def _enterprise_deleted(sender, instance, **kwargs):
    _schedule(regions=True)  # its memberships' own signals refresh their chains

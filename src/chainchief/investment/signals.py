"""The match index hears of every capability saved or deleted in this process (other processes notice the
table's fingerprint change)."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from chainchief.investment.models import Capability


@receiver(post_save, sender=Capability)
@receiver(post_delete, sender=Capability)
def _changed(sender, instance, **kwargs):
    from chainchief.investment.matching import capabilities

    capabilities.pending.add(instance.pk)

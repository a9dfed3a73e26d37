"""In-app notifications: written by the services of the apps whose workflow asks someone to act, read by each
user in its own inbox."""
from django.utils import timezone

from chainchief.accounts.models import Notification


def notify(users, text, url=""):
    """One notification for each of ``users`` (a queryset or a list of users); returns how many."""
    rows = [Notification(user_id=getattr(u, "pk", u), text=text[:300], url=url)
            for u in (users.values_list("pk", flat=True) if hasattr(users, "values_list") else users)]
    Notification.objects.bulk_create(rows)
    return len(rows)


def for_user(user):
    return Notification.objects.filter(user=user)


def unread_count(user):
    return for_user(user).filter(read_at__isnull=True).count() if user.is_authenticated else 0


def mark_read(user, pks=None):
    qs = for_user(user).filter(read_at__isnull=True)
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    return qs.update(read_at=timezone.now())

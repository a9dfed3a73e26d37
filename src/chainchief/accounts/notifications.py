"""Notifications: one service, its rules as data.

An event (a task assigned, progress reported on a supervised task, a request rated 不满意, a chief's 批示, …) names in
``RULES`` who hears of it — audiences: the assignees, the handling department, the chain office, the chain's chief,
the enterprise, its commissioner — and the message's wording. The service that caused the event describes what it
is about as a ``Subject`` (the object, its chain, region, departments, enterprise, assignees); ``send`` finds the
audiences' users, leaves out the one who caused the event and every user who may not see the object
(``core.permissions.can``), and writes one message each, storing its event and parameters so that it is rendered in
its reader's language (``Notification.message``), naming its chain and linking to its page.
"""
from dataclasses import dataclass

from django.apps import apps
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy as _

from chainchief.accounts.roles import Role


def _notifications():
    """The Notification model (its module renders its messages through this one, so it is looked up, not imported)."""
    return apps.get_model("accounts", "Notification")


@dataclass(frozen=True)
class Rule:
    to: tuple  # audiences, names of AUDIENCES
    text: str  # the message, with %(name)s parameters


RULES = {
    # the work ledger
    "task.assigned": Rule(("assignees",), _("新任务：%(title)s（完成时限 %(due)s）")),
    "task.supervised": Rule(("assignees",), _("调度会议定事项（督办）：%(title)s，完成时限 %(due)s")),
    "task.reassigned": Rule(("assignees",), _("任务已转交给您：%(title)s")),
    "task.progress": Rule(("office", "chief"), _("督办事项有新进展：%(title)s（%(progress)s）")),
    "task.near": Rule(("assignees",), _("任务临近完成时限：%(title)s（%(due)s 到期）")),
    "task.overdue": Rule(("assignees",), _("任务已逾期：%(title)s（完成时限 %(due)s）")),
    "task.urged": Rule(("assignees",), _("催办：%(title)s（完成时限 %(due)s），请尽快办理并报告进展")),
    # enterprise requests
    "request.submitted": Rule(("office",), _("新诉求待受理：%(title)s")),
    "request.accepted": Rule(("enterprise", "commissioner"), _("您的诉求已受理：%(title)s")),
    "request.rejected": Rule(("enterprise", "commissioner"), _("您的诉求不予受理：%(title)s")),
    "request.assigned": Rule(("department",), _("诉求已交办，请办理：%(title)s")),
    "request.replied": Rule(("enterprise",), _("您的诉求已答复，请评价：%(title)s")),
    "request.unsatisfied": Rule(("office", "department"), _("企业对答复不满意，请重新办理：%(title)s")),
    "request.reviewed": Rule(("office",), _("诉求已评价，可办结：%(title)s")),
    "request.escalated": Rule(("chief", "department"), _("超期诉求已督办：%(title)s")),
    "request.instructed": Rule(("office", "department"), _("链长对诉求作出批示：%(title)s")),
    # briefings
    "briefing.issued": Rule(("office", "chief"), _("通报已印发：%(title)s")),
}


@dataclass
class Subject:
    """What an event is about, as far as finding its audiences needs: ``obj`` (every recipient must be able to see
    it), its chain, its region, the departments handling it, its enterprise, its assignees (user ids) and its
    commissioner (a person id)."""

    obj: object
    chain: object = None
    region_id: int | None = None
    departments: tuple = ()
    enterprise_id: int | None = None
    assignees: tuple = ()
    commissioner_id: int | None = None


def _users():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True)


def _office(s):
    from chainchief.core.models import Region

    if s.region_id is None:
        return []
    region = Region.objects.filter(pk=s.region_id).first()
    return _users().filter(role=Role.COORDINATOR, region_id__in=region.ancestor_ids()) if region else []


def _chief(s):
    if s.chain is None:
        return []
    return _users().filter(role=Role.CHIEF, person__chain_roles__chain_id=getattr(s.chain, "pk", s.chain))


AUDIENCES = {
    "assignees": lambda s: _users().filter(pk__in=list(s.assignees)),
    "department": lambda s: _users().filter(role=Role.DEPT, department_id__in=[d for d in s.departments if d]),
    "office": _office,
    "chief": _chief,
    "enterprise": lambda s: (_users().filter(role=Role.ENTERPRISE, enterprises=s.enterprise_id)
                             if s.enterprise_id else []),
    "commissioner": lambda s: (_users().filter(role=Role.COMMISSIONER, person_id=s.commissioner_id)
                               if s.commissioner_id else []),
}


def recipients(event, subject, actor=None):
    """The users an event reaches: its rule's audiences, without ``actor`` and without anyone who may not see the
    subject's object."""
    from chainchief.core.permissions import VIEW, can

    found = {}
    for audience in RULES[event].to:
        for user in AUDIENCES[audience](subject):
            found.setdefault(user.pk, user)
    if actor is not None:
        found.pop(actor.pk, None)
    return [u for pk, u in sorted(found.items()) if can(u, VIEW, subject.obj)]


def send(event, subject, params, url="", actor=None):
    """Tell every recipient of ``event`` (``RULES``) about ``subject``; returns the messages written. ``params``
    fill the rule's text; the chain's name is added from the subject."""
    users = recipients(event, subject, actor)
    if not users:
        return []
    chain = subject.chain
    chain_id = getattr(chain, "pk", chain)
    params = {k: ("" if v is None else str(v)) for k, v in params.items()}
    note = _notifications()(event=event, params=params, chain_id=chain_id, url=url)
    with translation.override("zh-hans"):
        text = note.message  # kept in Chinese for search and for readers of old rows
    rows = [_notifications()(user_id=u.pk, event=event, params=params, chain_id=chain_id, url=url[:300],
                         text=text[:300]) for u in users]
    return _notifications().objects.bulk_create(rows)


def notify(users, text, url=""):
    """A message without an event (a fixed text) for each of ``users`` (a queryset or a list of users or ids);
    returns how many. Prefer ``send``."""
    rows = [_notifications()(user_id=getattr(u, "pk", u), text=text[:300], url=url)
            for u in (users.values_list("pk", flat=True) if hasattr(users, "values_list") else users)]
    _notifications().objects.bulk_create(rows)
    return len(rows)


def render(note):
    """A message in the active language: its rule's text with its parameters, after its chain's name."""
    rule = RULES.get(note.event)
    if rule is None:
        return note.text
    try:
        body = str(rule.text) % (note.params or {})
    except (KeyError, TypeError, ValueError):
        return note.text
    name = note.chain.name if note.chain_id and note.chain is not None else ""
    return gettext("【%(chain)s】%(text)s") % {"chain": name, "text": body} if name else body


def for_user(user):
    return _notifications().objects.filter(user=user).select_related("chain")


def unread_count(user):
    return _notifications().objects.filter(user=user, read_at__isnull=True).count() if user.is_authenticated else 0


def mark_read(user, pks=None):
    qs = _notifications().objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        qs = qs.filter(pk__in=pks)
    return qs.update(read_at=timezone.now())

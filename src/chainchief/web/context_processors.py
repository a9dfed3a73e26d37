from chainchief.chains.models import Chain, ChainTier
from chainchief.core.models import Person
from chainchief.core.permissions import ADD, VIEW, may
from chainchief.enterprises.models import Enterprise


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from chainchief.accounts.notifications import unread_count
    from chainchief.appeals.models import Request
    from chainchief.audit.models import AuditEvent
    from chainchief.briefings.models import Briefing
    from chainchief.imports import registry as import_kinds
    from chainchief.monitoring.models import ChainFigure

    return {
        "nav": {
            "can_audit": may(user, VIEW, AuditEvent),
            "can_requests": may(user, VIEW, Request),
            "is_commissioner": user.role == "commissioner",
            # The work ledger is the officials' own: an enterprise user has requests, not tasks.
            "can_work": user.role != "enterprise",
            "unread": unread_count(user),
            "can_cockpit": may(user, VIEW, ChainFigure),
            "can_brief": may(user, VIEW, Briefing),
            # Chains of a higher region that this user's view includes, served by cities' chains (the province).
            "can_province": Chain.objects.restrict(user, VIEW).filter(links_down__isnull=False).exists(),
            "can_import": any(kind.allowed(user) for kind in import_kinds.kinds().values()),
            "can_add_chain": may(user, ADD, Chain),
            "can_add_tier": may(user, ADD, ChainTier),
            "can_add_enterprise": may(user, ADD, Enterprise),
            "can_add_person": may(user, ADD, Person),
            "is_admin": user.is_staff,
            "role_label": user.get_role_display(),
            "display_name": str(user),
        }
    }

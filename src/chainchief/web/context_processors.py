from chainchief.chains.models import Chain
from chainchief.core.permissions import ADD, VIEW, may
from chainchief.enterprises.models import Enterprise


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from chainchief.audit.models import AuditEvent

    return {
        "nav": {
            "can_audit": may(user, VIEW, AuditEvent),
            "can_add_chain": may(user, ADD, Chain),
            "can_add_enterprise": may(user, ADD, Enterprise),
            "is_admin": user.is_staff,
        }
    }

from datetime import datetime

from django.http import Http404
from ninja import Router, Schema

from chainchief.accounts import services

router = Router(tags=["认证"])


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    region_id: int | None
    department_id: int | None
    chain_ids: list[int]
    enterprise_ids: list[int]


@router.get("/me", response=MeOut, summary="当前用户")
def me(request):
    user = request.auth
    return {
        "id": user.pk, "username": user.username, "display_name": user.display_name, "role": user.role,
        "role_label": user.get_role_display(), "region_id": user.region_id, "department_id": user.department_id,
        "chain_ids": sorted(user.scope.chains), "enterprise_ids": sorted(user.scope.enterprises),
    }


class TokenInfo(Schema):
    id: int
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    user_agent: str
    address: str | None
    current: bool


@router.get("/auth/tokens", response=list[TokenInfo], summary="我的 API 令牌")
def my_tokens(request):
    """The signed-in user's own tokens, the newest first; ``current`` marks the one this request came with."""
    current = getattr(request, "api_token_digest", None)
    return [{"id": t.pk, "prefix": t.prefix, "created_at": t.created_at, "expires_at": t.expires_at,
             "last_used_at": t.last_used_at, "user_agent": t.user_agent, "address": t.address,
             "current": t.digest == current} for t in services.tokens_of(request.auth)]


class Revoked(Schema):
    deleted: bool = True


@router.delete("/auth/tokens/{int:pk}", response=Revoked, summary="撤销我的一个 API 令牌")
def revoke_token(request, pk: int):
    if not services.revoke_token(request.auth, pk):
        raise Http404
    return {"deleted": True}


class LoggedOut(Schema):
    tokens_revoked: int


@router.post("/auth/logout-everywhere", response=LoggedOut, summary="退出所有设备（结束全部会话与令牌）")
def logout_everywhere(request):
    count = services.logout_everywhere(request.auth)
    if getattr(request, "api_token_digest", None) is None:  # signed in through the session: it ends here too
        from django.contrib.auth import logout

        logout(request)
    return {"tokens_revoked": count}


# --- the reader's own notifications ------------------------------------------------------------------------------

class NotificationOut(Schema):
    id: int
    event: str
    chain_id: int | None
    chain_name: str | None
    text: str
    url: str
    created_at: datetime
    read_at: datetime | None


class NotificationList(Schema):
    count: int
    unread: int
    items: list[NotificationOut]


class ReadIn(Schema):
    ids: list[int] | None = None  # none: every unread message


class ReadOut(Schema):
    marked: int


@router.get("/notifications", response=NotificationList, tags=["通知"], summary="我的通知")
def my_notifications(request, unread: bool = False, limit: int = 50, offset: int = 0):
    """The reader's own messages, newest first, in the reader's language; ``unread=true``: only those not read."""
    from chainchief.accounts import notifications

    user = request.auth
    qs = notifications.for_user(user)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    limit, offset = max(1, min(int(limit), 200)), max(0, int(offset))
    items = [{"id": n.pk, "event": n.event, "chain_id": n.chain_id, "chain_name": n.chain.name if n.chain else None,
              "text": n.message, "url": n.url, "created_at": n.created_at, "read_at": n.read_at}
             for n in qs[offset:offset + limit]]
    return {"count": qs.count(), "unread": notifications.unread_count(user), "items": items}


@router.post("/notifications/read", response=ReadOut, tags=["通知"], summary="标为已读")
def read_notifications(request, payload: ReadIn = None):
    """Mark the reader's own messages read: those of ``ids``, or every unread one."""
    from chainchief.accounts import notifications

    ids = payload.ids if payload is not None else None
    return {"marked": notifications.mark_read(request.auth, ids)}

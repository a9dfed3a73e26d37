"""The JSON API under /api/v1/: assembles the apps' routers; errors are JSON with field messages."""
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from ninja import Field, NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.renderers import JSONRenderer
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from chainchief.accounts import otp
from chainchief.accounts.backends import user_for_token
from chainchief.accounts.models import ApiToken
from chainchief.audit.models import AuditAction
from chainchief.audit.services import record
from chainchief.core.services import Conflict, VersionRequired


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
            request.api_token_digest = ApiToken.hash(token)  # which token: the list marks it, refresh ends it
        return user


class ChineseJSONRenderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


def _docs_for_signed_in_users(view):
    """The OpenAPI document and the interactive docs: for everyone in the demo, only for a signed-in user (a session
    or a bearer token) when ``API_DOCS_PUBLIC`` is off (the default with DJANGO_PRODUCTION=1) — the document maps
    every endpoint of the platform, which an outsider has no need of."""
    from functools import wraps

    from django.conf import settings
    from django.http import JsonResponse
    from django.shortcuts import redirect

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not getattr(settings, "API_DOCS_PUBLIC", True) and not request.user.is_authenticated:
            header = request.headers.get("Authorization", "")
            raw = header[7:].strip() if header.lower().startswith("bearer ") else ""
            if not raw or user_for_token(raw) is None:
                if request.path.endswith("/docs"):
                    from django.urls import reverse

                    return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
                return JsonResponse({"detail": "未登录或令牌无效。"}, status=401,
                                    json_dumps_params={"ensure_ascii": False})
        return view(request, *args, **kwargs)

    return checked


api = NinjaAPI(
    renderer=ChineseJSONRenderer(),
    docs_decorator=_docs_for_signed_in_users,
    title="Chain Chief API",
    version="1",
    description="产业链链长制工作平台 JSON API。认证：`POST /api/v1/auth/token` 获取令牌，"
                "请求头携带 `Authorization: Bearer <token>`。",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


def _error(request, status, detail, errors=None, **extra):
    body = {"detail": detail, **extra}
    if errors:
        body["errors"] = errors
    return api.create_response(request, body, status=status)


@api.exception_handler(ValidationError)
def _validation(request, exc):
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}
        first = next(iter(errors.values()))[0]
        return _error(request, 400, first, errors)
    return _error(request, 400, "；".join(str(m) for m in exc.messages))


# Pydantic's messages for the commonest mistakes, in Chinese; any other keeps pydantic's own words.
INPUT_MESSAGES = {
    "extra_forbidden": "不接受该字段。",
    "missing": "此项必填。",
    "int_parsing": "应为整数。",
    "int_type": "应为整数。",
    "bool_parsing": "应为 true 或 false。",
    "date_parsing": "日期格式应为 YYYY-MM-DD。",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD。",
    "string_type": "应为文本。",
}


def _input_message(err):
    kind = err.get("type", "")
    if kind in ("literal_error", "enum"):
        expected = (err.get("ctx") or {}).get("expected", "")
        return f"无效的取值，可选：{expected}。" if expected else "无效的取值。"
    return INPUT_MESSAGES.get(kind) or err.get("msg", "无效")


@api.exception_handler(NinjaValidationError)
def _ninja_validation(request, exc):
    errors = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "params", "path")]
        errors.setdefault(".".join(loc) or "request", []).append(_input_message(err))
    return _error(request, 400, "请求参数有误。", errors)


@api.exception_handler(PermissionDenied)
def _denied(request, exc):
    return _error(request, 403, str(exc) or "无权执行此操作。")


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "未找到，或无权查看。")


@api.exception_handler(Conflict)
def _conflict(request, exc):
    return _error(request, 409, str(exc), current_version=exc.current_version)


@api.exception_handler(VersionRequired)
def _version_required(request, exc):
    return _error(request, 428, str(exc))


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request, exc):
    # A number the database cannot hold (an id or offset beyond 64 bits): a bad request, not a server error.
    return _error(request, 400, "参数超出范围。")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "未登录或令牌无效。")


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, str(exc))


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = Field(None, description="两步验证码：已启用两步验证的管理员必填（认证应用中的 6 位数字）")


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: str
    username: str
    role: str


@api.post("/auth/token", auth=None, response={200: TokenOut, 401: dict}, tags=["认证"], summary="获取令牌")
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:  # django's user_login_failed signal writes the audit row
        return Status(401, {"detail": "用户名或密码错误。"})
    if otp.is_admin(user) and (otp.confirmed_device(user) is not None or otp.required(user)):
        if otp.confirmed_device(user) is None:
            return Status(401, {"detail": "请先在页面上启用两步验证。"})
        if otp.verify(user, payload.otp) is None:
            return Status(401, {"detail": "需要两步验证码，或验证码不正确。"})
    row, raw = ApiToken.issue(user, request)
    record(user, AuditAction.TOKEN, user)
    return Status(200, {"token": raw, "expires_at": row.expires_at.isoformat(), "username": user.username,
                 "role": user.role})


@api.post("/auth/token/refresh", auth=BearerToken(), response={200: TokenOut, 401: dict}, tags=["认证"],
          summary="刷新令牌（签发新令牌，原令牌随即失效）")
def refresh_token(request):
    from chainchief.accounts import services as account_services

    issued = account_services.refresh_token(request.auth, request.api_token_digest, request)
    if issued is None:  # ended meanwhile (revoked by another request)
        return Status(401, {"detail": "未登录或令牌无效。"})
    row, raw = issued
    return Status(200, {"token": raw, "expires_at": row.expires_at.isoformat(), "username": request.auth.username,
                        "role": request.auth.role})


def _mount():
    from chainchief.accounts.api import router as accounts_router
    from chainchief.appeals.api import router as appeals_router
    from chainchief.audit.api import router as audit_router
    from chainchief.chains.api import router as chains_router
    from chainchief.core.api import router as core_router
    from chainchief.enterprises.api import router as enterprises_router
    from chainchief.monitoring.api import router as monitoring_router
    from chainchief.work.api import router as work_router

    # Django tries URL patterns in order: the cockpit, read far more often than anything else, comes first.
    for router in (monitoring_router, core_router, accounts_router, chains_router, enterprises_router, work_router,
                   appeals_router, audit_router):
        api.add_router("", router)
    api.add_router("", "chainchief.maps.api.router")
    api.add_router("", "chainchief.insights.api.router")
    api.add_router("", "chainchief.briefings.api.router")
    api.add_router("", "chainchief.province.api.router")
    api.add_router("", "chainchief.investment.api.router")
    api.add_router("", "chainchief.imports.api.router")
    api.add_router("", "chainchief.attachments.api.router")


_mount()

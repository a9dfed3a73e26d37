"""The request being served, for the change log: its id and the client address."""
import contextvars
import uuid

request_id = contextvars.ContextVar("request_id", default="")
client_ip = contextvars.ContextVar("client_ip", default=None)


def current_request_id() -> str:
    """The id of the request being served; outside a request (CLI, tasks) a fresh one per call site."""
    return request_id.get() or f"local-{uuid.uuid4().hex[:12]}"

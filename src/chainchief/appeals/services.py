"""Writes for enterprise requests: through core.services (permission checked, one transaction, audited).

Only recording and correcting a request for now; the workflow steps (交办, 答复, 回访评价, 办结, 督办) come as
their own service functions later.
"""
from chainchief.appeals.models import Request
from chainchief.core import services


def create_request(user, data):
    return services.create(user, Request, data)


def update_request(user, request, data, version=None):
    return services.update(user, request, data, version=version)


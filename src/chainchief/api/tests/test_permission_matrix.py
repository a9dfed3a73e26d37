"""The permission matrix is complete: every concrete model of the project's apps declares ``access`` and has tests
of who may read and change it (api/tests/permission_matrix.py), or is exempt with a reason. And every model with
a list API is walked here: anonymous gets 401, the enterprise user and the commissioner list only rows of their
own enterprises, the enterprise user only rows of its enterprise's chains."""
import ast
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Q

import chainchief
from chainchief.api.api import api as _api  # noqa: F401 (mounting the routers registers every list)
from chainchief.api.tests.permission_matrix import EXEMPT, GENERIC, MATRIX
from chainchief.core.access import AGGREGATE, AUDIT, CHAIN, ENTERPRISE, REPORT, Access
from chainchief.core.api_crud import LIST_PATHS
from chainchief.testing import as_user  # noqa: F401

ROOT = Path(chainchief.__file__).resolve().parent


def project_models():
    return sorted((m for m in apps.get_models() if m.__module__.startswith("chainchief.") and not m._meta.abstract
                   and not m._meta.proxy), key=lambda m: m._meta.label)


@cache
def defined_names(relative):
    path = ROOT / relative
    if not path.exists():
        return None
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def missing_test(ref):
    """Why ``ref`` ("file.py::name") names no test, or None."""
    relative, _, name = ref.partition("::")
    names = defined_names(relative)
    if names is None:
        return f"{ref}: no such file"
    if name not in names:
        return f"{ref}: no such test in the file"
    return None


def test_every_model_has_a_matrix_entry_or_a_reason():
    labels = {m._meta.label for m in project_models()}
    assert len(labels) > 40  # the walk really found the project's models
    problems = []
    for label in sorted(labels - set(MATRIX) - set(EXEMPT)):
        problems.append(f"{label}: no entry in api/tests/permission_matrix.py (MATRIX, or EXEMPT with a reason)")
    for label in sorted((set(MATRIX) | set(EXEMPT)) - labels):
        problems.append(f"{label}: in the register but no such model")
    for label in sorted(set(MATRIX) & set(EXEMPT)):
        problems.append(f"{label}: both in MATRIX and EXEMPT")
    assert problems == [], "\n".join(problems)


def test_every_model_in_the_matrix_declares_access():
    problems = []
    for model in project_models():
        label = model._meta.label
        if label in MATRIX and not isinstance(getattr(model, "access", None), Access):
            problems.append(f"{label}: no `access` declaration (chainchief.core.access.Access)")
        if label in EXEMPT and isinstance(getattr(model, "access", None), Access):
            problems.append(f"{label}: declares access, so it belongs in MATRIX with its tests, not EXEMPT")
    assert problems == [], "\n".join(problems)


def test_every_entry_names_a_test_that_exists():
    from chainchief.api.tests.test_api_permissions import ENDPOINTS

    generic = {ep.model for ep in ENDPOINTS}
    problems = []
    for label, refs in MATRIX.items():
        if not refs:
            problems.append(f"{label}: no test named")
        for ref in refs:
            if ref == GENERIC and label not in generic:
                problems.append(f"{label}: named {GENERIC}, which holds no endpoint of it")
            elif why := missing_test(ref):
                problems.append(f"{label}: {why}")
    for label, (reason, ref) in EXEMPT.items():
        if len(reason) < 20:
            problems.append(f"{label}: the reason for the exemption is too short to be one")
        if why := missing_test(ref):
            problems.append(f"{label}: {why}")
    assert problems == [], "\n".join(problems)


def test_the_checks_catch_a_missing_entry_and_a_missing_test():
    assert missing_test("api/tests/test_permission_matrix.py::test_no_such_thing")
    assert missing_test("nowhere/tests/test_x.py::test_y")
    assert missing_test("api/tests/test_api_permissions.py::ENDPOINTS") is None


# Every list API ----------------------------------------------------------------------------------------------------

def _paths(value):
    return () if value is None else (value,) if isinstance(value, str) else tuple(value)


def _within(model, paths, allowed):
    cond = Q()
    for path in paths:
        cond |= Q(**{f"{path}__in" if path != "pk" else "pk__in": allowed})
    return model.objects.filter(cond)


def _list_all(client, path):
    rows, offset = [], 0
    while True:
        r = client.get(f"/api/v1{path}?limit=500&offset={offset}")
        if r.status_code != 200:
            return r.status_code, rows
        body = r.json()
        rows += body["items"]
        offset += 500
        if offset >= body["count"]:
            return 200, rows


def _lists():
    return [pytest.param(model, path, id=model._meta.label) for model, path in
            sorted(LIST_PATHS.items(), key=lambda kv: kv[0]._meta.label)]


@pytest.mark.parametrize("model,path", _lists())
def test_every_list_api(model, path, as_user):  # noqa: F811
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Enterprise

    assert as_user(None).get(f"/api/v1{path}").status_code == 401
    access = model.access
    for role in ("enterprise", "commissioner"):
        status, rows = _list_all(as_user(role), path)
        if access.kind in (AGGREGATE, REPORT, AUDIT):
            assert status == 403 or rows == [], (role, status, len(rows))
            continue
        assert status == 200, (role, status)
        got = {row["id"] for row in rows}
        own = list(Enterprise.objects.filter(scoped_users__username=role).values_list("pk", flat=True))
        if access.kind == ENTERPRISE and access.enterprise:
            reachable = set(_within(model, _paths(access.enterprise), own).values_list("pk", flat=True))
            assert got <= reachable, (role, sorted(got - reachable)[:10])
        if role == "enterprise" and access.kind == CHAIN and access.chain:
            chains = list(Chain.objects.filter(memberships__enterprise__in=own).values_list("pk", flat=True))
            reachable = set(_within(model, _paths(access.chain), chains).values_list("pk", flat=True))
            assert got <= reachable, (role, sorted(got - reachable)[:10])

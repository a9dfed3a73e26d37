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


# Writes outside the writer's region ----------------------------------------------------------------------------------
#
# A region-wide role (a chain office) writes in its own region only. Every model with ``access`` is walked with three
# offices that are region-wide somewhere else: 青岛's office (another city), the office of a district of 潍坊 (a
# region below the city; the account is made here) and the province's office (the region above, which writes only
# the province's own rows). For every row that is not theirs — 潍坊's first — each action is tried through the
# permission filter, the services, the API (where the model has one) and the Django admin, and any accepted write
# fails the test.

WRITERS = ("qingdao", "district", "province")
# Models whose creation body is not a copy of a row (the API's POST takes something else), with what it takes.
POSTED_OTHERWISE = {}


def _writer(username):
    from django.contrib.auth import get_user_model

    from chainchief.accounts.roles import Role
    from chainchief.core.models import Region

    User = get_user_model()
    if username == "district":
        return User.objects.get_or_create(username="district", defaults={
            "role": Role.COORDINATOR, "region": Region.objects.get(name="潍城区"), "display_name": "潍城区链长办"})[0]
    return User.objects.get(username=username)


def _written_regions(user):
    """The regions whose rows ``user`` may write: its region and those below (REGION) or its region alone
    (OWN_REGION), whichever of its rules for writing reach furthest."""
    from chainchief.core.models import Region
    from chainchief.core.permissions import ADD, CHANGE, DELETE, OWN_REGION, REGION
    from chainchief.core.registry import registry

    scopes = {s for kinds in registry.rules.get(user.role, {}).values() for a, s in kinds.items()
              if a in (ADD, CHANGE, DELETE)}
    if REGION in scopes:
        return set(Region.subtree_ids(user.region_id))
    return {user.region_id} if OWN_REGION in scopes else set()


def _in_regions(model, regions):
    cond = Q()
    for path in _paths(model.access.region):
        cond |= Q(**{f"{path}__in": list(regions)})
    return cond


def _not_theirs(model, user, limit=2):
    """Up to ``limit`` rows of ``model`` that ``user`` may not write: none of their region paths leads into the regions
    it writes (every row of a model tied to no region) — 潍坊's first."""
    from chainchief.core.models import Region

    qs = model._default_manager.all()
    if model.access.region is not None:
        qs = qs.exclude(_in_regions(model, _written_regions(user)))
        city = qs.filter(_in_regions(model, Region.subtree_ids(Region.objects.get(name="潍坊市").pk)))
        if city.exists():
            qs = city
    return list(qs.order_by("pk")[:limit])


def _rows_the_demo_lacks():
    """A row in 潍坊 of each model the demo has none of, so that every model has a row to aim at."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from chainchief.chains.models import Chain
    from chainchief.core.models import Region
    from chainchief.imports.models import ImportBatch
    from chainchief.maps.models import Segment, StrengthOverride
    from chainchief.monitoring.models import ChainTarget, MonitoringSettings

    city = Region.objects.get(name="潍坊市")
    power = Chain.objects.get(name="动力装备")
    if not StrengthOverride.objects.exists():
        StrengthOverride.objects.create(segment=Segment.objects.filter(chain=power).order_by("pk").first(),
                                        strength="strong", reason="专家论证认定")
    if not ChainTarget.objects.exists():
        ChainTarget.objects.create(chain=power, year=2025, revenue=Decimal("1200"))
    if not MonitoringSettings.objects.exists():
        MonitoringSettings.objects.create(region=city)
    if not ImportBatch.objects.exists():
        ImportBatch.objects.create(kind="enterprises", file_name="企业.xlsx", sha256="0" * 64,
                                   user=get_user_model().objects.get(username="coordinator"))
    from chainchief.work.models import Task, TaskUrge

    if not TaskUrge.objects.exists():
        TaskUrge.objects.create(task=Task.objects.filter(chain=power).order_by("pk").first())


def _copy(row):
    """A row's editable values as a service takes them (foreign keys as ids, many-to-many as id lists)."""
    from chainchief.core.services import snapshot

    data, values = {}, snapshot(row)
    for field in row._meta.concrete_fields:
        if field.name in row.SYSTEM_FIELDS or field.primary_key or not (field.editable or field.is_relation):
            continue
        data[field.name] = values[field.attname]
    for field in row._meta.many_to_many:
        data[field.name] = values.get(field.name, [])
    return data


def _vary(model, data):
    """``data`` with the text of every field in a unique set changed, so that a copy does not collide with its
    original when the original cannot be deleted."""
    unique = {f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key}
    for constraint in model._meta.constraints:
        unique |= set(getattr(constraint, "fields", ()))
    out = dict(data)
    for name in unique:
        field = model._meta.get_field(name)
        if field.is_relation and field.null and field.unique:
            out[name] = None  # a one-to-one link (a person's login) is the original's
        elif isinstance(out.get(name), str) and out[name] and not field.is_relation:
            text = out[name] + "9"
            out[name] = text[-field.max_length:] if field.max_length else text
    return out


class _Rollback(Exception):
    pass


def _attempt(write):
    """Run ``write`` in a savepoint that is always rolled back: (True, result) or (False, the exception)."""
    from django.db import transaction

    outcome = []
    try:
        with transaction.atomic():
            try:
                outcome.append((True, write()))
            except Exception as exc:  # noqa: BLE001 — any refusal counts as one; what matters is that none succeeds
                outcome.append((False, exc))
            raise _Rollback
    except _Rollback:
        pass
    return outcome[0]


def _without(row):
    """Delete ``row`` with the ORM, if nothing protects it (so that its copy does not collide with it)."""
    from django.db.models import ProtectedError, RestrictedError

    try:
        type(row)._default_manager.filter(pk=row.pk).delete()
    except (ProtectedError, RestrictedError, Exception):  # noqa: BLE001 — an append-only table refuses too
        return False
    return True


def _copy_probe(model, row, write):
    """``write(data)`` of a copy of ``row``: with the original deleted where nothing protects it, else with its unique
    texts changed. Returns (accepted, result)."""
    data = _copy(row)

    def run():
        gone = _without(row)
        return write(data if gone else _vary(model, data))
    return _attempt(run)


def _create_schema_fields(path):
    """The properties of the API's creation body at ``path`` (from the OpenAPI document)."""
    from chainchief.api.api import api

    doc = _openapi(api)
    body = doc["paths"].get(f"/api/v1{path}", {}).get("post", {}).get("requestBody")
    if not body:
        return None
    schema = body["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[-1] if "$ref" in schema else None
    return (doc["components"]["schemas"][name] if name else schema).get("properties", {})


@cache
def _openapi(api):
    return api.get_openapi_schema(path_prefix="/api/v1")


def _body(data, properties):
    """An API body of the properties ``properties`` from a service's ``data`` (``chain_id`` or ``chain`` alike)."""
    body = {}
    for name in properties:
        key = name if name in data else name.removesuffix("_id")
        if key in data and data[key] is not None:
            body[name] = data[key]
    return body


def _with_keys(model, properties):
    """``properties`` and the ``…_id`` of every foreign key of ``model`` that they lack."""
    names = set(properties)
    for field in model._meta.concrete_fields:
        if field.is_relation and field.name not in names and field.attname not in names \
                and field.name not in ("created_by", "updated_by"):
            names.add(field.attname)
    return names


def _post_and_place(client, path, body, model, user):
    """POST ``body``; (status, whether the row made, if any, lies in the regions ``user`` writes — an endpoint may
    put a new row in its writer's region whatever the body said)."""
    r = client.post(f"/api/v1{path}", body)
    if r.status_code not in (200, 201):
        return r.status_code, False
    made = model._default_manager.filter(pk=r.json()["id"])
    return r.status_code, made.filter(_in_regions(model, _written_regions(user))).exists()


@pytest.fixture
def writers(demo_db):
    _rows_the_demo_lacks()
    return {username: _writer(username) for username in WRITERS}


def _token_client(user):
    from chainchief.accounts.models import ApiToken
    from chainchief.testing import JsonClient

    return JsonClient(ApiToken.issue(user)[1])


@pytest.mark.parametrize("label", sorted(MATRIX))
def test_no_write_outside_the_writers_region(label, writers):
    """For each of the three offices and each row that is not theirs: the permission filter grants no change, delete
    or addition of such a row; core.services refuses to update, delete or create a copy of it (the copy is made by
    the platform's administrator in the same place, so the refusal is the writer's, not the data's); the API refuses
    PATCH, DELETE and POST of a copy; the Django admin lets none of them in."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.test import Client

    from chainchief.core import services
    from chainchief.core.permissions import ADD, CHANGE, DELETE, can, restrict

    model = apps.get_model(label)
    path = LIST_PATHS.get(model)
    admin_user = get_user_model().objects.get(username="admin")
    admin = _token_client(admin_user)
    aimed = posted = 0
    for username, user in writers.items():
        for row in _not_theirs(model, user):
            aimed += 1
            where = f"{username} on {label} #{row.pk}"
            one = model._default_manager.filter(pk=row.pk)
            assert not restrict(one, user, CHANGE).exists(), f"{where}: the filter lets it change the row"
            assert not restrict(one, user, DELETE).exists(), f"{where}: the filter lets it delete the row"
            assert not can(user, ADD, row), f"{where}: the filter lets it add such a row"
            ok, result = _attempt(lambda: services.update(user, row, {}))
            assert not ok and isinstance(result, PermissionDenied), f"{where}: services.update → {result!r}"
            ok, result = _attempt(lambda: services.delete(user, row))
            assert not ok and isinstance(result, PermissionDenied), f"{where}: services.delete → {result!r}"
            if hasattr(model, "SYSTEM_FIELDS"):  # else written only by its own app's code (the change log, figures …)
                control, made = _copy_probe(model, row, lambda data: services.create(admin_user, model, data))
                assert control, f"{where}: the administrator cannot create the copy either ({made!r}): the probe " \
                                f"would prove nothing — teach _copy/_vary this model"
                ok, result = _copy_probe(model, row, lambda data: services.create(user, model, data))
                assert not ok, f"{where}: services.create of a copy accepted (#{getattr(result, 'pk', '')})"
                assert isinstance(result, (PermissionDenied, ValidationError)), f"{where}: {result!r}"
            if path:
                client = _token_client(user)
                r = client.patch(f"/api/v1{path}/{row.pk}", {"version": getattr(row, "version", None)})
                assert r.status_code in (403, 404), f"{where}: PATCH → {r.status_code} {r.content[:200]}"
                r = client.delete(f"/api/v1{path}/{row.pk}")
                assert r.status_code in (403, 404), f"{where}: DELETE → {r.status_code} {r.content[:200]}"
                assert one.exists(), f"{where}: DELETE removed the row"
                properties = _create_schema_fields(path)
                if properties is not None:
                    # The body the OpenAPI document describes; where the administrator's POST of it fails too,
                    # the same with the row's foreign keys added (a body whose name clashes with another schema's).
                    for body in (lambda data: _body(data, properties), lambda data: _body(data, _with_keys(
                            model, properties))):
                        _, (control, _) = _copy_probe(model, row, lambda data: _post_and_place(
                            admin, path, body(data), model, admin_user))
                        if control in (200, 201):
                            posted += 1
                            break
                    _, (status, theirs) = _copy_probe(model, row, lambda data: _post_and_place(
                        client, path, body(data), model, user))
                    assert status not in (200, 201) or theirs, f"{where}: POST of a copy → {status}, not in its region"
            page = Client()
            page.force_login(user)
            base = f"/admin/{model._meta.app_label}/{model._meta.model_name}"
            assert page.get(f"{base}/{row.pk}/change/").status_code != 200, f"{where}: admin change page"
            page.post(f"{base}/{row.pk}/delete/", {"post": "yes"})
            assert one.exists(), f"{where}: admin delete"
            assert page.get(f"{base}/add/").status_code != 200, f"{where}: admin add page"
    assert aimed, f"{label}: no row that one of {', '.join(WRITERS)} may not write — give the demo (or " \
                  f"_rows_the_demo_lacks) one"
    if path and _create_schema_fields(path) is not None and label not in POSTED_OTHERWISE:
        assert posted, f"{label}: the administrator's POST of the copy failed too, so the API probe proves nothing"


# What the enterprise user reads of other enterprises -----------------------------------------------------------------
#
# An enterprise user sees no other enterprise: not in a row, not in a nested field (an id, a list of ids, a row it
# points at) and not in a text. Every list API and each of its rows read by id is walked as the demo's `enterprise`,
# and so is every page of the work ledger and of the models with an enterprise path. The only other enterprises it
# may meet are the other party of its own rows of two enterprises (its supply links, its matches' contacts).


class EnterpriseReader:
    """The `enterprise` account, the enterprises it may meet and the names of all others."""

    def __init__(self):
        import re

        from chainchief.enterprises.models import Enterprise

        self.own = set(Enterprise.objects.filter(scoped_users__username="enterprise").values_list("pk", flat=True))
        self.allowed = self.own | self._other_parties()
        own_names = list(Enterprise.objects.filter(pk__in=self.own).values_list("name", flat=True))
        others = {name: pk for pk, name in Enterprise.objects.exclude(pk__in=self.allowed).values_list("pk", "name")
                  if len(name) >= 4 and not any(name in mine for mine in own_names)}
        self.names = others
        self.pattern = re.compile("|".join(re.escape(n) for n in sorted(others, key=len, reverse=True)))

    def _other_parties(self):
        """The other enterprise of each row of two enterprises that is also the user's (access.enterprise naming
        two paths, e.g. a supply link's supplier and customer)."""
        out = set()
        for model in project_models():
            access = getattr(model, "access", None)
            paths = _paths(access.enterprise) if isinstance(access, Access) else ()
            if access is None or access.kind != ENTERPRISE or len(paths) < 2:
                continue
            mine = _within(model, paths, list(self.own))
            for path in paths:
                out |= set(mine.values_list(path, flat=True))
        return out - {None}

    def problems(self, model, data, where):
        """What in ``data`` (a row of ``model`` as the API gives it, or any text) names another enterprise."""
        found = []
        for text in _strings(data):
            hit = self.pattern.search(text) if self.names else None
            if hit:
                found.append(f"{where}: names {hit.group(0)} (#{self.names[hit.group(0)]})")
        if isinstance(data, dict):
            found += self._ids(model, data, where)
        return found

    def _ids(self, model, row, where):
        found = []
        for key, value in row.items():
            if isinstance(value, dict):
                found += self._ids(None, value, f"{where}.{key}")
            elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                for i, item in enumerate(value):
                    found += self._ids(None, item, f"{where}.{key}[{i}]")
            field = _relation(model, key) if model is not None else None
            related = field.related_model if field is not None else None
            if related is None and key in ("enterprise_id", "enterprise_ids"):
                related = apps.get_model("enterprises.Enterprise")
            ids = [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, int)]
            if related is None or not ids:
                continue
            named = _enterprises_of(related, ids) - self.allowed
            if named:
                found.append(f"{where}.{key}: names enterprise(s) {sorted(named)[:5]}")
        return found


def _strings(data):
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from _strings(value)


def _relation(model, key):
    """The relation of ``model`` a key of its API row stands for (``chain_id``, ``enterprise_ids`` …), or None."""
    from django.core.exceptions import FieldDoesNotExist

    base = key.removesuffix("_ids")
    for name in (key, key.removesuffix("_id"), base + "s", base + "es", base):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.is_relation and field.related_model is not None:
            return field
    return None


def _enterprises_of(model, ids):
    """The enterprises whose data the rows ``ids`` of ``model`` are (themselves, for enterprises; an enterprise's
    request or membership; not a chain's row that merely names enterprises, such as an alliance)."""
    if model._meta.label == "enterprises.Enterprise":
        return set(ids)
    access = getattr(model, "access", None)
    out = set()
    if not isinstance(access, Access) or access.kind != ENTERPRISE:
        return out
    for path in _paths(access.enterprise):
        out |= set(model._default_manager.filter(pk__in=ids).values_list(path, flat=True))
    return out - {None}


def _technology_naming_another(reader):
    """A key technology on a segment of the user's chain held by a member it may not meet, if the demo has none."""
    from chainchief.enterprises.models import Membership
    from chainchief.maps.models import KeyTechnology, Segment

    chains = Membership.objects.filter(enterprise__in=reader.own).values("chain")
    if KeyTechnology.objects.filter(segment__chain__in=chains).exclude(enterprise=None).exclude(
            enterprise__in=reader.allowed).exists():
        return
    segment = Segment.objects.filter(chain__in=chains).order_by("pk").first()
    other = (Membership.objects.filter(chain=segment.chain).exclude(enterprise__in=reader.allowed)
             .order_by("pk").first())
    KeyTechnology.objects.create(segment=segment, name="高压共轨燃油系统", enterprise=other.enterprise)


@pytest.fixture
def reader(demo_db):
    reader = EnterpriseReader()
    _technology_naming_another(reader)
    return reader


@pytest.mark.parametrize("model,path", _lists())
def test_the_enterprise_user_reads_no_other_enterprise_in_any_list_or_row(model, path, reader, as_user):  # noqa: F811
    client = as_user("enterprise")
    status, rows = _list_all(client, path)
    problems = []
    for row in rows:
        problems += reader.problems(model, row, f"{path} #{row.get('id')}")
        r = client.get(f"/api/v1{path}/{row['id']}")
        assert r.status_code == 200, (path, row["id"], r.status_code)
        problems += reader.problems(model, r.json(), f"{path}/{row['id']}")
    listed = {row["id"] for row in rows}
    for pk in model._default_manager.exclude(pk__in=listed).order_by("pk").values_list("pk", flat=True)[:10]:
        r = client.get(f"/api/v1{path}/{pk}")
        assert r.status_code in (403, 404), f"{path}/{pk}: {r.status_code}, not in the list but read by id"
    assert problems == [], "\n".join(problems[:20])


# The pages of the work ledger (every page of work/urls.py that is read, for every row) and of the other models with
# an enterprise path; the chains' own pages for the user's chains.
LEDGER_ROWS = {"ledger": "chains.Chain", "ledger_export": "chains.Chain", "task": "work.Task", "plan": "work.Plan",
               "meeting": "work.Meeting", "research": "work.Research", "alliance": "work.Alliance",
               "policy": "work.Policy", "project": "work.KeyProject"}
LEDGER_FORMS = ("create", "edit", "report", "decide", "upload", "add", "convert", "benefit", "month", "finding")
OTHER_PAGES = {"enterprises.Enterprise": "/enterprises/{}/", "appeals.Request": "/requests/{}/",
               "investment.Need": "/investment/needs/{}/", "chains.Chain": ("/chains/{}/", "/maps/{}/",
                                                                             "/maps/{}/lists/")}


def _ledger_pages():
    from chainchief.work.urls import urlpatterns

    pages = []
    for pattern in urlpatterns:
        name = pattern.name
        if any(word in name for word in LEDGER_FORMS):
            continue
        route = str(pattern.pattern)
        if "<int:pk>" not in route:
            pages.append((f"/work/{route}", None))
            continue
        assert name in LEDGER_ROWS, f"work:{name}: a page of the ledger that the walk does not know; add it to " \
                                    f"LEDGER_ROWS (read) or LEDGER_FORMS (a form)"
        pages.append((f"/work/{route.replace('<int:pk>', '{}')}", LEDGER_ROWS[name]))
    for label, routes in OTHER_PAGES.items():
        for route in (routes,) if isinstance(routes, str) else routes:
            pages.append((route, label))
    return pages


def _page_text(response):
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        from io import BytesIO

        from openpyxl import load_workbook

        content = b"".join(response.streaming_content) if response.streaming else response.content
        book = load_workbook(BytesIO(content), read_only=True)
        return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
                         if v is not None)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("route,label", [pytest.param(r, l, id=r) for r, l in _ledger_pages()])
def test_the_enterprise_user_reads_no_other_enterprise_on_any_page(route, label, reader, demo_db):
    from django.contrib.auth import get_user_model
    from django.test import Client

    page = Client()
    page.force_login(get_user_model().objects.get(username="enterprise"))
    if label is None:
        urls = [route]
    else:
        model = apps.get_model(label)
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
        if len(pks) > 40:  # the user's own rows and a sample of the others
            own = set(_within(model, _paths(model.access.enterprise), list(reader.own)).values_list("pk", flat=True)) \
                if model.access.enterprise else set()
            pks = sorted(own | set(pks[:20]))
        urls = [route.format(pk) for pk in pks]
    problems, read = [], 0
    for url in urls:
        r = page.get(url)
        assert r.status_code in (200, 403, 404), (url, r.status_code)
        if r.status_code == 200:
            read += 1
            problems += reader.problems(None, _page_text(r), url)
    assert problems == [], "\n".join(problems[:20])

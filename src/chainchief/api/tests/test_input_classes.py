"""Classes of input that ended in a server error, each walked over the whole API rather than tried on one endpoint:
an id list holding null (or a list, or text) in any write's body; a value out of its field's range reaching a
model's own ``clean`` (a month of 615); and two schemas of one name in the OpenAPI document, where one silently
replaced the other and answers no longer matched what the document said."""
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

BAD_IDS = [None, [1], {"id": 1}, "x", 1.5]


def _resolve(schema, spec):
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _inline(schema, spec):
    """``schema`` with every $ref replaced by what it names."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(_resolve(schema, spec), spec)
        return {k: _inline(v, spec) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline(v, spec) for v in schema]
    return schema


def _id_lists(spec):
    """(method, path with ids filled in, field) of every JSON write whose body has a list of integers."""
    found = []
    for path, item in spec["paths"].items():
        for method in ("post", "patch", "put"):
            op = item.get(method)
            content = (op or {}).get("requestBody", {}).get("content", {}).get("application/json")
            if not content:
                continue
            body = _resolve(content["schema"], spec)
            for name, prop in body.get("properties", {}).items():
                options = prop.get("anyOf", [prop])
                for option in options:
                    option = _resolve(option, spec)
                    if option.get("type") == "array" and _resolve(option.get("items", {}), spec).get("type") == "integer":
                        found.append((method, path.replace("{pk}", "1").replace("{id}", "1"), name))
    return found


def test_every_id_list_refuses_what_is_not_an_id(api):
    client = api("coordinator")
    spec = client.get("/api/v1/openapi.json").json()
    lists = _id_lists(spec)
    assert {("post", "/api/v1/meetings", "attendees"), ("post", "/api/v1/policies", "chains"),
            ("post", "/api/v1/research", "enterprises"),
            ("post", "/api/v1/investment/external-enterprises", "segments")} <= set(lists), lists
    failures = []
    for method, path, field in lists:
        for bad in BAD_IDS:
            r = getattr(client, method)(path, {field: [bad]})
            if r.status_code != 400 or field not in str(r.json().get("errors", {})):
                failures.append(f"{method.upper()} {path} {field}=[{bad!r}]: {r.status_code} {r.content[:200]!r}")
    assert failures == [], "\n".join(failures)


def _project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("chainchief.") and not m._meta.abstract]


def test_every_model_checks_its_fields_before_its_own_clean():
    """A model's ``clean`` may compute with its fields (a date from a year and a month): the write path runs it only
    once every field is valid, so a value out of range is that field's error, never a server error."""
    from chainchief.core.services import _full_clean

    failures = []
    for model in _project_models():
        obj = model()
        for field in model._meta.concrete_fields:
            if isinstance(field, models.IntegerField) and not field.primary_key and not field.is_relation:
                setattr(obj, field.attname, 10**12 if isinstance(field, models.PositiveIntegerField) else -(10**12))
        try:
            _full_clean(obj)
        except ValidationError:
            continue
        except Exception as exc:  # noqa: BLE001  every model's failure is reported
            failures.append(f"{model._meta.label}: {type(exc).__name__}: {exc}")
        else:
            failures.append(f"{model._meta.label}: accepted")
    assert failures == [], "\n".join(failures)


def test_a_month_out_of_range_is_the_fields_error(api):
    from chainchief.work.models import KeyProject

    project = KeyProject.objects.filter(chain__region__name="潍坊市").first()
    r = api("coordinator").post("/api/v1/project-months", {"project": project.pk, "year": 2021, "month": 615,
                                                           "completed": "1"})
    assert r.status_code == 400 and "month" in r.json()["errors"], r.content


def test_every_schema_name_in_the_openapi_document_is_one_schema(db, monkeypatch):
    """django-ninja keeps one definition per name: a second schema of the same name replaces the first, and the
    answers of the operations that use the first no longer match the document."""
    from ninja.openapi.schema import OpenAPISchema

    from chainchief.api.api import api

    clashes = {}
    add = OpenAPISchema.add_schema_definitions

    def checked(self, definitions):
        for name, definition in definitions.items():
            if name in self.schemas and self.schemas[name] != definition:
                clashes.setdefault(name, definition.get("title", name))
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", checked)
    api.get_openapi_schema(path_prefix="/api/v1/")
    assert clashes == {}, f"schemas of the same name: {sorted(clashes)}"


@pytest.mark.parametrize("path", ["/api/v1/requests/1/transitions", "/api/v1/chains/1/lists/gaps",
                                  "/api/v1/chains/1/lists/technologies"])
def test_the_answers_named_by_the_outside_test_match_the_document(api, path):
    """The three schema violations schemathesis found: each answer is validated against its own schema."""
    import jsonschema_rs  # schemathesis' own validator

    client = api("coordinator")
    spec = client.get("/api/v1/openapi.json").json()
    from chainchief.chains.models import Chain

    template = path.replace("/1/", "/{pk}/")
    schema = spec["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    if "requests" in path:  # a request the office may take a step on: its allowed steps are in the answer
        ids = [row["id"] for row in client.get("/api/v1/requests?status=handling&limit=5").json()["items"]]
        body = client.get(f"/api/v1/requests/{ids[0]}/transitions").json()
        assert body["allowed"], "no step allowed: the answer proves nothing"
    else:
        r = client.get(path.replace("/1/", f"/{Chain.objects.get(name='动力装备').pk}/"))
        assert r.status_code == 200
        body = r.json()
        assert body, "an empty answer proves nothing"
    jsonschema_rs.validate(_inline(schema, spec), body)


def test_a_decisions_days_are_bounded_as_on_the_page(api):
    """"Within N days" is counted day by day on the official calendar: a billion days held a worker for minutes."""
    import time

    from chainchief.work.models import Meeting

    meeting = Meeting.objects.filter(chain__name="动力装备").first()
    start = time.monotonic()
    r = api("coordinator").post(f"/api/v1/meetings/{meeting.pk}/decisions", {"text": "限期完成", "days": 10**9})
    assert r.status_code == 400 and "days" in r.json()["errors"], r.content
    assert time.monotonic() - start < 5
    r = api("coordinator").post(f"/api/v1/meetings/{meeting.pk}/decisions", {"text": "限期完成", "days": 10})
    assert r.status_code == 201, r.content

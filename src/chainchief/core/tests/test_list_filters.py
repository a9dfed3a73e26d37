"""Every list API's filters (``ListParams`` subclasses, applied by ninja's FilterSchema) name lookups that exist
on their model, and an unset filter filters nothing."""
import datetime
import enum
import typing

import pytest
from django.core.exceptions import FieldError
from ninja import FilterLookup

from chainchief.api.api import api  # noqa: F401 (mounting the routers registers every list)
from chainchief.core.api_crud import LISTS, ListParams

NOT_FILTERS = set(ListParams.model_fields)  # q, limit, offset


def _sample(annotation):
    args = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
    kind = args[0]
    if kind is bool:
        return True
    if kind is int:
        return 1
    if kind is datetime.date:
        return datetime.date(2021, 1, 1)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return next(iter(kind)).value
    return "x"


def _cases():
    for model, filters in LISTS:
        for name, field in filters.model_fields.items():
            if name not in NOT_FILTERS:
                yield pytest.param(model, filters, name, field, id=f"{model.__name__}.{name}")


def test_every_list_is_registered():
    names = {model.__name__ for model, _ in LISTS}
    assert {"Enterprise", "SupplyLink", "Task", "Request", "Segment", "SegmentPlacement"} <= names


@pytest.mark.parametrize("model,filters,name,field", list(_cases()))
def test_filter_names_a_lookup_of_its_model(model, filters, name, field):
    params = filters(**{name: _sample(field.annotation)})
    try:
        sql = str(params.filter(model.objects.all()).query)
    except FieldError as exc:  # a lookup that does not exist on the model
        pytest.fail(f"{filters.__name__}.{name}: {exc}")
    lookups = [m for m in field.metadata if isinstance(m, FilterLookup)]
    if not hasattr(filters, f"filter_{name}") and filters.custom_expression is ListParams.custom_expression:
        assert "WHERE" in sql, f"{filters.__name__}.{name} set filters nothing"
    assert len(lookups) <= 1


@pytest.mark.parametrize("model,filters", sorted(set(LISTS), key=lambda x: x[0].__name__))
def test_unset_filters_filter_nothing(model, filters):
    assert "WHERE" not in str(filters().filter(model.objects.all()).query)

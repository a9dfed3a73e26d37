from typing import Annotated

from ninja import FilterLookup, Router, Schema

from chainchief.core.api_crud import ListParams, crud
from chainchief.core.models import Department, Person, Region

router = Router()


class RegionOut(Schema):
    id: int
    name: str
    code: str
    level: str
    parent_id: int | None
    work_model_id: int | None
    order: int
    version: int


class RegionFilters(ListParams):
    parent: Annotated[int | None, FilterLookup("parent_id")] = None
    level: str | None = None


crud(router, Region, out=RegionOut, name="Region", path="/regions",
     fields=["name", "code", "level", "parent", "work_model", "order"], search=("name", "code"),
     filters=RegionFilters)


class DepartmentOut(Schema):
    id: int
    name: str
    short_name: str
    region_id: int
    version: int


class ReferenceFilters(ListParams):
    region: Annotated[int | None, FilterLookup("region_id")] = None


crud(router, Department, out=DepartmentOut, name="Department", path="/departments",
     fields=["name", "short_name", "region"], search=Department.SEARCH_FIELDS, filters=ReferenceFilters)


class PersonOut(Schema):
    id: int
    name: str
    title: str
    department_id: int | None
    region_id: int
    phone: str
    version: int


crud(router, Person, out=PersonOut, name="Person", path="/people",
     fields=["name", "title", "department", "region", "phone"], search=Person.SEARCH_FIELDS,
     filters=ReferenceFilters)

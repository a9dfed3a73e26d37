from datetime import date
from typing import Annotated

from django.db.models import Q

from ninja import FilterLookup, Router, Schema
from ninja.orm import create_schema

from chainchief.core.api_crud import InputSchema, ListParams, crud
from chainchief.work import services
from chainchief.work.models import Task, overdue_q

router = Router()


class TaskOut(Schema):
    id: int
    chain_id: int
    chain_name: str
    work_item_id: int | None
    work_item_name: str | None
    title: str
    description: str
    lead_department_id: int
    lead_department_name: str
    responsible_id: int | None
    responsible_name: str | None
    due_on: date | None
    status: str
    status_label: str
    is_overdue: bool
    progress: str
    version: int

    @staticmethod
    def resolve_chain_name(obj):
        return obj.chain.name

    @staticmethod
    def resolve_work_item_name(obj):
        return obj.work_item.name if obj.work_item_id else None

    @staticmethod
    def resolve_lead_department_name(obj):
        return obj.lead_department.name

    @staticmethod
    def resolve_responsible_name(obj):
        return obj.responsible.name if obj.responsible_id else None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class TaskFilters(ListParams):
    chain: Annotated[int | None, FilterLookup("chain_id")] = None
    status: str | None = None
    work_item: Annotated[int | None, FilterLookup("work_item_id")] = None
    lead_department: Annotated[int | None, FilterLookup("lead_department_id")] = None
    responsible: Annotated[int | None, FilterLookup("responsible_id")] = None
    overdue: bool | None = None

    def filter_overdue(self, value):
        if value is None:
            return Q()
        return overdue_q() if value else ~overdue_q()


FIELDS = ["chain", "work_item", "title", "description", "lead_department", "responsible", "due_on", "status",
          "progress"]
# Without a lead department a new task falls to its chain's lead department.
TaskIn = create_schema(Task, name="TaskIn", fields=FIELDS, optional_fields=["lead_department"],
                       base_class=InputSchema)

crud(router, Task, out=TaskOut, name="Task", path="/tasks", tags=["工作台账"], fields=FIELDS,
     search=("title", "description", "progress"), filters=TaskFilters,
     queryset=lambda: Task.objects.select_related("chain", "work_item", "lead_department", "responsible"),
     create=services.create_task, create_in=TaskIn,
     update=lambda user, obj, data, version: services.update_task(user, obj, data, version))

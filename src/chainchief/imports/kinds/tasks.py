"""Tasks (任务) of the chains' work ledgers: matched by chain and task name; the lead department, responsible
person and work-model item found by name in the chain's region."""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chainchief.core.permissions import CHANGE, can
from chainchief.imports.fields import PREVIEW_ROWS, CellError, Column, is_empty, normalise_name, text
from chainchief.imports.kinds.base import (ChainNames, DepartmentNames, Kind, RowDenied, RowWriter, changed_values, parse_cell,
                                           prose, report_row_error)
from chainchief.imports.table import is_blank, is_total

STATUS_WORDS = {"未开始": "not_started", "未启动": "not_started", "待开始": "not_started", "进行中": "in_progress",
                "推进中": "in_progress", "正在推进": "in_progress", "办理中": "in_progress", "已完成": "done",
                "完成": "done", "已办结": "done", "办结": "done", "not_started": "not_started",
                "in_progress": "in_progress", "done": "done"}
OVERDUE_WORDS = {"已逾期", "逾期", "超期", "已超期"}
_TITLE_RE = re.compile(r"^(?P<name>[^（(]+)[（(](?P<title>.+)[）)]$")


class PeopleNames:
    """The people of each region by name, and by "name（title）" as a page shows them (``Person.__str__``)."""

    def __init__(self):
        from chainchief.core.models import Person, Region

        self.subtree = {}
        self.region_of = dict(Region.objects.values_list("pk", "parent_id"))
        self.by_name = {}
        for person in Person.objects.select_related("department"):
            self.by_name.setdefault(normalise_name(person.name), []).append(person)

    def _within(self, region_id, root):
        while region_id is not None:
            if region_id == root:
                return True
            region_id = self.region_of.get(region_id)
        return False

    def find(self, root, value, department=None):
        """(person, error message): the one person of that name in region ``root`` or below it, preferring those of
        ``department`` when there are several."""
        raw = text(value)
        title = None
        m = _TITLE_RE.match(raw)
        if m and normalise_name(m.group("name")) in self.by_name:
            raw, title = m.group("name"), normalise_name(m.group("title"))
        found = [p for p in self.by_name.get(normalise_name(raw), []) if self._within(p.region_id, root)]
        if title is not None:
            found = [p for p in found if normalise_name(p.title) == title]
        if len(found) > 1 and department is not None:
            found = [p for p in found if p.department_id == department.pk] or found
        if not found:
            return None, f"未找到人员“{text(value)}”，请先在人员名录中添加。"
        if len(found) > 1:
            return None, f"有 {len(found)} 名人员叫“{raw}”，请写明职务，如“{found[0]}”。"
        return found[0], None


class Tasks(Kind):
    key = "tasks"
    label = "任务"
    instructions = ("填写说明：第 3 行起每行一项任务。按 产业链 + 任务名称 匹配，已存在的任务更新其余各列，空白单元格不修改"
                    "原值。牵头部门不填时为该产业链的牵头部门；牵头部门、责任人须是产业链所在区域的部门和人员（同名人员请写"
                    "“姓名（职务）”）。状态填 未开始 / 进行中 / 已完成（新任务不填为未开始）；是否逾期由完成时限判定，不必填写。"
                    "完成时限写 2021-06-30。")

    def __init__(self):
        from chainchief.work.models import Task

        self.model = Task
        self.columns = [
            Column("chain", "产业链", required=True, aliases=("所属产业链", "产业链名称", "链条"), example="动力装备"),
            Column("title", "任务名称", required=True, aliases=("任务", "工作任务", "任务事项", "事项名称", "重点任务"),
                   max_length=200, example="走访链主企业，形成问题清单"),
            Column("description", "任务内容", aliases=("具体内容", "工作内容", "主要内容", "任务描述", "工作措施"),
                   example="逐户走访链主和骨干企业，梳理困难问题"),
            Column("lead_department", "牵头部门", aliases=("责任部门", "牵头单位", "责任单位"), example="市工业和信息化局"),
            Column("responsible", "责任人", aliases=("负责人", "具体负责人"), example="刘晓东"),
            Column("due_on", "完成时限", "date", aliases=("完成时间", "截止日期", "时限", "完成期限", "截止时间"),
                   example="2021-06-30"),
            Column("status", "状态", aliases=("任务状态", "完成状态", "进度状态"), example="进行中"),
            Column("progress", "进展情况", aliases=("进展", "工作进展", "推进情况", "完成情况", "进度"),
                   example="已走访企业 4 家"),
            Column("work_item", "工作事项", aliases=("所属事项", "工作模式事项"), example="一次专题调研"),
        ]
        self.labels = {c.name: c.label for c in self.columns}

    def run(self, ctx):
        from chainchief.chains.models import ChainDepartment, WorkModelItem
        from chainchief.work.models import Task

        out, header, user = ctx.out, ctx.header, ctx.user
        chains, departments, people = ChainNames(user), DepartmentNames(), None
        leads = dict(ChainDepartment.objects.filter(is_lead=True).values_list("chain_id", "department"))
        items = {}
        for item in WorkModelItem.objects.all():
            items.setdefault(item.work_model_id, {})[normalise_name(item.name)] = item
        where = {name: m.where for name, m in header.by_name().items()}
        rows, seen = [], {}
        for row, cells in ctx.data:
            if is_blank(cells) or is_total(cells):
                continue
            out.total += 1
            ctx.progress.tick(out.total)
            values = {name: raw for name, (raw, m) in self.cells(header, cells).items() if not is_empty(raw)}
            chain = chains.get(text(values.get("chain", "")))
            if chain is None:
                out.error(row, where["chain"], text(values.get("chain", "")) or None,
                          f"未知的产业链“{text(values.get('chain', ''))}”。")
                continue
            data, bad = {}, False
            for name in ("title", "description", "due_on", "progress"):
                if name in values:
                    column = self._column(name)
                    try:
                        data[name] = (parse_cell(column, values[name], None) if column.kind == "date"
                                      else prose(column, values[name]))
                    except CellError as exc:
                        out.error(row, where[name], text(values[name]), str(exc))
                        bad = True
            if not data.get("title"):
                out.error(row, where["title"], None, "任务名称不能为空。")
                continue
            if "status" in values:
                word = text(values["status"]).replace(" ", "")
                if word in OVERDUE_WORDS:
                    out.error(row, where["status"], word, "是否逾期由完成时限判定；状态请填 未开始、进行中 或 已完成。")
                    bad = True
                elif word not in STATUS_WORDS:
                    out.error(row, where["status"], word, "状态应为 未开始、进行中 或 已完成。")
                    bad = True
                else:
                    data["status"] = STATUS_WORDS[word]
            if "lead_department" in values:
                dept = departments.get(chain.region_id, text(values["lead_department"]))
                if dept is None:
                    out.error(row, where["lead_department"], text(values["lead_department"]),
                              f"{chain.region.name}没有部门“{text(values['lead_department'])}”。")
                    bad = True
                data["lead_department"] = dept
            if "responsible" in values:
                people = people or PeopleNames()
                dept = data.get("lead_department") or leads.get(chain.pk)
                person, error = people.find(chain.region_id, values["responsible"], dept)
                if error:
                    out.error(row, where["responsible"], text(values["responsible"]), error)
                    bad = True
                data["responsible"] = person
            if "work_item" in values:
                item = items.get(chain.region.work_model_id, {}).get(normalise_name(values["work_item"]))
                if item is None:
                    out.error(row, where["work_item"], text(values["work_item"]),
                              "该产业链所在区域的工作模式中没有这一事项。")
                    bad = True
                data["work_item"] = item
            key = (chain.pk, normalise_name(data["title"]))
            if key in seen:
                out.error(row, where["title"], data["title"], f"与第 {seen[key]} 行重复。")
                continue
            seen[key] = row
            if not bad:
                rows.append({"row": row, "chain": chain, "key": key, "data": data,
                             "values": {k: text(v) for k, v in values.items()}})
        existing = {}
        for task in Task.objects.filter(chain_id__in={item["chain"].pk for item in rows}):
            existing.setdefault((task.chain_id, normalise_name(task.title)), []).append(task)
        writer = RowWriter(ctx.batch, user, out)
        created = []
        for item in rows:
            task = self._write(item, existing, leads, writer, out, where, user)
            if task is not None:
                created.append(task)
        writer.flush()
        if ctx.write and not out.error_rows and not out.matches:
            self._notify(created)

    def _column(self, name):
        return next(c for c in self.columns if c.name == name)

    def _write(self, item, existing, leads, writer, out, where, user):
        """Write one row; returns the task when it is new."""
        from chainchief.work.models import Task, TaskStatus

        row, chain, data = item["row"], item["chain"], dict(item["data"])
        matches = existing.get(item["key"], [])
        if len(matches) > 1:
            out.error(row, where["title"], data["title"],
                      f"产业链“{chain.name}”中有 {len(matches)} 项同名任务，无法确定更新哪一项。")
            return None
        task = matches[0] if matches else None
        try:
            with transaction.atomic():
                if task is None:
                    if data.get("lead_department") is None:
                        if chain.pk not in leads:
                            raise ValidationError({"lead_department": "该产业链尚未确定牵头部门，请填写牵头部门。"})
                        data["lead_department_id"] = leads[chain.pk]
                        data.pop("lead_department", None)
                    data.setdefault("status", TaskStatus.NOT_STARTED)
                    task = Task(chain=chain, **data)
                    writer.create(task, row, denied=("chain", f"无权在产业链“{chain.name}”中新增任务。"))
                    action = "new"
                else:
                    if not can(user, CHANGE, task):  # before comparing: "unchanged" would confirm a stored value
                        raise RowDenied(f"无权修改产业链“{chain.name}”的任务“{task.title}”。", "title")
                    changed = changed_values(task, data)
                    if "due_on" in changed and task.reminded:
                        changed["reminded"] = ""  # a new deadline is reminded afresh
                    if changed:  # e.g. handed to a department out of the user's reach
                        writer.update(task, changed, row,
                                      denied=("lead_department", f"无权把任务“{task.title}”交给该部门。"))
                        action = "updated"
                    else:
                        action = "unchanged"
        except (ValidationError, PermissionDenied, IntegrityError) as exc:
            self._errors(exc, row, item, out, where)
            writer.changes = [c for c in writer.changes if c.row != row]
            if matches:
                task.refresh_from_db()
            return None
        existing[item["key"]] = [task]
        setattr(out, action, getattr(out, action) + 1)
        if len(out.preview) < PREVIEW_ROWS:
            out.preview.append({"row": row, "action": action, "chain": chain.name, "title": task.title,
                                "department": task.lead_department.name,
                                "due_on": f"{task.due_on:%Y-%m-%d}" if task.due_on else "",
                                "status": task.get_status_display()})
        return task if action == "new" else None

    def _errors(self, exc, row, item, out, where):
        report_row_error(out, exc, row, item["values"], where, self.labels)

    @staticmethod
    def _notify(tasks):
        """Tell the assignees of the new tasks, as a task created on its page does (at commit only)."""
        from chainchief.work.services import task_event

        for task in tasks:
            task_event("task.assigned", task)

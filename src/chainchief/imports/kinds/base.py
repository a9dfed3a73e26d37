"""What every kind of import shares: the outcome of a run (counts, errors, preview, matches), the per-row
ORM writer that remembers what it wrote, the columns naming an enterprise, and the undo of an ORM batch.

Every kind runs the same way for a dry run and a commit; a dry run simply does not keep what it wrote (or,
for monthly statistics, does not write at all), so the counts and errors of the preview are those of the
commit.
"""
import json
import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError

from chainchief.core.permissions import ACTION_LABELS, ADD, CHANGE, VIEW, can, may
# The checks of every write through core.services (the API's and the pages'), run on each imported row too.
from chainchief.core.services import _check_related as check_related, _full_clean as full_clean
from chainchief.imports import limits
from chainchief.imports.fields import (CellError, Column, normalise_name, parse_bool, parse_date, parse_decimal,
                                       parse_int, parse_year, text)
from chainchief.imports.models import ImportBatch, ImportRowChange


USCC = Column("uscc", "统一社会信用代码", "uscc", aliases=(
    "信用代码", "社会信用代码", "统一信用代码", "统一社会信用代码证", "社会统一信用代码", "组织机构代码", "USCC",
    "纳税人识别号", "税号", "统一代码"), help="18 位，校验位按 GB 32100-2015", example="91370700MA3C0R5X1B")
NAME = Column("name", "企业名称", aliases=("单位名称", "企业", "名称", "公司名称", "单位详细名称", "企业全称",
                                        "单位", "纳税人名称", "法人单位详细名称"), max_length=128,
              example="潍坊某某动力有限公司")


class Rollback(Exception):
    pass


class Outcome:
    """What a run found: counts, errors (capped), preview rows and matches awaiting confirmation."""

    def __init__(self, header):
        self.header = header
        self.total = self.new = self.updated = self.unchanged = 0
        self.errors, self.error_rows, self._last_error_row = [], 0, None
        self.truncated = False
        self.preview, self.matches, self.periods = [], {}, set()
        self.rejected = set()  # names whose candidates the user rejected: plain errors now

    def error(self, row, where, value, message):
        if row != self._last_error_row:
            self.error_rows += 1
            self._last_error_row = row
        if len(self.errors) < ImportBatch.MAX_ERRORS:
            if value is not None and not isinstance(value, (str, int, float, bool)):
                value = str(value)
            self.errors.append({"row": row, "column": where, "value": value, "message": str(message)})
        else:
            self.truncated = True

    def match(self, row, raw, candidates):
        key = normalise_name(raw)
        if key in self.rejected:
            self.error(row, "企业名称", text(raw), "未找到该企业（候选已被否决），请填写统一社会信用代码。")
            return
        entry = self.matches.setdefault(key, {"key": key, "name": text(raw), "rows": [], "candidates": candidates,
                                              "confirmed": None})
        if len(entry["rows"]) < 20 and row not in entry["rows"]:
            entry["rows"].append(row)

    @property
    def ok(self):
        return not self.error_rows and not self.matches


class Progress:
    def __init__(self, callback, every=1.0):
        self.callback, self.every, self.last, self.count = callback, every, 0.0, 0

    def tick(self, count):
        self.count = count
        now = time.monotonic()
        if self.callback and now - self.last >= self.every:
            self.last = now
            self.callback(count)


class Kind:
    key = ""
    label = ""
    columns: list[Column] = []
    required_any: tuple = ()
    model = None
    instructions = ""

    def allowed(self, user):
        """Whether the user may use this kind: its role may import it (imports.limits: an enterprise user only its
        monthly figures) and may add or change its rows."""
        return limits.kind_allowed(user, self) and (may(user, ADD, self.model) or may(user, CHANGE, self.model))

    def cells(self, header, cells):
        """{field: (raw value, Mapped)} of one row."""
        out = {}
        n = len(cells)
        for m in header.mapped:
            out[m.column.name] = (cells[m.index] if m.index < n else None, m)
        return out


def _json(value):
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def parse_cell(column, raw, unit):
    if column.kind == "money":
        return parse_decimal(raw, unit)
    if column.kind == "int":
        return parse_int(raw)
    if column.kind == "bool":
        return parse_bool(raw)
    if column.kind == "date":
        return parse_date(raw)
    if column.kind == "year":
        return parse_year(raw)
    value = text(raw)
    if column.max_length and len(value) > column.max_length:
        raise CellError(f"不能超过 {column.max_length} 个字。")
    return value


def prose(column, raw):
    """A cell of running Chinese text (a task's name, a progress report) as written: trimmed, but its full-width
    punctuation kept (``text`` would turn “，：（）” into half-width). Raises CellError when too long."""
    value = raw.strip() if isinstance(raw, str) else text(raw)
    if column.max_length and len(value) > column.max_length:
        raise CellError(f"不能超过 {column.max_length} 个字。")
    return value


class ChainNames:
    """The chains a user may see, found by what a sheet calls them: the name, the short name, with or without
    “产业链”. A chain out of sight is unknown, as a page of it would be not found."""

    def __init__(self, user):
        from chainchief.chains.models import Chain

        self.by_name = {}
        for chain in Chain.objects.restrict(user, VIEW):
            for n in (chain.name, chain.short_name, chain.name.removesuffix("产业链")):
                if n:
                    self.by_name.setdefault(normalise_name(n), chain)

    def get(self, value):
        key = normalise_name(value or "")
        return self.by_name.get(key) or self.by_name.get(key.removesuffix("产业链"))


class DepartmentNames:
    """The departments of a region, found by name or short name ("市工业和信息化局", "工信局"): a chain's lead or
    responsible department must be one of its own region's."""

    def __init__(self):
        from chainchief.core.models import Department

        self.by_region = {}
        for dept in Department.objects.all():
            names = self.by_region.setdefault(dept.region_id, {})
            for n in (dept.name, dept.short_name):
                if n:
                    names.setdefault(normalise_name(n), dept)

    def get(self, region_id, value):
        return self.by_region.get(region_id, {}).get(normalise_name(value or ""))


class RowDenied(PermissionDenied):
    """A row the user may not write, and the column (a field name) that made it so."""

    def __init__(self, message, field=""):
        super().__init__(message)
        self.field = field


class RowWriter:
    """Per-row ORM writes with a savepoint each, remembering what was written for a rollback.

    A row is checked as ``core.services`` checks every write of the API and the pages, by the same code: the
    model's validation, the objects it points at visible to the user, and the saved row inside the user's scope
    (for a new row, unless the kind decides that itself later; for a changed row, after the change too, so that
    nothing is moved out of the user's reach). ``denied``: (field, message) when the scope refuses it."""

    def __init__(self, batch, user, out):
        self.batch, self.user, self.out = batch, user, out
        self.changes = []
        self._visible = set()  # (model label, pk) of related rows found visible: each looked up once per batch

    def _check_related(self, obj, attnames):
        fields = {f.attname: f for f in obj._meta.concrete_fields if f.attname in attnames and f.is_relation}
        todo = {name for name, f in fields.items()
                if getattr(obj, name) is not None and (f.related_model._meta.label, getattr(obj, name))
                not in self._visible}
        if todo:
            check_related(self.user, obj, todo)
            self._visible.update((fields[n].related_model._meta.label, getattr(obj, n)) for n in todo)

    def _check_scope(self, obj, action, denied):
        if not can(self.user, action, obj):
            field, message = denied or ("", "")
            raise RowDenied(message or f"无权{ACTION_LABELS[action]}该{obj._meta.verbose_name}。", field)

    def create(self, obj, row, *, denied=None, check_scope=True, trusted=()):
        """Save a new row. ``trusted``: foreign keys the kind vouches for (an enterprise it has just created)."""
        obj.created_by = obj.updated_by = self.user
        full_clean(obj)
        self._check_related(obj, {f.attname for f in obj._meta.concrete_fields if f.name not in trusted})
        obj.save()
        if check_scope:  # decided on the saved row; the row's savepoint undoes it
            self._check_scope(obj, ADD, denied)
        self.changes.append(ImportRowChange(batch=self.batch, model=obj._meta.label_lower, object_id=obj.pk,
                                            action=ImportRowChange.CREATE, row=row, after=self._snap(obj)))

    def update(self, obj, data, row, *, denied=None):
        """Change a row the kind has found the user may change (checked before comparing: "unchanged" would
        confirm a guessed stored value)."""
        fields = [obj._meta.get_field(name) for name in data]
        before = _json({f.attname: f.value_from_object(obj) for f in fields})
        for name, value in data.items():
            setattr(obj, name, value)
        full_clean(obj)
        self._check_related(obj, {f.attname for f in fields})
        obj.version += 1
        obj.updated_by = self.user
        obj.save()
        self._check_scope(obj, CHANGE, denied)
        after = _json({f.attname: f.value_from_object(obj) for f in fields})
        self.changes.append(ImportRowChange(batch=self.batch, model=obj._meta.label_lower, object_id=obj.pk,
                                            action=ImportRowChange.UPDATE, row=row, before=before,
                                            after={**after, "version": obj.version}))

    @staticmethod
    def _snap(obj):
        data = {f.attname: f.value_from_object(obj) for f in obj._meta.concrete_fields}
        return _json(data)

    def flush(self):
        if self.batch.pk and self.changes:
            ImportRowChange.objects.bulk_create(self.changes, batch_size=1000)
        self.changes = []


def changed_values(obj, data):
    return {k: v for k, v in data.items() if getattr(obj, k) != v}


def report_row_error(out, exc, row, values, where, labels, aliases=None):
    """Put what refused a row on ``out``: a model's field errors on the sheet's column of that field (``aliases``:
    field → the column that fed it, when it is not the field's own), a refused permission on the column that
    named what the user may not write (``RowDenied.field``), anything else on the row."""
    from django.db import IntegrityError

    def column(field):
        name = (aliases or {}).get(field) or field
        return name, where.get(name, labels.get(name, ""))

    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, msgs in exc.message_dict.items():
            name, where_ = column(field)
            for msg in msgs:
                out.error(row, where_, values.get(name), msg)
        return
    if isinstance(exc, ValidationError):
        for col, msg in messages_of(exc, labels):
            out.error(row, col, None, msg)
        return
    if getattr(exc, "field", ""):
        name, where_ = column(exc.field)
        out.error(row, where_, values.get(name), str(exc))
        return
    out.error(row, "", None, "与已有数据冲突。" if isinstance(exc, IntegrityError) else str(exc))


def messages_of(exc, labels):
    if hasattr(exc, "error_dict"):
        return [(labels.get(field, field if field != "__all__" else ""), m)
                for field, msgs in exc.message_dict.items() for m in msgs]
    return [("", m) for m in exc.messages]


def rollback_orm(batch):
    """Undo what an ORM kind's batch wrote, newest first: delete what it created, restore what it changed."""
    from django.apps import apps

    changes = list(batch.changes.order_by("-id"))
    conflicts = []
    for c in changes:
        model = apps.get_model(c.model)
        obj = model._default_manager.filter(pk=c.object_id).first()
        expected = (c.after or {}).get("version")
        if obj is not None and expected is not None and getattr(obj, "version", expected) != expected:
            conflicts.append(str(obj))
    if conflicts:
        raise ValidationError(f"该批次导入后以下数据已被再次修改，无法撤销：{'、'.join(conflicts[:5])}"
                              f"{' 等' if len(conflicts) > 5 else ''}。")
    for c in changes:
        model = apps.get_model(c.model)
        obj = model._default_manager.filter(pk=c.object_id).first()
        if obj is None:
            continue
        if c.action == ImportRowChange.CREATE:
            try:
                with transaction.atomic():
                    obj.delete()
            except (ProtectedError, RestrictedError) as exc:  # used since: e.g. a segment that now has enterprises
                used = sorted({str(o._meta.verbose_name) for o in exc.args[1]})
                raise ValidationError(f"无法撤销：本批次新增的“{obj}”已被{'、'.join(used)}引用，请先解除引用。") from exc
        else:
            fields = {f.attname: f for f in model._meta.concrete_fields}
            for name, value in (c.before or {}).items():
                if name in fields and name != "version":
                    setattr(obj, name, fields[name].to_python(value))
            obj.version += 1
            obj.save()

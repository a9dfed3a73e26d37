"""A chain's work-model checklist, computed from its evidence: the one place that says how each item stands.

Each item of the region's work model says which kinds of records count for it (``WorkModelItem.evidence_kinds``),
in which period (``evidence_months``) and how many completed records make it done (``evidence_required``). The
records come from the apps that hold them (the chain's chiefs and lead department, its map, the work ledger),
registered with ``core.registry`` as evidence sources. An item is

- 已完成 when at least ``evidence_required`` of its counted records are complete (a held meeting, a finished
  task, research conducted, a plan, a policy issued …);
- 推进中 when it has counted records but fewer complete ones (a meeting still to be held, an open task …);
- 未开展 when it has none.

A status set by hand (``ChainWorkItem.status``, with its reason) takes the place of the computed one and is shown
as set by hand. The status is a fact of the chain, the same for every reader; the evidence listed with it is what
the reader may see. The chain page, its API and every count of done items read this module.
"""
from dataclasses import dataclass, field
import datetime

from django.utils import timezone

from chainchief.chains.models import ChainWorkItem, EvidenceKind, WorkModelItem, WorkStatus
from chainchief.core.permissions import VIEW


@dataclass
class Evidence:
    """One record that may prove a work-model item. ``model`` and ``id`` name the row whose visibility decides
    whether a reader is shown it; ``item_id`` ties a task to the item it is tagged with."""

    kind: str
    id: int
    title: str
    url: str
    model: type
    date: datetime.date | None = None
    done: bool = True
    item_id: int | None = None
    state: str = ""  # how an incomplete record stands, as its own model words it (a task's 未开始 …)

    @property
    def kind_label(self):
        return EvidenceKind(self.kind).label

    def as_dict(self):
        return {"kind": self.kind, "id": self.id, "title": self.title,
                "date": self.date.isoformat() if self.date else None, "url": self.url}


@dataclass
class Entry:
    item: WorkModelItem
    status: str
    computed: bool
    computed_status: str
    row: ChainWorkItem | None = None
    evidence: list = field(default_factory=list)  # the counted records the reader may see

    @property
    def status_label(self):
        return WorkStatus(self.status).label

    @property
    def computed_label(self):
        return WorkStatus(self.computed_status).label


def months_before(day, months):
    """The same day ``months`` months before ``day`` (the month's last day where it has fewer days)."""
    import calendar

    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return datetime.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def counted(item, records, today):
    """The records that count for ``item``: of its kinds, tasks tagged with it, dated within its period."""
    since = months_before(today, item.evidence_months) if item.evidence_months else None
    kinds = set(item.evidence_kinds or ())
    return [r for r in records
            if r.kind in kinds and (r.kind != EvidenceKind.TASK or r.item_id == item.pk)
            and (since is None or r.date is None or r.date >= since)]


def computed_status(item, records):
    done = sum(1 for r in records if r.done)
    if records and done >= max(item.evidence_required or 1, 1):
        return WorkStatus.DONE
    return WorkStatus.IN_PROGRESS if records else WorkStatus.MISSING


def _visible(records, user):
    """The (model, id) pairs of ``records`` that ``user`` may see (all of them for no user)."""
    if user is None:
        return {(r.model, r.id) for r in records}
    by_model = {}
    for r in records:
        by_model.setdefault(r.model, set()).add(r.id)
    seen = set()
    for model, ids in by_model.items():
        seen |= {(model, pk) for pk in model.objects.restrict(user, VIEW).filter(pk__in=ids)
                 .values_list("pk", flat=True)}
    return seen


def work_checklist(chain, user=None, today=None):
    """[Entry] for each item of the work model of the chain's region, in order; [] when it has none. ``user``
    decides which evidence is listed (None: all of it); the statuses do not depend on it."""
    from chainchief.core.registry import registry

    work_model_id = chain.region.work_model_id
    if work_model_id is None:
        return []
    today = today or timezone.localdate()
    items = list(WorkModelItem.objects.filter(work_model_id=work_model_id).order_by("order", "id"))
    rows = {r.item_id: r for r in ChainWorkItem.objects.filter(chain=chain, item__in=items)}
    kinds = {k for item in items for k in (item.evidence_kinds or ())}
    records = registry.evidence(chain, kinds) if kinds else []
    visible = _visible(records, user)
    out = []
    for item in items:
        mine = counted(item, records, today)
        auto = computed_status(item, mine)
        row = rows.get(item.pk)
        manual = bool(row and row.status)
        out.append(Entry(item=item, status=row.status if manual else auto, computed=not manual,
                         computed_status=auto, row=row,
                         evidence=[r for r in mine if (r.model, r.id) in visible]))
    return out


def progress(entries):
    """Done items of a checklist: {done, total, percent, missing (items with no evidence)}."""
    done = sum(1 for e in entries if e.status == WorkStatus.DONE)
    total = len(entries)
    return {"done": done, "total": total, "percent": round(100 * done / total) if total else 0,
            "missing": [e.item for e in entries if e.status == WorkStatus.MISSING]}

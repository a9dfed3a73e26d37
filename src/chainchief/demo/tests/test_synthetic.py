"""The synthetic generator's plans, supply links, tasks, requests, meetings and key projects: made over the demo
here (``add_missing``), and the whole small data set made by ``gen_synthetic`` in a fresh database of its own."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from chainchief.demo import synthetic

ROOT = Path(__file__).resolve().parents[4]


def _province():
    from chainchief.core.models import Region

    return Region.objects.get(code="370000")


def _province_counts():
    from chainchief.chains.models import Chain
    from chainchief.core.models import Region
    from chainchief.enterprises.models import Enterprise

    regions = Region.subtree_ids(_province().pk)
    return (Enterprise.objects.filter(region_id__in=regions).count(),
            Chain.objects.filter(region_id__in=regions).count())


def _content():
    """Everything the generator wrote, without ids and timestamps."""
    from chainchief.appeals.models import Request
    from chainchief.enterprises.models import SupplyLink
    from chainchief.work.models import Decision, KeyProject, Meeting, Plan, ProjectMonth, Task

    return (
        list(SupplyLink.objects.order_by("pk").values_list("supplier__uscc", "customer__uscc", "chain__name",
                                                           "product", "annual_amount", "year", "source")),
        list(Task.objects.order_by("pk").values_list("chain__name", "work_item__name", "title",
                                                     "lead_department__name", "responsible__name", "due_on",
                                                     "status")),
        list(Request.objects.order_by("pk").values_list("enterprise__uscc", "chain__name", "category", "status",
                                                        "department__name", "commissioner__name", "received_on",
                                                        "due_on", "closed_on")),
        list(Plan.objects.order_by("pk").values_list("chain__name", "year", "title")),
        list(Meeting.objects.order_by("pk").values_list("chain__name", "title", "held_on", "chair__name", "status")),
        list(Decision.objects.order_by("pk").values_list("meeting__title", "text", "due_on", "tasks__status")),
        list(KeyProject.objects.order_by("pk").values_list("chain__name", "enterprise__uscc", "segment__name", "name",
                                                           "kind", "stage", "total_investment", "annual_plan")),
        list(ProjectMonth.objects.order_by("pk").values_list("project__name", "month", "completed")),
    )


def _run_and_roll_back(seed):
    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            synthetic.add_missing(_province(), seed=seed)
            content = _content()
            raise Rollback
    except Rollback:
        return content


def _invalid(rows):
    out = []
    for row in rows:
        try:
            row.full_clean()
        except ValidationError as exc:
            out.append((row.pk, exc.message_dict))
    return out


def test_links_tasks_and_requests_in_proportion(demo_db):
    from chainchief.appeals.models import Request, RequestStatus
    from chainchief.enterprises.models import Membership, SupplyLink
    from chainchief.work.models import Decision, KeyProject, Meeting, Plan, ProjectMonth, Task

    enterprises, chains = _province_counts()
    assert enterprises >= 300 and chains == 15 + 2 + 2 + 3  # 潍坊, 青岛, 烟台 and the province
    staffed = 15 + 2 + 2  # the chains with enterprises carry key projects: the provincial chains have none
    # The demo's own requests, tasks, meetings and projects, made by hand with their timelines.
    demo = {"requests": Request.objects.count(), "tasks": Task.objects.count(), "plans": Plan.objects.count(),
            "meetings": Meeting.objects.count(), "decisions": Decision.objects.count(),
            "projects": KeyProject.objects.count(), "project_months": ProjectMonth.objects.count()}
    assert demo["tasks"] and demo["meetings"] and demo["projects"]
    demo_tasks = list(Task.objects.values_list("pk", flat=True))
    demo_links = SupplyLink.objects.count()  # the demo's own, for its local supply rates
    added = synthetic.add_missing(_province(), seed=7)
    assert added == {"plans": 2 * chains, "supply_links": 6 * enterprises, "tasks": 40 * chains,
                     "requests": round(0.4 * enterprises), "meetings": 6 * chains, "decisions": 18 * chains,
                     "projects": 10 * staffed, "project_months": 120 * staffed, "capabilities": enterprises,
                     "needs": int(0.04 * enterprises)}
    assert SupplyLink.objects.count() - demo_links == added["supply_links"]
    assert Task.objects.count() - demo["tasks"] == added["tasks"] + added["decisions"]  # a task per decision
    for key, model in (("requests", Request), ("plans", Plan), ("meetings", Meeting), ("decisions", Decision),
                       ("projects", KeyProject), ("project_months", ProjectMonth)):
        assert model.objects.count() - demo[key] == added[key], key
    # Every row is one the services would accept.
    assert _invalid(Task.objects.all()) == []
    assert _invalid(Request.objects.all()) == []
    assert _invalid(SupplyLink.objects.order_by("pk")[::7]) == []
    for model in (Plan, Meeting, Decision, KeyProject, ProjectMonth):
        assert _invalid(model.objects.all()) == [], model
    assert not SupplyLink.objects.filter(supplier=F("customer")).exists()
    tagged = SupplyLink.objects.exclude(chain=None)
    assert tagged.count() > 0.8 * added["supply_links"]
    members = Membership.objects.values_list("enterprise_id", "chain_id")
    pairs = set(members)
    assert all((s, c) in pairs or (u, c) in pairs for s, u, c in tagged.values_list("supplier", "customer", "chain"))
    # Tasks fall to their chain's lead department; requests are at every step of the workflow.
    assert all(t.lead_department_id == t.chain.departments.get(is_lead=True).department_id
               for t in Task.objects.exclude(pk__in=demo_tasks).select_related("chain"))
    assert set(Request.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert Request.objects.exclude(commissioner=None).exists()
    # The plain tasks come under the plan of the year they are due in; each decision has its supervised task.
    generated = Task.objects.exclude(pk__in=demo_tasks)
    plain = generated.filter(decision=None)
    assert plain.count() == added["tasks"] and not plain.exclude(plan__year=F("due_on__year")).exists()
    assert not Decision.objects.exclude(tasks__due_on=F("due_on")).exists()
    assert set(generated.exclude(decision=None).values_list("status", flat=True)) == {
        "not_started", "in_progress", "done"}
    # Key projects: in every stage, by enterprises of their chain, with twelve months each.
    synthetic_projects = KeyProject.objects.filter(year=synthetic.PROJECT_YEAR)
    assert set(synthetic_projects.values_list("stage", flat=True)) == {"preparing", "building", "completed",
                                                                       "operating"}
    assert all(pairs >= {(p.enterprise_id, p.chain_id)} for p in synthetic_projects)
    assert {p.months.count() for p in synthetic_projects} == {12}
    # A second run finds every part there and adds nothing.
    assert set(synthetic.add_missing(_province(), seed=7).values()) == {0}


def test_same_seed_same_rows_other_seed_other_rows(demo_db):
    first = _run_and_roll_back(7)
    assert all(first)
    assert _run_and_roll_back(7) == first
    assert _run_and_roll_back(8)[0] != first[0]


def test_top_up_refuses_a_database_without_a_synthetic_province(demo_db):
    from chainchief.enterprises.models import SupplyLink

    before = SupplyLink.objects.count()  # the demo's own links
    with pytest.raises(RuntimeError, match="gen_synthetic"):
        synthetic.top_up()  # the demo's 山东省 is not a generated one
    assert SupplyLink.objects.count() == before


def _manage(db_url, *args):
    env = {**os.environ, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "chainchief.settings"}
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def test_gen_synthetic_small_in_a_fresh_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'synthetic.sqlite3'}"
    assert _manage(url, "migrate", "--noinput", "-v0").returncode == 0
    run = _manage(url, "gen_synthetic", "--scale", "small")
    assert run.returncode == 0, run.stderr
    last = run.stdout.strip().splitlines()[-1]
    assert last == ("enterprises=1000, monthly_rows=12000, chains=5, segments=60, plans=10, supply_links=6000, "
                    "tasks=200, requests=400, meetings=30, decisions=90, projects=50, project_months=600, capabilities=1000, "
                    "needs=40"), run.stdout
    top_up = _manage(url, "gen_synthetic", "--top-up")
    assert top_up.returncode == 0 and top_up.stdout.strip().endswith(
        "plans=0, supply_links=0, tasks=0, requests=0, meetings=0, decisions=0, projects=0, project_months=0, "
        "capabilities=0, needs=0")
    again = _manage(url, "gen_synthetic", "--scale", "small")
    assert again.returncode != 0 and "--top-up" in again.stderr

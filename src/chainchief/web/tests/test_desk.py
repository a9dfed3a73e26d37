"""Each person's desk (the home page): the chief sees his chain with its light and his 督办 items with a 催办; the
office its queue; a department its tasks and requests; the enterprise its requests and figures, not the chain
list; other roles keep the chains by tier. 催办 reminds the assignees, is audited and is allowed once a day."""
from datetime import timedelta

import pytest
from django.utils import timezone

from chainchief.web.tests.pages import login, text  # noqa: F401

CHAINS = ["动力装备", "新一代信息技术", "汽车制造", "生物医药", "纺织服装"]


def _overdue_supervised():
    from chainchief.work.models import Task, overdue_q

    return (Task.objects.filter(overdue_q(), decision__isnull=False, chain__name="动力装备")
            .select_related("chain").order_by("pk").first())


def test_the_chiefs_desk_shows_his_chain_and_his_supervised_items(login):
    task = _overdue_supervised()
    assert task is not None
    page = text(login("chief").get("/"))
    assert 'data-role="chief"' in page and "动力装备" in page and "督办事项" in page
    assert task.title in page and f'action="/desk/urge/{task.pk}/"' in page
    assert "汽车制造" not in page.split('id="desk-chains"')[1].split("</section>")[0]  # his chains only


def test_the_enterprises_desk_is_not_the_chain_list(login):
    page = text(login("enterprise").get("/"))
    assert 'data-role="enterprise"' in page and "我的诉求" in page and "月度数据" in page
    assert sum(name in page for name in CHAINS) <= 1


def test_the_offices_and_the_departments_desks(login):
    from chainchief.appeals.models import Request

    new = Request.objects.filter(status="submitted").order_by("created_at", "id").first()
    page = text(login("coordinator").get("/"))
    assert 'data-role="coordinator"' in page and new.title in page and "逾期任务（按部门）" in page
    page = text(login("dept").get("/"))
    assert 'data-role="dept"' in page and "本部门的任务" in page and "交办本部门的诉求" in page


def test_other_roles_keep_the_chains_by_tier(login):
    page = text(login("leader").get("/"))
    assert 'id="desk"' not in page and all(name in page for name in CHAINS)
    assert all(name in text(login("chief").get("/?all=1")) for name in CHAINS)


def test_urge_reminds_the_assignees_once_a_day_and_is_audited(login):
    from chainchief.accounts.models import Notification, User
    from chainchief.audit.models import AuditEvent
    from chainchief.work.models import Task, TaskUrge
    from chainchief.work import services
    from chainchief.work.services import assignees

    task = _overdue_supervised()
    Task.objects.filter(pk=task.pk).update(lead_department=User.objects.get(username="dept").department)
    task.refresh_from_db()
    client = login("chief")
    r = client.post(f"/desk/urge/{task.pk}/", follow=True)
    assert "已催办" in text(r)
    told = set(Notification.objects.filter(event="task.urged").values_list("user_id", flat=True))
    assert told == set(assignees(task)) == {User.objects.get(username="dept").pk}
    urge = TaskUrge.objects.get(task=task)
    assert AuditEvent.objects.filter(content_type__model="taskurge", object_id=str(urge.pk), action="create",
                                     user__username="chief").exists()
    assert "今日已催办" in text(client.get("/"))
    r = client.post(f"/desk/urge/{task.pk}/", follow=True)  # the same day: refused, nobody told twice
    assert "每个任务每天最多催办一次" in text(r)
    assert Notification.objects.filter(event="task.urged").count() == len(told)
    services.urge_task(User.objects.get(username="chief"), task, today=timezone.localdate() + timedelta(days=1))
    assert TaskUrge.objects.filter(task=task).count() == 2
    # Who may not: the enterprise user cannot see the task (404), the leader may not change it.
    assert login("enterprise").post(f"/desk/urge/{task.pk}/").status_code == 404
    assert "只有链长或链长办可以催办" in text(login("dept").post(f"/desk/urge/{task.pk}/", follow=True))
    assert login("chief").get(f"/desk/urge/{task.pk}/").status_code == 405


@pytest.mark.browser
def test_the_chiefs_desk_on_a_phone(page, demo_live, artifacts):
    from chainchief.testing import browser_login

    task = _overdue_supervised()
    page.set_viewport_size({"width": 390, "height": 844})
    browser_login(page, demo_live.url, "chief")
    page.goto(demo_live.url + "/")
    assert page.locator(".cc-desk-chain").first.is_visible()
    assert "动力装备" in page.locator(".cc-desk-chain").first.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
    page.screenshot(path=f"{artifacts}/desk-chief-390.png", full_page=True)
    page.locator(f'form[action="/desk/urge/{task.pk}/"] button').click()
    page.wait_for_load_state()
    assert page.get_by_text("今日已催办").first.is_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.screenshot(path=f"{artifacts}/desk-chief-1366.png", full_page=True)


@pytest.fixture
def demo_live(transactional_db, live_server):
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()
    return live_server


def test_a_desk_list_counts_every_row_not_only_those_shown(demo_db):
    from chainchief.web import desks
    from chainchief.work.models import Task

    tasks = Task.objects.order_by("pk")
    assert tasks.count() > desks.LIST
    head = desks._head(tasks)
    assert [t.pk for t in head["rows"]] == list(tasks.values_list("pk", flat=True)[:desks.LIST])
    assert head["count"] == tasks.count()


def test_due_soon_on_the_desk_is_the_reminders_window_in_working_days(settings):
    from datetime import date

    from chainchief.work.services import reminder_horizon

    settings.WORK_WORKING_DAYS, settings.WORK_REMIND_DAYS = True, 3
    assert reminder_horizon(date(2026, 11, 13)) == date(2026, 11, 18)  # Friday + 3 working days: Wednesday
    settings.WORK_WORKING_DAYS = False
    assert reminder_horizon(date(2026, 11, 13)) == date(2026, 11, 16)

"""Request pages per role: the list (only what the reader may see), the detail with the steps it may take, the
filing form, a step taken from the page, the statistics and their export, the inbox."""
import io

import openpyxl
import pytest

from chainchief.web.tests.pages import login, text  # noqa: F401


@pytest.fixture
def demo_requests(demo_db):
    from chainchief.appeals.models import Request

    return Request.objects.all()


@pytest.mark.parametrize("role", ["admin", "coordinator", "leader", "chief", "dept", "commissioner", "enterprise"])
def test_list_shows_what_the_role_may_see(role, login, demo_requests):  # noqa: F811
    from chainchief.accounts.models import User
    from chainchief.appeals.models import Request

    user = User.objects.get(username=role)
    visible = Request.objects.restrict(user, "view")
    body = text(login(role).get("/requests/?page=1"))
    assert f"共 {visible.count()} 件诉求" in body
    hidden = demo_requests.exclude(pk__in=visible.values("pk")).first()
    if hidden is not None:
        assert login(role).get(f"/requests/{hidden.pk}/").status_code == 404


def test_enterprise_sees_its_own_and_no_office_buttons(login, demo_requests):  # noqa: F811
    client = login("enterprise")
    own = demo_requests.filter(enterprise__scoped_users__username="enterprise", status="replied").first()
    body = text(client.get(f"/requests/{own.pk}/"))
    assert own.title in body and "办理记录" in body and 'data-step="evaluate"' in body
    assert 'data-step="accept"' not in body and 'data-step="assign"' not in body


def test_filing_and_a_step_from_the_pages(login, demo_requests):  # noqa: F811
    from chainchief.appeals.models import Request

    client = login("enterprise")
    form = text(client.get("/requests/new/"))
    assert "提交诉求" in form and "紧急程度" in form
    r = client.post("/requests/new/", {"category": "labour", "urgency": "normal", "title": " ", "content": "x"})
    assert r.status_code == 200 and "请填写标题。" in text(r)  # the enterprise is preselected; the title is missing
    own = Request.objects.filter(enterprise__scoped_users__username="enterprise").first().enterprise
    r = client.post("/requests/new/", {"enterprise": own.pk, "category": "labour", "urgency": "urgent",
                                       "title": "招工难", "content": "缺数控技工 20 名。"})
    req = Request.objects.get(title="招工难")
    assert r.status_code == 302 and r.url == f"/requests/{req.pk}/" and req.status == "submitted"
    office = login("coordinator")
    r = office.post(f"/requests/{req.pk}/step/", {"action": "accept", "accept-action": "accept",
                                                  "accept-version": req.version})
    req.refresh_from_db()
    assert r.status_code == 302 and req.status == "accepted" and req.due_on is not None
    # A stale page: the step is refused with a message, nothing changes.
    r = office.post(f"/requests/{req.pk}/step/", {"action": "accept", "accept-action": "accept",
                                                  "accept-version": 1}, follow=True)
    assert "数据已被他人修改" in text(r) or "不能“受理”" in text(r)
    req.refresh_from_db()
    assert req.status == "accepted"
    assert login("enterprise").post(f"/requests/{req.pk}/step/", {
        "action": "assign", "assign-action": "assign"}).status_code == 403


def test_statistics_page_and_export(login, demo_requests):  # noqa: F811
    client = login("coordinator")
    body = text(client.get("/requests/stats/"))
    assert "部门办理排行" in body and "按时答复率" in body and "市工业和信息化局" in body
    r = client.get("/requests/stats/?by=category&format=xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("名称", "诉求数", "未办结")
    assert rows[1][0] == "合计" and rows[1][1] == demo_requests.count()
    assert sum(row[1] for row in rows[2:]) == demo_requests.count()
    assert login("enterprise").get("/requests/stats/").status_code == 200  # its own requests only


def test_inbox(login, demo_requests):  # noqa: F811
    from chainchief.accounts.models import Notification

    client = login("dept")
    unread = Notification.objects.filter(user__username="dept", read_at__isnull=True)
    assert unread.exists()
    body = text(client.get("/notifications/"))
    note = unread.first()
    assert note.text in body
    r = client.post("/notifications/", {"open": note.pk})
    assert r.status_code == 302 and r.url == note.url
    note.refresh_from_db()
    assert note.read_at is not None
    client.post("/notifications/")
    assert not unread.exists()
    other = Notification.objects.filter(user__username="enterprise").first()
    client.post("/notifications/", {"open": other.pk})
    other.refresh_from_db()
    assert other.read_at is None  # another user's notification is not touched


def test_saved_views_are_each_users_own(login, demo_requests):  # noqa: F811
    from chainchief.accounts.models import SavedView

    client = login("coordinator")
    r = client.post("/requests/views/", {"name": "超期待办", "query": "overdue=1&status=handling&page=3"})
    assert r.status_code == 302 and r.url == "/requests/?overdue=1&status=handling&page=3"
    view = SavedView.objects.get(user__username="coordinator")
    assert view.query == "overdue=1&status=handling"  # the page number is not part of a filter
    body = text(client.get("/requests/"))
    assert "超期待办" in body and "?overdue=1&amp;status=handling" in body
    r = client.post("/requests/views/", {"name": "超期待办", "query": "overdue=1"}, follow=True)
    assert "已有名为“超期待办”的常用筛选。" in text(r)
    r = client.post("/requests/views/", {"name": "空", "query": ""}, follow=True)
    assert "当前没有筛选条件，无需保存。" in text(r)
    other = login("dept")
    assert "超期待办" not in text(other.get("/requests/"))
    other.post("/requests/views/", {"delete": view.pk})
    assert SavedView.objects.filter(pk=view.pk).exists()  # not its own
    client = login("coordinator")
    client.post("/requests/views/", {"delete": view.pk})
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_deadline_settings(login, demo_requests):  # noqa: F811
    from chainchief.appeals.models import RequestDeadline

    office = login("coordinator")
    body = text(office.get("/requests/deadlines/"))
    assert "诉求办理时限" in body and "设置时限" in body and "所有类别" in body
    before = RequestDeadline.objects.count()
    r = office.post("/requests/deadlines/", {"category": "", "urgency": "normal", "days": "7", "working_days": "on"})
    assert r.status_code == 302
    assert RequestDeadline.objects.count() == before  # the row for every category and 一般 is updated
    assert RequestDeadline.objects.get(category="", urgency="normal").days == 7
    r = office.post("/requests/deadlines/", {"category": "market", "urgency": "urgent", "days": "0"})
    assert r.status_code == 200 and RequestDeadline.objects.count() == before
    r = office.post("/requests/deadlines/", {"category": "market", "urgency": "urgent", "days": "2"})
    row = RequestDeadline.objects.get(category="market", urgency="urgent")
    assert (row.days, row.working_days) == (2, False)
    dept = login("dept")
    assert "设置时限" not in text(dept.get("/requests/deadlines/"))
    assert dept.post("/requests/deadlines/", {"delete": row.pk}).status_code == 403
    office = login("coordinator")
    office.post("/requests/deadlines/", {"delete": row.pk})
    assert not RequestDeadline.objects.filter(pk=row.pk).exists()

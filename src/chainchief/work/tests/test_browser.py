"""The ledger's main path in a real browser: the chain office records a coordination meeting's decision, which
becomes a supervised task; the responsible department opens it from its notifications, reports progress with a
file, and the next meeting shows the decision done."""
import os

import pytest

from chainchief.testing import browser_login


@pytest.mark.browser
def test_meeting_decision_to_task_and_back(live_server, page, transactional_db, artifacts, settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    from chainchief.accounts.models import User
    from chainchief.chains.models import Chain
    from chainchief.core.models import Person
    from chainchief.demo import loader
    from chainchief.work.models import Meeting, Task

    loader.load()
    settings.ATTACHMENT_DIR = tmp_path / "attachments"
    base = live_server.url
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    power = Chain.objects.get(name="动力装备")
    today = timezone.localdate()
    meeting = Meeting.objects.create(region=power.region, chain=power, title="动力装备产业链专题调度会",
                                     held_on=today - timedelta(days=1), status="held", minutes="研究曲轴毛坯配套")
    person = Person.objects.create(name="赵处长", title="处长", region=power.region,
                                   user=User.objects.get(username="dept"))

    page.set_viewport_size({"width": 1366, "height": 900})
    browser_login(page, base, "coordinator")
    page.goto(f"{base}/work/meetings/{meeting.pk}/")
    form = page.locator("#decision-form")
    form.locator("textarea[name=text]").fill("协调本地铸造企业为链主配套曲轴毛坯")
    form.locator("select[name=responsible]").select_option(label=str(person))
    form.locator("input[name=days]").fill("10")
    page.screenshot(path=os.path.join(artifacts, "meeting-decision.png"), full_page=True)
    form.locator("button[type=submit]").click()
    page.wait_for_selector("table.cc-decisions a")
    assert "协调本地铸造企业为链主配套曲轴毛坯" in page.inner_text("table.cc-decisions")
    task = Task.objects.get(decision__meeting=meeting)
    assert task.responsible == person and task.due_on > meeting.held_on

    # The department hears of it and opens the task from its notifications.
    browser_login(page, base, "dept")
    page.goto(f"{base}/notifications/")
    page.locator("button", has_text="协调本地铸造企业为链主配套曲轴毛坯").first.click()
    page.wait_for_url(f"{base}/work/tasks/{task.pk}/")
    assert "督办事项" in page.inner_text("h1")
    assert page.locator("#decision-link").inner_text() == meeting.title
    evidence = tmp_path / "对接会纪要.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% minutes\n")
    report = page.locator("#report-form")
    report.locator("select[name=status]").select_option("done")
    report.locator("textarea[name=text]").fill("已组织 3 家铸造企业与链主对接，签订配套协议")
    report.locator("input[name=file]").set_input_files(str(evidence))
    report.locator("button[type=submit]").click()
    page.wait_for_selector("#updates li a")
    assert "对接会纪要.pdf" in page.inner_text("#updates")
    assert "已完成" in page.inner_text("h1")
    page.screenshot(path=os.path.join(artifacts, "task-reported.png"), full_page=True)

    # The next meeting reports the decision done; the link leads back to the task.
    nxt = Meeting.objects.create(region=power.region, chain=power, title="动力装备产业链下次调度会",
                                 held_on=today + timedelta(days=14))
    browser_login(page, base, "chief")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/work/meetings/{nxt.pk}/")
    earlier = page.locator("#previous-decisions")
    assert "协调本地铸造企业为链主配套曲轴毛坯" in earlier.inner_text() and "已完成" in earlier.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.screenshot(path=os.path.join(artifacts, "next-meeting-phone.png"), full_page=True)
    earlier.locator(f'a[href="/work/tasks/{task.pk}/"]').click()
    page.wait_for_url(f"{base}/work/tasks/{task.pk}/")
    assert errors == []

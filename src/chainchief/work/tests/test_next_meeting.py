"""The home page's "下次调度会" and the "my work" page's coming meetings read one query (work.queries)."""
import datetime

from django.utils import timezone

from chainchief.chains.models import Chain
from chainchief.web.tests.pages import login, text  # noqa: F401
from chainchief.work.models import Meeting


def test_the_offices_home_shows_a_chains_coming_meeting(login):
    power = Chain.objects.get(name="动力装备")
    today = timezone.localdate()
    Meeting.objects.filter(held_on__gte=today).delete()
    meeting = Meeting.objects.create(region=power.region, chain=power, title="动力装备产业链专题调度会",
                                     held_on=today + datetime.timedelta(days=3))
    for username in ("coordinator", "chief", "dept"):
        c = login(username)
        home = text(c.get("/"))
        assert "尚未安排" not in home, username
        assert f'href="/work/meetings/{meeting.pk}/"' in home, username
        assert meeting.title in text(c.get("/work/")), username


def test_a_chief_is_not_shown_another_chains_meeting_as_his_next(login):
    power, chem = Chain.objects.get(name="动力装备"), Chain.objects.exclude(name="动力装备").filter(
        region__name="潍坊市").exclude(roles__person__user__username="chief").first()
    today = timezone.localdate()
    Meeting.objects.filter(held_on__gte=today).delete()
    other = Meeting.objects.create(region=chem.region, chain=chem, title="他链调度会", held_on=today)
    own = Meeting.objects.create(region=power.region, chain=power, title="本链调度会",
                                 held_on=today + datetime.timedelta(days=5))
    home = text(login("chief").get("/"))
    assert own.title in home and other.title not in home
    assert other.title in text(login("coordinator").get("/"))

"""Which year the enterprise figures page opens on, the year selector, and the way to it from the enterprise."""
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from chainchief.enterprises.models import Enterprise
from chainchief.monitoring.models import MonthlyStat


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def options(html):
    select = re.search(r'<select id="cc-year".*?</select>', html, re.S)
    assert select, "no year selector"
    return [(int(v), bool(sel)) for v, sel in re.findall(r'<option value="(\d+)"( selected)?', select.group(0))]


@pytest.fixture
def own(demo_db):
    user = get_user_model().objects.get(username="enterprise")
    return Enterprise.objects.get(pk=next(iter(user.scope.enterprises)))


def test_opens_on_the_latest_year_with_figures_and_offers_every_year(own, client):
    MonthlyStat.objects.filter(enterprise=own, period__year=2021).delete()  # its latest figures are now of 2020
    assert timezone.localdate().year > 2020
    r = login(client, "enterprise").get(f"/monitoring/enterprises/{own.pk}/")
    html = r.content.decode()
    assert r.context["year"] == 2020
    assert options(html) == [(2020, True), (2019, False)]
    assert "2020 年月度数据" in html and f"{timezone.localdate().year} 年暂无" not in html


def test_a_year_without_figures_is_shown_selected_with_a_way_back(own, client):
    r = login(client, "enterprise").get(f"/monitoring/enterprises/{own.pk}/?year=2015")
    html = r.content.decode()
    assert options(html) == [(2021, False), (2020, False), (2019, False), (2015, True)]
    assert "2015 年暂无月度数据" in html and 'href="?year=2021"' in html


def test_an_enterprise_without_figures_names_no_year(demo_db, client):
    bare = Enterprise.objects.filter(stats__isnull=True).first()
    r = login(client, "coordinator").get(f"/monitoring/enterprises/{bare.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "该企业尚无月度数据" in html and "年暂无月度数据" not in html
    assert f"{timezone.localdate().year} 年营业收入" not in html and 'id="cc-year"' not in html


def test_the_enterprise_page_links_its_figures_as_an_active_button(own, client):
    html = login(client, "enterprise").get(f"/enterprises/{own.pk}/").content.decode()
    link = re.search(r'<a [^>]*id="cc-figures-link"[^>]*>', html).group(0)
    assert f'href="/monitoring/enterprises/{own.pk}/"' in link
    assert "btn-outline-primary" in link  # the secondary grey of Bootstrap reads as disabled
    assert "secondary" not in link and "disabled" not in link

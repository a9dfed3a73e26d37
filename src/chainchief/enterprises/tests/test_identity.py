"""An enterprise's official identity (统一社会信用代码, name, 规上 flag) is changed by the chain office or an import,
never by the enterprise's own user, who keeps its contact and profile fields."""
import pytest

from chainchief.enterprises.models import Enterprise
from chainchief.enterprises.tests.test_pages import edit_data, own_enterprise
from chainchief.web.tests.pages import login, text  # noqa: F401


@pytest.mark.parametrize("field,value,label", [
    ("name", "改名后的企业", "企业名称"),
    ("uscc", "91370700MA3C5YXX0Q", "统一社会信用代码"),
    ("is_above_scale", None, "规上企业"),
])
def test_the_enterprise_user_cannot_change_its_identity_through_the_api(api, field, value, label):
    own = own_enterprise()
    client = api("enterprise")
    before = client.get(f"/api/v1/enterprises/{own.pk}").json()
    value = (not before[field]) if value is None else value
    r = client.patch(f"/api/v1/enterprises/{own.pk}", {field: value, "version": before["version"]})
    assert r.status_code == 403, r.content
    message = r.json()["detail"] if "detail" in r.json() else str(r.json())
    assert label in message and "链长办" in message
    own.refresh_from_db()
    assert getattr(own, field) == before[field]


def test_the_enterprise_user_keeps_its_contact_and_profile(api):
    own = own_enterprise()
    client = api("enterprise")
    before = client.get(f"/api/v1/enterprises/{own.pk}").json()
    r = client.patch(f"/api/v1/enterprises/{own.pk}", {"contact_phone": "0536-1234567", "name": before["name"],
                                                       "description": "主营柴油机零部件", "version": before["version"]})
    assert r.status_code == 200, r.content
    assert r.json()["contact_phone"] == "0536-1234567" and r.json()["description"] == "主营柴油机零部件"


def test_the_office_changes_an_enterprises_identity(api):
    own = own_enterprise()
    client = api("coordinator")
    before = client.get(f"/api/v1/enterprises/{own.pk}").json()
    r = client.patch(f"/api/v1/enterprises/{own.pk}", {"name": before["name"] + "（更名）",
                                                       "is_above_scale": not before["is_above_scale"],
                                                       "version": before["version"]})
    assert r.status_code == 200, r.content


def test_the_edit_page_shows_the_identity_read_only_to_the_enterprise_user(login):
    own = own_enterprise()
    c = login("enterprise")
    page = text(c.get(f"/enterprises/{own.pk}/edit/"))
    assert "由链长办变更" in page
    for name in ("uscc", "name", "is_above_scale"):
        tag = page.split(f'name="{name}"')[0].rsplit("<", 1)[1] + page.split(f'name="{name}"')[1].split(">", 1)[0]
        assert "disabled" in tag, name
    r = c.post(f"/enterprises/{own.pk}/edit/", edit_data(own, name="改名后的企业", is_above_scale="",
                                                          contact_name="王经理"))
    assert r.status_code == 302
    own.refresh_from_db()
    assert own.name != "改名后的企业" and own.contact_name == "王经理"
    assert own.is_above_scale == Enterprise.objects.get(pk=own.pk).is_above_scale
    # the office's page still edits them
    assert "disabled" not in text(login("coordinator").get(f"/enterprises/{own.pk}/edit/")).split('name="name"')[1] \
        .split(">", 1)[0]

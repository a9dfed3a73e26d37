"""The chain map pages: map, panel, lists, Excel export, editing with the refusal message, settings."""
import io

import pytest

from chainchief.chains.models import Chain
from chainchief.maps.models import Segment


@pytest.fixture
def power(demo_db):
    return Chain.objects.get(name="动力装备")


def login(client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_pages_render(client, power):
    c = login(client, "dept")
    seg = Segment.objects.get(chain=power, name="柴油机")
    for url in [f"/maps/{power.pk}/", f"/maps/{power.pk}/segments/{seg.pk}/?fragment=1", f"/maps/{power.pk}/lists/",
                f"/maps/{power.pk}/edit/", "/maps/", "/maps/settings/"]:
        r = c.get(url)
        assert r.status_code == 200, url
    assert "柴油机" in c.get(f"/maps/{power.pk}/segments/{seg.pk}/?fragment=1").content.decode()


def test_excel_export(client, power):
    import openpyxl

    r = login(client, "coordinator").get(f"/maps/{power.pk}/export.xlsx")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert {"环节", "企业", "龙头骨干企业清单", "补短板环节", "关键产品技术攻关清单"} <= set(wb.sheetnames)
    assert wb["环节"].max_row > 15


def test_excel_export_never_writes_formulas(client, power):
    import openpyxl

    Segment.objects.create(chain=power, stage="upstream", name='=HYPERLINK("http://x","y")', order=99)
    r = login(client, "coordinator").get(f"/maps/{power.pk}/export.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(r.content))["环节"]
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


def test_edit_page_refuses_delete_with_message(client, power):
    c = login(client, "dept")
    seg = Segment.objects.get(chain=power, name="柴油机")
    r = c.post(f"/maps/{power.pk}/edit/action/", {"action": "delete_segment", "segment": seg.pk}, follow=True)
    assert "仍有企业" in r.content.decode()
    assert Segment.objects.filter(pk=seg.pk).exists()


def test_leader_cannot_open_edit_page(client, power):
    assert login(client, "leader").get(f"/maps/{power.pk}/edit/").status_code == 403

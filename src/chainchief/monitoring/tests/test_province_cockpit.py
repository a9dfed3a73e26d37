"""The province's cockpit speaks of the province: its total is 全省, each city's chain is named with its city, and
a chain's rank and share are within its own city; a city's cockpit is unchanged."""
import re

from chainchief.chains.models import Chain
from chainchief.web.tests.pages import login, text  # noqa: F401


def test_the_provinces_cockpit_speaks_of_the_province_and_names_each_city(login):
    body = text(login("province").get("/monitoring/"))
    assert "全市规上营业收入" not in body and "占全市" not in body and "全市合计" not in body
    assert "全省规上营业收入" in body and "市内排名" in body and "占所在市" in body
    for city in ("潍坊市", "青岛市", "烟台市"):
        assert f'<span class="cc-chain-region">{city}</span>' in body, city
    # every chain row names its city
    table = body.split('id="cc-ranking"')[1].split("</table>")[0]
    rows = re.findall(r'<td class="cc-name">(.*?)</td>', table, re.S)
    assert rows and all("cc-chain-region" in r for r in rows)


def test_a_city_chain_page_read_by_the_province_names_its_city(login):
    power = Chain.objects.get(name="动力装备", region__name="潍坊市")
    body = text(login("province").get(f"/monitoring/chains/{power.pk}/"))
    assert "全市第" not in body and "占全市" not in body and "潍坊市第" in body


def test_the_citys_cockpit_keeps_speaking_of_the_city(login):
    body = text(login("coordinator").get("/monitoring/"))
    assert "全市规上营业收入" in body and "占全市" in body and "cc-chain-region" not in body

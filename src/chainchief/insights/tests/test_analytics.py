"""The /api/v1/analytics/ surface, 延链 suggestions on a hand-worked case, the cache of the page and API under the
data stamp, and the reference data page and imports (reference totals, other places' counts on the segments)."""
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chainchief.accounts.models import Role
from chainchief.chains.models import Chain
from chainchief.core import services as core
from chainchief.core.models import Region, RegionLevel
from chainchief.core.uscc import with_check_digit
from chainchief.enterprises.models import Enterprise, Membership
from chainchief.imports import services as imports
from chainchief.imports.models import BatchStatus
from chainchief.imports.tests.helpers import xlsx
from chainchief.insights import services
from chainchief.insights.models import IOTable, ReferenceTotal, SegmentPresence
from chainchief.maps.models import Segment, SegmentPlacement

pytestmark = pytest.mark.django_db
PATHS = ("linkages", "flows", "location-quotients", "shift-share", "hhi", "extension", "reference-totals")


def _user(name):
    return get_user_model().objects.get(username=name)


# --- The API's surface and who reads it ----------------------------------------------------------------------

def test_every_figure_has_an_analytics_path(api):
    paths = api("coordinator").get("/api/v1/openapi.json").json()["paths"]
    for p in PATHS:
        assert f"/api/v1/analytics/{p}" in paths, p
    assert not [p for p in paths if p.startswith("/api/v1/insights/")]  # the old prefix is gone


def test_anonymous_gets_401_everywhere(api, client):
    for p in PATHS:
        assert api().get(f"/api/v1/analytics/{p}").status_code == 401, p
    r = client.get("/insights/references/")
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_enterprise_user_gets_extension_only_for_its_chains(api):
    e = _user("enterprise")
    mine = set(Chain.objects.restrict(e, "view").filter(is_active=True).values_list("pk", flat=True))
    body = api("enterprise").get("/api/v1/analytics/extension").json()
    assert body["chains"] and {c["chain_id"] for c in body["chains"]} <= mine
    everyone = api("coordinator").get("/api/v1/analytics/extension").json()
    assert len(everyone["chains"]) > len(body["chains"])
    # The same figures for the chains both see: counts over all enterprises, as the chain map counts them.
    theirs = {c["chain_id"]: c for c in everyone["chains"]}
    for c in body["chains"]:
        assert [s["density"] for s in c["suggestions"]] == [s["density"] for s in theirs[c["chain_id"]]["suggestions"]]
    assert api("enterprise").get("/api/v1/analytics/hhi").status_code == 403


def test_a_region_out_of_sight_is_not_found(api):
    other = Region.objects.create(name="某省", code="990000", level=RegionLevel.PROVINCE)
    assert api("coordinator").get(f"/api/v1/analytics/extension?region={other.pk}").status_code == 404
    assert api("admin").get(f"/api/v1/analytics/extension?region={other.pk}").status_code == 200


# --- 延链 on a hand-worked case --------------------------------------------------------------------------------
#
# The five-region, three-segment case of analytics/tests/test_relatedness.py (rows regions A–E, columns p1–p3):
#
#     A  6  2  2      A, B and C: cities of one province, with enterprises placed on the province's chain map
#     B  2  6  2      D and E: counts from a reference table held by A (SegmentPresence)
#     C  2  2  6
#     D  5  5  0      RCA_A = (2, 10/19, 0.625): A has p1 only.
#     E  0  4  6      φ12 = φ23 = 1/3, φ13 = 0; density without the segment itself:
#                     p2 (1·⅓ + 0·⅓)/(⅓ + ⅓) = 0.5, p3 (1·0 + 0·⅓)/(0 + ⅓) = 0.
#
# So A's suggestions are p2 (density 0.5, reason p1 with φ ⅓), then p3 (density 0, no present neighbour).

COUNTS = {"A": (6, 2, 2), "B": (2, 6, 2), "C": (2, 2, 6)}
IMPORTED = {"D": (5, 5, 0), "E": (0, 4, 6)}


@pytest.fixture
def province():
    prov = Region.objects.create(name="测试省", code="980000", level=RegionLevel.PROVINCE)
    cities = {k: Region.objects.create(name=f"{k}市", code=f"98{i + 1:02d}00", level=RegionLevel.CITY, parent=prov)
              for i, k in enumerate("ABC")}
    chain = Chain.objects.create(name="测试链", short_name="测试", region=prov, order=1)
    segs = [Segment.objects.create(chain=chain, stage="midstream", name=f"p{j + 1}", order=j) for j in range(3)]
    n = 0
    for k, row in COUNTS.items():
        for j, count in enumerate(row):
            for _ in range(count):
                n += 1
                ent = Enterprise.objects.create(uscc=with_check_digit(f"9198{n:05d}MA0000000"[:17]), name=f"测试企业{n}",
                                                region=cities[k])
                SegmentPlacement.objects.create(segment=segs[j],
                                                membership=Membership.objects.create(enterprise=ent, chain=chain))
    admin = _user("admin")
    for place, row in IMPORTED.items():
        for j, count in enumerate(row):
            core.create(admin, SegmentPresence, {"region": cities["A"], "place": f"{place}市", "segment": segs[j],
                                                 "enterprises": count})
    # A's own figure and B's come from the platform's maps, whatever a reference table says of B.
    core.create(admin, SegmentPresence, {"region": cities["A"], "place": "B市", "segment": segs[0], "enterprises": 99})
    boss = get_user_model().objects.create_user("prov_office", password="x", role=Role.COORDINATOR, region=prov)
    return {"province": prov, "cities": cities, "chain": chain, "segments": segs, "user": boss}


def _extension(client, user, region):
    client.force_login(user)
    return client.get(f"/api/v1/analytics/extension?region={region.pk}").json()


def test_extension_suggestions_equal_the_hand_worked_case(client, province):
    body = _extension(client, province["user"], province["cities"]["A"])
    assert body["places"] == ["A市", "B市", "C市", "D市", "E市"]
    assert (body["platform_places"], body["imported_places"], body["segments"]) == (2, 2, 3)
    (chain,) = body["chains"]
    assert chain["present_segments"] == 1
    first, second = chain["suggestions"]
    assert (first["segment"], second["segment"]) == ("p2", "p3")
    assert first["density"] == pytest.approx(0.5)
    assert first["rca"] == pytest.approx(10 / 19)
    assert first["local_enterprises"] == 2
    assert first["related"] == [{"segment": "测试链 · p1", "proximity": pytest.approx(1 / 3)}]
    assert second["density"] == pytest.approx(0.0)
    assert second["rca"] == pytest.approx(0.625)
    assert second["related"] == []
    assert "RCA ≥ 1" in body["conventions"] and "φ_jj = 1" in body["conventions"]


def test_extension_needs_three_places(client, province):
    SegmentPresence.objects.filter(region=province["cities"]["A"]).delete()
    c = province["cities"]["C"]
    Membership.objects.filter(enterprise__region=c).delete()
    body = _extension(client, province["user"], province["cities"]["A"])
    assert body["chains"] == [] and "至少 3 个地区" in body["reason"]


def test_a_new_placement_changes_the_cached_figure(client, province):
    """The figure is cached under the data stamp: a second read answers from the cache; a change to a table it is
    computed from (here a placement of the map) gives the new figure at once."""
    a, user = province["cities"]["A"], province["user"]
    client.force_login(user)
    url = f"/api/v1/analytics/extension?region={a.pk}"
    before = client.get(url).json()
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).json() == before
    read = " ".join(q["sql"] for q in second.captured_queries)
    assert "chains_segmentplacement" not in read and "insights_segmentpresence" not in read  # from the cache
    # Two more enterprises of A on p2: A's row becomes (6, 4, 2), RCA_A,p2 = (4/12)/(21/52) = 52/63 < 1, still
    # lacking; its density is unchanged (p1 alone still near it), its local count and RCA are new.
    segs = province["segments"]
    for n in (901, 902):
        ent = Enterprise.objects.create(uscc=with_check_digit(f"9198{n:05d}MA0000000"[:17]), name=f"新企业{n}", region=a)
        SegmentPlacement.objects.create(segment=segs[1], membership=Membership.objects.create(
            enterprise=ent, chain=province["chain"]))
    after = client.get(url).json()
    p2 = next(s for s in after["chains"][0]["suggestions"] if s["segment"] == "p2")
    assert p2["local_enterprises"] == 4
    assert p2["rca"] == pytest.approx((4 / 12) / (21 / 52))


# --- The page: cached, invalidated by a change ----------------------------------------------------------------

def _figures(response):
    page = response.content.decode()
    return page[page.index("<h1"):page.index("{% block scripts")] if "{% block scripts" in page else \
        page[page.index("<h1"):page.rindex("</table>")]


def test_second_page_read_hits_the_cache(client):
    client.force_login(_user("coordinator"))
    first = client.get("/insights/")
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as again:
        second = client.get("/insights/")
    assert _figures(second) == _figures(first)
    sql = " ".join(q["sql"] for q in again.captured_queries)
    for table in ("insights_", "monitoring_chainfigure", "monitoring_monthlystat", "chains_segment"):
        assert table not in sql, table
    assert len(again.captured_queries) < 12  # session, user, stamp: no figure is computed again


def test_a_changed_reference_total_changes_the_cached_location_quotient(api):
    office = _user("coordinator")
    client = api("coordinator")
    before = client.get("/api/v1/analytics/location-quotients").json()
    item = before["items"][0]
    total = ReferenceTotal.objects.get(reference=before["reference"], year=before["year"], chain_id=item["chain_id"])
    services.set_reference_total(office, region=total.region, reference=total.reference, year=total.year,
                                 industry=total.industry, chain=total.chain, value=total.value * 2)
    after = client.get("/api/v1/analytics/location-quotients").json()["items"][0]
    assert after["location_quotient"] == pytest.approx(item["location_quotient"] / 2)


def test_the_page_shows_extension_per_chain_and_labels_illustrative_data(client):
    client.force_login(_user("leader"))
    page = client.get("/insights/").content.decode()
    assert "延链建议（潍坊市）" in page and "cc-extension-list" in page and "已具备" in page
    assert "关联密度" in page and "示意数据" in page


# --- Reference data page and imports --------------------------------------------------------------------------

def test_reference_page_for_readers_and_the_import_for_the_office(client):
    client.force_login(_user("leader"))
    page = client.get("/insights/references/").content.decode()
    assert "山东省" in page and "2020 年" in page and "cc-presence-table" in page and "示意数据" in page
    assert "参照总量导入模板" not in page
    client.force_login(_user("coordinator"))
    page = client.get("/insights/references/").content.decode()
    assert "参照总量导入模板" in page
    assert client.get("/imports/templates/reference_totals/").status_code == 200


def _run(username, rows, kind):
    u = _user(username)
    f = xlsx(rows)
    return imports.run(imports.start(u, f, f.name, kind), u)


TOTALS = [["参照经济", "年份", "产业链", "营业收入（亿元）", "来源"],
          ["全国", 2020, "全部工业", 1000000, "统计年鉴"],
          ["全国", 2020, "动力装备", 5000, "统计年鉴"],
          ["全国", "2020年", "高端化工产业链", "12,000.5", ""]]


def test_reference_totals_import_commits_and_rolls_back():
    batch = _run("coordinator", TOTALS, "reference_totals")
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert batch.new_count == 3 and not ReferenceTotal.objects.filter(reference="全国").exists()  # dry run
    batch = imports.commit(batch, _user("coordinator"))
    assert batch.status == BatchStatus.COMMITTED
    total = ReferenceTotal.objects.get(reference="全国", is_total=True)
    assert total.value == Decimal("10000000000.00")  # 1,000,000 亿元 in 万元
    assert ReferenceTotal.objects.get(reference="全国", industry="高端化工").value == Decimal("120005000.00")
    assert ReferenceTotal.objects.get(reference="全国", industry="动力装备").chain.name == "动力装备"
    imports.rollback(batch, _user("coordinator"))
    assert not ReferenceTotal.objects.filter(reference="全国").exists()


def test_one_bad_reference_row_writes_nothing_and_names_row_column_and_reason():
    rows = [list(r) for r in TOTALS] + [["全国", 2020, "不存在的链", 1, ""], ["全国", "二〇二〇", "汽车制造", 1, ""],
                                        ["全国", 2020, "食品加工", -5, ""]]
    batch = _run("coordinator", rows, "reference_totals")
    assert batch.status != BatchStatus.VALIDATED
    errors = {(e["row"], e["message"]) for e in batch.errors}
    assert (5, "未知的产业链“不存在的链”：应为本区域的产业链名称，全部工业合计填“全部工业”。") in errors
    assert (6, "年份应为四位数字。") in errors
    assert (7, "营业收入不能为负数。") in errors
    assert {e["column"] for e in batch.errors} == {"C 列“产业链”", "B 列“年份”", "D 列“营业收入(亿元)”"}
    with pytest.raises(Exception):
        imports.commit(batch, _user("coordinator"))
    assert not ReferenceTotal.objects.filter(reference="全国").exists()


def test_who_may_import_reference_data():
    from django.core.exceptions import PermissionDenied

    for name in ("leader", "chief", "enterprise"):
        with pytest.raises(PermissionDenied):
            _run(name, TOTALS, "reference_totals")


def test_segment_presence_import():
    power = Chain.objects.get(name="动力装备")
    seg = Segment.objects.filter(chain=power).order_by("order").first()
    rows = [["地区", "产业链", "环节", "企业数", "来源"],
            ["日照市", "动力装备", seg.name, 7, "调查"],
            ["潍坊市", "动力装备", seg.name, 3, ""],  # the region's own count comes from its map
            ["日照市", "动力装备", "没有的环节", 1, ""],
            ["日照市", "汽车制造", Segment.objects.filter(chain__name="汽车制造").first().name, "2.5", ""]]
    batch = _run("coordinator", rows, "segment_presence")
    errors = {(e["row"], e["message"]) for e in batch.errors}
    assert (3, "本地区的企业数取自本地产业链图谱，无须导入。") in errors
    assert (4, "产业链“动力装备”的图谱中没有环节“没有的环节”。") in errors
    assert (5, "企业数应为整数。") in errors
    assert not SegmentPresence.objects.filter(place="日照市").exists()
    batch = _run("coordinator", rows[:2], "segment_presence")
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    imports.commit(batch, _user("coordinator"))
    assert SegmentPresence.objects.get(place="日照市", segment=seg).enterprises == 7


def test_a_changed_mapping_changes_the_cached_page(client):
    client.force_login(_user("coordinator"))
    table = IOTable.objects.get(is_illustrative=True)
    assert "智能农机" not in _figures(client.get("/insights/")).split("cc-dependency-table")[1].split("</table>")[0]
    farm = table.sectors.get(name="农林牧渔业")
    services.map_sectors(_user("coordinator"), table, {farm.pk: Chain.objects.get(name="智能农机")})
    flows = _figures(client.get("/insights/")).split("cc-dependency-table")[1].split("</table>")[0]
    assert "智能农机" in flows  # the sector's chain is a row of the inter-chain flows now


def test_enterprise_page_lists_only_its_chains_for_extension(client):
    e = _user("enterprise")
    mine = {c.name for c in Chain.objects.restrict(e, "view").filter(is_active=True)}
    client.force_login(e)
    page = client.get("/insights/").content.decode()
    section = page[page.index('id="cc-extension"'):]
    start = section.index('name="chain"')
    select = section[start:section.index("</select>", start)]
    assert {n for n in Chain.objects.values_list("name", flat=True) if f">{n}<" in select} == mine

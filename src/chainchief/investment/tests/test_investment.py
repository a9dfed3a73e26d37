"""Investment leads and their pipeline, the catalogue and its import, a segment's ranked candidates, the funnel and
its export, the local supply rate (hand-computed), supply–demand matching, permissions and audit."""
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from chainchief.testing import ids, make_uscc

D = Decimal


def user(name):
    return get_user_model().objects.get(username=name)


def _external(world, name, products, *, segments=(), size="medium", revenue=None, **kw):
    from chainchief.investment.models import ExternalEnterprise

    ext = ExternalEnterprise.objects.create(region=world.city, name=name, province="江苏省", city="无锡市",
                                            main_products=products, size=size, revenue=revenue, **kw)
    ext.segments.set(segments)
    return ext


def _segment(chain, name):
    from chainchief.maps.models import Segment

    return Segment.objects.get(chain=chain, name=name)


# The local supply rate, by hand -------------------------------------------------------------------------------

@pytest.fixture
def small_chain(world):
    """A chain of two members: A (its chain-master) and B, B placed on segment 零件. Their purchases in 2025:
    A buys 300 from a local supplier and 100 from 济南 (outside the city); B buys 50 locally and one more link
    without an amount. Outside the case: A's 2024 purchase, and a purchase by a non-member."""
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Enterprise, Membership, SupplyLink
    from chainchief.maps.models import Segment, SegmentPlacement

    chain = Chain.objects.create(name="测试链", region=world.city)
    ents = [Enterprise.objects.create(uscc=make_uscc(f"91370700MA3TEXT{i:02d}"), name=f"测试企业{i}",
                                      region=world.city) for i in range(4)]
    a, b, local, stranger = ents
    ma = Membership.objects.create(enterprise=a, chain=chain, role="master")
    mb = Membership.objects.create(enterprise=b, chain=chain)
    seg = Segment.objects.create(chain=chain, name="零件", stage="upstream")
    SegmentPlacement.objects.create(segment=seg, membership=mb)
    Segment.objects.create(chain=chain, name="整机", stage="downstream")
    for supplier, customer, product, amount, year in [
            (local, a, "钢材", "300", 2025), (world.other, a, "轴承", "100", 2025), (local, b, "钢材", "50", 2025),
            (world.other, b, "电机", None, 2025), (world.other, a, "钢材", "999", 2024),
            (world.other, stranger, "钢材", "500", 2025)]:
        SupplyLink.objects.create(supplier=supplier, customer=customer, product=product, year=year,
                                  annual_amount=D(amount) if amount else None)
    return {"chain": chain, "a": a, "b": b, "segment": seg, "ma": ma}


def test_the_local_supply_rate_computed_by_hand(small_chain):
    from chainchief.investment import supply

    chain = small_chain["chain"]
    rate = supply.chain_rate(chain, 2025)
    # local 300 + 50 = 350; all 300 + 100 + 50 = 450 (the link without an amount, 2024 and the stranger left out)
    assert (rate.local, rate.total, rate.buyers, rate.links) == (D("350"), D("450"), 2, 3)
    assert rate.rate == D("77.8")  # 350 / 450 = 77.78 %
    data = supply.rates(chain, None, None)
    assert data.year == 2025 and data.years == [2025, 2024]
    segs = {s.name: r for s, r in data.segments}
    assert segs["零件"].rate == D("100.0") and segs["整机"].rate is None  # B bought only locally; nobody on 整机
    [(master, r)] = data.masters
    assert master == small_chain["a"] and r.rate == D("75.0")  # 300 / 400
    assert supply.chain_rate(chain, 2024).rate == D("0.0")  # A's 2024 purchase came from 济南


def test_rate_api_and_pages_read_for_officials_only(small_chain, as_user, login):
    chain = small_chain["chain"]
    r = as_user("coordinator").get(f"/api/v1/investment/chains/{chain.pk}/supply-rate?year=2025")
    assert r.status_code == 200, r.content
    body = r.json()
    assert D(str(body["chain"]["rate"])) == D("77.8") and "本地配套率" in body["definition"]
    assert [m["name"] for m in body["masters"]] == ["测试企业0"]
    assert as_user("enterprise").get(f"/api/v1/investment/chains/{chain.pk}/supply-rate").status_code in (403, 404)
    assert as_user(None).get(f"/api/v1/investment/chains/{chain.pk}/supply-rate").status_code == 401
    page = login("coordinator").get(f"/investment/supply/chains/{chain.pk}/?year=2025").content.decode()
    assert "77.8%" in page and "本地配套率 = 产业链企业当年向本地" in page


def test_demo_power_chain_buys_locally_and_another_chain_does_not(world):
    from chainchief.investment import supply

    power = supply.rates(world.power, None).chain_rate.rate
    info = supply.rates(world.power.__class__.objects.get(name="新一代信息技术"), None).chain_rate.rate
    assert power >= D("80") and info <= D("30"), (power, info)


def test_the_rate_is_shown_on_the_chain_page_and_the_map_with_its_definition(world, login):
    for url in (f"/chains/{world.power.pk}/", f"/maps/{world.power.pk}/"):
        page = login("chief").get(url).content.decode()
        assert 'id="cc-supply-rate"' in page and "本地配套率 = " in page, url
    # An enterprise user reads no chain totals: no card.
    assert 'id="cc-supply-rate"' not in login("enterprise").get(f"/chains/{world.power.pk}/").content.decode()


# Ranked candidates for a segment --------------------------------------------------------------------------------

def test_candidates_are_ranked_by_segment_product_and_size_with_reasons(world):
    from chainchief.investment import queries

    ecu = _segment(world.power, "电控单元（ECU）")
    small = _external(world, "甲电控（测试）", "发动机电控单元", segments=[ecu], size="small", revenue=D("9000"))
    big = _external(world, "乙电控（测试）", "发动机电控单元、线束", segments=[ecu], size="large", revenue=D("90000"))
    product = _external(world, "丙电子（测试）", "发动机电控单元", size="large")
    textile = _external(world, "丁纺织（测试）", "纺织面料", size="large")
    rows = [r for r in queries.candidates(ecu, user("coordinator")) if "（测试）" in r["enterprise"].name]
    assert [r["enterprise"] for r in rows] == [big, small, product]
    assert textile not in [r["enterprise"] for r in rows]  # size alone does not qualify
    assert rows[0]["score"] == 50 + 15 + 20 and rows[1]["score"] == 50 + 15 + 5 and rows[2]["score"] == 15 + 20
    assert rows[0]["reasons"][0] == "企业库登记可补“电控单元（ECU）”环节（+50）"
    assert "主营产品与环节产品相符：发动机电控单元（+15）" in rows[0]["reasons"]
    assert rows[0]["reasons"][-1].startswith("企业规模：大型（+20）")
    assert "低于第" in rows[1]["why_rank"] or "同为" in rows[1]["why_rank"]


def test_candidates_api_and_gap_page(world, as_user, login):
    ecu = _segment(world.power, "电控单元（ECU）")
    r = as_user("chief").get(f"/api/v1/investment/segments/{ecu.pk}/candidates")
    assert r.status_code == 200 and r.json()[0]["reasons"] and r.json()[0]["rank"] == 1
    gaps = as_user("chief").get(f"/api/v1/investment/chains/{world.power.pk}/gaps").json()
    ecu_gap = next(g for g in gaps if g["segment_id"] == ecu.pk)
    assert ecu_gap["strength"] == "missing" and ecu_gap["leads"]
    page = login("chief").get(f"/investment/chains/{world.power.pk}/gaps/").content.decode()
    assert "电控单元（ECU）" in page and "排名理由" in page


# Leads: the pipeline, audit, validation -----------------------------------------------------------------------

def _lead_body(world, target, **kw):
    return {"chain": world.power.pk, "segment": _segment(world.power, "电控单元（ECU）").pk, "target": target.pk,
            "title": "测试招商项目", "department": world.industry.pk, "intended_amount": "5000", **kw}


def test_a_lead_moves_forward_only_each_move_in_its_history_and_the_change_log(world, as_user):
    from chainchief.audit.models import AuditEvent
    from chainchief.investment.models import Lead, LeadStep

    target = _external(world, "测试目标企业", "电控单元")
    dept = as_user("dept")
    before = AuditEvent.objects.count()
    r = dept.post("/api/v1/investment/leads", _lead_body(world, target))
    assert r.status_code == 201, r.content
    lead = r.json()
    assert lead["stage"] == "pitched" and lead["stage_label"] == "推介" and not lead["stalled"]
    assert AuditEvent.objects.count() == before + 2  # the lead and its first history row
    url = f"/api/v1/investment/leads/{lead['id']}/advance"
    r = dept.post(url, {"stage": "signed"})
    assert r.status_code == 400 and "已签约的线索须填写签约投资（万元）。" in r.content.decode()
    r = dept.post(url, {"stage": "signed", "amount": "4000", "note": "签订投资协议"})
    assert r.status_code == 200, r.content
    assert (r.json()["stage"], D(r.json()["contracted_amount"])) == ("signed", D("4000"))
    assert AuditEvent.objects.count() == before + 4
    r = dept.post(url, {"stage": "negotiating"})
    assert r.status_code == 409 and "只能推进到其后的阶段" in r.json()["detail"]
    r = dept.post(url, {"stage": "funded", "amount": "5000"})
    assert r.status_code == 400 and "到位资金不能超过签约投资。" in r.content.decode()
    steps = dept.get(f"/api/v1/investment/leads/{lead['id']}/steps").json()
    assert [(s["from_stage"], s["to_stage"]) for s in steps] == [("", "pitched"), ("pitched", "signed")]
    assert LeadStep.objects.filter(lead_id=lead["id"]).count() == 2
    # The generic PATCH cannot move the stage.
    r = dept.patch(f"/api/v1/investment/leads/{lead['id']}", {"stage": "producing"})
    assert r.status_code == 400 and Lead.objects.get(pk=lead["id"]).stage == "signed"


def test_a_lead_stalls_when_it_stays_too_long_in_a_stage(world, as_user):
    from chainchief.investment import services
    from chainchief.investment.models import Lead

    target = _external(world, "停滞测试企业", "电控单元")
    lead = services.create_lead(user("dept"), {"chain": world.power, "target": target, "title": "停滞线索",
                                               "department": world.industry},
                                on=timezone.localdate() - timedelta(days=61))
    assert lead.is_stalled and lead.stalled_days() == 1
    fresh = services.advance(user("dept"), lead, "negotiating")
    assert not fresh.is_stalled
    stalled = ids(as_user("dept").get("/api/v1/investment/leads?stalled=true&limit=1000"))
    assert lead.pk not in stalled and all(Lead.objects.get(pk=pk).is_stalled for pk in stalled)


@pytest.mark.parametrize("role,chain,expected", [
    ("coordinator", "chem", 201), ("dept", "power", 201), ("chief", "power", 201), ("chief", "chem", 403),
    ("leader", "power", 403), ("commissioner", "power", 403), ("enterprise", "power", 403),
])
def test_who_may_add_a_lead(role, chain, expected, world, as_user):
    from chainchief.audit.models import AuditEvent

    target = _external(world, "权限测试企业", "电控单元")
    chain = getattr(world, chain)
    lead_dept = chain.departments.get(is_lead=True).department
    body = {"chain": chain.pk, "target": target.pk, "title": "权限测试", "department": lead_dept.pk}
    before = AuditEvent.objects.count()
    r = as_user(role).post("/api/v1/investment/leads", body)
    assert r.status_code == expected, r.content
    assert AuditEvent.objects.count() == before + (2 if expected == 201 else 0)


def test_anonymous_gets_401_on_every_list(as_user):
    anon = as_user(None)
    for path in ("/api/v1/investment/leads", "/api/v1/investment/external-enterprises", "/api/v1/investment/needs",
                 "/api/v1/investment/capabilities", "/api/v1/investment/contacts", "/api/v1/investment/leads/funnel",
                 "/api/v1/supply-links"):
        assert anon.get(path).status_code == 401, path


def test_a_chief_reads_every_chains_leads_but_changes_its_own_only(world, as_user):
    from chainchief.investment import services

    target = _external(world, "读写测试企业", "电控单元")
    chem = services.create_lead(user("coordinator"), {"chain": world.chem, "target": target, "title": "化工线索",
                                                      "department": world.chem.departments.get(is_lead=True).department})
    chief = as_user("chief")
    assert chem.pk in ids(chief.get("/api/v1/investment/leads?limit=1000"))
    assert chief.patch(f"/api/v1/investment/leads/{chem.pk}", {"title": "改"}).status_code == 403
    assert chief.post(f"/api/v1/investment/leads/{chem.pk}/advance", {"stage": "negotiating"}).status_code == 403
    # The enterprise user sees only its enterprise's chains' leads.
    seen = ids(as_user("enterprise").get("/api/v1/investment/leads?limit=1000"))
    assert chem.pk not in seen


def test_catalogue_validation_messages_are_chinese(world, as_user):
    from chainchief.testing import wrong_check_char

    r = as_user("coordinator").post("/api/v1/investment/external-enterprises", {
        "name": " ", "province": "江苏省", "main_products": "线束", "uscc": wrong_check_char(make_uscc("91320200MA1WX9990"))})
    assert r.status_code == 400
    text = r.content.decode()
    assert "请填写企业名称。" in text and "校验" in text
    assert as_user("chief").post("/api/v1/investment/external-enterprises", {
        "name": "某企业", "province": "江苏省", "main_products": "线束"}).status_code == 403


def test_funnel_counts_reached_stages_and_exports_xlsx(world, as_user, login):
    data = as_user("coordinator").get(f"/api/v1/investment/leads/funnel?chain={world.power.pk}").json()
    [row] = data["chains"]
    assert data["stages"] == ["推介", "在谈", "签约", "开工", "到资", "投产"]
    assert row["reached"] == sorted(row["reached"], reverse=True) and row["reached"][0] == row["total"]
    assert all(n >= 1 for n in data["total"]["reached"][2:])  # the demo has leads in every stage
    r = login("coordinator").get(f"/investment/funnel/export/?chain={world.power.pk}")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert wb.sheetnames == ["按产业链", "按责任部门"]
    ws = wb["按产业链"]
    assert ws["A2"].value == "动力装备" and ws["B2"].value == row["total"] and ws["C1"].value == "达到推介"


def test_demo_has_leads_in_every_stage_for_missing_segments(world):
    from chainchief.investment.models import STAGES, Lead

    stages = set(Lead.objects.filter(segment__isnull=False).values_list("stage", flat=True))
    assert stages == set(STAGES)


# Matching -----------------------------------------------------------------------------------------------------

def _post(model, enterprise, title, text):
    return model.objects.create(enterprise=enterprise, title=title, text=text)


def test_matching_finds_the_insulator_maker_not_the_textile_firm(world):
    from chainchief.enterprises.models import Enterprise
    from chainchief.investment import matching
    from chainchief.investment.models import Capability, Need

    ents = list(Enterprise.objects.filter(region=world.chem_enterprise.region).order_by("pk")[:3]) or \
        [world.chem_enterprise, world.chem_enterprise2, world.power_member]
    insulator = _post(Capability, world.chem_enterprise, "电瓷绝缘子", "专业生产棒形支柱绝缘子、悬式瓷绝缘子，用于变电站")
    textile = _post(Capability, world.chem_enterprise2, "纺织面料", "生产精梳棉纱线、纺织面料，年产 3000 万米")
    need = _post(Need, world.power_member, "采购绝缘子", "需要采购变电站用支柱绝缘子 5000 支")
    assert "绝缘子" in insulator.terms.split() and "面料" in textile.terms.split()  # kept with the row
    found = matching.match(user("coordinator"), need, k=20)
    caps = [m["capability"] for m in found]
    assert caps[0] == insulator and textile not in caps
    assert {"绝缘子", "变电站", "支柱"} <= set(found[0]["terms"])
    assert "需要" not in matching.tokens(need.text) and "采购" not in matching.tokens(need.text)  # stop words
    assert ents  # the region has enterprises to post for


def test_matching_finds_the_right_supplier_for_a_chinese_need(world, as_user):
    from chainchief.investment.models import Need

    need = Need.objects.get(title="求购曲轴毛坯")
    r = as_user("coordinator").get(f"/api/v1/investment/needs/{need.pk}/matches")
    assert r.status_code == 200
    first = r.json()[0]
    assert first["capability_title"] == "曲轴毛坯锻造" and "曲轴毛坯" in first["terms"] and first["rank"] == 1
    assert all(m["enterprise_id"] != need.enterprise_id for m in r.json())  # not the buyer's own


def test_the_index_scores_as_rank_bm25_does():
    from rank_bm25 import BM25Okapi

    from chainchief.investment.matching import Index

    docs = [["曲轴", "毛坯", "锻造"], ["绝缘子", "电瓷"], ["曲轴", "曲轴", "连杆"], ["纺织", "面料"], ["毛坯", "铸造"]]
    index = Index(range(len(docs)), docs)
    expected = BM25Okapi(docs).get_scores(["曲轴", "毛坯"])
    got = index.scores(["曲轴", "毛坯"])
    for i, score in enumerate(expected):
        assert abs(got.get(i, 0.0) - score) < 1e-9


def test_the_index_is_built_once_and_refreshed_on_change(world):
    from chainchief.investment import matching
    from chainchief.investment.models import Capability, Need

    need = _post(Need, world.power_member, "采购碳纤维", "碳纤维预浸料")
    assert matching.match(user("coordinator"), need) == []
    builds = matching.capabilities.builds
    matching.match(user("coordinator"), need)
    assert matching.capabilities.builds == builds  # nothing changed: not rebuilt
    cap = _post(Capability, world.chem_enterprise, "碳纤维", "碳纤维预浸料加工")
    assert [m["capability"] for m in matching.match(user("coordinator"), need)] == [cap]
    cap.status = "closed"
    cap.save()
    assert matching.match(user("coordinator"), need) == []


def test_matches_follow_the_permission_filter(world, as_user):
    from chainchief.investment.models import Capability, Need

    cap = _post(Capability, world.chem_enterprise, "特种涂料", "船舶防腐特种涂料")
    need = _post(Need, world.own, "采购防腐涂料", "需要船舶防腐涂料")
    assert cap.pk in {m["capability_id"] for m in as_user("coordinator").get(
        f"/api/v1/investment/needs/{need.pk}/matches").json()}
    # The enterprise user sees its own need, but not another enterprise's capability.
    r = as_user("enterprise").get(f"/api/v1/investment/needs/{need.pk}/matches")
    assert r.status_code == 200 and cap.pk not in {m["capability_id"] for m in r.json()}
    assert as_user("chief").get(f"/api/v1/investment/needs/{need.pk}").status_code == 200  # own chain's member
    other = _post(Need, world.chem_enterprise2, "化工需求", "需要防腐涂料")
    assert as_user("chief").get(f"/api/v1/investment/needs/{other.pk}/matches").status_code == 404


def test_a_match_becomes_a_contact_record_with_an_outcome(world, as_user):
    from chainchief.audit.models import AuditEvent
    from chainchief.investment.models import Capability, Contact, Need

    cap = _post(Capability, world.chem_enterprise, "高压复合绝缘子（测试）", "复合绝缘子 输电线路")
    need = _post(Need, world.power_member, "采购复合绝缘子", "需要复合绝缘子")
    client = as_user("coordinator")
    before = AuditEvent.objects.count()
    r = client.post("/api/v1/investment/contacts", {"need": need.pk, "capability": cap.pk})
    assert r.status_code == 201, r.content
    assert "绝缘子" in r.json()["terms"] and D(r.json()["score"]) > 0
    assert AuditEvent.objects.count() == before + 1
    contact = r.json()
    r = client.patch(f"/api/v1/investment/contacts/{contact['id']}", {"outcome": "deal", "version": 1})
    assert r.status_code == 400 and "已签订合同的对接须填写成交金额（万元）。" in r.content.decode()
    r = client.patch(f"/api/v1/investment/contacts/{contact['id']}",
                     {"outcome": "deal", "deal_amount": "320", "version": 1})
    assert r.status_code == 200 and Contact.objects.get(pk=contact["id"]).outcome == "deal"
    r = client.post("/api/v1/investment/contacts", {"need": need.pk, "capability": cap.pk})
    assert r.status_code == 400 and "该需求与该供应能力已有对接记录。" in r.content.decode()
    r = as_user("enterprise").post("/api/v1/investment/contacts", {"need": need.pk, "capability": cap.pk})
    assert r.status_code in (400, 403)


def test_an_enterprise_user_posts_its_own_need(world, as_user):
    r = as_user("enterprise").post("/api/v1/investment/needs", {"title": "采购齿轮钢", "text": "需要齿轮钢 2000 吨"})
    assert r.status_code == 201, r.content
    assert r.json()["enterprise_id"] == world.own.pk
    r = as_user("enterprise").post("/api/v1/investment/needs", {"enterprise": world.chem_enterprise.pk,
                                                                "title": "别家", "text": "x"})
    assert r.status_code in (400, 403)
    r = as_user("enterprise").post("/api/v1/investment/needs", {"title": " ", "text": " "})
    assert r.status_code == 400 and "请填写标题。" in r.content.decode()


# Pages, API surface, supply links ------------------------------------------------------------------------------

def test_every_page_opens(world, login):
    from chainchief.investment.models import Lead, Need

    lead, need = Lead.objects.order_by("pk").first(), Need.objects.order_by("pk").first()
    ecu = _segment(world.power, "电控单元（ECU）")
    client = login("coordinator")
    for url in ("/investment/", "/investment/funnel/", "/investment/catalogue/", "/investment/gaps/",
                f"/investment/chains/{world.power.pk}/gaps/", f"/investment/segments/{ecu.pk}/",
                "/investment/supply/", "/investment/supply/rate/", f"/investment/supply/chains/{world.power.pk}/",
                "/investment/matching/", f"/investment/needs/{need.pk}/", f"/investment/leads/{lead.pk}/",
                "/investment/leads/new/", "/investment/catalogue/new/", "/investment/needs/new/",
                "/investment/capabilities/new/", f"/investment/leads/{lead.pk}/edit/"):
        r = client.get(url, follow=True)
        assert r.status_code == 200, url


def test_pages_refuse_what_the_user_may_not(world, login):
    assert login("leader").get("/investment/leads/new/").status_code == 403
    assert login("enterprise").get(f"/investment/supply/chains/{world.power.pk}/").status_code in (403, 404)
    assert login("chief").get("/investment/catalogue/new/").status_code == 403


def test_advance_form_on_the_page(world, login):
    from chainchief.investment.models import Lead

    lead = Lead.objects.filter(chain=world.power, stage="signed").first()
    client = login("dept")
    r = client.post(f"/investment/leads/{lead.pk}/advance/", {"stage": "started", "version": lead.version})
    assert r.status_code == 302
    lead.refresh_from_db()
    assert lead.stage == "started" and lead.steps.count() == 4


def test_supply_links_page_marks_local_and_outside_suppliers(world, login):
    page = login("coordinator").get(f"/investment/supply/?chain={world.power.pk}").content.decode()
    assert "本地" in page and "无锡市" in page


def test_openapi_has_lead_supply_and_match_paths(as_user):
    paths = list(as_user(None).get("/api/v1/openapi.json").json()["paths"])
    for word in ("lead", "supply", "match"):
        assert any(word in p for p in paths), word


# Import of the catalogue ----------------------------------------------------------------------------------------

HEADER = ["企业名称", "统一社会信用代码", "所在省份", "所在城市", "主营产品", "可补环节", "企业规模", "年营业收入（亿元）"]


def _import(rows, username="coordinator", write=False):
    from chainchief.imports import services
    from chainchief.imports.tests.helpers import xlsx

    u = user(username)
    f = xlsx(rows)
    batch = services.run(services.start(u, f, f.name, "external"), u)
    return services.commit(batch, u) if write else batch


def test_catalogue_import_commits_and_rolls_back(world):
    from chainchief.imports import services
    from chainchief.imports.models import BatchStatus
    from chainchief.investment.models import ExternalEnterprise

    code = make_uscc("91320200MA1MP0001")
    rows = [HEADER, ["导入测试电控有限公司", code, "江苏省", "无锡市", "电控单元、传感器", "电控单元（ECU）、动力装备·传感器",
                     "大型", "12"],
            ["导入测试线束有限公司", "", "浙江省", "宁波市", "线束", "", "中型", ""]]
    batch = _import(rows)
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert not ExternalEnterprise.objects.filter(name__startswith="导入测试").exists()
    batch = _import(rows, write=True)
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    ext = ExternalEnterprise.objects.get(uscc=code)
    assert (ext.size, ext.revenue, ext.region) == ("large", D("120000.00"), world.city)
    assert {s.name for s in ext.segments.all()} == {"电控单元（ECU）", "传感器"}
    services.rollback(batch, user("coordinator"))
    assert not ExternalEnterprise.objects.filter(name__startswith="导入测试").exists()


def test_a_bad_catalogue_row_writes_nothing_and_says_why(world):
    from chainchief.imports.models import BatchStatus
    from chainchief.investment.models import ExternalEnterprise

    rows = [HEADER, ["导入测试甲公司", "", "江苏省", "", "电控", "", "大型", ""],
            ["导入测试乙公司", "", "江苏省", "", "电控", "不存在的环节", "特大型", ""]]
    from chainchief.imports import services

    batch = services.run(_import(rows), user("coordinator"), write=True)
    assert batch.status != BatchStatus.COMMITTED
    assert not ExternalEnterprise.objects.filter(name__startswith="导入测试").exists()
    errors = {(e["row"], e["column"][:1]): e["message"] for e in batch.errors}
    assert errors[(3, "F")] == "图谱中没有环节“不存在的环节”。"
    assert errors[(3, "G")] == "应为 大型、中型、小型 或 微型。"


def test_only_who_may_add_to_the_catalogue_imports(world):
    from chainchief.imports.registry import get

    kind = get("external")
    assert kind.allowed(user("coordinator")) and not kind.allowed(user("chief"))


# Import of supply links -----------------------------------------------------------------------------------------

LINK_HEADER = ["供应方", "供应方统一社会信用代码", "采购方", "产品", "年度采购额（亿元）", "年份", "产业链", "来源"]


def _import_links(rows, username="coordinator"):
    from chainchief.imports import services
    from chainchief.imports.tests.helpers import xlsx

    u = user(username)
    f = xlsx(rows)
    return services.run(services.start(u, f, f.name, "supply_links"), u)


def test_supply_links_import_commits_rolls_back_and_feeds_the_rate(world):
    from chainchief.enterprises.models import SupplyLink
    from chainchief.imports import services
    from chainchief.imports.models import BatchStatus
    from chainchief.investment import supply

    supplier, buyer = world.chem_enterprise, world.power_member
    rows = [LINK_HEADER, [supplier.name, supplier.uscc, buyer.name, "导入测试曲轴", "0.5", 2030, "动力装备", "企业填报"],
            ["", supplier.uscc, buyer.uscc, "导入测试连杆", "0.02", 2030, "", ""]]  # 亿元: 200 万元
    batch = _import_links(rows)
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert batch.preview[0]["supplier"] == supplier.name and batch.preview[0]["amount"]
    batch = services.commit(batch, user("coordinator"))
    assert batch.status == BatchStatus.COMMITTED, batch.errors
    link = SupplyLink.objects.get(product="导入测试曲轴")
    assert (link.supplier, link.customer, link.annual_amount, link.chain) == (supplier, buyer, D("5000.00"), world.power)
    assert supply.chain_rate(world.power, 2030).total == D("5200.00")
    services.rollback(batch, user("coordinator"))
    assert not SupplyLink.objects.filter(product__startswith="导入测试").exists()


def test_a_bad_supply_link_row_names_the_column_and_why(world):
    from chainchief.imports.models import BatchStatus

    rows = [LINK_HEADER, [world.chem_enterprise.name, "", "不存在的企业", "轴承", "1", 2030, "", ""],
            [world.chem_enterprise.name, "", world.chem_enterprise.name, "轴承", "1", 2030, "", ""]]
    batch = _import_links(rows)
    assert batch.status != BatchStatus.COMMITTED
    errors = {(e["row"], e["column"][:1]): e["message"] for e in batch.errors}
    assert "未找到采购方企业“不存在的企业”" in errors[(2, "C")]
    assert errors[(3, "C")] == "供应方与采购方不能是同一家企业。"
    # A chief does not see 高端化工's enterprises: the same supplier is unknown to it.
    chief = _import_links([LINK_HEADER, [world.chem_enterprise.name, "", world.power_member.name, "轴承", "1", 2030,
                                         "", ""]], "chief")
    assert any("未找到供应方企业" in e["message"] for e in chief.errors)

"""Supply links (供应关系): who reads and writes them through the API, and their validation.

A link belongs to both its enterprises: it is seen by whoever may see the supplier's or the customer's enterprise
data, and written only by those who may change it and see both enterprises.
"""
from decimal import Decimal

import pytest

from chainchief.testing import as_user, ids, world  # noqa: F401

PATH = "/api/v1/supply-links"


@pytest.fixture
def links(world):
    """a: own → power_member (动力装备); b: chem_enterprise → own; c: chem → chem2 (高端化工);
    d: served → power_member; e: 济南 → 济南; f: 济南 → chem_enterprise (高端化工)."""
    from chainchief.enterprises.models import SupplyLink

    w = world
    SupplyLink.objects.all().delete()  # these six are the only links (the demo's own are set aside)

    def make(supplier, customer, product, chain=None, amount="100"):
        return SupplyLink.objects.create(supplier=supplier, customer=customer, chain=chain, product=product,
                                         annual_amount=Decimal(amount), year=2021, source="走访调研")

    return {
        "a": make(w.own, w.power_member, "曲轴", w.power),
        "b": make(w.chem_enterprise, w.own, "润滑油"),
        "c": make(w.chem_enterprise, w.chem_enterprise2, "乙烯", w.chem),
        "d": make(w.served, w.power_member, "缸体", w.power),
        "e": make(w.other, w.other2, "钢板"),
        "f": make(w.other, w.chem_enterprise, "催化剂", w.chem),
    }


def _names(links, *keys):
    return {links[k].pk for k in keys}


def _all(client, query=""):
    return ids(client.get(f"{PATH}?limit=1000{query}"))


def test_anonymous_is_401(links, as_user):
    anon, a = as_user(None), links["a"]
    assert anon.get(PATH).status_code == 401
    assert anon.get(f"{PATH}/{a.pk}").status_code == 401
    assert anon.post(PATH, {"supplier": a.supplier_id, "customer": a.customer_id, "product": "x",
                            "year": 2021}).status_code == 401
    assert anon.patch(f"{PATH}/{a.pk}", {"note": "x"}).status_code == 401
    assert anon.delete(f"{PATH}/{a.pk}").status_code == 401
    a.refresh_from_db()
    assert a.version == 1 and a.note == ""


@pytest.mark.parametrize("role,expected", [
    ("admin", "abcdef"),
    ("coordinator", "abcdf"),  # either party in 潍坊市: not the link between two 济南 enterprises
    ("leader", "abcdf"),
    ("chief", "abd"),  # a party in 动力装备
    ("dept", "abd"),  # a party in 动力装备 or 汽车制造
    ("commissioner", "d"),  # a party among its enterprises
    ("enterprise", "ab"),  # its own enterprise as supplier or as customer
])
def test_list_per_role(role, expected, links, as_user):
    assert _all(as_user(role)) == _names(links, *expected)


@pytest.mark.parametrize("role,visible", [("enterprise", False), ("chief", False), ("commissioner", False),
                                          ("coordinator", True)])
def test_read_by_id_outside_scope_is_404(role, visible, links, as_user):
    r = as_user(role).get(f"{PATH}/{links['c'].pk}")
    assert r.status_code == (200 if visible else 404)
    r = as_user("enterprise").get(f"{PATH}/{links['b'].pk}")
    assert r.status_code == 200
    body = r.json()
    assert (body["supplier_name"], body["customer_name"], body["annual_amount"], body["chain_id"]) == (
        links["b"].supplier.name, links["b"].customer.name, "100.00", None)


def test_filters(links, world, as_user):
    client = as_user("coordinator")
    own = world.own.pk
    assert _all(client, f"&enterprise={own}") == _names(links, "a", "b")
    assert _all(client, f"&supplier={own}") == _names(links, "a")
    assert _all(client, f"&customer={own}") == _names(links, "b")
    assert _all(client, f"&chain={world.power.pk}") == _names(links, "a", "d")
    assert _all(client, "&q=曲轴") == _names(links, "a")
    assert _all(client, f"&q={world.chem_enterprise2.name}") == _names(links, "c")
    assert _all(client, "&year=2020") == set()
    # A filter does not widen the scope: the enterprise user asking for another enterprise's links gets none.
    assert _all(as_user("enterprise"), f"&enterprise={world.chem_enterprise.pk}") == _names(links, "b")
    assert _all(as_user("enterprise"), f"&enterprise={world.chem_enterprise2.pk}") == set()


def _payload(w, **extra):
    return {"supplier": w.own.pk, "customer": w.power_member.pk, "chain": w.power.pk, "product": "连杆",
            "annual_amount": "1250.50", "year": 2022, "source": "企业填报", **extra}


@pytest.mark.parametrize("role,expected", [("admin", 201), ("coordinator", 201), ("chief", 201), ("dept", 201),
                                           ("leader", 403), ("commissioner", 403), ("enterprise", 403)])
def test_create_per_role(role, expected, world, as_user):
    from chainchief.audit.models import AuditEvent
    from chainchief.enterprises.models import SupplyLink

    before = AuditEvent.objects.count()
    r = as_user(role).post(PATH, _payload(world))
    assert r.status_code == expected, r.content
    exists = SupplyLink.objects.filter(supplier=world.own, customer=world.power_member, product="连杆").first()
    if expected == 201:
        assert exists is not None and exists.created_by.username == role
        assert exists.annual_amount == Decimal("1250.50")
        assert r.json()["id"] == exists.pk and r.json()["version"] == 1
        event = AuditEvent.objects.order_by("-id").first()
        assert AuditEvent.objects.count() == before + 1 and event.action == "create"
    else:
        assert exists is None and AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", ["chief", "dept"])
def test_chain_staff_cannot_point_a_link_at_an_enterprise_they_cannot_see(role, world, links, as_user):
    from chainchief.enterprises.models import SupplyLink

    client = as_user(role)
    r = client.post(PATH, _payload(world, customer=world.chem_enterprise.pk, chain=None))
    assert r.status_code == 400 and r.json()["errors"]["customer"] == ["所选采购方不存在或无权访问。"]
    assert not SupplyLink.objects.filter(customer=world.chem_enterprise, product="连杆").exists()
    a = links["a"]
    r = client.patch(f"{PATH}/{a.pk}", {"customer": world.chem_enterprise.pk, "chain": None, "version": a.version})
    assert r.status_code == 400 and "customer" in r.json()["errors"]
    a.refresh_from_db()
    assert a.customer_id == world.power_member.pk and a.version == 1


def test_coordinator_cannot_link_two_enterprises_of_another_city(world, as_user):
    r = as_user("coordinator").post(PATH, _payload(world, supplier=world.other.pk, customer=world.other2.pk,
                                                   chain=None))
    assert r.status_code == 400 and "supplier" in r.json()["errors"]


def test_changes_per_role(links, world, as_user):
    a, c = links["a"], links["c"]
    assert as_user("enterprise").patch(f"{PATH}/{a.pk}", {"note": "x"}).status_code == 403
    assert as_user("enterprise").delete(f"{PATH}/{a.pk}").status_code == 403
    assert as_user("commissioner").patch(f"{PATH}/{links['d'].pk}", {"note": "x"}).status_code == 403
    assert as_user("leader").patch(f"{PATH}/{a.pk}", {"note": "x"}).status_code == 403
    assert as_user("chief").patch(f"{PATH}/{c.pk}", {"note": "x"}).status_code == 404
    r = as_user("chief").patch(f"{PATH}/{a.pk}", {"annual_amount": "88", "version": 1})
    assert r.status_code == 200 and r.json()["annual_amount"] == "88.00" and r.json()["version"] == 2
    assert as_user("chief").patch(f"{PATH}/{a.pk}", {"note": "旧版本", "version": 1}).status_code == 409
    assert as_user("dept").delete(f"{PATH}/{a.pk}").status_code == 200
    assert not type(a).objects.filter(pk=a.pk).exists()


@pytest.mark.parametrize("change,field,message", [
    ({"customer": "own"}, "customer", "供应方与采购方不能是同一家企业。"),
    ({"chain": "chem"}, "chain", "所选产业链须是供应方或采购方所在的产业链。"),
    ({"year": 1999}, "year", "年份应在 2000 至 2100 之间。"),
    ({"product": "   "}, "product", "请填写产品。"),
    ({"annual_amount": "-1"}, "annual_amount", None),
])
def test_validation_messages(change, field, message, world, as_user):
    from chainchief.enterprises.models import SupplyLink

    values = {"own": world.own.pk, "chem": world.chem.pk}
    payload = _payload(world, **{k: values.get(v, v) for k, v in change.items()})
    r = as_user("coordinator").post(PATH, payload)
    assert r.status_code == 400, r.content
    errors = r.json()["errors"]
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert not SupplyLink.objects.filter(product="连杆").exists()


def test_the_same_link_twice_is_refused(links, world, as_user):
    a = links["a"]
    r = as_user("coordinator").post(PATH, {"supplier": a.supplier_id, "customer": a.customer_id,
                                           "product": a.product, "year": a.year})
    assert r.status_code == 400, r.content
    assert r.json()["detail"] == "同一供应方、采购方、产品和年份的供应关系已存在。"
    # The same pair with another product or year is another link.
    r = as_user("coordinator").post(PATH, {"supplier": a.supplier_id, "customer": a.customer_id,
                                           "product": a.product, "year": a.year - 1})
    assert r.status_code == 201


def test_restrict_reaches_a_link_through_either_enterprise(links, world):
    """The permission filter called directly: the access paths of both parties count, each on its own."""
    from django.contrib.auth import get_user_model

    from chainchief.core.permissions import CHANGE, VIEW, restrict
    from chainchief.enterprises.models import SupplyLink

    User = get_user_model()
    enterprise = User.objects.get(username="enterprise")
    visible = set(restrict(SupplyLink.objects.all(), enterprise, VIEW).values_list("pk", flat=True))
    assert visible == _names(links, "a", "b")
    assert not restrict(SupplyLink.objects.all(), enterprise, CHANGE).exists()
    dept = User.objects.get(username="dept")
    assert set(restrict(SupplyLink.objects.all(), dept, CHANGE).values_list("pk", flat=True)) == _names(
        links, "a", "b", "d")
    # No row counted twice when both parties are in scope.
    assert restrict(SupplyLink.objects.all(), dept, VIEW).count() == 3

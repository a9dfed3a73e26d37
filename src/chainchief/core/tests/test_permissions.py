"""``restrict(queryset, user, action)`` called directly: the one read filter, per role and scope.

Expected sets are built from the demo's relationships with plain ORM queries, never through ``restrict``.
"""
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from chainchief.core.permissions import ADD, CHANGE, DELETE, VIEW, can, may, restrict


def _user(name):
    return get_user_model().objects.get(username=name)


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


@pytest.fixture
def demo(demo_db):
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Enterprise, Membership

    chains = {c.name: c for c in Chain.objects.all()}

    def members(*names):
        return set(Membership.objects.filter(chain__name__in=names).values_list("enterprise_id", flat=True))

    # The demo also holds two suppliers outside the city (江苏省无锡市): the city's readers do not see them.
    return {"chains": chains, "members": members, "all_enterprises": _ids(Enterprise.objects.all()),
            "city_enterprises": _ids(Enterprise.objects.filter(region__code__startswith="3707"))}


def test_anonymous_and_inactive_see_nothing(demo):
    from chainchief.chains.models import Chain
    from chainchief.core.models import Region
    from chainchief.enterprises.models import Enterprise

    for model in (Chain, Region, Enterprise):
        assert not restrict(model.objects.all(), AnonymousUser(), VIEW).exists()
        assert not restrict(model.objects.all(), None, VIEW).exists()
    leader = _user("leader")
    leader.is_active = False
    assert not restrict(Enterprise.objects.all(), leader, VIEW).exists()


def test_enterprise_view_per_role(demo):
    from chainchief.enterprises.models import Enterprise

    qs = Enterprise.objects.all()
    members = demo["members"]
    expected = {
        "admin": demo["all_enterprises"],
        "coordinator": demo["city_enterprises"],
        "leader": demo["city_enterprises"],
        "chief": members("动力装备"),
        "dept": members("动力装备", "汽车制造"),
        "commissioner": _ids(Enterprise.objects.filter(scoped_users__username="commissioner")),
        "enterprise": _ids(Enterprise.objects.filter(scoped_users__username="enterprise")),
    }
    assert len(expected["commissioner"]) == 10 and len(expected["enterprise"]) == 1
    for role, ids in expected.items():
        assert _ids(restrict(qs, _user(role), VIEW)) == ids, role


def test_enterprise_change_per_role(demo):
    from chainchief.enterprises.models import Enterprise

    qs = Enterprise.objects.all()
    members = demo["members"]
    assert _ids(restrict(qs, _user("leader"), CHANGE)) == set()
    assert _ids(restrict(qs, _user("commissioner"), CHANGE)) == set()
    assert _ids(restrict(qs, _user("chief"), CHANGE)) == members("动力装备")
    assert _ids(restrict(qs, _user("enterprise"), CHANGE)) == _ids(
        Enterprise.objects.filter(scoped_users__username="enterprise"))
    assert _ids(restrict(qs, _user("enterprise"), DELETE)) == set()


def test_chain_scope(demo):
    from chainchief.chains.models import Chain
    from chainchief.enterprises.models import Membership

    chains = demo["chains"]
    every = Chain.objects.all()
    qs = every.filter(region__code="370700")  # 潍坊's 15; the demo's province adds 青岛's, 烟台's and its own
    for role in ("coordinator", "leader", "chief", "dept", "commissioner"):
        assert _ids(restrict(every, _user(role), VIEW)) == _ids(qs), role
    assert qs.count() == 15 and restrict(every, _user("admin"), VIEW).count() == every.count() == 22
    # The province's office reads every city's chains and changes only the provincial ones.
    assert restrict(every, _user("province"), VIEW).count() == 22
    assert _ids(restrict(every, _user("province"), CHANGE)) == _ids(every.filter(region__code="370000"))
    assert _ids(restrict(every, _user("qingdao"), VIEW)) == _ids(every.filter(region__code="370200"))
    own = _ids(Chain.objects.filter(memberships__enterprise__scoped_users__username="enterprise"))
    assert _ids(restrict(qs, _user("enterprise"), VIEW)) == own and chains["动力装备"].pk in own
    assert _ids(restrict(qs, _user("chief"), CHANGE)) == {chains["动力装备"].pk}
    assert _ids(restrict(qs, _user("dept"), CHANGE)) == {chains["动力装备"].pk, chains["汽车制造"].pk}
    assert _ids(restrict(qs, _user("coordinator"), CHANGE)) == _ids(qs)
    for role in ("leader", "commissioner", "enterprise"):
        assert not restrict(qs, _user(role), CHANGE).exists(), role
    # Only region-wide roles add or delete chains.
    for role in ("chief", "dept"):
        assert not may(_user(role), ADD, Chain) and not may(_user(role), DELETE, Chain)
        assert not can(_user(role), DELETE, chains["动力装备"])
    assert may(_user("coordinator"), ADD, Chain) and can(_user("coordinator"), DELETE, chains["高端化工"])
    assert Membership.objects.filter(chain=chains["动力装备"]).exists()


def test_reference_data_is_read_by_everyone_in_the_region_and_written_by_the_office(demo):
    from chainchief.chains.models import ChainTier, WorkModel
    from chainchief.core.models import Department, Person

    for model in (Department, Person, ChainTier, WorkModel):
        # The city's own rows (a work model too belongs to the region that drew it up); not the province's.
        city = model.objects.filter(region__code__startswith="3707")
        for role in ("leader", "chief", "dept", "commissioner", "enterprise"):
            assert _ids(restrict(model.objects.all(), _user(role), VIEW)) == _ids(city), (model, role)
        provincial = model.objects.filter(region__code="370000")
        assert provincial.exists() and _ids(restrict(provincial, _user("province"), CHANGE)) == _ids(provincial)
        assert not restrict(provincial, _user("coordinator"), VIEW).exists()
        assert not may(_user(role), ADD, model) and not restrict(model.objects.all(), _user(role), CHANGE).exists()
        assert _ids(restrict(model.objects.all(), _user("coordinator"), CHANGE)) == _ids(city)
        assert may(_user("coordinator"), ADD, model)


def test_membership_scope(demo):
    from chainchief.enterprises.models import Membership

    qs = Membership.objects.all()
    chains = demo["chains"]
    assert _ids(restrict(qs, _user("chief"), CHANGE)) == _ids(qs.filter(chain=chains["动力装备"]))
    # The chief sees the memberships in its chains (not its enterprises' places in other chains).
    assert _ids(restrict(qs, _user("chief"), VIEW)) == _ids(qs.filter(chain=chains["动力装备"]))
    assert _ids(restrict(qs, _user("enterprise"), VIEW)) == _ids(
        qs.filter(enterprise__scoped_users__username="enterprise"))
    assert not restrict(qs, _user("enterprise"), CHANGE).exists()
    assert not restrict(qs, _user("commissioner"), CHANGE).exists()


def test_audit_is_for_admin_and_coordinator(demo):
    from chainchief.audit.models import AuditAction, AuditEvent
    from chainchief.audit.services import record

    record(_user("leader"), AuditAction.LOGIN, _user("leader"))
    qs = AuditEvent.objects.all()
    assert restrict(qs, _user("admin"), VIEW).count() == qs.count() >= 1
    assert restrict(qs, _user("coordinator"), VIEW).count() == qs.count()
    for role in ("leader", "chief", "dept", "commissioner", "enterprise"):
        assert not restrict(qs, _user(role), VIEW).exists(), role
    assert not restrict(qs, _user("coordinator"), CHANGE).exists()
    assert not may(_user("coordinator"), DELETE, AuditEvent)


def test_scope_is_resolved_from_relationships(demo):
    chains = demo["chains"]
    assert _user("chief").scope.chains == {chains["动力装备"].pk}
    assert _user("dept").scope.chains == {chains["动力装备"].pk, chains["汽车制造"].pk}
    assert len(_user("coordinator").scope.regions) == 13
    assert _user("leader").scope.chains == frozenset() and _user("leader").scope.enterprises == frozenset()


def test_rebase_q_moves_a_rule_onto_the_foreign_key():
    from django.db.models import Q

    from chainchief.core.permissions import rebase_q

    q = Q(enterprise__region__in=[1, 2]) | Q(enterprise__in=[7])
    rooted = rebase_q(q, "enterprise")
    assert rooted.connector == "OR" and rooted.children == [("region__in", [1, 2]), ("pk__in", [7])]
    assert rebase_q(Q(chain__in=[3]), "enterprise") is None  # not expressible from the enterprise: no rows

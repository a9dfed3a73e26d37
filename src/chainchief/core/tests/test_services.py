"""The generic write path (chainchief.core.services) called directly: permission, transaction, validation,
optimistic locking and the audit row."""
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from chainchief.audit.models import AuditEvent
from chainchief.core import services
from chainchief.core.services import Conflict


def _user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def city(demo_db):
    from chainchief.core.models import Region

    return Region.objects.get(name="潍坊市")


@pytest.fixture
def chains(demo_db):
    from chainchief.chains.models import Chain

    return {c.name: c for c in Chain.objects.all()}


def test_create_sets_owner_version_and_writes_audit(city):
    from chainchief.core.models import Department

    before = AuditEvent.objects.count()
    dept = services.create(_user("coordinator"), Department, {"name": "市新设局", "region": city.pk})
    dept.refresh_from_db()
    assert (dept.version, dept.created_by.username, dept.updated_by.username) == (1, "coordinator", "coordinator")
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id, event.after["name"], event.after["region_id"]) == (
        "create", str(dept.pk), "市新设局", city.pk)
    assert event.request_id.startswith("local-")  # outside a request: a fresh id


def test_update_bumps_version_and_records_before_after(chains):
    power = chains["动力装备"]
    old = power.description
    obj = services.update(_user("chief"), power, {"description": "新简介"}, version=power.version)
    assert obj.version == power.version + 1 and obj.updated_by.username == "chief"
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.before["description"], event.after["description"]) == ("update", old, "新简介")
    assert event.user.username == "chief"


def test_update_with_equal_values_is_a_no_op(chains):
    from chainchief.chains.models import ChainTier

    power = chains["动力装备"]
    tier = ChainTier.objects.get(name="千亿级")
    before = AuditEvent.objects.count()
    services.update(_user("coordinator"), power, {"name": "动力装备", "tier": tier.pk, "order": power.order})
    services.update(_user("coordinator"), tier, {"target_scale": Decimal("1000.0"), "target_year": 2025})
    assert AuditEvent.objects.count() == before
    assert type(power).objects.get(pk=power.pk).version == power.version
    assert ChainTier.objects.get(pk=tier.pk).version == tier.version


def test_stale_version_raises_conflict_and_changes_nothing(chains):
    power = chains["动力装备"]
    before = AuditEvent.objects.count()
    with pytest.raises(Conflict) as exc:
        services.update(_user("coordinator"), power, {"description": "x"}, version=power.version - 1)
    assert exc.value.current_version == power.version
    with pytest.raises(Conflict):
        services.delete(_user("coordinator"), power, version=power.version + 1)
    power.refresh_from_db()
    assert power.description != "x" and AuditEvent.objects.count() == before


def test_update_reads_the_current_row_not_the_callers_copy(chains):
    """A caller holding an old copy with version given gets a conflict, even if its copy says otherwise."""
    power = chains["动力装备"]
    stale_copy = type(power).objects.get(pk=power.pk)
    services.update(_user("coordinator"), power, {"description": "先到"})
    with pytest.raises(Conflict):
        services.update(_user("coordinator"), stale_copy, {"description": "后到"}, version=stale_copy.version)
    assert type(power).objects.get(pk=power.pk).description == "先到"


def test_permission_is_checked_and_everything_rolls_back(chains, city):
    from chainchief.chains.models import Chain, ChainRole
    from chainchief.core.models import Person

    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.update(_user("chief"), chains["高端化工"], {"description": "x"})
    with pytest.raises(PermissionDenied):
        services.create(_user("chief"), Chain, {"name": "新链", "region": city.pk})
    person = Person.objects.create(name="某人", title="副市长", region=city)
    with pytest.raises(PermissionDenied):  # created, then found outside the chief's chains: rolled back
        services.create(_user("chief"), ChainRole, {"chain": chains["高端化工"].pk, "person": person.pk})
    assert not ChainRole.objects.filter(person=person).exists()
    with pytest.raises(PermissionDenied):
        services.delete(_user("leader"), chains["高端化工"])
    assert AuditEvent.objects.count() == before


def test_moving_a_row_out_of_scope_rolls_back(chains):
    from chainchief.chains.models import ChainRole

    role = ChainRole.objects.get(chain=chains["动力装备"], kind="chief")
    with pytest.raises(PermissionDenied):
        services.update(_user("chief"), role, {"chain": chains["高端化工"].pk})
    role.refresh_from_db()
    assert role.chain == chains["动力装备"] and role.version == 1


def test_system_fields_are_refused(chains):
    with pytest.raises(ValidationError) as exc:
        services.update(_user("coordinator"), chains["动力装备"], {"version": 9})
    assert "version" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.update(_user("coordinator"), chains["动力装备"], {"created_by": _user("leader").pk})


def test_validation_errors_name_the_field(chains):
    with pytest.raises(ValidationError) as exc:
        services.update(_user("coordinator"), chains["动力装备"], {"tier": 987654})
    assert "tier" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.update(_user("coordinator"), chains["动力装备"], {"name": ""})
    assert "name" in exc.value.message_dict


def test_protected_delete_is_a_conflict_in_chinese(demo_db):
    from chainchief.chains.models import ChainTier

    tier = ChainTier.objects.get(name="五百亿级")
    with pytest.raises(Conflict) as exc:
        services.delete(_user("coordinator"), tier)
    assert "无法删除“五百亿级”" in str(exc.value) and "产业链" in str(exc.value)
    assert ChainTier.objects.filter(pk=tier.pk).exists()


def test_delete_records_before_values(city):
    from chainchief.core.models import Department

    dept = Department.objects.create(name="市临时局", region=city)
    services.delete(_user("coordinator"), dept, version=1)
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id, event.object_repr, event.before["name"], event.after) == (
        "delete", str(dept.pk), "市临时局", "市临时局", None)
    assert event.content_type.model == "department"


def test_set_membership_and_work_item_services(chains):
    from chainchief.chains.models import ChainWorkItem, WorkModelItem
    from chainchief.chains.services import set_work_item
    from chainchief.enterprises.models import Membership
    from chainchief.enterprises.services import set_membership

    power, chem = chains["动力装备"], chains["高端化工"]
    outsider = Membership.objects.filter(chain=chem).exclude(
        enterprise__memberships__chain=power).first().enterprise
    # The chief cannot see 高端化工's enterprise, so it may not pull it into its chain (and so see its figures).
    with pytest.raises(ValidationError) as exc:
        set_membership(_user("chief"), outsider, power, "supporting")
    assert "enterprise" in exc.value.message_dict
    assert not Membership.objects.filter(enterprise=outsider, chain=power).exists()
    row = set_membership(_user("coordinator"), outsider, power, "supporting")
    assert row.chain == power and row.version == 1
    row = set_membership(_user("chief"), outsider, power, "backbone")  # now one of the chief's enterprises
    assert Membership.objects.get(pk=row.pk).role == "backbone" and row.version == 2
    with pytest.raises(PermissionDenied):
        set_membership(_user("chief"), outsider, chem, "master")
    item = WorkModelItem.objects.get(order=3, work_model=power.region.work_model)  # 八个一, not the province's
    current = ChainWorkItem.objects.get(chain=power, item=item)
    row = set_work_item(_user("dept"), power, item, status="done", note="调研报告已印发", version=current.version)
    assert (row.status, row.version) == ("done", current.version + 1)
    with pytest.raises(Conflict):
        set_work_item(_user("dept"), power, item, status="missing", version=current.version)
    with pytest.raises(ValidationError):
        set_work_item(_user("dept"), power, item, status="unknown")


def test_messages_follow_the_interface_language(demo_db):
    """Service errors reach English users in English; Chinese stays the default."""
    from django.contrib.auth import get_user_model
    from django.core.exceptions import PermissionDenied
    from django.utils import translation

    from chainchief.chains.models import Chain
    from chainchief.core import services

    chain = Chain.objects.order_by("pk").first()
    coordinator, leader = (get_user_model().objects.get(username=n) for n in ("coordinator", "leader"))
    with translation.override("en"):
        with pytest.raises(services.Conflict, match="Someone else changed this meanwhile"):
            services.update(coordinator, chain, {"description": "x"}, version=chain.version + 1)
        with pytest.raises(PermissionDenied, match="You may not change"):
            services.update(leader, chain, {"description": "x"})
    with pytest.raises(services.Conflict, match="数据已被他人修改"):
        services.update(coordinator, chain, {"description": "x"}, version=chain.version + 1)

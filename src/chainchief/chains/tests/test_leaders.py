"""Setting a chain's chiefs and departments from its page: add and remove roles, link departments, change the
lead department (the old one stays as a supporting one), per role and scope, audited."""
import pytest

from chainchief.audit.models import AuditAction
from chainchief.chains.models import ChainDepartment, ChainRole, ChainRoleKind
from chainchief.core.models import Department, Person, Region, RegionLevel
from chainchief.web.tests.pages import chain, last_event, login, text  # noqa: F401


def test_coordinator_adds_and_removes_a_deputy_chief(login):
    power = chain("动力装备")
    c = login("coordinator")
    page = text(c.get(f"/chains/{power.pk}/"))
    assert f'href="/chains/{power.pk}/leaders/"' in page
    deputies = page.count(">副链长</span>")
    person = Person.objects.filter(region=power.region).exclude(chain_roles__chain=power).first()
    r = c.post(f"/chains/{power.pk}/leaders/", {"form": "role", "role-person": person.pk,
                                                "role-kind": ChainRoleKind.DEPUTY, "role-order": 5})
    assert r.status_code == 302
    role = ChainRole.objects.get(chain=power, person=person)
    assert role.kind == ChainRoleKind.DEPUTY
    assert last_event(ChainRole, role.pk, AuditAction.CREATE) is not None
    body = text(c.get(f"/chains/{power.pk}/leaders/"))
    assert "已添加副链长" in body and person.name in body
    assert text(c.get(f"/chains/{power.pk}/")).count(">副链长</span>") == deputies + 1
    again = c.post(f"/chains/{power.pk}/leaders/", {"form": "role", "role-person": person.pk,
                                                    "role-kind": ChainRoleKind.DEPUTY, "role-order": 6})
    assert again.status_code == 200 and "已经存在" in text(again)  # the same person in the same role twice
    assert "__all__" not in text(again)
    assert ChainRole.objects.filter(chain=power, person=person).count() == 1
    stale = c.post(f"/chains/{power.pk}/leaders/role/{role.pk}/remove/", {"version": role.version + 1})
    assert stale.status_code == 302 and ChainRole.objects.filter(pk=role.pk).exists()
    assert "数据已被他人修改" in text(c.get(f"/chains/{power.pk}/leaders/"))
    r = c.post(f"/chains/{power.pk}/leaders/role/{role.pk}/remove/", {"version": role.version})
    assert r.status_code == 302 and not ChainRole.objects.filter(pk=role.pk).exists()
    assert last_event(ChainRole, role.pk, AuditAction.DELETE) is not None


def test_a_new_lead_department_takes_the_place_of_the_old_one(login):
    power = chain("动力装备")
    old_lead = power.departments.get(is_lead=True).department
    new = Department.objects.filter(region=power.region).exclude(chain_links__chain=power).first()
    c = login("coordinator")
    r = c.post(f"/chains/{power.pk}/leaders/", {"form": "department", "department-department": new.pk,
                                                "department-is_lead": "on"})
    assert r.status_code == 302
    links = {d.department_id: d.is_lead for d in ChainDepartment.objects.filter(chain=power)}
    assert links[new.pk] is True and links[old_lead.pk] is False
    assert list(links.values()).count(True) == 1
    body = text(c.get(f"/chains/{power.pk}/"))
    assert new.name in body
    # the same department again as a supporting one: its row changes, no second row
    c.post(f"/chains/{power.pk}/leaders/", {"form": "department", "department-department": new.pk})
    assert ChainDepartment.objects.filter(chain=power, department=new).get().is_lead is False


def test_a_department_of_another_city_is_refused(login):
    power = chain("动力装备")
    other = Region.objects.create(name="别市", code="379990", level=RegionLevel.CITY, parent=power.region.parent)
    foreign = Department.objects.create(name="别市工信局", region=other)
    from chainchief.accounts.models import User

    c = login("admin")
    assert User.objects.get(username="admin").is_superuser
    r = c.post(f"/chains/{power.pk}/leaders/", {"form": "department", "department-department": foreign.pk})
    assert r.status_code == 200 and not ChainDepartment.objects.filter(department=foreign).exists()
    assert "department" in r.context["dept_form"].errors


@pytest.mark.parametrize("username, status", [("leader", 403), ("commissioner", 403), ("dept", 403)])
def test_who_may_not_set_chiefs(login, username, status):
    """Read-only roles may not; a lead department's staff may for its own chains only (not 高端化工)."""
    other = chain("高端化工")
    c = login(username)
    assert c.get(f"/chains/{other.pk}/leaders/").status_code == status
    role = other.roles.first()
    assert c.post(f"/chains/{other.pk}/leaders/role/{role.pk}/remove/").status_code == status
    assert ChainRole.objects.filter(pk=role.pk).exists()
    assert "设置链长与部门" not in text(c.get(f"/chains/{other.pk}/"))


def test_staff_of_the_lead_department_set_their_own_chain(login):
    power = chain("动力装备")
    assert login("dept").get(f"/chains/{power.pk}/leaders/").status_code == 200


def test_a_chain_out_of_sight_is_not_found(login):
    from chainchief.enterprises.models import Membership

    mine = Membership.objects.filter(enterprise__scoped_users__username="enterprise").values_list("chain_id", flat=True)
    hidden = chain("高端化工") if chain("高端化工").pk not in set(mine) else chain("动力装备")
    assert hidden.pk not in set(mine)
    c = login("enterprise")
    assert c.get(f"/chains/{hidden.pk}/leaders/").status_code == 404
    assert c.post(f"/chains/{hidden.pk}/leaders/role/{hidden.roles.first().pk}/remove/").status_code == 404


def test_a_row_of_another_chain_is_not_found(login):
    power, other = chain("动力装备"), chain("高端化工")
    role = other.roles.first()
    c = login("coordinator")
    assert c.post(f"/chains/{power.pk}/leaders/role/{role.pk}/remove/").status_code == 404
    assert c.post(f"/chains/{power.pk}/leaders/elsewhere/{role.pk}/remove/").status_code == 404
    assert ChainRole.objects.filter(pk=role.pk).exists()

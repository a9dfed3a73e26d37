"""Importing a chain map's segments: the tree in any row order, stages in words, upsert on chain + name, every
error with its row, re-import unchanged, rollback, and who may import for which chain."""
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from chainchief.chains.models import Chain
from chainchief.imports import services
from chainchief.imports.models import BatchStatus
from chainchief.imports.tests.helpers import xlsx
from chainchief.maps.models import Segment

pytestmark = pytest.mark.django_db
HEADER = ["产业链", "环节名称", "环节位置", "上级环节", "主要产品", "排序"]


def user(name):
    return get_user_model().objects.get(username=name)


def dry(f, username="coordinator"):
    u = user(username)
    return services.run(services.start(u, f, f.name, "segments"), u)


def rows():
    return [HEADER,
            ["动力装备", "曲轴锻造", "", "关键零部件", "曲轴毛坯", 3],  # its parent comes two rows later
            ["动力装备", "氢燃料发动机", "中游", "", "氢内燃机", 20],
            ["动力装备产业链", "关键零部件", "上游", "", "", 2],  # the chain by its full name
            ["动力装备", "柴油机", "中游", "", "重型柴油机、中速柴油机、大缸径发动机、船用柴油机", ""]]  # an update


def test_a_tree_in_any_order_is_imported_and_reimported_unchanged(demo_db):
    power = Chain.objects.get(name="动力装备")
    diesel_before = Segment.objects.get(chain=power, name="柴油机").key_products
    batch = dry(xlsx(rows(), title="动力装备产业链环节表"))
    assert batch.status == BatchStatus.VALIDATED, batch.errors
    assert batch.get_kind_display() == "产业链环节"
    assert (batch.new_count, batch.updated_count, batch.unchanged_count) == (3, 1, 0)
    assert [p["row"] for p in batch.preview] == [3, 4, 5, 6]  # in sheet order, though parents were written first
    assert {p["segment"]: p["parent"] for p in batch.preview}["曲轴锻造"] == "关键零部件"
    assert not Segment.objects.filter(chain=power, name="曲轴锻造").exists()  # a dry run writes nothing
    batch = services.commit(dry(xlsx(rows(), title="动力装备产业链环节表")), user("coordinator"))
    assert batch.status == BatchStatus.COMMITTED
    forged = Segment.objects.get(chain=power, name="曲轴锻造")
    assert forged.parent.name == "关键零部件" and forged.stage == "upstream" and forged.order == 3  # stage from parent
    assert Segment.objects.get(chain=power, name="柴油机").key_products.endswith("船用柴油机")
    again = dry(xlsx(rows(), title="动力装备产业链环节表"))
    assert (again.new_count, again.updated_count, again.unchanged_count) == (0, 0, 4)
    services.rollback(batch, user("coordinator"))
    assert not Segment.objects.filter(chain=power, name__in=["曲轴锻造", "关键零部件", "氢燃料发动机"]).exists()
    assert Segment.objects.get(chain=power, name="柴油机").key_products == diesel_before


def test_every_faulty_row_is_named_and_nothing_is_written(demo_db):
    sheet = rows() + [
        ["不存在的链", "某环节", "上游", "", "", ""],  # row 6
        ["动力装备", "新环节甲", "中下游", "", "", ""],  # row 7: no such stage
        ["动力装备", "新环节乙", "", "", "", ""],  # row 8: a new segment needs a stage
        ["动力装备", "氢燃料发动机", "中游", "", "", ""],  # row 9: the same segment as row 3
        ["动力装备", "循环甲", "上游", "循环乙", "", ""],  # rows 10 and 11 name each other
        ["动力装备", "循环乙", "上游", "循环甲", "", ""],
        ["动力装备", "错位环节", "下游", "柴油机", "", ""],  # row 12: 柴油机 is midstream
        ["动力装备", "孤儿环节", "上游", "没有的上级", "", ""],  # row 13
        ["动力装备", "负序号", "上游", "", "", -1],  # row 14
    ]
    before = Segment.objects.count()
    batch = services.run(dry(xlsx(sheet)), user("coordinator"), write=True)
    assert batch.status != BatchStatus.COMMITTED and "未导入任何数据" in batch.message
    assert Segment.objects.count() == before
    errors = {e["row"]: e for e in batch.errors}
    assert set(errors) == {6, 7, 8, 9, 10, 11, 12, 13, 14}, errors
    assert "未知的产业链" in errors[6]["message"] and "上游、中游 或 下游" in errors[7]["message"]
    assert "须填写环节位置" in errors[8]["message"] and "与第 3 行重复" in errors[9]["message"]
    assert "循环" in errors[10]["message"] and "循环" in errors[11]["message"]
    assert "同一位置" in errors[12]["message"] and "没有环节“没有的上级”" in errors[13]["message"]
    assert errors[7]["column"].startswith("C 列") and errors[13]["column"].startswith("D 列")
    assert errors[12]["column"].startswith("C 列") and errors[12]["value"] == "下游"  # the model's own check
    assert "负数" in errors[14]["message"]


def test_a_chief_imports_for_the_own_chain_only(demo_db):
    sheet = [HEADER, ["动力装备", "链长新增环节", "上游", "", "", ""],
             ["高端化工", "别链环节", "上游", "", "", ""]]
    batch = dry(xlsx(sheet), username="chief")
    assert [e["row"] for e in batch.errors] == [3] and "无权" in batch.errors[0]["message"]
    with pytest.raises(PermissionDenied):
        dry(xlsx(sheet), username="leader")


def test_the_template_names_the_columns(demo_db, client):
    import openpyxl

    client.force_login(user("coordinator"))
    r = client.get("/imports/templates/segments/")
    assert r.status_code == 200
    ws = openpyxl.load_workbook(__import__("io").BytesIO(b"".join(r.streaming_content))).active
    assert [c.value for c in ws[2]][:4] == ["产业链", "环节", "环节位置", "上级环节"]


def _segment(chain, name, stage="upstream", parent=None):
    return Segment.objects.create(chain=chain, name=name, stage=stage, parent=parent)


def test_a_loop_of_parents_is_refused_even_across_rows(demo_db):
    """Each row alone is fine; together the rows would close a loop (S → V → U → W → S)."""
    power = Chain.objects.get(name="动力装备")
    s, u = _segment(power, "环节S"), _segment(power, "环节U")
    _segment(power, "环节V", parent=u)
    _segment(power, "环节W", parent=s)
    sheet = [HEADER, ["动力装备", "环节U", "", "环节W", "", ""], ["动力装备", "环节S", "", "环节V", "", ""]]
    batch = services.run(dry(xlsx(sheet)), user("coordinator"), write=True)
    assert batch.status != BatchStatus.COMMITTED
    assert [(e["row"], "下级环节之下" in e["message"]) for e in batch.errors] == [(3, True)]
    assert Segment.objects.get(pk=s.pk).parent_id is None and Segment.objects.get(pk=u.pk).parent_id is None


def test_a_moved_segment_takes_its_children_along_and_rollback_restores_them(demo_db):
    power = Chain.objects.get(name="动力装备")
    x = _segment(power, "环节X")
    y = _segment(power, "环节Y", parent=x)
    z = _segment(power, "环节Z", parent=y)
    batch = services.commit(dry(xlsx([HEADER, ["动力装备", "环节X", "中游", "", "", ""]])), user("coordinator"))
    assert batch.status == BatchStatus.COMMITTED
    assert {s.name: s.stage for s in Segment.objects.filter(pk__in=[x.pk, y.pk, z.pk])} == {
        "环节X": "midstream", "环节Y": "midstream", "环节Z": "midstream"}
    services.rollback(batch, user("coordinator"))
    assert set(Segment.objects.filter(pk__in=[x.pk, y.pk, z.pk]).values_list("stage", flat=True)) == {"upstream"}
    lone = dry(xlsx([HEADER, ["动力装备", "环节Y", "下游", "", "", ""]]))  # a child cannot leave its parent's stage
    assert [e["row"] for e in lone.errors] == [2] and "随上级环节" in lone.errors[0]["message"]


def test_rollback_of_a_segment_in_use_is_refused_with_a_message(demo_db, client):
    power = Chain.objects.get(name="动力装备")
    batch = services.commit(dry(xlsx([HEADER, ["动力装备", "新环节丙", "上游", "", "", ""]])), user("coordinator"))
    _segment(power, "其下环节", parent=Segment.objects.get(chain=power, name="新环节丙"))
    client.force_login(user("coordinator"))
    r = client.post(f"/imports/{batch.pk}/rollback/", follow=True)
    assert r.status_code == 200 and "无法撤销" in r.content.decode()
    assert Segment.objects.filter(chain=power, name="新环节丙").exists()

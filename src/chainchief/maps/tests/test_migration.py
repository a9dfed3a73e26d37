"""The chain map's move from the chains app: the same tables, rows, content types and import records after it."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("chains", "0003_chain_map"), ("imports", "0002_kind_segments"),
          ("contenttypes", "0002_remove_content_type_name")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_content_types_and_import_records_survive_the_move():
    from chainchief.demo import loader

    if not loader.is_loaded():
        loader.load()
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        OldSegment = old.get_model("chains", "Segment")
        ContentType = old.get_model("contenttypes", "ContentType")
        segment = OldSegment.objects.order_by("pk").first()
        segments, placements = OldSegment.objects.count(), old.get_model("chains", "SegmentPlacement").objects.count()
        assert segments and placements
        ct_id = ContentType.objects.get(app_label="chains", model="segment").pk
        batch = old.get_model("imports", "ImportBatch").objects.create(
            kind="segments", file_name="图谱.xlsx", file_path="x", sha256="0" * 64, status="committed")
        change = old.get_model("imports", "ImportRowChange").objects.create(
            batch=batch, model="chains.segment", object_id=segment.pk, action="create")
    finally:
        new = _migrate(leaves)
    Segment = new.get_model("maps", "Segment")
    assert Segment.objects.count() == segments
    assert new.get_model("maps", "SegmentPlacement").objects.count() == placements
    assert Segment.objects.get(pk=segment.pk).name == segment.name
    moved = new.get_model("contenttypes", "ContentType").objects.get(pk=ct_id)
    assert (moved.app_label, moved.model) == ("maps", "segment")
    assert new.get_model("imports", "ImportRowChange").objects.get(pk=change.pk).model == "maps.segment"

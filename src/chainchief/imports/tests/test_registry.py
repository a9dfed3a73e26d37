"""The registry of import kinds: the ten kinds in their order, the batch's choices read from it, an unknown
kind answered in Chinese, a key taken twice refused."""
import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from chainchief.imports import registry
from chainchief.imports.kinds.base import Kind
from chainchief.imports.kinds.enterprises import Enterprises
from chainchief.imports.models import ImportBatch


def test_the_kinds_in_the_order_users_see_them():
    assert list(registry.kinds()) == ["enterprises", "monthly_stats", "segments", "placements", "tasks",
                                      "key_projects", "reference_totals", "segment_presence", "external",
                                      "supply_links"]
    assert registry.get("enterprises").label == "企业名录"


def test_the_batch_kind_choices_are_the_registered_kinds():
    assert ImportBatch._meta.get_field("kind").choices == [
        ("enterprises", "企业名录"), ("monthly_stats", "月度统计"), ("segments", "产业链环节"), ("placements", "环节企业"),
        ("tasks", "任务"), ("key_projects", "重点项目"), ("reference_totals", "参照总量"),
        ("segment_presence", "参照地区环节企业数"), ("external", "招商目标企业库"),
        ("supply_links", "供应关系")]


def test_an_unknown_kind_is_a_validation_error_naming_the_known_ones():
    with pytest.raises(ValidationError) as exc:
        registry.get("meetings")
    message = exc.value.message_dict["kind"][0]
    assert "未知的导入类型“meetings”" in message and "enterprises、monthly_stats" in message


def test_a_key_is_registered_once():
    class Impostor(Kind):
        key = "enterprises"

    with pytest.raises(ImproperlyConfigured):
        registry.register(Impostor())
    registry.register(Enterprises())  # the same kind again (a second ready()) is harmless
    assert type(registry.get("enterprises")) is Enterprises


def test_a_kind_needs_a_key():
    with pytest.raises(ImproperlyConfigured):
        registry.register(Kind())

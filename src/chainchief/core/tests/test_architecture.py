"""The layers of the house (pyproject.toml, [tool.importlinter]; docs/architecture.md): import-linter keeps its
contracts, and every app of the project has its place in the layers."""
import pkgutil
import tomllib
from pathlib import Path

import chainchief
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[4]
CONFIG = ROOT / "pyproject.toml"


def _contracts():
    return tomllib.loads(CONFIG.read_text())["tool"]["importlinter"]["contracts"]


def _top_level():
    return {m.name for m in pkgutil.iter_modules(chainchief.__path__)} - {"settings", "wsgi", "locale"}


def test_import_contracts_are_kept():
    assert lint_imports(config_filename=str(CONFIG), no_cache=True, no_logo=True) == 0


def test_every_app_has_one_place_in_the_layers():
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    placed = [name.strip() for layer in layers["layers"] for name in layer.split("|")]
    assert sorted(placed) == sorted(set(placed)), "an app appears in two layers"
    assert set(placed) == _top_level(), "every app (and top-level module) of chainchief is in one layer"


def test_core_is_forbidden_every_other_app():
    (forbidden,) = [c for c in _contracts() if c["name"].startswith("core imports no other app")]
    assert set(forbidden["forbidden_modules"]) == {f"chainchief.{name}" for name in _top_level() - {"core"}}

"""The linky core stands alone: no Home Assistant, no glue module, imported by anything."""

from __future__ import annotations

import ast
from pathlib import Path
import subprocess
import sys

import pytest

PACKAGE = Path(__file__).parent.parent / "custom_components" / "enedis_gateway"
CORE = sorted(
    path.stem for path in (PACKAGE / "linky").glob("*.py") if path.stem != "__init__"
)
GLUE = sorted(path.stem for path in PACKAGE.glob("*.py") if path.stem != "__init__")


def test_core_imports_without_home_assistant() -> None:
    """Every linky module imports in a Python where homeassistant cannot be imported."""
    modules = [f"custom_components.enedis_gateway.linky.{name}" for name in CORE]
    script = (
        "import importlib, sys\n"
        "sys.modules['homeassistant'] = None\n"  # any import of it raises ImportError
        # Load the sub-package alone: the integration's __init__ is Home Assistant glue.
        "import types\n"
        "for name, path in (('custom_components', 'custom_components'),"
        " ('custom_components.enedis_gateway', 'custom_components/enedis_gateway')):\n"
        "    module = types.ModuleType(name)\n"
        "    module.__path__ = [path]\n"
        "    sys.modules[name] = module\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(n for n in sys.modules if n.startswith('homeassistant')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PACKAGE.parent.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['homeassistant']"
    assert len(modules) >= 10


@pytest.mark.parametrize("name", CORE)
def test_core_imports_no_glue(name: str) -> None:
    """A linky module imports only the standard library, aiohttp and its siblings."""
    tree = ast.parse((PACKAGE / "linky" / f"{name}.py").read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    outside = {
        module
        for module in imported
        if module.startswith("..")
        or module.split(".")[0] in {"homeassistant", "custom_components"}
        # A glue module's name, unless the standard library's (calendar.py).
        or module.split(".")[0] in set(GLUE) - sys.stdlib_module_names
    }
    assert outside == set()

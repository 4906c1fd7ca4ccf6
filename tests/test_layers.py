"""The package reads as the pipeline: no stage imports a later one (request <- library <- engine <- decide <-
render, letters and regress on top, the command line last). Lazy imports inside functions count too."""
import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "checker"
# Stage of each top-level part of the package, in pipeline order; a module may import its own stage or earlier.
STAGES = {
    "errors": 0, "paths": 0,
    "request": 1,
    "library": 2,
    "engine": 3,
    "decide": 4, "pipeline": 4, "rules_test": 4,
    "render": 5,
    "letters": 6,
    "regress": 7, "batch": 7,
    "service": 8,
    "cli": 9, "__main__": 9,
}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name):
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported(path):
    """Absolute names of the checker modules a file imports (relative imports resolved)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.split(".")[0] == "checker")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "checker":
                continue
            for alias in node.names:  # from . import x: x may be a module or a name
                sub = f"{target}.{alias.name}"
                yield sub if _is_module(sub) else target


def _stage(module):
    parts = module.split(".")
    if len(parts) == 1:
        return None  # the package itself (__version__)
    return STAGES[parts[1]]


def test_every_part_of_the_package_has_a_stage():
    parts = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
             if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists())) and p.name != "__init__.py"}
    assert parts <= set(STAGES), f"give these a stage in STAGES: {sorted(parts - set(STAGES))}"


def test_no_stage_imports_a_later_one():
    backward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _stage(_module_name(path))
        for target in _imported(path):
            there = _stage(target)
            if here is not None and there is not None and there > here:
                backward.append(f"{path.relative_to(ROOT)} imports {target}")
    assert not backward, "\n".join(backward)


def test_the_check_sees_lazy_imports(tmp_path):
    """A function-level import is found: the check cannot pass by hiding an import in a function."""
    fake = PACKAGE / "request" / "model.py"
    names = set(_imported(fake))
    assert "checker.errors" in names and "checker.request.vocabulary" in names
    cli = set(_imported(PACKAGE / "cli" / "reports.py"))
    assert "checker.pipeline" in cli  # imported inside the command function

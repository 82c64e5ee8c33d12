"""Data flows one way (mt -> align -> eval): a lower stage never imports a higher one; public code is typed and documented."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"mt": {"align", "eval"}, "align": {"eval"}}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_stage_does_not_import_later_stages(package: str) -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imported_packages(p) & FORBIDDEN[package])
        for p in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _public_api_gaps(path: Path) -> list[str]:
    """Public functions and methods of `path` without a one-line docstring summary or a type hint, and such classes."""
    gaps: list[str] = []

    def check_docstring(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, name: str) -> None:
        doc = ast.get_docstring(node)
        if not doc:
            gaps.append(f"{name}: no docstring")
        elif "\n" in doc.split("\n\n")[0]:
            # The guide's one-line docstring: details may follow, after a blank line (PEP 257's summary line).
            gaps.append(f"{name}: docstring summary runs over more than one line")

    def visit(body: list[ast.stmt], owner: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                check_docstring(node, owner + node.name)
                visit(node.body, f"{owner}{node.name}.")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.name.startswith("_") and node.name != "__init__":
                    continue
                name = owner + node.name
                if node.name != "__init__" or ast.get_docstring(node):
                    check_docstring(node, name)
                args = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
                gaps.extend(f"{name}: argument {a.arg} has no type" for a in args
                            if a.annotation is None and a.arg not in ("self", "cls"))
                if node.returns is None and node.name != "__init__":
                    gaps.append(f"{name}: no return type")

    visit(ast.parse(path.read_text(encoding="utf-8")).body, "")
    return gaps


@pytest.mark.parametrize("package", ["mt", "align", "eval"])
def test_public_functions_have_type_hints_and_a_docstring(package: str) -> None:
    gaps = {str(p.relative_to(ROOT)): _public_api_gaps(p) for p in sorted((ROOT / package).rglob("*.py"))}
    assert {k: v for k, v in gaps.items() if v} == {}

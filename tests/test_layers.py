"""Dependencies point one way: the import-linter contracts in pyproject.toml hold (ARCHITECTURE.md, "Layers")."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    # This checkout's packages come first, whatever the environment has installed in editable mode.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [str(lint_imports), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"an import breaks a layer contract (see `lint-imports`):\n{report}"


def _workflow_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every `workflows...` module a file imports, with `from workflows.x import y` read as
    `workflows.x.y` (y is a module there) or `workflows.x` (y is a name)."""
    import ast

    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("workflows"):
            parts = node.module.split(".")
            if len(parts) == 2:  # from workflows.pay import flows / schemas
                out += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
            else:
                out.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("workflows")]
    return out


def test_routes_import_only_their_features_flows_and_schemas() -> None:
    """A route calls its feature's `flows.py` (the use cases) and speaks its `schemas.py`; the shared kit
    (`workflows.shared`: paging, ETags, schemas) is allowed, any other workflow module is not."""
    wrong = []
    for path in sorted((ROOT / "api" / "routes").glob("*.py")):
        for line, module in _workflow_imports(path):
            parts = module.split(".")
            allowed = parts[1] == "shared" or (len(parts) == 3 and parts[2] in ("flows", "schemas"))
            if not allowed:
                wrong.append(f"api/routes/{path.name}:{line} imports {module}")
    assert wrong == [], "\n".join(wrong)


def test_workflows_commit_only_in_the_use_case_runner() -> None:
    """A use case writes; `workflows/shared/common.py` (`commit`, `@use_case`, `run_once`) commits. A commit
    anywhere else is a second transaction boundary nobody reviews."""
    import ast

    found = []
    for path in sorted((ROOT / "workflows").rglob("*.py")):
        if path == ROOT / "workflows" / "shared" / "common.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"):
                continue
            owner = node.func.value
            if not (isinstance(owner, ast.Name) and owner.id == "common"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == [], "commit through workflows.shared.common instead:\n" + "\n".join(found)


def test_routes_return_their_response_model() -> None:
    """Routes return models: no route builds a raw JSONResponse (which FastAPI sends unvalidated), and a route
    that declares `response_model=X` is annotated to return X, so mypy checks what the use case gives it."""
    import ast

    wrong = []
    for path in sorted((ROOT / "api" / "routes").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "JSONResponse" in source:
            wrong.append(f"api/routes/{path.name} uses JSONResponse")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for deco in node.decorator_list:
                if not isinstance(deco, ast.Call):
                    continue
                model = next((k.value for k in deco.keywords if k.arg == "response_model"), None)
                if model is not None and (node.returns is None or ast.unparse(node.returns) != ast.unparse(model)):
                    returns = ast.unparse(node.returns) if node.returns is not None else "nothing"
                    wrong.append(f"api/routes/{path.name}:{node.lineno} {node.name} returns {returns}")
    assert wrong == [], "\n".join(wrong)

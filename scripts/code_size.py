"""Module and function size figures for issue 12 ("rooms of a size one can read").

Prints the modules over MODULE_LIMIT lines and the functions over FUNCTION_LIMIT lines (an AST
scan, so a function's length runs from its `def` to its last line, decorators excluded), for the
application code: the apps, sample data and scripts, without migrations and tests. Cyclomatic
complexity is ruff's C901 rule, configured in pyproject.toml.

    python scripts/code_size.py [--modules N] [--functions N] [path ...]
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOTS = (
    "renovation",
    "programmes",
    "funding",
    "governance",
    "reporting",
    "sampledata",
    "scripts",
    "docker",
    "manage.py",
)
MODULE_LIMIT = 400
FUNCTION_LIMIT = 80


def python_files(roots: list[str]) -> Iterator[Path]:
    for root in roots:
        path = Path(root)
        candidates = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for candidate in candidates:
            if "migrations" in candidate.parts or ".venv" in candidate.parts:
                continue
            yield candidate


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def long_functions(path: Path, limit: int) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > limit:
                yield length, node.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=MODULE_LIMIT, help="module line limit")
    parser.add_argument("--functions", type=int, default=FUNCTION_LIMIT, help="function limit")
    parser.add_argument("paths", nargs="*", default=list(ROOTS))
    args = parser.parse_args(argv)

    files = list(python_files(args.paths))
    modules = sorted(
        ((line_count(path), str(path)) for path in files if line_count(path) > args.modules),
        reverse=True,
    )
    functions = sorted(
        (
            (length, str(path), name)
            for path in files
            for length, name in long_functions(path, args.functions)
        ),
        reverse=True,
    )

    print(f"Modules over {args.modules} lines: {len(modules)}")
    for lines, name in modules:
        print(f"  {lines:6d}  {name}")
    print(f"Functions over {args.functions} lines: {len(functions)}")
    for length, name, function in functions:
        print(f"  {length:6d}  {name}  {function}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

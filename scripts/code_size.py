"""Module and function size figures for issue 12 ("rooms of a size one can read").

Prints the modules over `module-lines` lines and the functions over `function-lines` lines (an
AST scan: a function runs from its `def` to its last line, decorators excluded) of the
application code: the apps, sample data and scripts, without migrations and tests. The limits
and the paths counted apart (demo data, generators, the benchmark) are read from
`[tool.code_size]` in pyproject.toml. Cyclomatic complexity is ruff's C901 rule.

    python scripts/code_size.py [--modules N] [--functions N] [path ...]

Paths are relative to the project root.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import tomllib
from collections.abc import Iterator
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
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


def settings() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        return tomllib.load(handle).get("tool", {}).get("code_size", {})


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


def report(title: str, files: list[Path], modules: int, functions: int) -> None:
    too_long = sorted(
        ((line_count(path), str(path)) for path in files if line_count(path) > modules),
        reverse=True,
    )
    print(f"{title}modules over {modules} lines: {len(too_long)}")
    for lines, name in too_long:
        print(f"  {lines:6d}  {name}")
    long = sorted(
        ((n, str(path), name) for path in files for n, name in long_functions(path, functions)),
        reverse=True,
    )
    print(f"{title}functions over {functions} lines: {len(long)}")
    for length, name, function in long:
        print(f"  {length:6d}  {name}  {function}")


def main(argv: list[str] | None = None) -> int:
    os.chdir(ROOT)
    config = settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=config.get("module-lines", 400))
    parser.add_argument("--functions", type=int, default=config.get("function-lines", 80))
    parser.add_argument("paths", nargs="*", default=list(ROOTS))
    args = parser.parse_args(argv)

    excluded = config.get("exclude", [])
    files = list(python_files(args.paths))
    counted = [path for path in files if not any(fnmatch(path.as_posix(), g) for g in excluded)]
    apart = [path for path in files if path not in counted]
    report("", counted, args.modules, args.functions)
    if apart:
        print(f"\nCounted apart ([tool.code_size] exclude: {', '.join(excluded)}):")
        report("  ", apart, args.modules, args.functions)
    return 0


if __name__ == "__main__":
    sys.exit(main())

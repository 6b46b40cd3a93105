"""Print the module-to-module imports between the project's apps (rows import columns).

Used for the architecture figures in closing notes and the README:
    .venv/bin/python scripts/import_matrix.py
A cell above the diagonal is an import against the layers (lint-imports fails on it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

APPS = ["renovation", "programmes", "funding", "governance", "reporting", "sampledata"]


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    graph = grimp.build_graph(*APPS, include_external_packages=False)
    width = max(len(app) for app in APPS) + 2
    print("importer \\ imported".ljust(width + 10) + "".join(app[:10].rjust(12) for app in APPS))
    upward = 0
    for row, importer in enumerate(APPS):
        cells = []
        for col, imported in enumerate(APPS):
            if importer == imported:
                cells.append("·".rjust(12))
                continue
            details = graph.find_matching_direct_imports(
                import_expression=f"{importer}.** -> {imported}.**"
            )
            lines = len(details)
            # The root URLconf mounts every app's pages: the one allowed upward import.
            upward += sum(1 for d in details if col > row and d["importer"] != "renovation.urls")
            cells.append(str(lines).rjust(12))
        print(importer.ljust(width + 10) + "".join(cells))
    print(f"imports against the layers, besides the root URLconf: {upward}")


if __name__ == "__main__":
    main()

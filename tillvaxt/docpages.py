"""The docs pages generated from code, so a page never drifts from what the code does.

    python -m tillvaxt.docpages           # rewrite every page under docs/
    python -m tillvaxt.docpages --check   # exit 1, naming the stale pages, if any differs

`tests/unit/test_docpages.py` fails when a committed page differs from its generated text.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from tillvaxt.publish.schema import markdown_tables
from tillvaxt.rules.catalogue import markdown_table

# Page (relative to the repository) -> the function that writes its text.
PAGES: dict[str, Callable[[], str]] = {
    "docs/findings-rules.md": markdown_table,
    "docs/warehouse-tables.md": markdown_tables,
}


def stale(root: Path) -> list[str]:
    """The pages under `root` whose text is not what the code generates now."""
    return [
        page
        for page, text in PAGES.items()
        if not (root / page).is_file() or (root / page).read_text(encoding="utf-8") != text()
    ]


def write(root: Path) -> list[str]:
    """Rewrite every generated page under `root`; returns the pages written."""
    for page, text in PAGES.items():
        (root / page).parent.mkdir(parents=True, exist_ok=True)
        (root / page).write_text(text(), encoding="utf-8")
    return list(PAGES)


def main(argv: list[str]) -> int:
    root = Path.cwd()
    if argv == ["--check"]:
        pages = stale(root)
        for page in pages:
            print(f"{page} is stale: run `python -m tillvaxt.docpages`", file=sys.stderr)
        return 1 if pages else 0
    if argv:
        print("usage: python -m tillvaxt.docpages [--check]", file=sys.stderr)
        return 2
    for page in write(root):
        print(f"wrote {page}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

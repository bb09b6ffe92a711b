"""The docs pages generated from code are committed as generated: rules and tables never drift."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO
from tillvaxt import docpages
from tillvaxt.publish.schema import TABLES
from tillvaxt.rules import CATALOGUE


def test_committed_generated_pages_equal_what_the_code_generates() -> None:
    assert docpages.stale(REPO) == [], "run `uv run python -m tillvaxt.docpages` and commit"


def test_the_rule_page_lists_every_rule_with_its_severity(tmp_path: Path) -> None:
    docpages.write(tmp_path)
    text = (tmp_path / "docs" / "findings-rules.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert [row.split(" | ")[:2] for row in rows] == [
        [f"| `{r.name}`", r.severity] for r in CATALOGUE
    ]
    assert "| `statistics_withheld` | warning |" in text
    assert docpages.stale(tmp_path) == []
    (tmp_path / "docs" / "findings-rules.md").write_text(text.replace("error", "warn"), "utf-8")
    assert docpages.stale(tmp_path) == ["docs/findings-rules.md"]


def test_the_table_page_has_a_section_per_published_table() -> None:
    text = docpages.PAGES["docs/warehouse-tables.md"]()
    assert [line[4:-1] for line in text.splitlines() if line.startswith("## `")] == list(TABLES)
    assert "| `paid_sek` | decimal(18,2) | yes | Net amount paid in SEK" in text

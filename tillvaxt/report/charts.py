"""Charts as inline SVG text (matplotlib's SVG backend): no files, no network.

The HTML report embeds them directly and the Dagster materialization carries the same
SVG, so the page and the UI show one picture. Text stays text in the SVG (searchable,
no font files needed).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import cache

import pandas as pd

from tillvaxt.instruments import REPORT_ORDER, instrument_name
from tillvaxt.report.tables import label, swedish


@cache
def _pyplot():
    """matplotlib's pyplot, imported and set up on the first chart, not when the
    definitions load (about a second that a run without charts, the UI and an
    unchanged rerun need not pay)."""
    import matplotlib

    matplotlib.use("Agg")  # no display; must precede pyplot
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["svg.hashsalt"] = "tillvaxt"  # stable ids: the same data, the same SVG
    return plt


def _formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(_grouped)


USAGE_CHART = "Utbetalt per insats och år (kr)"


def _grouped(value: float, _pos: object = None) -> str:
    """An axis label as the tables write numbers: `1 000 000`, `0,5` (decimal comma)."""
    if float(value).is_integer():
        return swedish(value)
    return swedish(value, 2).rstrip("0")


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    _pyplot().close(fig)
    text = buf.getvalue()
    return text[text.index("<svg") :]


def paid_per_instrument_svg(usage: pd.DataFrame, appropriation: str = "1:1") -> str:
    """Grouped bars: net SEK paid per instrument, one group per year."""
    mine = usage[usage["appropriation"] == appropriation]
    table = mine.pivot_table(
        index="year", columns="instrument", values="paid_sek", aggfunc="sum"
    ).fillna(0)
    cols = sorted(
        table.columns, key=lambda c: (REPORT_ORDER.index(c) if c in REPORT_ORDER else 99, c)
    )
    fig, ax = _pyplot().subplots(figsize=(8, 3.2))
    years = list(table.index)
    width = 0.8 / max(len(cols), 1)
    for i, code in enumerate(cols):
        xs = [j + i * width for j in range(len(years))]
        ax.bar(xs, [float(v) for v in table[code]], width, label=instrument_name(code))
    ax.set_xticks([j + width * (len(cols) - 1) / 2 for j in range(len(years))])
    ax.set_xticklabels([str(y) for y in years])
    ax.yaxis.set_major_formatter(_formatter())
    ax.set_ylabel("Utbetalt (kr)")
    ax.set_title(f"Utbetalt per insats och år, anslag {appropriation}")
    ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _all_margins(frame: pd.DataFrame, keep: tuple[str, ...]) -> pd.DataFrame:
    """Rows where every group dimension except `keep` is the margin `Totalt`."""
    dims = [
        c for c in ("kon", "bakgrund", "utbildning", "inkomstklass", "aldersgrupp") if c in frame
    ]
    mask = pd.Series(True, index=frame.index)
    for d in dims:
        if d not in keep:
            mask &= frame[d] == "Totalt"
    return frame[mask]


def group_svg(group: pd.DataFrame, year: int, value: str, title: str) -> str | None:
    """Bars of `value` by kön × bakgrund for all instruments (`Alla`); None when not available."""
    needed = {"year", "instrument", "kon", "bakgrund", value}
    if not needed <= set(group.columns):
        return None
    base = group[(group["year"].astype("int64") == year) & (group["instrument"] == "Alla")]

    def shown(frame: pd.DataFrame) -> pd.DataFrame:
        """Published, non-empty cells: suppressed cells (`..`) and empty groups are not drawn."""
        if "suppressed" in frame:
            frame = frame[~frame["suppressed"].fillna(False).astype(bool)]
        if "recipients" in frame:
            frame = frame[pd.to_numeric(frame["recipients"], errors="coerce").fillna(0) > 0]
        return frame.dropna(subset=[value])

    # Every published cell of the kön × bakgrund table and of its margins (not the
    # grand total): a withheld cross cell leaves its margins to tell the story.
    g = shown(_all_margins(base, ("kon", "bakgrund")))
    g = g[(g["kon"] != "Totalt") | (g["bakgrund"] != "Totalt")]
    depth = (g["kon"] != "Totalt").astype(int) + (g["bakgrund"] != "Totalt").astype(int)
    order = depth * 10 + (g["kon"] == "Totalt").astype(int)
    g = g.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")
    hidden = len(_all_margins(base, ("kon", "bakgrund"))) - 1 - len(g)
    if hidden > 0:
        title = f"{title}\n({hidden} skyddade eller tomma celler visas inte)"
    labels = [
        ", ".join(label(x) for x in (k, b) if x != "Totalt")
        for k, b in zip(g["kon"], g["bakgrund"], strict=True)
    ]
    fig, ax = _pyplot().subplots(figsize=(8, 0.32 * len(g) + 1.0))
    ax.barh(labels, [float(v) for v in g[value]])
    if value == "representation_ratio":
        ax.axvline(1.0, color="black", linewidth=0.8)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(_formatter())
    ax.set_title(title)
    ax.invert_yaxis()
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def report_charts(
    tables: Mapping[str, pd.DataFrame], year: int, usage_svg: str | None = None
) -> dict[str, str]:
    """Every chart the year's report has data for: caption → SVG.

    The usage chart shows every year and is the same for each year's report: pass it
    as `usage_svg` when it is drawn once for the run.
    """
    charts: dict[str, str] = {}
    if usage_svg is not None:
        charts[USAGE_CHART] = usage_svg
    elif "appropriation_usage" in tables and len(tables["appropriation_usage"]):
        charts[USAGE_CHART] = paid_per_instrument_svg(tables["appropriation_usage"])
    group = tables.get("support_by_group")
    if group is not None:
        for value, caption in (
            ("paid_sek", f"Utbetalt {year} per kön och bakgrund (kr)"),
            (
                "representation_ratio",
                f"Representationskvot {year}: andel av mottagarna / andel i befolkningen",
            ),
        ):
            svg = group_svg(group, year, value, caption)
            if svg:
                charts[caption] = svg
    return charts

"""The controller's appropriation file: allocation and credit per year."""

from __future__ import annotations

from tools.sample_data.common import ALLOCATIONS, encode_csv, sv_amount


def write_appropriations() -> bytes:
    """The controller's file: allocation and credit per year; saving cap left empty."""
    rows = [["År", "Anslag", "Tilldelat belopp", "Anslagskredit", "Högsta anslagssparande"]]
    for year, allocated in ALLOCATIONS.items():
        credit = allocated / 10
        rows.append(
            [
                str(year),
                "1:1",
                sv_amount(allocated, " ", "minimal"),
                sv_amount(credit, " ", "minimal"),
                "",
            ]
        )
    return encode_csv(rows, "utf-8-sig", "\r\n", trailing_blank=False)

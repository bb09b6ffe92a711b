"""Statistics Sweden's baseline: business leaders per municipality and group."""

from __future__ import annotations

import random

from tools.sample_data.common import ALDER, BAKGRUND, UTBILDNING, encode_csv


def write_business_leaders(rng: random.Random, year: int) -> bytes:
    """SCB baseline: people who lead a business, full cross of the dimensions (~25 000).

    Integer arithmetic only, so the counts cannot drift with floating point.
    """
    kommun_total = {
        "1315": 1_150,
        "1380": 7_300,
        "1381": 2_050,
        "1382": 3_300,
        "1383": 5_050,
        "1384": 6_150,
    }
    growth = 100 + 2 * (year - 2017)
    kon_w = {"K": 28, "M": 72}
    bak_w = dict(zip(BAKGRUND, (83, 13, 4), strict=True))
    utb_w = dict(zip(UTBILDNING, (10, 47, 20, 23), strict=True))
    age_w = dict(zip(ALDER, (5, 29, 51, 15), strict=True))
    rows = [["År", "Kommun", "Kön", "Bakgrund", "Utbildning", "Åldersgrupp", "Antal"]]
    for kommun, total in kommun_total.items():
        for kon, kw in kon_w.items():
            for bak, bw in bak_w.items():
                for utb, uw in utb_w.items():
                    for age, aw in age_w.items():
                        noise = rng.randint(85, 115)
                        count = (
                            total
                            * growth
                            * kw
                            * bw
                            * uw
                            * aw
                            * noise
                            // (100 * 100 * 100 * 100 * 100 * 100)
                        )
                        rows.append([str(year), kommun, kon, bak, utb, age, str(count)])
    return encode_csv(rows, "utf-8-sig", "\r\n", trailing_blank=False)

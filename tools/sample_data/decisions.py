"""The case system's decision snapshots: the older CSV and the newest XLSX.

The XLSX is written with fixed document properties into a zip with fixed timestamps and
no compression (stored entries do not depend on the zlib version), so it is byte-stable.
"""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date, datetime
from decimal import Decimal

from tools.sample_data.common import NBSP, encode_csv, sv_amount
from tools.sample_data.contract import DECISION_COLUMNS
from tools.sample_data.model import Decision, Ledger, spell

PRIORITIES = {
    "SV1.1": "Regionförstoring söderut och norrut",
    "SV1.2": "Samplanering mellan politikområden",
    "SV1.3": "Infrastrukturbehov för näringslivet",
    "SV1.4": "God tillgång till bredband",
    "SV2.1": "Attraktiva stadsmiljöer",
    "SV2.2": "Livsmiljö på landsbygden",
    "SV2.3": "God och jämlik samhällsservice",
    "SV2.4": "Utjämna hälsoskillnader",
    "SV2.5": "Kultur för ett socialt hållbart samhälle",
    "SV2.6": "Koldioxidneutral ekonomi och hållbar resurshantering",
    "SV2.7": "Insatser för förnyelsebar energi och fossilfria transporter",
    "SV3.1": "Regionalt innovationssystem",
    "SV3.2": "Innovationsupphandling",
    "SV3.3": "Halländska styrkeområden",
    "SV3.4": "Forskning och utveckling i företag",
    "SV3.5": "Omställning och förnyelse i företag",
    "SV3.6": "Entreprenörskap",
    "SV4.1": "Högre studier och yrkesstudier som ett naturligt val",
    "SV4.2": "Halland i framkant avseende senaste tekniken",
    "SV5.1": "Strategiska allianser",
    "SV5.2": "Fler och växande internationella företag",
    "SV5.3": "God internationell tillgänglighet",
    "SV5.4": "Ökad kännedom om Hallands attraktivitet",
    "SV6.1": "En god start i livet",
    "SV6.2": "Alla elever ska fullfölja grund- och gymnasieskolan",
    "SV6.3": "Barn och ungas entreprenöriella kompetenser",
    "SV7.1": "Regional struktur för matchning mellan arbetsmarknad och utbildning",
    "SV8.1": "En jämställd arbetsmarknad",
    "SV8.2": "Anställningsbarhet hos invånare långt från arbetsmarknaden",
    "SV8.3": "Social innovation och socialt företagande",
}


UNKNOWN_PRIORITY_TEXT = "Hållbar turism"


DECISIONS_OLD = "decisions/beslut_20180110.csv"


DECISIONS_NEW = "decisions/beslut_20190110.xlsx"


OLD_SNAPSHOT_DATE = date(2018, 1, 10)


NEW_SNAPSHOT_DATE = date(2019, 1, 10)


FIXED_XLSX_TIME = datetime(2019, 1, 10, 6, 0, 0)


def decision_record(d: Decision, old: bool) -> dict[str, str | Decimal | None]:
    granted = d.old_granted if old and d.old_granted is not None else d.granted
    return {
        "Diarienummer": d.case_id,
        "Beslutsdatum": d.old_date_text if old and d.old_date_text else d.date.isoformat(),
        "Insats": d.instrument,
        "Organisationsnummer": spell(d.org, d.org.spell_offset + (2 if old else 1)),
        "Sökande": d.org.name,
        "Projektnamn": d.title,
        "Beviljat belopp": granted,
        "Medfinansiering": d.cofin,
        "Projektstart": d.start.isoformat(),
        "Projektslut": d.end.isoformat(),
        "Prioritering": (d.old_priority or d.priority) if old else d.priority,
        "Status": (d.old_status or d.status) if old else d.status,
        "EU-ärende": d.eu_case,
    }


def ordered_decisions(ledger: Ledger) -> list[Decision]:
    return sorted(ledger.decisions, key=lambda d: d.case_id)


def write_old_decisions(ledger: Ledger) -> tuple[bytes, dict[str, int]]:
    """The 2018-01-10 snapshot as the case system's CSV export (Windows-1252)."""
    rows = [list(DECISION_COLUMNS)]
    lines: dict[str, int] = {}
    for d in ordered_decisions(ledger):
        if not d.in_old or d.date > OLD_SNAPSHOT_DATE:
            continue
        record = decision_record(d, old=True)
        cells = []
        for column in DECISION_COLUMNS:
            value = record[column]
            if isinstance(value, Decimal):
                value = sv_amount(value, " ", "minimal")
            cells.append("" if value is None else str(value))
        rows.append(cells)
        lines[d.case_id] = len(rows)
    return encode_csv(rows, "cp1252", "\r\n", trailing_blank=False), lines


def write_new_decisions(ledger: Ledger, rng: random.Random) -> tuple[bytes, dict[str, int]]:
    """The 2019-01-10 snapshot as XLSX: amounts as numbers on some rows, Swedish text
    on others (as real exports do), dates as ISO text."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    wb = Workbook()
    ws = wb.active
    ws.title = "Beslut"
    ws.append(list(DECISION_COLUMNS))
    lines: dict[str, int] = {}
    for d in ordered_decisions(ledger):
        record = decision_record(d, old=False)
        as_text = rng.random() < 0.4
        cells: list[object] = []
        for column in DECISION_COLUMNS:
            value = record[column]
            if isinstance(value, Decimal):
                value = sv_amount(value, rng.choice((" ", NBSP)), rng.choice(("always", "minimal"))) if as_text else int(value)  # fmt: skip
            cells.append(None if value in ("", None) else value)
        ws.append(cells)
        lines[d.case_id] = ws.max_row
    wb.properties.creator = "Diariet"
    wb.properties.created = FIXED_XLSX_TIME
    wb.properties.modified = FIXED_XLSX_TIME
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).write_data()
    return normalise_zip(raw.getvalue()), lines


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps/attributes and stored entries (byte-stable)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst,
    ):
        for name in src.namelist():
            info = zipfile.ZipInfo(name, date_time=FIXED_XLSX_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            dst.writestr(info, src.read(name))
    return out.getvalue()

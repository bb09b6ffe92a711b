"""The support instruments financed from the appropriation, as the raw-input spec lists them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Instrument:
    """An instrument: report name, cap per decision (öre) and whether co-financing ≥ grant is required."""

    code: str
    name: str
    cap_ore: int | None
    requires_cofinancing: bool


INSTRUMENTS: dict[str, Instrument] = {
    i.code: i
    for i in (
        Instrument("UTV", "Utvecklingscheckar", 100_000_00, True),
        Instrument("FOU", "FoU-checkar", 250_000_00, True),
        Instrument("ENERGI", "Energikartläggningscheckar", 50_000_00, True),
        Instrument("PROJ", "Utvecklingsprojekt", None, False),
        Instrument("EUMED", "Medfinansiering EU-projekt", None, False),
        Instrument("DRIFT", "Särskilt driftstöd (kommersiell service)", None, False),
    )
}

# The order of the seed's table "Användning av anslag 1:1 (Kr)".
REPORT_ORDER = ["ENERGI", "FOU", "PROJ", "EUMED", "UTV", "DRIFT"]


def instrument_name(code: str) -> str:
    """The instrument's name in reports; an unknown code is shown as itself."""
    inst = INSTRUMENTS.get(code)
    return inst.name if inst else code

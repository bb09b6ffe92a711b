"""The raw files' headers as the source systems write them (docs/inputs.md), declared once
for the two writers of raw trees that must not take them from the product: this generator
and the generated-tree tests (`tests/generated/treegen.py`). Each is the file's header line,
so a reader checks it against the contract at a glance."""

from __future__ import annotations

PAYOUT_HEADER = (
    "Verifikationsnummer;Bokföringsdatum;Diarienummer;Organisationsnummer;Mottagare;Insats;"
    "Belopp;Anslag;Kommun"
)
# `EU-ärende`, the last column, is optional: older exports end with `Status`.
DECISION_HEADER = (
    "Diarienummer;Beslutsdatum;Insats;Organisationsnummer;Sökande;Projektnamn;Beviljat belopp;"
    "Medfinansiering;Projektstart;Projektslut;Prioritering;Status;EU-ärende"
)
# Tillväxtverket's project bank, comma-separated.
EU_HEADER = (
    "ärende-id,område,insatsområde,tematiskt_mål,stödmottagare,projektnamn,"
    "beviljat_belopp_sek,projekt_starttid,projekt_sluttid,län,kommuner"
)

PAYOUT_COLUMNS = tuple(PAYOUT_HEADER.split(";"))
DECISION_COLUMNS = tuple(DECISION_HEADER.split(";"))
EU_COLUMNS = tuple(EU_HEADER.split(","))

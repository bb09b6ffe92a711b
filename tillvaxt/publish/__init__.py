"""Publishing finished tables: exact money, masked personal data, whole-or-nothing writes."""

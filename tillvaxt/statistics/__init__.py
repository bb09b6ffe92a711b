"""Statistics for report authors: support by person group (with disclosure control) and survey estimates."""

"""Printable documents made from engine results: the company advice (and later call sheets, plans)."""

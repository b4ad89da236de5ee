"""Comptoir's date and time formats (``FORMAT_MODULE_PATH``), per language.

Comptoir's users are European: dates day first and a 24-hour clock in every
language. French keeps Django's own formats (they already are); English,
which Django prints US-style, is overridden here.
"""

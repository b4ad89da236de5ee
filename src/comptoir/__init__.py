"""Comptoir: a privacy-by-design commercial back office."""

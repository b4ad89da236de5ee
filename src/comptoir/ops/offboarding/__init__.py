"""Tenant offboarding (``services``: deletion three months after the
subscription ends, keys destroyed, replay after a restore) and the
organisation's export (``export``: everything it owns, as one ZIP)."""

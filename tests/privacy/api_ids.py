"""Real ids of the privacy routes' path parameters, for the API sweeps of tests/api."""

from datetime import timedelta

from django.utils import timezone


def privacy_ids(api) -> dict:
    """A breach, a register recipient and processor, a rights request."""
    now = timezone.now()

    def created(path, body):
        response = api.post(path, json=body)
        assert response.status_code == 201, (path, response.json())
        return response.json()["id"]

    return {
        "breach_id": created("/api/breaches", breach_body(now)),
        "recipient_id": created(
            "/api/privacy/register/recipients", {"kind": "external", "name": "Expert-comptable"}
        ),
        "processor_id": created(
            "/api/privacy/register/processors",
            {"name": "Hébergeur", "service": "Hosting", "country": "FR"},
        ),
        "rights_request_id": created(
            "/api/rights-requests", {"kind": "access", "requester_email": "asker@example.net"}
        ),
    }


def breach_body(now) -> dict:
    return {
        "occurred_from": (now - timedelta(days=1)).isoformat(),
        "aware_at": (now - timedelta(hours=2)).isoformat(),
        "description": "Base exposée.",
        "natures": ["confidentiality"],
        "data_categories": ["identity"],
        "people_categories": ["staff"],
        "people_count": 2,
        "records_count": 2,
    }

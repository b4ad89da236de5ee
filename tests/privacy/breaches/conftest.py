from datetime import UTC, datetime, timedelta

import pytest
from faker import Faker

from comptoir.audit.services import Actor
from comptoir.privacy.breaches import services

fr = Faker("fr_FR")

# The moment every countdown test stands at (time-machine travels here).
NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)


def facts(**values) -> dict:
    """The facts of a breach, as a person recording it would give them."""
    return {
        "occurred_from": NOW - timedelta(days=2),
        "occurred_until": NOW - timedelta(days=1, hours=20),
        "aware_at": NOW - timedelta(hours=1),
        "description": (
            f"Un ordinateur portable de {fr.name()} a été volé dans un train; "
            "il contenait un export des contacts clients."
        ),
        "natures": ["confidentiality"],
        "data_categories": ["identity", "commercial"],
        "people_categories": ["clients", "contact_persons"],
        "people_count": 1250,
        "records_count": 3400,
        "consequences": "Hameçonnage ciblé des clients concernés.",
        "measures_taken": "Mots de passe réinitialisés, session à distance révoquée.",
        "measures_proposed": "Chiffrement intégral des disques de tous les portables.",
        **values,
    }


@pytest.fixture
def owner(world):
    return Actor.user(world.member("owner").pk)


@pytest.fixture
def record(world, owner, time_machine):
    """``record(**facts)``: a breach of organisation A, recorded at NOW."""
    time_machine.move_to(NOW, tick=False)

    def build(organisation=None, **values):
        return services.breach_record(
            actor=owner, organisation=organisation or world.org_a, **facts(**values)
        )

    return build

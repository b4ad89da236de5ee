"""Generated people and organisations (Faker fr_FR and nl_BE): never real ones."""

from datetime import date

import factory
from faker import Faker

from comptoir.accounts.models import User
from comptoir.ops.demo import fake_be_enterprise_number, fake_siren, fr_vat_from_siren
from comptoir.tenancy.models import Organisation

PASSWORD = "Comptoir-test-2026!"
_fr = Faker("fr_FR")
_be = Faker("nl_BE")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}.{_fr.user_name()}@example.test".lower())
    password = factory.django.Password(PASSWORD)


class FrenchOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    legal_name = factory.LazyFunction(lambda: _fr.company())
    legal_form = "SAS"
    country = "FR"
    siren = factory.LazyFunction(lambda: fake_siren(_fr))
    vat_number = factory.LazyAttribute(lambda o: fr_vat_from_siren(o.siren))
    address_line = factory.LazyFunction(lambda: _fr.street_address())
    postal_code = factory.LazyFunction(lambda: _fr.postcode())
    city = factory.LazyFunction(lambda: _fr.city())
    privacy_contact_name = factory.LazyFunction(lambda: _fr.name())
    privacy_contact_email = "dpo@example.test"
    subscription_start = factory.LazyFunction(date.today)


class BelgianOrganisationFactory(FrenchOrganisationFactory):
    legal_name = factory.LazyFunction(lambda: _be.company())
    legal_form = "BV"
    country = "BE"
    siren = ""
    enterprise_number = factory.LazyFunction(lambda: fake_be_enterprise_number(_be))
    vat_number = factory.LazyAttribute(lambda o: f"BE{o.enterprise_number}")
    postal_code = factory.LazyFunction(lambda: _be.postcode())
    city = factory.LazyFunction(lambda: _be.city())

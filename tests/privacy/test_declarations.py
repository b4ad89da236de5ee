"""Every field that can hold personal data is declared, and declarations are checked."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from comptoir.accounts.models import User
from comptoir.audit.models import AuditEvent
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import BlindIndexField, EncryptedCharField, EncryptedEmailField
from comptoir.privacy.models import EncryptedModel
from comptoir.privacy.registry import (
    Registry,
    can_hold_personal_data,
    read_declaration,
    registry,
)
from comptoir.tenancy.models import Organisation
from comptoir.tenancy.scope import TenantModel
from tests.privacy.models import APP_LABEL, Person

IDENTITY = Personal(Category.IDENTITY, [Purpose.CONTRACT_MANAGEMENT], OnErasure.DELETE)
ENCRYPTED = Personal(
    Category.IDENTITY, [Purpose.CONTRACT_MANAGEMENT], OnErasure.DELETE, encrypted=True
)


def installed_models():
    """Every model of every installed app (Django's, allauth's, django-tasks'
    and Comptoir's), but the models this test package builds."""
    return [
        model
        for config in apps.get_app_configs()
        if config.label != APP_LABEL
        for model in config.get_models()
    ]


def test_every_field_that_can_hold_personal_data_is_declared():
    undeclared = {
        model._meta.label: registry.undeclared(model)
        for model in installed_models()
        if registry.undeclared(model)
    }
    assert undeclared == {}, (
        "declare these fields personal (Privacy.fields, or privacy/third_party.py for "
        "another package's model) or not personal (not_personal)"
    )


def test_the_check_covers_the_models_of_other_packages():
    labels = {model._meta.label for model in installed_models()}
    assert {
        "account.EmailAddress",
        "mfa.Authenticator",
        "sessions.Session",
        "django_tasks_database.DBTaskResult",
        "auth.Permission",
    } <= labels


def test_other_packages_models_are_in_the_register():
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.sessions.models import Session
    from django_tasks_db.models import DBTaskResult

    address = registry.for_model(EmailAddress)
    assert address.subject == "user" and address.retention is retention.INACTIVE_ACCOUNT
    assert address.fields["email"].category == Category.IDENTITY
    assert address.fields["email"].on_erasure == OnErasure.DELETE
    authenticator = registry.for_model(Authenticator)
    assert authenticator.fields["data"].purposes == (Purpose.SECURITY,)
    session = registry.for_model(Session)
    assert session.retention is retention.TECHNICAL_COOKIES
    assert session.fields["session_data"].category == Category.CONNECTION
    tasks = registry.for_model(DBTaskResult)
    assert {"args_kwargs", "return_value", "traceback"} <= set(tasks.fields)
    assert tasks.retention is retention.CONNECTION_LOGS
    labels = {f.label for f in registry.personal_fields()}
    assert {"account.EmailAddress.email", "sessions.Session.session_data"} <= labels
    assert "accounts.EmailAddressSeal.email" in labels


class Undeclared(models.Model):  # noqa: DJ008
    name = models.CharField(max_length=10)
    born_on = models.DateField()
    created_at = models.DateTimeField()
    counter = models.IntegerField()

    class Meta:
        app_label = APP_LABEL

    class Privacy:
        fields = {"name": IDENTITY}
        retention = retention.PROSPECT


def test_the_completeness_check_sees_an_undeclared_field():
    local = Registry()
    local.register(Undeclared)
    assert local.undeclared(Undeclared) == ["born_on"]
    assert Registry().undeclared(Undeclared) == ["name", "born_on"]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (models.EmailField(), True),
        (models.SlugField(), True),
        (models.URLField(), True),
        (models.TextField(), True),
        (models.GenericIPAddressField(), True),
        (models.JSONField(), True),
        (models.FileField(), True),
        (models.BinaryField(), True),
        (models.DateField(), True),
        (EncryptedCharField(), True),
        (models.DateTimeField(), False),
        (models.IntegerField(), False),
        (models.BooleanField(), False),
    ],
)
def test_which_fields_can_hold_personal_data(field, expected):
    field.concrete = True  # an unbound field: as if it were on a model
    assert can_hold_personal_data(field) is expected


def test_the_existing_models_say_what_is_personal():
    user = registry.for_model(User)
    assert user.subject == "self"
    assert user.fields["email"].category == Category.IDENTITY
    assert user.retention is retention.INACTIVE_ACCOUNT
    organisation = registry.for_model(Organisation)
    assert set(organisation.fields) == {"privacy_contact_name", "privacy_contact_email"}
    assert "legal_name" in organisation.not_personal
    audit = registry.for_model(AuditEvent)
    assert audit.fields["ip_address"].category == Category.CONNECTION
    assert "fields" in audit.not_personal


def test_the_registry_answers_across_the_project():
    labels = {f.label for f in registry.about_subjects()}
    assert {"accounts.User.email", "audit.AuditEvent.ip_address"} <= labels
    assert "tenancy.Organisation.privacy_contact_email" not in labels  # subject None
    by_category = registry.by_category()
    assert "tenancy.Organisation.privacy_contact_name" in {
        f.label for f in by_category[Category.IDENTITY]
    }
    security = {f.label for f in registry.by_purpose()[Purpose.SECURITY]}
    assert "audit.AuditEvent.ip_address" in security
    assert Purpose.SECURITY.legal_bases == ("legitimate_interest", "legal_obligation")
    person = registry.for_model(Person)  # registered by the test app
    assert person.blind_indexes["email_index"] == "email"
    assert person.fields["iban"].legal_bases == ("contract",)


def test_personal_refuses_incoherent_declarations():
    with pytest.raises(ValueError, match="at least one purpose"):
        Personal(Category.IDENTITY, [], OnErasure.DELETE)
    with pytest.raises(ValueError, match="blind index"):
        Personal(Category.IDENTITY, [Purpose.ACCOUNTING], OnErasure.DELETE, searchable=True)
    with pytest.raises(TypeError):
        Personal("identity", [Purpose.ACCOUNTING], OnErasure.DELETE)


def _problems(model) -> str:
    return "\n".join(read_declaration(model)[1])


class BadNames(models.Model):  # noqa: DJ008
    name = models.CharField(max_length=10)

    class Meta:
        app_label = APP_LABEL

    class Privacy:
        retention = retention.PROSPECT
        fields = {"nmae": IDENTITY, "name": IDENTITY}
        not_personal = ["name", "gone"]


class BadCrypto(EncryptedModel):
    plain = models.CharField(max_length=10)
    secret = EncryptedCharField(max_length=10)
    searchable = EncryptedEmailField(blind_index="searchable_index")
    searchable_index = BlindIndexField()
    indexed = EncryptedCharField(max_length=10, blind_index="nowhere")

    class Meta:
        app_label = APP_LABEL

    class Privacy:
        subject = "party__contact"
        fields = {
            "plain": Personal(
                Category.IDENTITY, [Purpose.ACCOUNTING], OnErasure.DELETE, encrypted=True
            ),
            "secret": IDENTITY,
            "searchable": ENCRYPTED,
            "indexed": Personal(
                Category.IDENTITY, [Purpose.ACCOUNTING], OnErasure.DELETE, True, True
            ),
        }


class NotEncryptedModel(TenantModel):
    secret = EncryptedCharField(max_length=10)
    email = models.EmailField(unique=True)
    contact = models.EmailField()

    class Meta:
        app_label = APP_LABEL

    class Privacy:
        subject = "self"
        retention = "three years"
        fields = {
            "secret": ENCRYPTED,
            "email": Personal(Category.IDENTITY, [Purpose.REVIEWS], OnErasure.ANONYMISE),
            "contact": Personal(
                Category.IDENTITY, [Purpose.REVIEWS], OnErasure.ANONYMISE, placeholder="x"
            ),
        }


class EncryptedButUndeclared(EncryptedModel):
    secret = EncryptedCharField(max_length=10)

    class Meta:
        app_label = APP_LABEL


def test_unknown_and_doubly_declared_fields_are_refused():
    problems = _problems(BadNames)
    assert "'nmae', which is not a field" in problems
    assert "'gone', which is not a field" in problems
    assert "BadNames.name is declared both personal and not personal" in problems


def test_encryption_and_search_the_field_cannot_give_are_refused():
    problems = _problems(BadCrypto)
    assert "BadCrypto.plain is declared encrypted but is a CharField" in problems
    assert "BadCrypto.secret is an encrypted field but declared encrypted=False" in problems
    assert "BadCrypto.searchable has a blind index but is not declared searchable" in problems
    assert "its blind index 'nowhere' is not a field" in problems
    assert "subject 'party__contact': 'party' is not a field" in problems
    assert "needs a retention rule" in problems


def test_encrypted_fields_need_the_encrypted_base_and_valid_placeholders():
    problems = _problems(NotEncryptedModel)
    assert "must inherit EncryptedModel" in problems
    assert "retention must be a RetentionRule" in problems
    assert "NotEncryptedModel.email is unique, so it cannot be anonymised" in problems
    assert "the placeholder '' is not a valid value" in problems
    assert "the placeholder 'x' is not a valid value" in problems
    assert "EncryptedButUndeclared has encrypted fields but no Privacy" in _problems(
        EncryptedButUndeclared
    )


def test_start_up_stops_on_a_wrong_declaration():
    with pytest.raises(ImproperlyConfigured, match="privacy declarations are wrong") as caught:
        Registry().populate([Person, BadNames, BadCrypto])
    assert "BadNames" in str(caught.value) and "BadCrypto" in str(caught.value)
    with pytest.raises(ImproperlyConfigured):
        Registry().register(BadNames)


def test_start_up_accepts_the_project_as_it_is():
    fresh = Registry()
    fresh.populate(apps.get_models())
    assert set(fresh.models()) == set(registry.models()) - {Person}


def test_retention_rules_carry_the_domain_defaults():
    from datetime import date

    from comptoir.privacy.retention import ALL_RULES, Duration, EndAction, StartEvent

    assert len({rule.code for rule in ALL_RULES}) == len(ALL_RULES) >= 15
    assert retention.PROSPECT.duration == Duration.years(3)
    assert retention.PROSPECT.start == StartEvent.COLLECTION_OR_LAST_INBOUND_CONTACT
    assert retention.ACCOUNTING.legal_hold and retention.ACCOUNTING.duration == Duration.years(10)
    assert retention.CLIENT_CONTRACT.duration is None
    assert retention.CLIENT_CONTRACT.archive == Duration.years(5)
    assert retention.TENANT_AFTER_CONTRACT.end == EndAction.DELETE_TENANT
    assert Duration.years(1).after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert Duration(months=6).after(date(2025, 8, 31)) == date(2026, 2, 28)
    assert Duration(days=1825).after(date(2025, 1, 1)) == date(2029, 12, 31)
    assert str(retention.CONNECTION_LOGS.duration) == "6 months"

"""Users' email addresses are sealed, found through their blind index, and
every allauth path that looks a user up by address still works."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client, override_settings

from comptoir.accounts.emails import is_pseudonym, pseudonym
from comptoir.accounts.models import EmailAddressSeal, User
from comptoir.accounts.services import user_create
from comptoir.audit.services import Actor
from comptoir.privacy.crypto import Sealed
from tests.accounts.conftest import (
    form_error_codes,
    password_login,
    password_reset_link,
    signed_in_user_id,
)
from tests.factories import PASSWORD


def raw_email_column(table: str, pk: int):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT email FROM {table} WHERE id = %s", [pk])  # noqa: S608
        (value,) = cursor.fetchone()
    return bytes(value) if isinstance(value, bytes | memoryview) else value


@pytest.fixture
def account(db):
    return user_create(
        actor=Actor.system(), email="Josiane.Lemaire@Exemple.test", password=PASSWORD
    )


def test_the_address_is_sealed_and_read_back(account):
    assert account.email == "josiane.lemaire@exemple.test"
    stored = raw_email_column(User._meta.db_table, account.pk)
    assert isinstance(stored, bytes) and b"lemaire" not in stored
    assert User.objects.get(pk=account.pk).email == "josiane.lemaire@exemple.test"


def test_users_are_found_by_address_in_any_case(account):
    assert User.objects.get(email="JOSIANE.lemaire@exemple.TEST") == account
    assert User.objects.filter(email__iexact=" josiane.lemaire@exemple.test ").get() == account
    assert list(User.objects.filter(email__in=["x@y.test", "Josiane.Lemaire@exemple.test"])) == [
        account
    ]
    assert User.objects.get_by_natural_key("JOSIANE.LEMAIRE@EXEMPLE.TEST") == account
    assert not User.objects.filter(email="someone.else@exemple.test").exists()
    assert not User.objects.filter(email="not an address").exists()
    assert filter_users_by_email("Josiane.LEMAIRE@exemple.test") == [account]


def test_a_value_copied_to_another_account_does_not_decrypt(account):
    other = user_create(actor=Actor.system(), email="autre@exemple.test", password=None)
    User.objects.filter(pk=other.pk).update(email=raw_email_column(User._meta.db_table, account.pk))
    with pytest.raises(Exception, match="does not decrypt"):
        _ = User.objects.get(pk=other.pk).email


def test_one_account_per_address(account):
    with pytest.raises(ValidationError) as caught:
        user_create(actor=Actor.system(), email="JOSIANE.LEMAIRE@exemple.test", password=None)
    assert "email" in caught.value.message_dict
    assert User.objects.count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        User(email="josiane.lemaire@EXEMPLE.test").save()


def test_a_bad_address_is_a_form_error_not_a_crash(db):
    with pytest.raises(ValidationError) as caught:
        user_create(actor=Actor.system(), email="pas une adresse", password=None)
    assert "email" in caught.value.message_dict
    assert not User.objects.exists()


def test_sign_in_with_the_address_typed_in_another_case(account):
    client = Client()
    response = password_login(client, "  JOSIANE.Lemaire@EXEMPLE.test", PASSWORD)
    assert form_error_codes(response) == []
    assert signed_in_user_id(client) == account.pk


def test_allauth_email_rows_hold_a_pseudonym_and_read_as_the_address(account):
    address = EmailAddress.objects.get(user=account)
    assert address.email == "josiane.lemaire@exemple.test"
    stored = raw_email_column(EmailAddress._meta.db_table, address.pk)
    assert is_pseudonym(stored) and "lemaire" not in stored
    assert stored == pseudonym("JOSIANE.lemaire@exemple.test")
    assert EmailAddress.objects.get(email="Josiane.Lemaire@exemple.test") == address
    assert EmailAddress.objects.filter(email__in=["josiane.lemaire@exemple.test"]).count() == 1
    assert EmailAddress.objects.get_primary_email(account) == "josiane.lemaire@exemple.test"
    assert EmailAddress.objects.is_verified("JOSIANE.LEMAIRE@exemple.test")
    seal = EmailAddressSeal.objects.get(address_id=address.pk)
    assert isinstance(raw_email_column(EmailAddressSeal._meta.db_table, seal.pk), bytes)


def test_a_secondary_address_is_sealed_and_signs_in(account):
    EmailAddress.objects.create(user=account, email="Second@Exemple.test", verified=True)
    address = EmailAddress.objects.get(email="second@exemple.test")
    assert address.email == "second@exemple.test" and address.user == account
    assert filter_users_by_email("SECOND@exemple.test") == [account]
    client = Client()
    assert form_error_codes(password_login(client, "Second@exemple.test", PASSWORD)) == []
    assert signed_in_user_id(client) == account.pk
    address.delete()
    assert not EmailAddressSeal.objects.filter(address_id=address.pk).exists()


def test_password_reset_with_the_address_in_another_case(account):
    path = password_reset_link("JOSIANE.LEMAIRE@exemple.test")
    assert mail.outbox[0].to == ["josiane.lemaire@exemple.test"]
    client = Client()
    response = client.get(path, follow=True)
    form_path = response.request["PATH_INFO"]
    response = client.post(
        form_path, {"password1": "Un nouveau mot 2 passe!", "password2": "Un nouveau mot 2 passe!"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Un nouveau mot 2 passe!")


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_mandatory_verification_mails_the_real_address_and_verifies_it(account):
    EmailAddress.objects.filter(user=account).update(verified=False)
    mail.outbox.clear()
    client = Client()
    response = password_login(client, "Josiane.Lemaire@exemple.test", PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(client) is None  # not before the address is verified
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["josiane.lemaire@exemple.test"]
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[0].body).group(1)
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=account).verified
    assert form_error_codes(password_login(Client(), "josiane.lemaire@exemple.test")) == []


def test_createuser_and_createorg_find_the_account_by_address(db, capsys):
    call_command(
        "createuser",
        "--email",
        "Gerant@Exemple.test",
        "--password",
        PASSWORD,
        "--name",
        "Gérard Gérant",
    )
    user = User.objects.get(email="gerant@exemple.test")
    assert user.display_name == "Gérard Gérant"
    call_command(
        "createorg",
        "--name",
        "Gérant et fils",
        "--country",
        "FR",
        "--siren",
        "732829320",
        "--owner-email",
        "GERANT@exemple.test",
        "--privacy-contact-name",
        "Délégué",
        "--privacy-contact-email",
        "dpo@exemple.test",
    )
    from comptoir.tenancy.models import Membership

    assert Membership.across_organisations.filter(user=user, role="owner").exists()


def test_sealed_values_never_serialise(account):
    assert isinstance(User.objects.filter(pk=account.pk).values_list("email", flat=True)[0], Sealed)


def test_a_fresh_sign_in_is_not_asked_for_the_password_again(world, clock):
    from tests.accounts.test_mfa import ACTIVATE_URL

    owner = world.member("owner")
    client = Client()
    password_login(client, owner.email.upper(), PASSWORD)
    response = client.get(ACTIVATE_URL)
    assert response.status_code == 200
    assert b'id="mfa-required"' in response.content
    clock.shift(timedelta(minutes=6))
    response = client.get(ACTIVATE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")

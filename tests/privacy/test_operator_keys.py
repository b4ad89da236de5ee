"""Values of rows outside every organisation (users') under the operator key."""

import uuid

import pytest
from django.db import models

from comptoir.privacy import crypto, operator, retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import (
    BlindIndexField,
    EncryptedCharField,
    OperatorEncryptedEmailField,
)
from comptoir.privacy.models import OperatorEncryptedModel
from comptoir.privacy.registry import read_declaration
from tests.privacy.models import APP_LABEL

SEALED = Personal(
    Category.IDENTITY,
    [Purpose.SECURITY],
    OnErasure.DELETE,
    encrypted=True,
    searchable=True,
)


def test_a_value_opens_only_in_its_row_and_column():
    row = uuid.uuid4()
    binding = operator.binding("accounts.user", "email", row)
    sealed = operator.seal(b"lucie.petit@exemple.test", binding=binding)
    assert b"lucie" not in sealed
    assert operator.open_sealed(sealed, binding=binding) == b"lucie.petit@exemple.test"
    for elsewhere in (
        operator.binding("accounts.user", "email", uuid.uuid4()),
        operator.binding("accounts.user", "display_name", row),
    ):
        with pytest.raises(crypto.DecryptionError):
            operator.open_sealed(sealed, binding=elsewhere)
    # An organisation's field refuses a value sealed with the operator key.
    with pytest.raises(crypto.DecryptionError, match="operator key"):
        crypto.open_sealed(sealed, binding=crypto.Binding("x.y", "email", row, 1))


def test_the_index_is_one_for_every_spelling_and_keyed():
    from comptoir.accounts.emails import email_index

    assert email_index("Lucie.Petit@EXEMPLE.test") == email_index(" lucie.petit@exemple.test")
    assert email_index("lucie.petit@exemple.test") != email_index("lucie.petit@exemple.fr")
    assert b"lucie" not in email_index("lucie.petit@exemple.test")


class OperatorFieldOnTenantlessModel(models.Model):  # noqa: DJ008
    email = OperatorEncryptedEmailField(blind_index="email_index")
    email_index = BlindIndexField(unique=True, db_index=False)

    class Meta:
        app_label = APP_LABEL

    class Privacy:
        subject = "self"
        retention = retention.INACTIVE_ACCOUNT
        fields = {"email": SEALED}


class MixedKeys(OperatorEncryptedModel):  # noqa: DJ008
    email = OperatorEncryptedEmailField(blind_index="email_index")
    email_index = BlindIndexField(unique=True, db_index=False)
    note = EncryptedCharField(max_length=10)

    class Meta:
        app_label = APP_LABEL

    class Privacy:
        subject = "self"
        retention = retention.INACTIVE_ACCOUNT
        fields = {
            "email": SEALED,
            "note": Personal(Category.OTHER, [Purpose.SECURITY], OnErasure.DELETE, encrypted=True),
        }


class UnindexedIndex(OperatorEncryptedModel):  # noqa: DJ008
    email = OperatorEncryptedEmailField(blind_index="email_index")
    email_index = BlindIndexField(db_index=False)

    class Meta:
        app_label = APP_LABEL

    class Privacy:
        subject = "self"
        retention = retention.INACTIVE_ACCOUNT
        fields = {"email": SEALED}


def test_the_registry_holds_operator_fields_to_their_base_and_index():
    assert "must inherit OperatorEncryptedModel" in "\n".join(
        read_declaration(OperatorFieldOnTenantlessModel)[1]
    )
    assert "mixes operator-sealed and organisation-sealed fields" in "\n".join(
        read_declaration(MixedKeys)[1]
    )
    assert "needs db_index or unique" in "\n".join(read_declaration(UnindexedIndex)[1])

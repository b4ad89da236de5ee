"""Users' email addresses in allauth's ``EmailAddress`` table, never in clear.

allauth keeps one ``EmailAddress`` row per address of a user (whether it is
verified, which one is primary) and looks rows up by address
(``EmailAddress.objects.filter(email=...)``, ``get_or_create(email=...)``,
``email__in``). The model is allauth's, not swappable, so its column cannot
become an encrypted field. What it holds instead is a **pseudonym**: the
address's blind index (HMAC-SHA256 under the operator's index key, the same
digest as ``User.email_index``) written as an address of the reserved
``.invalid`` domain, ``<64 hex digits>@blind.invalid``. Deterministic, so
allauth's equality lookups and its unique constraint on verified addresses
hold; keyed, so it says nothing without the master key.

Three public Django hooks keep allauth unaware of it (no allauth code is
replaced):

* lookups registered on that one field instance (``Field.register_lookup``
  on an instance, Django 4.2+): ``email=``, ``email__iexact=`` and
  ``email__in=`` turn a raw address into its pseudonym before the query;
* ``pre_save`` writes the pseudonym; ``post_save`` seals the address in
  Comptoir's ``EmailAddressSeal`` (one row per ``EmailAddress``, deleted with
  it by CASCADE; operator key, like ``User.email``) and puts the address back
  in the instance, so the code that saved it goes on with the address;
* ``post_init``: a row read from the database gets its address back from its
  seal, so allauth compares, displays and mails the real address, secondary
  addresses included (verification mails when
  ``COMPTOIR_EMAIL_VERIFICATION=mandatory``).

Rejected: keeping no ``EmailAddress`` rows (allauth needs them to know which
address is verified when verification is mandatory), and a swappable model
(allauth has none for ``EmailAddress``).
"""

import uuid

from allauth.account.models import EmailAddress
from django.db.models import lookups
from django.db.models.signals import post_init, post_save, pre_save

from comptoir.privacy import normalise, operator

PSEUDONYM_DOMAIN = "blind.invalid"
_SUFFIX = "@" + PSEUDONYM_DOMAIN
_HEX_LENGTH = 64


def is_pseudonym(value) -> bool:
    return (
        isinstance(value, str)
        and value.endswith(_SUFFIX)
        and len(value) == _HEX_LENGTH + len(_SUFFIX)
    )


def email_index(address: str) -> bytes:
    """The blind index of an address (``User.email_index``); an address that is
    not one gets the index of its raw text, which matches no stored address."""
    try:
        return operator.index_of_normal(kind="email", normal=normalise.email(address))
    except normalise.NormalisationError:
        return operator.index_of_normal(kind="email-raw", normal=address)


def pseudonym(address: str) -> str:
    """What ``EmailAddress.email`` stores for an address (itself if already one)."""
    if is_pseudonym(address):
        return address
    return email_index(address).hex() + _SUFFIX


# Lookups on EmailAddress.email ----------------------------------------------
class _PseudonymExact(lookups.Exact):
    def get_prep_lookup(self):
        if isinstance(self.rhs, str):
            self.rhs = pseudonym(self.rhs)
        return super().get_prep_lookup()


class _PseudonymIExact(lookups.IExact):
    def get_prep_lookup(self):
        if isinstance(self.rhs, str):
            self.rhs = pseudonym(self.rhs)
        return super().get_prep_lookup()


class _PseudonymIn(lookups.In):
    def get_prep_lookup(self):
        if isinstance(self.rhs, list | tuple | set | frozenset):
            self.rhs = [pseudonym(v) if isinstance(v, str) else v for v in self.rhs]
        return super().get_prep_lookup()


# Writing and reading rows ------------------------------------------------------
_PLAIN = "_comptoir_plain_email"


def _before_save(sender, instance, **kwargs):
    if instance.email and not is_pseudonym(instance.email):
        # Lower-case, as allauth keeps every address (its migration 0006).
        instance.__dict__[_PLAIN] = instance.email.lower()
        instance.email = pseudonym(instance.email)


def _after_save(sender, instance, **kwargs):
    plain = instance.__dict__.pop(_PLAIN, None)
    if plain is None:
        return
    from comptoir.accounts.models import EmailAddressSeal

    seal = EmailAddressSeal.objects.filter(address_id=instance.pk).first()
    if seal is None:
        EmailAddressSeal.objects.create(address_id=instance.pk, email=plain)
    elif seal.email != plain:
        seal.email = plain
        seal.save(update_fields=["email"])
    instance.email = plain


def _after_init(sender, instance, **kwargs):
    stored = instance.__dict__.get("email")
    if not is_pseudonym(stored) or instance.pk is None:
        return
    from comptoir.accounts.models import EmailAddressSeal

    seal = EmailAddressSeal.objects.filter(address_id=instance.pk).first()
    if seal is not None and pseudonym(seal.email) == stored:
        instance.email = seal.email


def connect() -> None:
    """Install the lookups and signal receivers (``AccountsConfig.ready``)."""
    field = EmailAddress._meta.get_field("email")
    for lookup in (_PseudonymExact, _PseudonymIExact, _PseudonymIn):
        field.register_lookup(lookup)
    pre_save.connect(_before_save, sender=EmailAddress, dispatch_uid="comptoir-email-pseudonym")
    post_save.connect(_after_save, sender=EmailAddress, dispatch_uid="comptoir-email-plain")
    post_init.connect(_after_init, sender=EmailAddress, dispatch_uid="comptoir-email-read")


# Data migration (accounts 0003) ---------------------------------------------------
def seal_user_email(row_uuid, address: str) -> tuple[bytes, bytes]:
    """(sealed value, blind index) of a user's address, as ``User.email`` stores them."""
    binding = operator.binding("accounts.user", "email", row_uuid)
    return bytes(operator.seal(address.encode(), binding=binding)), email_index(address)


def seal_existing_accounts(User, EmailAddress, EmailAddressSeal) -> int:  # noqa: N803
    """Seal the addresses of accounts created before emails were encrypted.

    ``User`` (historical model) has the clear address in ``email_clear``;
    ``User.email``, ``email_index`` and ``row_uuid`` are empty. Their
    ``EmailAddress`` rows get the pseudonym and a seal. Returns the number of
    accounts sealed.
    """
    count = 0
    for pk, address in User.objects.filter(email__isnull=True).values_list("pk", "email_clear"):
        row_uuid = uuid.uuid4()
        sealed, index = seal_user_email(row_uuid, address.strip().lower())
        User.objects.filter(pk=pk).update(row_uuid=row_uuid, email=sealed, email_index=index)
        count += 1
    for pk, address in EmailAddress.objects.values_list("pk", "email"):
        if is_pseudonym(address):
            continue
        row_uuid = uuid.uuid4()
        binding = operator.binding("accounts.emailaddressseal", "email", row_uuid)
        EmailAddressSeal.objects.create(
            address_id=pk,
            row_uuid=row_uuid,
            email=operator.seal(address.lower().encode(), binding=binding),  # sealed already
        )
        EmailAddress.objects.filter(pk=pk).update(email=pseudonym(address))
    return count


def unseal_accounts(User, EmailAddress, EmailAddressSeal) -> None:  # noqa: N803
    """The reverse: addresses back in clear (to migrate backwards)."""
    for pk, row_uuid, sealed in User.objects.values_list("pk", "row_uuid", "email"):
        binding = operator.binding("accounts.user", "email", row_uuid)
        address = operator.open_sealed(bytes(sealed), binding=binding).decode()
        User.objects.filter(pk=pk).update(email_clear=address)
    seals = EmailAddressSeal.objects.values_list("address_id", "row_uuid", "email")
    for address_id, row_uuid, sealed in seals:
        binding = operator.binding("accounts.emailaddressseal", "email", row_uuid)
        address = operator.open_sealed(bytes(sealed), binding=binding).decode()
        EmailAddress.objects.filter(pk=address_id).update(email=address)

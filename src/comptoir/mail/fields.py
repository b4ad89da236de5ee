"""Encrypted text for the outbox, whose rows may belong to no organisation.

A message sent for an organisation (an invitation) is encrypted like any
other row of it: under the organisation's data key (``privacy.fields``). A
system message (a password reset, an email confirmation) has no
organisation, so no organisation key: its values are sealed under a key
derived from the master key for this one purpose, in the same format
(header, nonce, AES-256-GCM) with the same associated data (model, field,
row uuid, ``org:0``). The header says organisation key version 0, which no
organisation key has, so such a value moved into an organisation's row does
not open, nor does an organisation's value moved into a system row.
"""

from comptoir.privacy import crypto
from comptoir.privacy.fields import PLAIN_CACHE, EncryptedTextField
from comptoir.privacy.keys import Key
from comptoir.privacy.masterkey import derived_key

SYSTEM_KEY_PURPOSE = "mail-outbox-system"
SYSTEM_HEADER = crypto.organisation_header(0)


def _system_key() -> Key:
    return Key(derived_key(SYSTEM_KEY_PURPOSE), "mail outbox system key")


class OutboxTextField(EncryptedTextField):
    def binding(self, instance) -> crypto.Binding:
        if instance.organisation_id is None:
            return crypto.Binding(self.model._meta.label_lower, self.name, instance.row_uuid, 0)
        return super().binding(instance)

    def pre_save(self, model_instance, add):
        if model_instance.organisation_id is not None:
            return super().pre_save(model_instance, add)
        value = model_instance.__dict__.get(self.attname)
        if value is None or isinstance(value, crypto.Sealed):
            return value
        if value == "":
            return b""
        sealed = crypto.seal_with(
            _system_key(),
            SYSTEM_HEADER,
            self.to_plaintext_bytes(value),
            self.binding(model_instance).associated(SYSTEM_HEADER),
        )
        model_instance.__dict__[self.attname] = sealed
        model_instance.__dict__.setdefault(PLAIN_CACHE, {})[self.attname] = value
        return sealed

    def decrypt(self, instance, sealed: bytes):
        if instance.organisation_id is not None:
            return super().decrypt(instance, sealed)
        sealed = bytes(sealed)
        binding = self.binding(instance)
        header = sealed[: crypto.HEADER.size]
        if header != SYSTEM_HEADER:
            raise crypto.DecryptionError(f"{binding}: not sealed under the outbox system key")
        nonce = sealed[crypto.HEADER.size : crypto.HEADER.size + crypto.NONCE_BYTES]
        body = sealed[crypto.HEADER.size + crypto.NONCE_BYTES :]
        try:
            plain = _system_key().aead().decrypt(nonce, body, binding.associated(header))
        except Exception:
            raise crypto.DecryptionError(f"{binding} does not decrypt (moved or altered)") from None
        return self.from_plaintext_bytes(crypto.unpad(plain))

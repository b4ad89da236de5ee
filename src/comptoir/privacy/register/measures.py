"""The security measures Comptoir itself takes, under the CNIL template's
headings: printed on every sheet, before the organisation's own.

Each line states what the code does (the module that does it is named in a
comment), so the register never promises more than the software delivers.
"""

from django.utils.translation import gettext_lazy as _

from comptoir.privacy.register.models import SecurityHeading

BUILT_IN = {
    SecurityHeading.ACCESS_CONTROL: [
        # accounts (Argon2 hasher, throttling), tenancy.roles
        _("Passwords hashed with Argon2; logins throttled (growing delay, then a lock)."),
        _("Two-factor authentication (TOTP and recovery codes), required for owners and admins."),
        _("One role per member and a permission matrix; each organisation sees only its data."),
        _("API tokens stored hashed, per user and organisation, read-only or read-write."),
    ],
    SecurityHeading.TRACEABILITY: [
        # audit
        _(
            "Every read, creation, change, export and erasure of personal data is journalled: "
            "who, when, from which address, which fields (never their values)."
        ),
        _(
            "The journal is hash-chained per organisation (HMAC-SHA256 under a key outside the "
            "database), so an edited, deleted or reordered event shows."
        ),
    ],
    SecurityHeading.SOFTWARE: [
        _("Strict content security policy; CSRF protection on every form."),
        _(
            "Every input checked on the server; errors never show stack traces, "
            "database messages or personal data."
        ),
    ],
    SecurityHeading.BACKUP: [
        # ops.backup (archive, policy), core.keystore, privacy.records.replay
        _(
            "Backups compressed and encrypted (AES-256-GCM, a key per file), checked without "
            "being restored; hourly ones kept 7 days, weekly ones 5 years."
        ),
        _(
            "Keys kept apart from the data, with their own backups kept 7 days: an erased "
            "person's data is unreadable in every older backup once those have aged out; "
            "erasures are recorded apart and replayed after a restore."
        ),
    ],
    SecurityHeading.ENCRYPTION: [
        # privacy.crypto, privacy.keys, privacy.blind_index
        _(
            "Names, email addresses, phone numbers, postal addresses, bank details and notes "
            "about people encrypted in the database with AES-256-GCM."
        ),
        _(
            "One key per person, wrapped by the organisation's key, itself wrapped by a master "
            "key kept outside the database: erasing a person destroys their key."
        ),
        _("Exact searches through keyed blind indexes (HMAC-SHA256), never on clear values."),
    ],
    SecurityHeading.SUBPROCESSORS: [
        _("The processors below are listed with their country and transfer safeguards."),
    ],
    SecurityHeading.OTHER: [
        _("Free-text fields warn against sensitive data (GDPR art. 9 and 10); none is collected."),
    ],
}

"""Privacy declarations of the installed apps' models that Comptoir does not own.

Django's, allauth's and django-tasks' models cannot carry an inner ``Privacy``
class, yet they hold data about people (addresses, second factors, sessions,
task arguments), so the register, the access export and erasure must know
them like Comptoir's own. Their declarations live here, one per model label,
in the same shape as an inner ``Privacy`` class; the registry reads them for
a model that has none (``registry.read_declaration``), and the completeness
test holds every installed app to them.
"""

from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose

_ACCOUNT = [Purpose.CONTRACT_MANAGEMENT, Purpose.SECURITY]


class EmailAddressPrivacy:
    """allauth's addresses of a user (verified, primary). The column holds the
    address's keyed pseudonym only; the address itself is sealed in
    ``accounts.EmailAddressSeal`` (``comptoir.accounts.emails``)."""

    subject = "user"
    retention = retention.INACTIVE_ACCOUNT
    fields = {
        "email": Personal(
            Category.IDENTITY,
            _ACCOUNT,
            OnErasure.DELETE,
            notes="keyed pseudonym (HMAC-SHA256, operator index key), never the address",
        ),
    }
    not_personal: list[str] = []


class EmailConfirmationPrivacy:
    """allauth's stored confirmation keys (unused while confirmations are HMAC
    links, which is allauth's default and Comptoir's setting)."""

    subject = "email_address__user"
    retention = retention.INACTIVE_ACCOUNT
    fields = {"key": Personal(Category.CONNECTION, [Purpose.SECURITY], OnErasure.DELETE)}
    not_personal: list[str] = []


class AuthenticatorPrivacy:
    """allauth.mfa's second factors: the TOTP secret (sealed by
    ``accounts.adapters.MfaAdapter``) and the recovery codes' seed."""

    subject = "user"
    retention = retention.INACTIVE_ACCOUNT
    fields = {
        "data": Personal(
            Category.CONNECTION,
            [Purpose.SECURITY],
            OnErasure.DELETE,
            notes="secrets sealed with a key derived from the master key",
        ),
    }
    not_personal = ["type"]  # totp or recovery_codes


class SessionPrivacy:
    """Django's sessions: the signed-in user's id, organisation and
    authentication records; expire with the idle timeout."""

    subject = None  # the user id is inside the encoded data
    retention = retention.TECHNICAL_COOKIES
    fields = {
        "session_key": Personal(Category.CONNECTION, [Purpose.SECURITY], OnErasure.DELETE),
        "session_data": Personal(Category.CONNECTION, [Purpose.SECURITY], OnErasure.DELETE),
    }
    not_personal: list[str] = []


class TaskResultPrivacy:
    """django-tasks-db's queued and finished background tasks. Comptoir passes
    ids, never personal values, as arguments, but a return value or an error
    trace may name a person: kept as technical logs."""

    subject = None
    retention = retention.CONNECTION_LOGS
    fields = {
        "args_kwargs": Personal(
            Category.OTHER, [Purpose.CONTRACT_MANAGEMENT, Purpose.SECURITY], OnErasure.DELETE
        ),
        "return_value": Personal(
            Category.OTHER, [Purpose.CONTRACT_MANAGEMENT, Purpose.SECURITY], OnErasure.DELETE
        ),
        "traceback": Personal(Category.OTHER, [Purpose.SECURITY], OnErasure.DELETE),
    }
    not_personal = [
        "status",
        "task_path",
        "queue_name",
        "backend_name",
        "exception_class_path",
        "worker_ids",
    ]


class NothingPersonal:
    """Models naming code, not people."""

    subject = None
    retention = None
    fields: dict = {}
    not_personal: list[str] = []


class PermissionPrivacy(NothingPersonal):
    not_personal = ["name", "codename"]


class GroupPrivacy(NothingPersonal):
    not_personal = ["name"]


class ContentTypePrivacy(NothingPersonal):
    not_personal = ["app_label", "model"]


DECLARATIONS: dict[str, type] = {
    "account.EmailAddress": EmailAddressPrivacy,
    "account.EmailConfirmation": EmailConfirmationPrivacy,
    "mfa.Authenticator": AuthenticatorPrivacy,
    "sessions.Session": SessionPrivacy,
    "django_tasks_database.DBTaskResult": TaskResultPrivacy,
    "auth.Permission": PermissionPrivacy,
    "auth.Group": GroupPrivacy,
    "contenttypes.ContentType": ContentTypePrivacy,
}


def privacy_of(model) -> type | None:
    """The declaration of a model: its own ``Privacy`` class, or the one above."""
    return getattr(model, "Privacy", None) or DECLARATIONS.get(model._meta.label)

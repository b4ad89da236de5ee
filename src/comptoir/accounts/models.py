from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from comptoir.core.text import validate_text
from comptoir.privacy import retention
from comptoir.privacy.declarations import Category, OnErasure, Personal, Purpose
from comptoir.privacy.fields import (
    BlindIndexField,
    OperatorEncryptedCharField,
    OperatorEncryptedEmailField,
)
from comptoir.privacy.models import OperatorEncryptedModel
from comptoir.tenancy.scope import TenantModel


class UserManager(BaseUserManager):
    """Users are found by email through the blind index: ``filter(email=raw)``
    compares ``email_index`` with the raw value's index (``OperatorSealed``),
    so ``get_by_natural_key`` and allauth's lookups work as written."""

    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("a user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(OperatorEncryptedModel, AbstractBaseUser, PermissionsMixin):
    """A person who signs in: an organisation's staff member, or the operator's.

    Email and display name are sealed with the operator key
    (``comptoir.privacy.operator``): an account belongs to no single
    organisation (one person may be a member of several), and sign-in finds
    it by email before any organisation is known, through ``email_index``,
    a blind index under the operator's index key, unique across accounts.
    """

    email = OperatorEncryptedEmailField(_("email address"), blind_index="email_index")
    email_index = BlindIndexField(unique=True, db_index=False)
    display_name = OperatorEncryptedCharField(
        _("display name"),
        max_length=150,
        blank=True,
        validators=[validate_text],
        help_text=_("How other people see you in Comptoir, for example your first and last name."),
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Throttling (DOMAIN.md §8): consecutive failures since the last success.
    failed_logins = models.PositiveIntegerField(default=0)
    last_failed_login_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")

    class Privacy:
        # Users are the staff of subscribers: the operator is their controller
        # (DOMAIN.md §1); their accounts exist under the subscription contract.
        subject = "self"
        retention = retention.INACTIVE_ACCOUNT
        fields = {
            "email": Personal(
                Category.IDENTITY,
                [Purpose.CONTRACT_MANAGEMENT, Purpose.SECURITY],
                OnErasure.DELETE,
                encrypted=True,
                searchable=True,
            ),
            "display_name": Personal(
                Category.IDENTITY,
                [Purpose.CONTRACT_MANAGEMENT],
                OnErasure.DELETE,
                encrypted=True,
            ),
            "password": Personal(Category.CONNECTION, [Purpose.SECURITY], OnErasure.DELETE),
        }
        not_personal: list[str] = []

    def __str__(self) -> str:
        return f"user #{self.pk}"

    @property
    def name(self) -> str:
        """How the person is shown to others: their display name, else their email."""
        return self.display_name or self.email


def user_display(user) -> str:
    """How allauth names the signed-in user on their own pages and messages."""
    return user.name


class TokenScope(models.TextChoices):
    READ = "read", _("Read only")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(TenantModel):
    """A key for the HTTP API, for one user in one organisation.

    Only its SHA-256 digest is stored: the token is random (256 bits), so a
    fast digest is enough and keeps every API request cheap. The plaintext is
    shown once, when it is created.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("scope"), max_length=12, choices=TokenScope.choices)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")

    class Privacy:
        subject = "user"
        retention = retention.INACTIVE_ACCOUNT
        fields = {
            "name": Personal(Category.CONNECTION, [Purpose.SECURITY], OnErasure.DELETE),
            "prefix": Personal(Category.CONNECTION, [Purpose.SECURITY], OnErasure.DELETE),
            "digest": Personal(Category.CONNECTION, [Purpose.SECURITY], OnErasure.DELETE),
        }
        not_personal = ["scope"]  # read or read-write: one of two values

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.READ_WRITE


class EmailAddressSeal(OperatorEncryptedModel):
    """The sealed address of one of allauth's ``EmailAddress`` rows, whose own
    column holds only its pseudonym (``comptoir.accounts.emails``)."""

    address = models.OneToOneField(
        "account.EmailAddress", on_delete=models.CASCADE, related_name="+"
    )
    email = OperatorEncryptedEmailField(_("email address"))

    class Privacy:
        subject = "address__user"
        retention = retention.INACTIVE_ACCOUNT
        fields = {
            "email": Personal(
                Category.IDENTITY,
                [Purpose.CONTRACT_MANAGEMENT, Purpose.SECURITY],
                OnErasure.DELETE,
                encrypted=True,
            ),
        }
        not_personal: list[str] = []

    def __str__(self) -> str:
        return f"sealed address #{self.pk}"

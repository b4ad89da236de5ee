"""What a personal field is, declared once beside the model that holds it.

A model that holds data about people declares it in an inner ``Privacy`` class::

    class ContactPerson(EncryptedModel):
        email = EncryptedEmailField(blank=True, blind_index="email_index")
        email_index = BlindIndexField()
        created_at = models.DateTimeField(auto_now_add=True)

        class Privacy:
            subject = "self"
            retention = retention.PROSPECT
            fields = {
                "email": Personal(
                    Category.IDENTITY,
                    [Purpose.CONTRACT_MANAGEMENT, Purpose.PROSPECTION_LEGITIMATE_INTEREST],
                    OnErasure.ANONYMISE,
                    encrypted=True,
                    searchable=True,
                    placeholder="anonymised@anonymised.invalid",
                ),
            }
            not_personal = ["created_at"]

A model whose rows expire a fixed time after a stored moment adds
``retention_start = "<its date or datetime field>"``: the retention sweep
deletes its rows once ``retention.duration`` has run from that moment (the
organisation's override of the rule, if any, counts).

``subject`` says how to reach the person a row is about: ``"self"`` (the row
is the person), a path of field names (``"user"``, ``"party__contact"``, or a
plain id field such as ``"actor_user_id"``), or ``None`` when the row is not
about one registered person (the personal fields it holds, such as an
organisation's DPO contact, are then found by value). ``retention`` names the
rule (``comptoir.privacy.retention``) that governs the row. An optional
``people`` (a translatable label) says whom the rows are about when the
register cannot tell it from ``subject`` alone
(``privacy.register.selectors.people_of``).

The registry (``comptoir.privacy.registry``) reads these declarations at
start-up and refuses inconsistent ones; everything else (the art. 30 register,
access exports, erasure, the retention sweep) is generated from it.
"""

from dataclasses import dataclass, field
from enum import Enum, StrEnum

from django.utils.translation import gettext_lazy as _


class Category(StrEnum):
    """The CNIL register's categories of data (DOMAIN.md §2)."""

    IDENTITY = "identity"
    PERSONAL_LIFE = "personal_life"
    PROFESSIONAL_LIFE = "professional_life"
    ECONOMIC = "economic"
    CONNECTION = "connection"
    LOCATION = "location"
    INTERNET = "internet"
    COMMERCIAL = "commercial"
    OTHER = "other"

    @property
    def label(self) -> str:
        return str(CATEGORY_LABELS[self])


CATEGORY_LABELS = {
    Category.IDENTITY: _("Identity and identification"),
    Category.PERSONAL_LIFE: _("Personal life"),
    Category.PROFESSIONAL_LIFE: _("Professional life"),
    Category.ECONOMIC: _("Economic and financial information"),
    Category.CONNECTION: _("Connection data"),
    Category.LOCATION: _("Location data"),
    Category.INTERNET: _("Internet data"),
    Category.COMMERCIAL: _("Commercial relationship tracking"),
    Category.OTHER: _("Other"),
}


class LegalBasis(StrEnum):
    """GDPR art. 6(1) bases that Comptoir's purposes rest on."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    LEGITIMATE_INTEREST = "legitimate_interest"


class Purpose(Enum):
    """The purposes of DOMAIN.md §3, each with its legal basis (or bases)."""

    CONTRACT_MANAGEMENT = (
        "contract_management",
        _("Contract management: quotes, orders, deliveries, invoices, payments, client accounts"),
        (LegalBasis.CONTRACT,),
    )
    ACCOUNTING = ("accounting", _("Accounting"), (LegalBasis.LEGAL_OBLIGATION,))
    CUSTOMER_RELATIONSHIP = (
        "customer_relationship",
        _("Customer relationship: satisfaction surveys, complaints, after-sales"),
        (LegalBasis.LEGITIMATE_INTEREST,),
    )
    PROSPECTION_CONSENT = (
        "prospection_consent",
        _("Prospection by email or SMS to individuals"),
        (LegalBasis.CONSENT,),
    )
    PROSPECTION_LEGITIMATE_INTEREST = (
        "prospection_legitimate_interest",
        _("Prospection by post, phone, or B2B email on professional topics"),
        (LegalBasis.LEGITIMATE_INTEREST,),
    )
    STATISTICS = (
        "statistics",
        _("Commercial statistics (anonymised or aggregated past retention)"),
        (LegalBasis.LEGITIMATE_INTEREST,),
    )
    REVIEWS = ("reviews", _("Reviews of products and services"), (LegalBasis.CONSENT,))
    RIGHTS_REQUESTS = (
        "rights_requests",
        _("Handling rights requests"),
        (LegalBasis.LEGAL_OBLIGATION,),
    )
    SECURITY = (
        "security",
        _("Security logs"),
        (LegalBasis.LEGITIMATE_INTEREST, LegalBasis.LEGAL_OBLIGATION),
    )

    def __init__(self, code: str, label, legal_bases: tuple[LegalBasis, ...]):
        self.code = code
        self.label = label
        self.legal_bases = legal_bases


class OnErasure(StrEnum):
    """What an erasure (GDPR art. 17) does to a personal field."""

    DELETE = "delete"  # the value (or the row) goes
    ANONYMISE = "anonymise"  # the value is replaced by the declaration's fixed placeholder
    LEGAL_HOLD = "legal_hold"  # kept until its retention ends (invoices, accounting)


@dataclass(frozen=True)
class Personal:
    """The declaration of one personal field."""

    category: Category
    purposes: tuple[Purpose, ...]
    on_erasure: OnErasure
    encrypted: bool = False
    searchable: bool = False
    # The fixed value an anonymised field takes; checked against the field
    # at start-up (an email field needs a valid address, a date a date or None).
    placeholder: object = ""
    notes: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Accept any iterable of purposes, keep an immutable tuple.
        object.__setattr__(self, "purposes", tuple(self.purposes))
        if not isinstance(self.category, Category):
            raise TypeError(f"category must be a Category, not {self.category!r}")
        if not self.purposes:
            raise ValueError("a personal field needs at least one purpose")
        for purpose in self.purposes:
            if not isinstance(purpose, Purpose):
                raise TypeError(f"purposes must be Purpose members, not {purpose!r}")
        if not isinstance(self.on_erasure, OnErasure):
            raise TypeError(f"on_erasure must be an OnErasure, not {self.on_erasure!r}")
        if self.searchable and not self.encrypted:
            raise ValueError(
                "searchable means searchable through a blind index, which only "
                "encrypted fields have; plaintext fields are searched directly"
            )

    @property
    def legal_bases(self) -> tuple[LegalBasis, ...]:
        seen: dict[LegalBasis, None] = {}
        for purpose in self.purposes:
            seen.update(dict.fromkeys(purpose.legal_bases))
        return tuple(seen)

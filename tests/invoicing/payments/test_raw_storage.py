"""A payment's reference (a cheque number, a transfer reference, a provider's
transaction id) is not in the database in clear: encrypted, under the person's
key for an individual client, the organisation's for a company."""

from comptoir.invoicing.models import Payment
from comptoir.privacy.crypto import Sealed
from tests.raw_storage import raw_database


def test_the_reference_is_stored_encrypted(world, make_client, pay):
    references = {
        "company": "CHQ-REFCLEAR-4415926",
        "individual": "VIR-REFCLEAR-2718281",
    }
    company = pay(make_client(), "10.00", reference=references["company"], method="cheque")
    person = pay(make_client(individual=True), "20.00", reference=references["individual"])
    raw = raw_database(Payment)
    for reference in references.values():
        assert reference.encode() not in raw
        assert reference.encode("utf-16-le") not in raw
    # The control: the amount is stored in clear, so the search can succeed.
    assert b"20" in raw
    # And the values read back, each under its key.
    for payment, reference in (
        (company, references["company"]),
        (person, references["individual"]),
    ):
        fresh = Payment.objects.of(world.org_a).get(pk=payment.pk)
        assert isinstance(fresh.__dict__["reference"], Sealed)
        assert fresh.reference == reference
    assert person.data_subject_id is not None and company.data_subject_id is None

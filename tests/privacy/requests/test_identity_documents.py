"""A copy of an identity document is stored in ``default_storage`` under a
random name, declared with its retention (1 year, 3 for an objection) counted
from its receipt, and refused when it is not a PDF or an image."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.privacy import retention
from comptoir.privacy.registry import registry
from comptoir.privacy.requests.models import (
    IdentityDocument,
    ObjectionIdentityDocument,
    RequestState,
)
from tests.privacy.requests.conftest import recorded


def test_the_documents_declare_their_retention_from_receipt():
    for model, rule in (
        (IdentityDocument, retention.RIGHTS_REQUEST_IDENTITY_DOCUMENT),
        (ObjectionIdentityDocument, retention.OBJECTION_IDENTITY_DOCUMENT),
    ):
        assert registry.for_model(model).retention is rule
        assert model.Privacy.retention_start == "received_at"


@pytest.mark.parametrize(
    ("kind", "model"), [("access", IdentityDocument), ("objection", ObjectionIdentityDocument)]
)
def test_the_proof_resumes_the_clock_and_its_copy_is_kept_by_type(
    world, ui_as, kind, model, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    request = recorded(world, kind=kind)
    client = ui_as("owner")
    asked = client.post(
        f"/privacy/requests/{request.pk}/identity/ask/", {"note": "Une pièce d'identité."}
    )
    assert asked.status_code == 302
    upload = SimpleUploadedFile(
        "carte-identite-dupont.pdf", b"%PDF-1.7 test", content_type="application/pdf"
    )
    received = client.post(
        f"/privacy/requests/{request.pk}/identity/received/", {"document": upload}
    )
    assert received.status_code == 302
    (document,) = model.objects.of(world.org_a)
    assert "dupont" not in document.file.name and default_storage.exists(document.file.name)
    request.refresh_from_db()
    assert request.state == RequestState.OPEN


def test_a_document_that_is_not_a_pdf_or_an_image_is_refused(world, ui_as, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    request = recorded(world)
    client = ui_as("owner")
    client.post(f"/privacy/requests/{request.pk}/identity/ask/", {"note": "Une pièce."})
    upload = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")
    response = client.post(
        f"/privacy/requests/{request.pk}/identity/received/", {"document": upload}
    )
    assert response.status_code == 422
    request.refresh_from_db()
    assert request.state == RequestState.AWAITING_IDENTITY
    assert not IdentityDocument.objects.of(world.org_a).exists()

"""``/api/consents``: a person's states and ledger, giving and withdrawing, wordings;
422 on bad input with nothing changed, 404 for another organisation's person."""

from comptoir.privacy.consent.models import ConsentEvent, ConsentPurpose, ConsentWording

POST = ConsentPurpose.PROSPECTION_POST


def test_give_withdraw_and_read_through_the_api(api_as, make_contact, wording):
    person = make_contact()
    subject = person.data_subject
    shown = wording(POST)
    api = api_as("sales")
    # The parties API names the person's id.
    listed = api.get(f"/api/contact-persons/{person.pk}").json()
    assert listed["subject_uuid"] == str(subject.uuid)
    url = f"/api/consents/subjects/{subject.uuid}"
    response = api.post(
        f"{url}/give", {"purpose": POST, "channel": "phone", "wording_id": shown.pk}
    )
    assert response.status_code == 201, response.json()
    states = {s["purpose"]: s["status"] for s in response.json()["states"]}
    assert states[POST] == "given" and states["reviews"] == "none"
    response = api.post(f"{url}/withdraw", {"purpose": POST, "channel": "email_reply"})
    assert response.status_code == 201
    body = api.get(url).json()
    assert [e["action"] for e in body["history"]] == ["withdrawn", "given"]
    assert body["history"][1]["wording_id"] == shown.pk
    assert {s["purpose"]: s["status"] for s in body["states"]}[POST] == "withdrawn"


def test_bad_input_is_422_and_changes_nothing(world, api_as, make_contact, wording):
    subject = make_contact().data_subject
    shown = wording(POST)
    other_org = wording(POST, organisation=world.org_b)
    api = api_as("sales")
    url = f"/api/consents/subjects/{subject.uuid}/give"
    for body in (
        {"purpose": POST, "channel": "pigeon", "wording_id": shown.pk},
        {"purpose": POST, "channel": "one_click", "wording_id": shown.pk},  # the person's own
        {"purpose": "astrology", "channel": "phone", "wording_id": shown.pk},
        {"purpose": POST, "channel": "phone"},
        {"purpose": POST, "channel": "phone", "wording_id": other_org.pk},
        {"purpose": "reviews", "channel": "phone", "wording_id": shown.pk},
        {"purpose": POST, "channel": "phone", "wording_id": shown.pk, "form": "x" * 121},
        {
            "purpose": POST,
            "channel": "phone",
            "wording_id": shown.pk,
            "occurred_at": "2999-01-01T00:00:00Z",
        },
        {"purpose": POST, "channel": "phone", "wording_id": shown.pk, "occurred_at": 12},
    ):
        response = api.post(url, body)
        assert response.status_code == 422, (body, response.json())
        assert response.json()["errors"]
    assert not ConsentEvent.objects.of(world.org_a).exists()


def test_permissions_and_other_organisations(world, api_as, make_contact, make_individual, wording):
    subject = make_contact().data_subject
    shown = wording(POST)
    give = {"purpose": POST, "channel": "phone", "wording_id": shown.pk}
    assert api_as("support").get(f"/api/consents/subjects/{subject.uuid}").status_code == 200
    assert (
        api_as("support").post(f"/api/consents/subjects/{subject.uuid}/give", give).status_code
        == 403
    )
    theirs = make_individual(organisation=world.org_b).data_subject
    for path in (
        f"/api/consents/subjects/{theirs.uuid}",
        f"/api/consents/subjects/{theirs.uuid}/give",
    ):
        method = "get" if path.endswith(str(theirs.uuid)) else "post"
        response = getattr(api_as("owner"), method)(
            path, **({"json": give} if method == "post" else {})
        )
        assert response.status_code == 404
    assert not ConsentEvent.objects.of(world.org_b).exists()


def test_wordings_through_the_api(world, api_as):
    body = {"purpose": POST, "language": "fr", "text": "Acceptez-vous nos courriers ?"}
    assert api_as("sales").post("/api/consents/wordings", body).status_code == 403
    response = api_as("admin").post("/api/consents/wordings", body)
    assert response.status_code == 201 and response.json()["version"] == 1
    assert api_as("admin").post("/api/consents/wordings", body).json()["version"] == 2
    assert (
        api_as("admin").post("/api/consents/wordings", {**body, "language": "xx"}).status_code
        == 422
    )
    listed = api_as("sales").get("/api/consents/wordings").json()
    assert [w["version"] for w in listed] == [2, 1]
    assert ConsentWording.objects.of(world.org_b).count() == 0

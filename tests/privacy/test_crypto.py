"""Encrypted fields: round trip, binding to row, column and organisation,
rotation of organisation keys, crypto-shredding of one person."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from faker import Faker

from comptoir.audit.models import AuditEvent
from comptoir.privacy import crypto, keys
from comptoir.privacy.crypto import DecryptionError, Sealed, ValueShredded
from comptoir.privacy.models import DataSubject, KeyKind, OrganisationKey, SubjectKey
from comptoir.privacy.rotation import organisation_reencrypt
from comptoir.privacy.services import subject_shred
from tests.privacy.models import Person

fake = Faker("fr_FR")


def stored(person: Person, column: str) -> bytes:
    """A column's bytes as the database holds them."""
    table = connection.ops.quote_name(Person._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [person.pk])  # noqa: S608
        return bytes(cursor.fetchone()[0])


def write(person: Person, column: str, value: bytes) -> None:
    Person.across_organisations.filter(pk=person.pk).update(**{column: Sealed(value)})


def reload(person: Person) -> Person:
    return Person.across_organisations.select_related("data_subject").get(pk=person.pk)


@pytest.fixture
def alice(make_person):
    return make_person(
        family_name=fake.last_name(),
        email=fake.email(),
        phone="06 12 34 56 78",
        iban="FR76 3000 6000 0112 3456 7890 189",
        birth_date=date(1984, 2, 29),
        note=fake.paragraph(),
    )


def test_values_round_trip_through_the_database(make_person):
    values = {
        "family_name": "Le Guénnec-Hébert",
        "email": fake.email(),
        "phone": "+32 470 12 34 56",
        "iban": "BE68539007547034",
        "birth_date": date(1971, 12, 31),
        "note": "Préfère être appelée le matin. ✓ ünïcødé",
    }
    person = make_person(**values)
    again = reload(person)
    for name, value in values.items():
        assert getattr(again, name) == value, name
    assert isinstance(again.__dict__["email"], Sealed)  # read from the database, then decrypted


def test_empty_and_null_values(make_person):
    person = reload(make_person(family_name="Martin", email="", birth_date=None))
    assert person.email == ""
    assert person.birth_date is None
    assert person.email_index is None  # an empty value is not indexed
    assert stored(person, "email") == b""  # nothing to protect: stored empty, not sealed
    assert crypto.key_id(stored(person, "family_name")) == (crypto.SUBJECT, 0)


def test_emptying_a_value_stores_it_empty_and_drops_its_index(alice):
    person = reload(alice)
    person.email = ""
    person.save(update_fields=["email"])
    again = reload(person)
    assert (again.email, again.email_index, stored(again, "email")) == ("", None, b"")
    Person.across_organisations.filter(pk=alice.pk).update(note="")
    assert reload(alice).note == ""


def test_a_value_sealed_empty_by_an_earlier_version_still_reads_empty(alice):
    sealed = crypto.seal(
        b"", binding=Person._meta.get_field("note").binding(alice), subject=alice.data_subject
    )
    write(alice, "note", sealed)
    assert reload(alice).note == ""


def test_the_stored_value_carries_its_key_id_and_hides_the_length(alice):
    raw = stored(alice, "email")
    assert crypto.key_id(raw) == (crypto.SUBJECT, 0)
    short, long = "a@b.fr", "a" * 9 + "@b.fr"
    assert len(crypto.pad(short.encode())) == len(crypto.pad(long.encode())) == 16


def test_a_value_copied_to_another_row_fails(alice, make_person):
    bob = make_person(family_name=fake.last_name(), email=fake.email())
    write(bob, "email", stored(alice, "email"))
    with pytest.raises(DecryptionError, match="moved from another row, column or organisation"):
        _ = reload(bob).email


def test_a_value_copied_to_another_row_of_the_same_person_fails(alice):
    twin = Person(organisation=alice.organisation, data_subject=alice.data_subject, family_name="X")
    twin.save()
    write(twin, "family_name", stored(alice, "family_name"))
    with pytest.raises(DecryptionError, match="moved"):
        _ = reload(twin).family_name


def test_a_value_copied_to_another_column_fails(alice):
    write(alice, "note", stored(alice, "email"))
    with pytest.raises(DecryptionError, match=r"person\.note of row"):
        _ = reload(alice).note
    assert reload(alice).email  # the original still reads


def test_a_value_moved_to_another_organisation_fails(alice, make_person, world):
    outsider = make_person(world.org_b, family_name=fake.last_name())
    write(outsider, "family_name", stored(alice, "family_name"))
    with pytest.raises(DecryptionError):
        _ = reload(outsider).family_name


def test_a_row_pointed_at_another_organisations_subject_fails(alice, world):
    Person.across_organisations.filter(pk=alice.pk).update(organisation=world.org_b)
    with pytest.raises(DecryptionError, match="another organisation"):
        _ = reload(alice).email


def test_a_tampered_value_fails(alice):
    raw = bytearray(stored(alice, "note"))
    raw[-1] ^= 1
    write(alice, "note", bytes(raw))
    with pytest.raises(DecryptionError):
        _ = reload(alice).note


def test_a_rewritten_header_fails(alice):
    raw = bytearray(stored(alice, "note"))
    raw[1:2] = crypto.ORGANISATION
    write(alice, "note", bytes(raw))
    with pytest.raises(DecryptionError):
        _ = reload(alice).note


def test_a_plaintext_never_reaches_the_database(alice):
    with pytest.raises(TypeError, match="plaintext reached the database"):
        Person.across_organisations.filter(pk=alice.pk).update(email="x@example.test")
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        Person.across_organisations.filter(email="x@example.test").count()


def test_an_unchanged_value_is_written_back_as_it_was(alice):
    person = reload(alice)
    before = stored(person, "note")
    _ = person.note
    person.company_name = "ACME"
    person.save()
    assert stored(person, "note") == before
    person.note = "Nouvelle note"
    person.save(update_fields=["note"])
    assert stored(person, "note") != before
    assert reload(person).note == "Nouvelle note"


def test_update_fields_saves_the_blind_index_too(alice):
    person = reload(alice)
    person.email = fake.email()
    person.save(update_fields=["email"])
    assert reload(person).email_index == person.email_index != alice.email_index


def test_refresh_and_deferred_loading_do_not_decrypt_early(alice):
    person = Person.across_organisations.defer("note").get(pk=alice.pk)
    assert person.note == alice.note  # the deferred column loads, then decrypts
    alice.refresh_from_db()
    assert isinstance(alice.__dict__["email"], Sealed)
    assert alice.email == reload(alice).email


def test_rows_about_no_person_use_the_organisation_key(world):
    note = Person(organisation=world.org_a, family_name="Société", note="Pas de personne")
    note.save()
    assert crypto.key_id(stored(note, "note")) == (crypto.ORGANISATION, 1)
    assert reload(note).note == "Pas de personne"


def test_a_row_about_no_person_reads_the_organisation_key_once_per_save(world):
    Person(organisation=world.org_a, family_name="Première").save()  # the key exists
    row = Person(
        organisation=world.org_a,
        family_name="Société",
        email="contact@societe.example",
        phone="01 23 45 67 89",
        note="Sans personne",
    )
    with CaptureQueriesContext(connection) as captured:
        row.save()
    key_reads = [q for q in captured.captured_queries if "privacy_organisationkey" in q["sql"]]
    # At most one per kind of key (data, blind index), whatever the number of values;
    # keys made by this test's uncommitted transaction are never cached.
    assert len(key_reads) <= 2
    assert reload(row).note == "Sans personne"


def test_keys_never_show_their_bytes(alice):
    key = keys.subject_key(alice.data_subject)
    material = key.hmac_key()
    assert material.hex() not in repr(key) and str(material) not in str(key)
    assert "subject" in repr(key)
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(key)
    assert "bytes" in repr(Sealed(b"x" * 40))


class TestRotation:
    def test_old_values_still_decrypt_and_reencryption_moves_them(self, world, alice):
        org = world.org_a
        loose = Person(organisation=org, family_name="Dupont", note=fake.paragraph())
        loose.save()
        assert crypto.key_id(stored(loose, "note")) == (crypto.ORGANISATION, 1)

        assert keys.rotate_organisation_key(org.pk) == 2
        keys.clear_caches()
        # Nothing moved yet: every value still decrypts with the retired key.
        assert reload(loose).note == loose.note
        assert reload(alice).note == alice.note
        # New values use the new key.
        fresh = Person(organisation=org, family_name="Nouveau", note="Après rotation")
        fresh.save()
        assert crypto.key_id(stored(fresh, "note")) == (crypto.ORGANISATION, 2)

        report = organisation_reencrypt(organisation=org, batch_size=1)
        assert report.subjects_rewrapped >= 1
        assert report.values_reencrypted >= 1  # the loose note (and family name)
        assert crypto.key_id(stored(loose, "note")) == (crypto.ORGANISATION, 2)
        subject = DataSubject.objects.of(org).get(pk=alice.data_subject_id)
        assert SubjectKey.objects.of(org).get(subject_uuid=subject.uuid).wrapped_by == 2

        # The retired key can now go: everything still reads.
        OrganisationKey.objects.of(org).filter(kind=KeyKind.DATA, version=1).delete()
        keys.clear_caches()
        assert reload(loose).note == loose.note
        assert reload(alice).email == alice.email
        assert organisation_reencrypt(organisation=org).values_reencrypted == 0

    def test_rotation_leaves_the_blind_index_valid(self, world, alice):
        keys.rotate_organisation_key(world.org_a.pk)
        organisation_reencrypt(organisation=world.org_a)
        assert reload(alice).email_index == alice.email_index

    def test_without_the_retired_key_unmoved_values_fail(self, world):
        loose = Person(organisation=world.org_a, family_name="Durand", note="note")
        loose.save()
        keys.rotate_organisation_key(world.org_a.pk)
        OrganisationKey.objects.of(world.org_a).filter(version=1, kind=KeyKind.DATA).delete()
        keys.clear_caches()
        with pytest.raises(DecryptionError, match="no data key v1"):
            _ = reload(loose).note


class TestShredding:
    def test_shredding_one_person_leaves_the_others_readable(self, world, alice, make_person):
        bob = make_person(family_name=fake.last_name(), email=fake.email())
        subject_shred(subject=alice.data_subject, actor=None)
        gone = reload(alice)
        for name in ("family_name", "email", "phone", "iban", "birth_date", "note"):
            with pytest.raises(ValueShredded, match="shredded"):
                getattr(gone, name)
        assert reload(bob).email == bob.email
        assert gone.data_subject.shredded_at is not None

    def test_a_shredded_key_is_gone_from_this_process_too(self, alice):
        _ = reload(alice).email  # caches the person's key
        subject_shred(subject=alice.data_subject, actor=None)
        with pytest.raises(ValueShredded):
            _ = reload(alice).email

    def test_shredding_is_audited(self, alice):
        from comptoir.audit.models import AuditEvent

        subject_shred(subject=alice.data_subject, actor=None)
        event = AuditEvent.objects.filter(organisation_id=alice.organisation_id).first()
        assert event.action == "erase"
        assert event.object_id == str(alice.data_subject.uuid)

    def test_deleting_the_organisation_keys_shreds_the_tenant(self, world, alice):
        OrganisationKey.objects.of(world.org_a).delete()
        keys.clear_caches()
        with pytest.raises(DecryptionError):
            _ = reload(alice).email


def test_the_rotate_command_moves_everything_and_resumes(world, alice):
    from io import StringIO

    from django.core.management import call_command

    loose = Person(organisation=world.org_a, family_name="Lefèvre", note="Sans personne")
    loose.save()
    out = StringIO()
    call_command("keys", "rotate", "--organisation", str(world.org_a.pk), stdout=out)
    assert f"organisation {world.org_a.pk}: data key v2; 1 person keys re-wrapped" in out.getvalue()
    assert crypto.key_id(stored(loose, "note")) == (crypto.ORGANISATION, 2)
    out = StringIO()
    call_command("keys", "rotate", "--resume", "--organisation", str(world.org_a.pk), stdout=out)
    assert "data key v2; 0 person keys re-wrapped, 0 values re-encrypted" in out.getvalue()
    assert reload(alice).note == alice.note and reload(loose).note == "Sans personne"
    journal = AuditEvent.objects.filter(organisation_id=world.org_a.pk).order_by("seq")
    rotation = journal.get(object_type="privacy.organisationkey")
    moved = journal.get(object_type="privacy.reencryption")
    assert (rotation.action, rotation.object_id) == ("create", "data:v2")
    assert moved.fields == [
        "privacy.subjectkey.wrapped_key",
        "privacy_tests.person.family_name",  # the loose row's values, under the organisation key
        "privacy_tests.person.note",
    ]
    assert journal.filter(object_type="privacy.reencryption").count() == 1  # resume: nothing

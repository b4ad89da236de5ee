"""The pages' forms hold the fields the services accept, as the models declare
them (a field is written once): every accepted field is on its form with the
model's length and range, and an amount too long for its column is refused by
the service and shown beside its field, nothing stored."""

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from comptoir.accounts.models import ApiToken
from comptoir.accounts.services import TOKEN_FIELDS
from comptoir.core.modelfields import integer_range
from comptoir.parties import forms, services
from comptoir.parties.models import ContactPerson, Party
from comptoir.parties.services.parties import CONTACT_PERSON_FIELDS, PARTY_FIELDS
from comptoir.sales import pipeline_forms
from comptoir.sales import services as sales_services
from comptoir.sales.models import Opportunity, PipelineStage
from comptoir.sales.pipeline_rules import OPPORTUNITY_FIELDS, STAGE_FIELDS
from comptoir.web.forms import TokenCreateForm
from tests.parties.conftest import counts

FORMS = [
    ("company and individual", Party, PARTY_FIELDS, (forms.CompanyForm, forms.IndividualForm)),
    ("contact person", ContactPerson, CONTACT_PERSON_FIELDS, (forms.ContactPersonForm,)),
    ("stage", PipelineStage, STAGE_FIELDS, (pipeline_forms.PipelineStageForm,)),
    ("opportunity", Opportunity, OPPORTUNITY_FIELDS, (pipeline_forms.OpportunityEditForm,)),
    ("new opportunity", Opportunity, OPPORTUNITY_FIELDS, (pipeline_forms.OpportunityForm,)),
    ("token", ApiToken, TOKEN_FIELDS, (TokenCreateForm,)),
]


@pytest.mark.parametrize(
    ("what", "model", "accepted", "form_classes"), FORMS, ids=[f[0] for f in FORMS]
)
def test_every_accepted_field_is_on_its_form_with_the_model_s_limits(
    what, model, accepted, form_classes
):
    on_forms = {name for form_class in form_classes for name in form_class.base_fields}
    assert set(accepted) <= on_forms
    for form_class in form_classes:
        for name, form_field in form_class.base_fields.items():
            if name not in accepted:
                continue
            field = model._meta.get_field(name)
            if field.is_relation:
                assert isinstance(form_field, forms.forms.ModelChoiceField), name
            elif isinstance(field, models.DecimalField):
                assert form_field.max_length >= field.max_digits, name
            elif isinstance(field, models.IntegerField):
                assert (form_field.min_value, form_field.max_value) == integer_range(field), name
            elif isinstance(form_field, forms.forms.ChoiceField):
                assert all(len(str(value)) <= field.max_length for value, _ in form_field.choices)
            elif field.max_length:
                assert form_field.max_length == field.max_length, name


def test_a_party_field_no_fieldset_names_shows_under_other():
    """The layout lists fields for presentation; one it forgets is not lost."""
    fieldsets = forms.with_the_rest(
        ((("Company"), ("company_name",)),), Party, {"company_name", "vat_number", "origin"}
    )
    assert fieldsets[-1][1] == ("vat_number", "origin")


@pytest.mark.parametrize("amount", ["1e309", "9" * 40, "1000000000000", "NaN", "Infinity"])
def test_the_service_refuses_an_amount_the_column_cannot_hold(world, actor, make_company, amount):
    party = make_company()
    opportunity = sales_services.opportunity_create(actor=actor, party=party, title="X", amount="1")
    before = counts()
    with pytest.raises(ValidationError) as raised:
        sales_services.opportunity_create(actor=actor, party=party, title="Devis", amount=amount)
    assert "12" in " ".join(raised.value.message_dict["amount"])
    with pytest.raises(ValidationError) as raised:
        sales_services.opportunity_update(actor=actor, opportunity=opportunity, amount=amount)
    assert "12" in " ".join(raised.value.message_dict["amount"])
    assert counts() == before


def test_an_amount_that_rounds_past_the_column_is_refused(world, actor, make_company):
    party = make_company()
    with pytest.raises(ValidationError) as raised:
        sales_services.opportunity_create(
            actor=actor, party=party, title="Devis", amount="999999999999.995"
        )
    assert "amount" in raised.value.message_dict
    stored = sales_services.opportunity_create(
        actor=actor, party=party, title="Devis", amount="999 999 999 999,994"
    )
    assert str(stored.amount) == "999999999999.99"


def test_the_opportunity_page_shows_an_amount_too_long_beside_its_field(world, ui_as, make_company):
    party = make_company()
    ui = ui_as("sales")
    ui.get(f"/sales/pipeline/parties/{party.pk}/opportunities/new/")  # the default stages, once
    before = counts()
    response = ui.post(
        f"/sales/pipeline/parties/{party.pk}/opportunities/new/",
        {"title": "Devis", "amount": "9" * 20, "probability": "20"},
    )
    assert response.status_code == 200
    assert "12" in " ".join(response.context["form"].errors["amount"])
    assert counts() == before


def _limited(model, names) -> list[str]:
    return sorted(
        name
        for name in names
        if (field := model._meta.get_field(name)).max_length
        and not field.choices
        and not field.is_relation
    )


@pytest.mark.parametrize("name", _limited(Party, PARTY_FIELDS))
def test_party_create_refuses_a_text_longer_than_its_column(world, actor, name):
    """The model's length holds in the service too (``full_clean``), encrypted
    fields included: the same answer as the API's, whatever the database."""
    from comptoir.parties.models import PartyKind

    limit = Party._meta.get_field(name).max_length
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.party_create(
            actor=actor,
            organisation=world.org_a,
            kind=PartyKind.INDIVIDUAL,
            **{"family_name": "Moreau", name: "7" * (limit + 1)},
        )
    assert name in raised.value.message_dict
    assert counts() == before


@pytest.mark.parametrize("name", _limited(ContactPerson, CONTACT_PERSON_FIELDS))
def test_contact_person_create_refuses_a_text_longer_than_its_column(
    world, actor, make_company, name
):
    party = make_company()
    limit = ContactPerson._meta.get_field(name).max_length
    before = counts()
    with pytest.raises(ValidationError) as raised:
        services.contact_person_create(
            actor=actor, party=party, **{"family_name": "Moreau", name: "7" * (limit + 1)}
        )
    assert name in raised.value.message_dict
    assert counts() == before

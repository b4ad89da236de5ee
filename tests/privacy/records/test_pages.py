"""The retention page: the rules with their defaults and the organisation's own
periods, changed and reset by PRIVACY_MANAGE only; bad input changes nothing."""

from comptoir.privacy import retention
from comptoir.privacy.records.models import RetentionOverride
from comptoir.privacy.records.retention import effective_rule
from comptoir.privacy.retention import Duration

URL = "/privacy/records/retention/"


def test_the_page_lists_every_rule_and_the_hub_links_to_it(world, ui_as):
    client = ui_as("owner")
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    for rule in retention.ALL_RULES:
        assert f'id="rule-{rule.code}"' in text
    assert URL in client.get("/privacy/").content.decode()


def test_only_privacy_managers_reach_it(world, ui_as):
    for role in ("sales", "support", "accountant"):
        assert ui_as(role).get(URL).status_code == 403
        response = ui_as(role).post(URL, {"rule_code": "prospect", "months": 1, "days": 0})
        assert response.status_code == 403
    assert not RetentionOverride.objects.of(world.org_a).exists()


def test_an_own_period_is_set_then_reset(world, ui_as):
    client = ui_as("admin")
    response = client.post(URL, {"rule_code": "prospect", "months": 24, "days": 0})
    assert response.status_code == 302
    assert effective_rule(world.org_a, retention.PROSPECT).duration == Duration(months=24)
    assert effective_rule(world.org_b, retention.PROSPECT) == retention.PROSPECT
    assert "2 years" in client.get(URL).content.decode()
    response = client.post(URL, {"rule_code": "prospect", "months": 24, "days": 0, "reset": "1"})
    assert response.status_code == 302
    assert effective_rule(world.org_a, retention.PROSPECT) == retention.PROSPECT


def test_bad_input_is_refused_with_its_reason_and_changes_nothing(world, ui_as):
    client = ui_as("owner")
    for data in (
        {"rule_code": "accounting", "months": 12, "days": 0},  # a legal hold shortened
        {"rule_code": "prospect", "months": -3, "days": 0},
        {"rule_code": "prospect", "months": "trois", "days": 0},
        {"rule_code": "prospect", "months": 0, "days": 0},
        {"rule_code": "no_such_rule", "months": 3, "days": 0},
        {"rule_code": "client_contract", "months": 3, "days": 0},  # no fixed duration
    ):
        response = client.post(URL, data)
        assert response.status_code == 400, data
        assert 'class="errorlist' in response.content.decode(), data
    assert not RetentionOverride.objects.of(world.org_a).exists()

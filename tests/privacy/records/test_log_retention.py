"""The journal's retention (DOMAIN.md §4), driven by the daily sweep with a
fake clock: connection events (logins, failed logins, lockouts, logouts) go
after 6 months, the other events after a year, each organisation's own
durations win, and ``comptoir audit verify`` passes after every purge while
a tampered event is still caught."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone

from comptoir.accounts import throttling
from comptoir.audit.models import Action, AuditCheckpoint, AuditEvent, chain_of
from comptoir.audit.services import Actor, audit_record
from comptoir.privacy import retention
from comptoir.privacy.records import services
from comptoir.privacy.records.tasks import retention_sweep
from comptoir.privacy.retention import Duration
from tests.audit.journal import attack_update

# Well after the events the fixtures write at the real time, so that every
# chain's events below are recorded in the order of their time.
NOW = timezone.now().replace(microsecond=0) + timedelta(days=800)
DAY = timedelta(days=1)
SIX_MONTHS_AGO = Duration(months=-6).after(NOW)
A_YEAR_AGO = Duration(months=-12).after(NOW)


def _at(moment: datetime, **kwargs) -> AuditEvent:
    with time_machine.travel(moment, tick=False):
        return audit_record(**kwargs)


def _login(user, organisation, moment: datetime) -> AuditEvent:
    return _at(
        moment,
        actor=Actor.user(user.pk, "192.0.2.44"),
        action=Action.LOGIN,
        organisation_id=organisation.pk,
        object_type="accounts.User",
        object_id=user.pk,
    )


def _update(user, organisation, moment: datetime) -> AuditEvent:
    return _at(
        moment,
        actor=Actor.user(user.pk, "192.0.2.44"),
        action=Action.UPDATE,
        organisation_id=organisation.pk,
        object_type="parties.Party",
        object_id=7,
        fields=["family_name"],
    )


@pytest.fixture
def journal(world):
    """In org A's chains, in the order of time: an event a year and a day
    old, one a year less a day old, a login six months and a day old, one six
    months less a day old. The system's connection chain: a failed login for
    an unknown address six months and a day old, through the service."""
    user = world.member("sales")
    events = {
        "audit_old": _update(user, world.org_a, A_YEAR_AGO - DAY),
        "audit_young": _update(user, world.org_a, A_YEAR_AGO + DAY),
        "login_old": _login(user, world.org_a, SIX_MONTHS_AGO - DAY),
        "login_young": _login(user, world.org_a, SIX_MONTHS_AGO + DAY),
    }
    with time_machine.travel(SIX_MONTHS_AGO - DAY, tick=False):
        throttling.login_failed(user=None, ip_address="198.51.100.7")
    events["unknown_old"] = AuditEvent.objects.get(action=Action.LOGIN_FAILED)
    assert events["unknown_old"].chain == "conn:system"
    return events


def _sweep(moment: datetime = NOW) -> dict:
    with time_machine.travel(moment, tick=False):
        return retention_sweep.call()


def _kept(events: dict) -> set[str]:
    present = set(AuditEvent.objects.values_list("pk", flat=True))
    return {name for name, event in events.items() if event.pk in present}


def _verify() -> str:
    out = []

    class Out:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    call_command("audit", "verify", stdout=Out())
    return "".join(out)


def test_connection_events_go_after_six_months_the_others_after_a_year(world, journal):
    _sweep()
    assert _kept(journal) == {"audit_young", "login_young"}
    output = _verify()
    assert f"conn:{chain_of(world.org_a.pk)}: ok" in output
    assert f"{chain_of(world.org_a.pk)}: ok" in output
    assert "conn:system: ok" in output
    # Each chain was cut at its start, after a sealed checkpoint: the last
    # event purged.
    for chain, last in (
        (f"conn:{chain_of(world.org_a.pk)}", journal["login_old"]),
        (chain_of(world.org_a.pk), journal["audit_old"]),
        ("conn:system", journal["unknown_old"]),
    ):
        checkpoint = AuditCheckpoint.objects.get(chain=chain)
        assert (checkpoint.seq, checkpoint.hash) == (last.seq, last.hash)


def test_the_next_purges_take_the_rest_and_every_chain_still_verifies(world, journal):
    _sweep()
    with time_machine.travel(NOW + DAY, tick=False):
        later_login = _login(world.member("sales"), world.org_a, NOW + DAY)
    _sweep(NOW + 2 * DAY + timedelta(hours=1))
    assert _kept(journal) == set()
    assert AuditEvent.objects.filter(pk=later_login.pk).exists()
    _verify()
    # The sweep running again the same day finds nothing more to purge.
    assert _sweep(NOW + 2 * DAY + timedelta(hours=2))["purged audit journal"] == 0
    _verify()


@pytest.mark.parametrize("name", ["audit_young", "login_young"])
def test_a_tampered_event_is_still_caught_after_a_purge(world, journal, name):
    _sweep()
    attack_update(journal[name].pk, ip_address="203.0.113.99")
    with pytest.raises(CommandError, match="1 chain"):
        _verify()


def test_a_tampered_event_is_not_purged_away(world, journal):
    """Tampering with an event the purge would delete keeps its chain whole,
    as evidence; the other chains are purged all the same."""
    attack_update(journal["login_old"].pk, object_id="8")
    result = _sweep()
    assert "purged audit journal" in result
    assert _kept(journal) == {"audit_young", "login_old", "login_young"}
    with pytest.raises(CommandError, match="1 chain"):
        _verify()


def test_an_organisations_own_durations_are_honoured(world, journal):
    user_b = world.owner_b
    b_login = _login(user_b, world.org_b, SIX_MONTHS_AGO + 30 * DAY)
    b_update = _update(user_b, world.org_b, A_YEAR_AGO - DAY)
    actor = Actor.user(world.member("owner").pk)
    # Org A: connection logs a month only, audit events two years (set after
    # the journal's events, as their chain keeps the order of time).
    with time_machine.travel(NOW - 10 * DAY, tick=False):
        services.retention_override_set(
            actor=actor, organisation=world.org_a, rule_code="connection_logs", months=1
        )
        services.retention_override_set(
            actor=actor, organisation=world.org_a, rule_code="security_logs", months=24
        )
    a_login = _login(world.member("sales"), world.org_a, SIX_MONTHS_AGO + 30 * DAY)

    _sweep()

    kept = _kept({**journal, "a_login": a_login, "b_login": b_login, "b_update": b_update})
    # A: both logins past a month are gone, both audit events under two years stay.
    assert kept == {"audit_old", "audit_young", "b_login"}
    _verify()


def test_expired_sessions_go_with_the_sweep(world):
    """A session's row names its user: it goes once expired (the idle timeout),
    not only when someone thinks of running ``clearsessions``."""
    store = SessionStore()
    store["_auth_user_id"] = str(world.member("sales").pk)
    store.create()
    live = SessionStore()
    live.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=NOW - DAY)
    Session.objects.filter(session_key=live.session_key).update(expire_date=NOW + DAY)

    assert _sweep()["purged expired sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    event = AuditEvent.objects.get(object_type="sessions.session")
    assert (event.action, event.object_id, event.chain) == (Action.DELETE, "1 rows", "system")


def test_the_rules_read_their_durations_from_the_settings():
    assert retention.CONNECTION_LOGS.duration == Duration(months=6)
    assert retention.SECURITY_LOGS.duration == Duration(months=12)
    assert retention.CONNECTION_LOGS in retention.ALL_RULES
    assert retention.SECURITY_LOGS in retention.ALL_RULES


def _durations_in_a_fresh_process(**env_extra) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(env_extra)
    code = (
        "import json, django, os;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'comptoir.settings');"
        "django.setup();"
        "from comptoir.privacy import retention as r;"
        "print(json.dumps([str(r.CONNECTION_LOGS.duration), str(r.SECURITY_LOGS.duration)]))"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def test_both_durations_are_configurable_and_checked():
    result = _durations_in_a_fresh_process(
        COMPTOIR_CONNECTION_LOGS_MONTHS="3", COMPTOIR_AUDIT_LOGS_MONTHS="24"
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["3 months", "2 years"]

    refused = _durations_in_a_fresh_process(COMPTOIR_CONNECTION_LOGS_MONTHS="0")
    assert refused.returncode != 0
    assert "COMPTOIR_CONNECTION_LOGS_MONTHS must be at least 1" in refused.stderr

"""The rotation over a simulated year of hourly backups (policy.decide, pure)."""

from datetime import UTC, datetime, timedelta

from comptoir.ops.backup.policy import Durations, backup_name, decide, parse_name

DEFAULTS = Durations(hourly=timedelta(days=7), weekly=timedelta(days=1825), keys=timedelta(days=7))
START = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)  # a Thursday (ISO week 2026-W01)


def prune(names: set[str], now: datetime, durations: Durations = DEFAULTS) -> set[str]:
    return {d.name for d in decide(sorted(names), now=now, durations=durations) if d.keep}


def simulate(hours: int, durations: Durations = DEFAULTS, prune_every: int = 24):
    """Hourly data and key backups from START, pruned every ``prune_every`` hours."""
    names: set[str] = set()
    weeklies_seen: dict[tuple[int, int], str] = {}
    moment = START
    for hour in range(hours):
        moment = START + timedelta(hours=hour)
        names |= {backup_name("data", moment), backup_name("keys", moment)}
        if hour % prune_every == prune_every - 1:
            names = prune(names, moment, durations)
            for name in names:
                kind, created = parse_name(name)
                if kind == "data" and moment - created >= durations.hourly:
                    week = created.isocalendar()[:2]
                    # a weekly, once chosen, is never replaced by another
                    assert weeklies_seen.setdefault(week, name) == name
    return names, moment


def test_a_year_of_hourly_backups_keeps_a_week_of_hourlies_and_one_per_week():
    names, now = simulate(365 * 24)
    data = sorted(parse_name(n)[1] for n in names if n.startswith("data/"))
    keys = sorted(parse_name(n)[1] for n in names if n.startswith("keys/"))
    recent = [t for t in data if now - t < timedelta(days=7)]
    older = [t for t in data if now - t >= timedelta(days=7)]
    assert len(recent) == 7 * 24
    # one per ISO week whose first backup is older than 7 days: 2026-W01 (from
    # Thursday 1 January) to W52 (Monday 21 December); W53's is among the recent
    assert len(older) == len({t.isocalendar()[:2] for t in older}) == 52
    assert all(t == START or (t.weekday(), t.hour) == (0, 0) for t in older)
    assert len(keys) == 7 * 24
    assert all(now - t < timedelta(days=7) for t in keys)


def test_pruning_twice_changes_nothing():
    names, now = simulate(60 * 24, prune_every=10**6)  # never pruned on the way
    once = prune(names, now)
    assert prune(once, now) == once
    assert once < names


def test_a_weekly_lives_until_1825_days_then_goes():
    first = backup_name("data", START)
    other = backup_name("data", START + timedelta(hours=1))
    names = {first, other}
    day = timedelta(days=1)
    assert prune(names, START + 1825 * day - timedelta(seconds=1)) == {first}
    assert prune(names, START + 1825 * day) == set()


def test_key_store_backups_never_outlive_7_days_even_the_first_of_a_week():
    name = backup_name("keys", START)
    assert prune({name}, START + timedelta(days=7) - timedelta(seconds=1)) == {name}
    assert prune({name}, START + timedelta(days=7)) == set()


def test_unknown_files_are_never_deleted():
    names = {
        "data/notes.txt",
        "data/comptoir-data-2026.cbk",
        "keys/comptoir-data-20260101T000000Z.cbk",  # a data backup in the keys folder
        "data/.partial-abc.tmp",
    }
    decisions = decide(sorted(names), now=START + timedelta(days=4000), durations=DEFAULTS)
    assert all(d.keep for d in decisions)
    assert {d.reason for d in decisions} == {"not a backup's name: never deleted"}


def test_the_durations_come_from_the_arguments():
    short = Durations(hourly=timedelta(days=1), weekly=timedelta(days=14), keys=timedelta(days=2))
    names, now = simulate(30 * 24, durations=short)
    data = [parse_name(n)[1] for n in names if n.startswith("data/")]
    assert sum(now - t < timedelta(days=1) for t in data) == 24
    assert all(now - t < timedelta(days=14) for t in data)
    assert sum(n.startswith("keys/") for n in names) == 48


def test_a_backup_dated_in_the_future_is_kept_and_names_round_trip():
    moment = datetime(2027, 3, 4, 5, 6, 7, tzinfo=UTC)
    assert parse_name(backup_name("keys", moment)) == ("keys", moment)
    assert parse_name("data/comptoir-data-20270304T050607Z_a1B2c3D.cbk") == ("data", moment)
    assert prune({backup_name("data", moment)}, START) == {backup_name("data", moment)}

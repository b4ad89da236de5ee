"""``comptoir retention apply`` killed at any moment (SIGKILL, mid-run) leaves no
half-erased person, and a second run ends where one clean run ends.

Runs the real command as a subprocess against a file SQLite database built by
``bench/sweep.py --populate-only`` (raw inserts: persons with keys and
interactions, 30% expired), copied once for the clean run."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PERSONS = 6000
EXPIRED = 1800


def _env(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(COMPTOIR_VAR_DIR=str(var_dir), COMPTOIR_DEBUG="false")
    return env


def _apply(var_dir: Path, batch_size: int = 50) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our own interpreter and command)
        [sys.executable, "-m", "comptoir.cli", "retention", "apply", f"--batch-size={batch_size}"],
        env=_env(var_dir),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _query(var_dir: Path, sql: str) -> list:
    with sqlite3.connect(var_dir / "comptoir.sqlite3", timeout=30) as db:
        db.execute("ATTACH DATABASE ? AS comptoir_keys", (str(var_dir / "comptoir.keys.sqlite3"),))
        return db.execute(sql).fetchall()


def _state(var_dir: Path) -> dict:
    return {
        "parties": _query(var_dir, "SELECT id FROM parties_party ORDER BY id"),
        "interactions": _query(var_dir, "SELECT id FROM parties_interaction ORDER BY id"),
        "shredded": _query(
            var_dir,
            "SELECT id, uuid FROM privacy_datasubject WHERE shredded_at IS NOT NULL ORDER BY id",
        ),
        "records": _query(
            var_dir,
            "SELECT subject_uuid, reason, reference FROM privacy_records_erasurerecord "
            "ORDER BY subject_uuid",
        ),  # fmt: skip
    }


def _no_half_erased_person(var_dir: Path) -> None:
    """Every shredded person has their erasure record and no row left; every
    recorded person is shredded."""
    assert _query(
        var_dir,
        "SELECT count(*) FROM privacy_datasubject s WHERE (s.shredded_at IS NOT NULL) != EXISTS("
        "SELECT 1 FROM privacy_records_erasurerecord r WHERE r.subject_uuid = s.uuid)",
    ) == [(0,)]
    assert _query(
        var_dir,
        "SELECT count(*) FROM parties_party p JOIN privacy_datasubject s "
        "ON p.data_subject_id = s.id WHERE s.shredded_at IS NOT NULL",
    ) == [(0,)]


def test_apply_killed_mid_run_then_run_again_ends_as_a_clean_run(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    built = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "bench/sweep.py", f"--persons={PERSONS}", f"--var-dir={killed}",
         "--populate-only"],
        cwd=ROOT, env=_env(killed), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    shutil.copytree(killed, clean)

    run = _apply(killed)
    erased = 0
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        erased = _query(killed, "SELECT count(*) FROM privacy_records_erasurerecord")[0][0]
        if erased >= 200:
            break
        time.sleep(0.02)
    assert run.poll() is None, "the run finished before it could be killed: more persons"
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert run.returncode == -signal.SIGKILL
    erased = _query(killed, "SELECT count(*) FROM privacy_records_erasurerecord")[0][0]
    assert 0 < erased < EXPIRED
    _no_half_erased_person(killed)

    again = _apply(killed)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err[-2000:]
    assert b"persons" in out
    done = _apply(clean, batch_size=1000)
    out, err = done.communicate(timeout=300)
    assert done.returncode == 0, err[-2000:]

    after_kill, after_clean = _state(killed), _state(clean)
    assert len(after_clean["records"]) == EXPIRED
    assert len(after_clean["parties"]) == PERSONS - EXPIRED
    assert after_kill == after_clean
    _no_half_erased_person(killed)

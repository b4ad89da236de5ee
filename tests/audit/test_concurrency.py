"""Gunicorn's workers are processes sharing one SQLite file: their events
interleave in one chain without a gap, a fork or a deadlock, whether an event
is written alone or inside a larger transaction."""

import json
import os
import subprocess
import sys
from pathlib import Path

WRITERS = 3
EVENTS_EACH = 150
ROOT = Path(__file__).resolve().parents[2]


def run(tmp_path, *args, timeout=120):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COMPTOIR_", "DJANGO_"))}
    env["COMPTOIR_VAR_DIR"] = str(tmp_path)
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "tests.audit.concurrent_writers", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process, timeout=120) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err[-2000:]
    return out


def test_processes_writing_at_once_keep_one_unbroken_chain(tmp_path):
    finish(run(tmp_path, "setup"))
    writers = [run(tmp_path, "write", str(EVENTS_EACH)) for _ in range(WRITERS)]
    for writer in writers:
        finish(writer)
    outcome = json.loads(finish(run(tmp_path, "verify")).strip().splitlines()[-1])
    assert outcome == {"events": WRITERS * EVENTS_EACH, "broken": []}

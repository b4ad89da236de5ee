"""Throughput of an audited API read against a bare view of the same process.

Starts Comptoir (``comptoir serve``: gunicorn, 2 sync workers) on a free
127.0.0.1 port with its own fresh data in a temporary COMPTOIR_VAR_DIR, then
drives a bounded load with wrk (or a small Python client) against

* ``GET /api/organisation`` with a read token: token authentication, the role
  check, one audit READ event written to the organisation's hash chain, the
  ninja schema; and
* ``GET /healthz``: a bare Django view served by the same process through the
  same middleware stack (the baseline),

interleaved round by round (A B, B A, ...) so that machine noise affects both
alike, and reports the median requests/s of each and their ratio.

    .venv/bin/python bench/api.py            # full: 5 rounds x 15 s per target
    .venv/bin/python bench/api.py --quick    # seconds: proves the script works
    .venv/bin/python bench/api.py --database-url postgres://postgres@127.0.0.1:5432/bench_api

With ``--database-url`` the database named in the URL is created for the run
and dropped afterwards; it must not exist yet unless its name starts with
``bench_`` (a leftover of an interrupted run). The last line printed is one
JSON object (../shared/BENCH.md): ``audited_rps``, ``bare_rps``, ``ratio`` and more.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from _support import HOST, create_database, drop_database  # noqa: E402 (bench/ is the script folder)

WORKERS = 2
AUDITED_PATH = "/api/organisation"
BARE_PATH = "/healthz"
TARGET_RATIO = 0.7

# Runs in a subprocess with the benchmark's environment: one organisation, its
# owner, and a read token for the API, made through Comptoir's own services.
SETUP = r"""
import json
import sys

import django

django.setup()
sys.path.insert(0, BENCH_DIR)

from _support import make_organisation

from comptoir.accounts.models import TokenScope, User
from comptoir.accounts.services import token_create
from comptoir.audit.services import Actor

organisation = make_organisation()
owner = User.objects.get(email="owner@bench.comptoir.test")
token, raw = token_create(
    actor=Actor.system(), organisation=organisation, user=owner, name="bench",
    scope=TokenScope.READ, days=1,
)
print(json.dumps({"token": raw, "organisation_id": organisation.pk}))
""".replace("BENCH_DIR", repr(str(Path(__file__).resolve().parent)))

# Counts the READ events the load wrote to the organisation's chain.
COUNT_EVENTS = r"""
import sys

import django

django.setup()

from comptoir.audit.models import Action, AuditEvent

print(AuditEvent.objects.filter(organisation_id=int(sys.argv[1]), action=Action.READ).count())
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- The server and its data -------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bench_env(var_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMPTOIR_")}
    env.update(
        DJANGO_SETTINGS_MODULE="comptoir.settings",
        COMPTOIR_VAR_DIR=str(var_dir),
        COMPTOIR_DEBUG="false",
        COMPTOIR_ALLOWED_HOSTS=HOST,
        COMPTOIR_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if database_url:
        env["COMPTOIR_DATABASE_URL"] = database_url
    return env


def run_python(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=600
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"failed: python {' '.join(args[:2])}")
    return result.stdout


def start_server(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "comptoir.cli", "serve",
        "--bind", f"{HOST}:{port}", "--workers", str(WORKERS), "--no-worker",
    ]  # fmt: skip
    with log_path.open("wb") as log_file:
        # Its own session, so that stopping it reaches gunicorn's workers too.
        return subprocess.Popen(
            command, env=env, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    # `serve` waits for gunicorn, but no straggler of its session may outlive us.
    for pid in session_processes(server.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def session_processes(session: int) -> dict[int, list[str]]:
    """The processes of one session (``serve`` and its gunicorn), by pid: their stat fields."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # After the command name: field 3 (state) onwards; session is field 6.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:
            found[int(stat.parent.name)] = fields
    return found


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system, fields 14 and 15) of the server's processes.

    Per request, it is a figure that a busy machine disturbs far less than req/s.
    """
    tick = os.sysconf("SC_CLK_TCK")
    processes = session_processes(server.pid).values()
    return sum(int(f[11]) + int(f[12]) for f in processes) / tick


def wait_ready(server: subprocess.Popen, port: int, log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.stderr.write(log_path.read_text(errors="replace"))
            raise SystemExit("the server stopped before it was ready")
        with contextlib.suppress(OSError):
            status, _ = fetch(port, BARE_PATH, {})
            if status == 200:
                return
        time.sleep(0.2)
    sys.stderr.write(log_path.read_text(errors="replace"))
    raise SystemExit(f"the server did not answer on {HOST}:{port} within {timeout:.0f} s")


# --- PostgreSQL: a database of the run's own ----------------------------------


# --- Load generators -----------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * _UNITS[unit]


def run_wrk(
    port: int, path: str, headers: dict[str, str], seconds: float, connections: int
) -> dict:
    command = ["/usr/bin/wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    command += ["--timeout", "10s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    out = result.stdout
    if result.returncode != 0 or "Requests/sec" not in out:
        raise SystemExit(f"wrk failed:\n{out}{result.stderr}")
    requests_done = int(re.search(r"(\d+) requests in", out).group(1))
    latency = {
        f"p{p}_ms": round(_ms(v), 3) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)$", out, re.M)
    }
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": requests_done,
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": socket_errors.group(1).strip() if socket_errors else "",
        **latency,
    }


def run_python_client(
    port: int, path: str, headers: dict[str, str], seconds: float, connections: int
) -> dict:
    """Fallback without wrk: one thread per connection, bounded in time and count."""
    max_requests = 200_000
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def worker() -> None:
        conn = None
        mine: list[float] = []
        bad = 0
        while time.monotonic() < deadline and len(mine) < max_requests // connections:
            started = time.perf_counter()
            try:
                if conn is None:
                    conn = http.client.HTTPConnection(HOST, port, timeout=10)
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except OSError:
                bad += 1
                conn = None
                continue
            mine.append(time.perf_counter() - started)
        if conn is not None:
            conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1e3, 3)

    return {
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "errors": errors[0],
        "socket_errors": "",
        **({f"p{p}_ms": pct(p) for p in (50, 75, 90, 99)} if latencies else {}),
    }


# --- The benchmark ------------------------------------------------------------


def drive(server, port, log_path, world, load, seconds, rounds, warmup, args) -> dict:
    """Warm both targets up, then load them in interleaved rounds."""
    wait_ready(server, port, log_path)
    audited_headers = {"Authorization": f"Bearer {world['token']}"}
    # Both targets must answer 200 before their speed means anything.
    status, body = fetch(port, AUDITED_PATH, audited_headers)
    if status != 200 or json.loads(body).get("id") != world["organisation_id"]:
        raise SystemExit(f"{AUDITED_PATH} answered {status}: {body[:200]!r}")
    status, body = fetch(port, BARE_PATH, {})
    if status != 200:
        raise SystemExit(f"{BARE_PATH} answered {status}: {body[:200]!r}")

    targets = {"audited": (AUDITED_PATH, audited_headers), "bare": (BARE_PATH, {})}
    for name, (path, headers) in targets.items():
        log(f"warming up {name} ({warmup:.0f} s)")
        load(port, path, headers, warmup, args.connections)

    results: dict[str, list[dict]] = {"audited": [], "bare": []}
    for index in range(rounds):
        order = ["audited", "bare"] if index % 2 == 0 else ["bare", "audited"]
        for name in order:
            path, headers = targets[name]
            cpu_before = server_cpu_seconds(server)
            outcome = load(port, path, headers, seconds, args.connections)
            cpu = server_cpu_seconds(server) - cpu_before
            outcome["cpu_ms"] = cpu * 1e3 / max(outcome["requests"], 1)
            if outcome["errors"]:
                raise SystemExit(f"{name}: {outcome['errors']} responses were not 200")
            results[name].append(outcome)
            line = (
                f"round {index + 1}/{rounds} {name:8} {outcome['rps']:9.1f} req/s  "
                f"p50 {outcome.get('p50_ms', 0):.2f} ms  p99 {outcome.get('p99_ms', 0):.2f} ms  "
                f"server CPU {outcome['cpu_ms']:.3f} ms/request"
            )
            if outcome["socket_errors"]:
                line += f"  socket errors: {outcome['socket_errors']}"
            log(line)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds, for CI")
    parser.add_argument("--seconds", type=float, help="per target and round (default 15)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 5)")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL on 127.0.0.1, e.g. postgres://postgres@127.0.0.1:5432/bench_api",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    args = parser.parse_args()
    seconds = args.seconds or (2.0 if args.quick else 15.0)
    rounds = args.rounds or (1 if args.quick else 5)
    warmup = 1.0 if args.quick else 3.0
    if not 0 < seconds <= 120 or not 0 < rounds <= 20 or not 0 < args.connections <= 64:
        raise SystemExit("keep the load bounded: seconds <= 120, rounds <= 20, connections <= 64")

    client = args.client
    if client == "auto":
        client = "wrk" if Path("/usr/bin/wrk").exists() else "python"
    load = run_wrk if client == "wrk" else run_python_client

    var_dir = Path(tempfile.mkdtemp(prefix="comptoir-bench-api-"))
    env = bench_env(var_dir, args.database_url)
    database_made = False
    try:
        if args.database_url:
            create_database(args.database_url)
            database_made = True
        log(f"migrating a fresh database under {var_dir}")
        run_python(env, "-m", "comptoir.cli", "migrate", "--no-input", "-v0")
        world = json.loads(run_python(env, "-c", SETUP).strip().splitlines()[-1])

        port = free_port()
        log_path = var_dir / "server.log"
        server = start_server(env, port, log_path)
        try:
            results = drive(server, port, log_path, world, load, seconds, rounds, warmup, args)
        finally:
            stop_server(server)
        # Every audited request wrote its event (the probe and warm-up did too).
        events = int(run_python(env, "-c", COUNT_EVENTS, str(world["organisation_id"])).strip())
    finally:
        if database_made:
            drop_database(args.database_url)
        if args.keep:
            log(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)

    audited_requests = sum(r["requests"] for r in results["audited"])
    if events < audited_requests:
        raise SystemExit(f"only {events} audit events for {audited_requests} audited requests")

    def median(name: str, key: str) -> float:
        return statistics.median(r[key] for r in results[name] if key in r)

    audited_rps = median("audited", "rps")
    bare_rps = median("bare", "rps")
    ratio = audited_rps / bare_rps
    report = {
        "audited_rps": round(audited_rps, 1),
        "bare_rps": round(bare_rps, 1),
        "ratio": round(ratio, 3),
        "target": TARGET_RATIO,
        "ok": ratio >= TARGET_RATIO,
        "database": "postgresql" if args.database_url else "sqlite",
        "workers": WORKERS,
        "client": client,
        "connections": args.connections,
        "duration_s": seconds,
        "rounds": rounds,
        "audited_path": AUDITED_PATH,
        "bare_path": BARE_PATH,
        "audited_rps_rounds": [round(r["rps"], 1) for r in results["audited"]],
        "bare_rps_rounds": [round(r["rps"], 1) for r in results["bare"]],
        "ratio_rounds": [
            round(a["rps"] / b["rps"], 3)
            for a, b in zip(results["audited"], results["bare"], strict=True)
        ],
        "audited_cpu_ms_per_request": round(median("audited", "cpu_ms"), 3),
        "bare_cpu_ms_per_request": round(median("bare", "cpu_ms"), 3),
        "audited_latency_ms": {k: median("audited", k) for k in ("p50_ms", "p99_ms")},
        "bare_latency_ms": {k: median("bare", k) for k in ("p50_ms", "p99_ms")},
        "audited_requests": audited_requests,
        "audit_events": events,
        "cpus": os.cpu_count(),
        "quick": args.quick,
    }
    print(
        f"audited {audited_rps:.1f} req/s, bare {bare_rps:.1f} req/s, ratio {ratio:.3f} "
        f"(target >= {TARGET_RATIO})"
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()

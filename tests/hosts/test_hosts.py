"""newsflow on three hosts: Redis and the watcher on A, where the files land; a worker on B
and one on C, as a user that cannot read the inbox. B's link drops for longer than the
heartbeat timeout while it holds messages, then comes back: every input ends exactly once,
on `articles` or `dead`, and none for want of its file (its bytes travel through Redis).

The hosts are network namespaces joined by a bridge (tests/hosts/netns.py). It needs root:
where `ip netns` is not allowed, the test is skipped saying so.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
import redis

from pipelines.article import input_id
from tests.hosts.netns import SUBNET, Hosts, NotAllowed, Process, as_nobody, in_namespace
from tests.workers.helpers import entries, settle, wait_until
from workers.keys import Keys

REPO = Path(__file__).resolve().parents[2]
KEYS = Keys("newsflow")
PASSWORD = "hosts-test-password"
PORT = 6390
HEARTBEAT_MS = 3000
INPUTS = 36
NOBODY = 65534


@pytest.fixture
def base():
    """The run's folder: traversable by all, its inbox readable by root alone."""
    folder = Path(tempfile.mkdtemp(prefix="nf-hosts-"))
    folder.chmod(0o755)
    (folder / "inbox").mkdir(mode=0o700)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def hosts():
    made = Hosts(tag=f"nf{os.getpid() % 100000}")
    try:
        made.create(3)
    except NotAllowed as reason:
        made.destroy()
        pytest.skip(f"multi-host test skipped: {reason}")
    try:
        yield made
    finally:
        made.destroy()


@pytest.fixture
def started():
    """Every process the test starts, stopped at its end whatever happens."""
    processes: list[Process] = []
    yield processes
    for process in reversed(processes):
        process.stop()


def role_env(base: Path, home: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(base / home),
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
        "NEWSFLOW_HOME": str(base / home / "newsflow"),
        "NEWSFLOW_REDIS_URL": f"redis://:{PASSWORD}@{SUBNET}.1:{PORT}/0",
        "NEWSFLOW_INBOX": str(base / "inbox"),
        "NEWSFLOW_HEARTBEAT_TIMEOUT_MS": str(HEARTBEAT_MS),
        "NEWSFLOW_SETTLE_SECONDS": "0.3",
        "NEWSFLOW_LOG_LEVEL": "WARNING",
        "NEWSFLOW_METRICS_PORT": "0",
    }


def worker_home(base: Path, name: str) -> Path:
    home = base / name
    (home / "newsflow").mkdir(parents=True)
    (home / "spare").mkdir()
    for path in (home, home / "newsflow"):
        os.chown(path, NOBODY, NOBODY)
    return home


def held(client: redis.Redis) -> set[tuple[str, str]]:
    """(ack set, message id) of every message taken by a worker and not acknowledged."""
    pattern = f"{KEYS.dramatiq_namespace}:__acks__.*"
    return {
        (key.decode(), member.decode())
        for key in client.scan_iter(match=pattern)
        for member in client.smembers(key)
    }


def closed_folder_above(path: Path) -> Path | None:
    """The first folder on the way to ``path`` that `nobody` may not enter, if any: hosts B
    and C run the checkout's code as `nobody` (a clone under `mktemp -d`, mode 0700, is one).
    /root is covered for them (netns.as_nobody), so a checkout under it is closed too."""
    for folder in reversed([path, *path.parents]):
        if folder == Path("/root") or not folder.stat().st_mode & 0o001:
            return folder
    return None


def test_a_worker_cut_off_for_a_while_costs_nothing(base, hosts, started, eval_pages):
    closed = closed_folder_above(REPO)
    if closed is not None:
        pytest.skip(
            f"multi-host test skipped: the workers run as nobody, who cannot enter {closed} "
            f"on the way to the checkout {REPO}; clone it where others may enter"
        )
    a, b, c = hosts.names
    python = str(Path(sys.executable))

    def fail(what: str) -> None:
        pytest.fail(f"{what}\n" + "\n".join(p.tail() for p in started), pytrace=False)

    # Host B's user must import the venv, and must not read the inbox.
    probe_home = worker_home(base, "probe")
    probe = Process(
        "probe",
        in_namespace(
            b, as_nobody([python, "-c", _PROBE, str(base / "inbox")], probe_home / "spare")
        ),
        role_env(base, "probe"),
        base,
        base / "probe.log",
    )
    started.append(probe)
    if probe.popen.wait(60) != 0 or "imports: ok, inbox: denied" not in probe.log.read_text():
        fail("host B's user cannot import the venv, or can read the inbox")

    (base / "redis").mkdir()
    sock = base / "redis.sock"
    server = [
        shutil.which("redis-server") or "redis-server",
        "--bind", f"{SUBNET}.1", "--port", str(PORT), "--requirepass", PASSWORD,
        "--unixsocket", str(sock), "--unixsocketperm", "700",
        "--save", "", "--appendonly", "no", "--dir", str(base / "redis"),
    ]  # fmt: skip
    started.append(Process("redis", in_namespace(a, server), {}, base, base / "redis.log"))
    client = redis.Redis(unix_socket_path=str(sock), password=PASSWORD)
    wait_until("Redis on host A", lambda: _answers(client), timeout=30)

    module_env = role_env(base, "home-a")
    (base / "home-a").mkdir()
    watcher = [python, "-m", "workers.watcher"]
    started.append(Process("watcher A", in_namespace(a, watcher), module_env, base, base / "a.log"))

    def worker(name: str, host: str) -> Process:
        home = worker_home(base, f"home-{name}")
        argv = as_nobody([python, "-m", "workers.worker", "--threads", "1"], home / "spare")
        env = role_env(base, f"home-{name}")
        return Process(f"worker {name}", in_namespace(host, argv), env, base, base / f"{name}.log")

    started.append(worker("b", b))
    pages = eval_pages[:INPUTS]
    ids = set()
    for page in pages:
        path = base / "inbox" / page.name
        shutil.copy(page, path)
        path.chmod(0o600)
        ids.add(input_id(str(path.resolve()), page.read_bytes()))

    # Only B consumes so far: every message taken is B's.
    wait_until("host B to hold messages", lambda: held(client), timeout=90)
    started.append(worker("c", c))
    cut = held(client)
    hosts.link(b, up=False)
    # Until another worker's maintenance has handed B's messages back (heartbeat timeout).
    wait_until(
        "B's messages to be handed back",
        lambda: not any(client.sismember(key, message) for key, message in cut),
        timeout=60,
    )
    hosts.link(b, up=True)
    back = time.monotonic()
    streams = [KEYS.articles, KEYS.dead]
    deadline = time.monotonic() + 240  # a loaded 2-core CI machine is slow to extract
    while _ended(client) < len(ids):
        if time.monotonic() > deadline:
            stages = ("extract", "entities", "dedup", "publish")
            queued = {q: client.hlen(KEYS.dramatiq_messages(q)) for q in stages}
            fail(f"{len(ids) - _ended(client)} of {len(ids)} inputs never ended; queued {queued}")
        time.sleep(0.2)
    recovered = time.monotonic() - back
    settle(client, streams, quiet=3.0)  # B's late work, were it to publish again, shows here

    dead = entries(client, KEYS.dead)
    ended = Counter([e["id"] for e in entries(client, KEYS.articles)] + [d["id"] for d in dead])
    print(f"held at the cut: {len(cut)}; all ended {recovered:.1f}s after the link came back")
    assert set(ended) == ids, "inputs missing from both streams, or ones never dropped"
    assert [i for i, n in ended.items() if n > 1] == [], "an input ended twice"
    unread = [d for d in dead if "file" in d["error"] or "permission" in d["error"]]
    assert unread == [], unread
    assert list(client.scan_iter(match=KEYS.input_bytes("*"))) == []
    for process in started[1:]:
        if process.popen.poll() is not None:
            fail(f"{process.name} exited with {process.popen.returncode}")


# Host B's user imports the venv and the repository's workers, and cannot list the inbox.
_PROBE = """
import sys, workers.worker, spacy, trafilatura
try:
    import os; os.listdir(sys.argv[1]); print("imports: ok, inbox: readable")
except PermissionError:
    print("imports: ok, inbox: denied")
"""


def _answers(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except (OSError, redis.ConnectionError):
        return False


def _ended(client: redis.Redis) -> int:
    return int(client.xlen(KEYS.articles)) + int(client.xlen(KEYS.dead))

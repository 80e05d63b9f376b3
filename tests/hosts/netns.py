"""Three "hosts" on one machine: network namespaces joined by a bridge on private addresses,
each running its roles as processes of its own, torn down whatever happens.

Host A holds the bridge (10.77.0.1, where Redis listens); each other host has a veth link
to it. A role of another host can run as `nobody` in a mount namespace of its own, where
/root is an empty tmpfs but for the Python installation the venv points to: it can import
the venv and the repository and nothing else of root's.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

SUBNET = "10.77.0"
#: The Python installation the venv points to (under root's 0700 home on the CI machine).
PYTHON_HOME = Path(sys.base_prefix)


class NotAllowed(Exception):
    """This machine does not let the test make network namespaces (not root, or no `ip`)."""


def run(*argv: str) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


@dataclass
class Hosts:
    """Namespaces named ``<tag>a``, ``<tag>b``... on a bridge; host n has address SUBNET.n."""

    tag: str
    names: list[str] = field(default_factory=list)

    def create(self, count: int) -> None:
        if os.geteuid() != 0 or shutil.which("ip") is None:
            raise NotAllowed("needs root and iproute2's `ip` to make network namespaces")
        first = f"{self.tag}a"
        try:
            run("ip", "netns", "add", first)
        except RuntimeError as error:
            raise NotAllowed(f"`ip netns add` is not allowed here: {error}") from None
        self.names.append(first)
        run("ip", "-n", first, "link", "set", "lo", "up")
        run("ip", "-n", first, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", first, "addr", "add", f"{SUBNET}.1/24", "dev", "br0")
        run("ip", "-n", first, "link", "set", "br0", "up")
        for number in range(2, count + 1):
            name = f"{self.tag}{chr(ord('a') + number - 1)}"
            run("ip", "netns", "add", name)
            self.names.append(name)
            port = f"to-{name}"[-15:]
            run("ip", "-n", first, "link", "add", port, "type", "veth", "peer", "name", "eth0",
                "netns", name)  # fmt: skip
            run("ip", "-n", first, "link", "set", port, "master", "br0", "up")
            run("ip", "-n", name, "addr", "add", f"{SUBNET}.{number}/24", "dev", "eth0")
            run("ip", "-n", name, "link", "set", "eth0", "up")
            run("ip", "-n", name, "link", "set", "lo", "up")

    def link(self, name: str, up: bool) -> None:
        """Bring a host's only link down (unplugged) or back up."""
        run("ip", "-n", name, "link", "set", "eth0", "up" if up else "down")

    def destroy(self) -> None:
        """Every namespace made (their veths and the bridge go with them)."""
        for name in reversed(self.names):
            with contextlib.suppress(RuntimeError):
                run("ip", "netns", "del", name)
        self.names.clear()


def in_namespace(name: str, argv: list[str]) -> list[str]:
    return ["ip", "netns", "exec", name, *argv]


def as_nobody(argv: list[str], spare: Path) -> list[str]:
    """``argv`` as the unprivileged `nobody`, seeing only the Python installation of /root.

    ``spare``: an empty folder, where that installation is held while /root is covered.
    `ip netns exec` gives the process a mount namespace of its own already; `unshare` makes
    sure the mounts below never reach the machine's.
    """
    script = (
        'set -e; case "$1" in /root/*) mount --bind "$1" "$2"; '
        'mount -t tmpfs -o mode=0755 tmpfs /root; mkdir -p "$1"; mount --bind "$2" "$1";; esac; '
        'shift 2; exec setpriv --reuid=65534 --regid=65534 --clear-groups "$@"'
    )
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
            str(PYTHON_HOME), str(spare), *argv]  # fmt: skip


class Process:
    """A role started in a session of its own, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], cwd: Path, log: Path):
        self.name, self.log = name, log
        with open(log, "ab") as out:
            self.popen = subprocess.Popen(
                argv,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL for whatever of its session is left."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait()

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace").splitlines()[-lines:]
        return f"--- {self.name} ---\n" + "\n".join(text)

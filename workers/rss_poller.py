"""The feed poller as its own process (the Procfile's `poller:`), until SIGTERM or SIGINT.

The polling itself is workers/inputs/poller.py; `newsflow run` runs it as a thread.
"""

from __future__ import annotations

import signal
import threading

from workers.inputs.poller import build_poller
from workers.runtime import logs
from workers.services import process_services


def main() -> None:
    logs.configure()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    build_poller(process_services()).run(stop)


if __name__ == "__main__":
    main()

"""The folder watcher as its own process (the Procfile's `watcher:`), until SIGTERM or SIGINT.

The watching itself is workers/inputs/watcher.py; `newsflow run` runs it as a thread.
"""

from __future__ import annotations

import signal

from workers.runtime import logs
from workers.runtime.probes import serve_role
from workers.settings import settings_or_exit


def main() -> None:
    settings_or_exit()  # before the broker is built from them (importing the chain)
    logs.configure()
    from workers.services import process_services
    from workers.stages.chain import start

    services = process_services()
    stop = serve_role("watcher")  # also serves the probes on NEWSFLOW_METRICS_PORT
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    services.watcher(start).run(stop)


if __name__ == "__main__":
    main()

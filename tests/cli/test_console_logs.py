"""Logs on a terminal: a value from outside (a file name, a message) holding control
characters reaches a real pseudo-terminal escaped, never raw.

Only the renderer's own colours (SGR sequences, ``ESC [ ... m``) may carry an ESC.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys

from tests.cli.helpers import NEWSFLOW, REPO, session_env

#: What a hostile name holds: clear the screen, then retitle the terminal.
HOSTILE = "\x1b[2J\x1b]0;pwned\x07"
ESCAPED = "\\x1b[2J\\x1b]0;pwned\\x07"

#: The colour sequences the console renderer writes itself.
_COLOURS = re.compile("\x1b\\[[0-9;]*m")

#: Seconds without any output after which the command is taken for hung.
SILENCE = 60


def on_a_terminal(argv: list[str], env: dict[str, str]) -> str:
    """Run ``argv`` with a pseudo-terminal as stdin, stdout and stderr; what it displayed."""
    main, child_end = pty.openpty()
    process = subprocess.Popen(
        argv, cwd=REPO, env=env, stdin=child_end, stdout=child_end, stderr=child_end
    )
    os.close(child_end)
    shown = bytearray()
    try:
        while True:
            ready, _, _ = select.select([main], [], [], SILENCE)
            assert ready, f"no output for {SILENCE} s: {bytes(shown)!r}"
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the command ended and closed the terminal
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
        process.wait(timeout=SILENCE)
    return shown.decode("utf-8", "replace")


def assert_escaped(shown: str) -> None:
    bare = _COLOURS.sub("", shown)
    assert "\x1b" not in bare and "\x07" not in bare, repr(bare)
    assert ESCAPED in bare, bare


def test_ingest_logs_a_hostile_file_name_escaped(redis_client, tmp_path):
    """`newsflow ingest` of a file whose name clears the screen and retitles the terminal:
    its `queued` event shows the name escaped (the structlog path)."""
    article = tmp_path / f"{HOSTILE}.txt"
    article.write_text("The harbour board met on Tuesday to discuss the ferry timetable.\n")

    shown = on_a_terminal([*NEWSFLOW, "ingest", str(article)], session_env())

    assert "queued" in shown
    assert_escaped(shown)


def test_standard_library_records_are_escaped_message_and_traceback(tmp_path):
    """A record of the standard library's logging (as dramatiq logs), with a hostile name
    in its message and in its exception: escaped, and the traceback still on its lines."""
    script = (
        "import logging\n"
        "from workers.runtime import logs\n"
        "logs.configure(logging.INFO)\n"
        "try:\n"
        f"    raise OSError({HOSTILE!r})\n"
        "except OSError:\n"
        f"    logging.getLogger('dramatiq.worker').exception('failed on %s', {HOSTILE!r})\n"
    )

    shown = on_a_terminal([sys.executable, "-c", script], session_env())

    assert_escaped(shown)
    assert shown.count(ESCAPED) == 2  # the message, and the exception's last line
    assert "Traceback (most recent call last):\r\n" in shown

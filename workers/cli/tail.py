"""Reading the output streams as JSON lines: `newsflow tail`, and a model for consumers."""

from __future__ import annotations

import os
import socket
from typing import IO, Any

import orjson
import redis

#: Fields that hold JSON inside a stream entry, decoded when printed.
JSON_FIELDS = {b"data", b"source"}
BLOCK_MS = 1000


def entry_as_json(entry_id: bytes, fields: dict[bytes, bytes]) -> bytes:
    """One line: {"stream_id": ..., "id": ..., ..., "data": {...decoded...}}."""
    line: dict[str, Any] = {"stream_id": entry_id.decode()}
    for name, value in fields.items():
        line[name.decode()] = orjson.loads(value) if name in JSON_FIELDS else value.decode()
    return orjson.dumps(line) + b"\n"


class StreamPrinter:
    def __init__(self, client: redis.Redis, stream: str, out: IO[bytes]) -> None:
        self._client = client
        self._stream = stream
        self._out = out

    def tail(self, count: int, from_start: bool, follow: bool) -> None:
        """The last (or first) ``count`` entries; then, with ``follow``, every new one."""
        if from_start:
            entries = self._client.xrange(self._stream, count=count)
        else:
            entries = list(reversed(self._client.xrevrange(self._stream, count=count)))
        self._print(entries)
        if not follow:
            return
        last = entries[-1][0] if entries else self._last_id()
        while True:
            for _stream, batch in self._client.xread({self._stream: last}, block=BLOCK_MS) or []:
                self._print(batch)
                last = batch[-1][0]

    def consume(self, group: str, consumer: str | None, count: int, follow: bool) -> None:
        """Read as a member of ``group`` (created at the stream's start if new) and XACK."""
        self._create_group(group)
        name = consumer or f"{socket.gethostname()}-{os.getpid()}"
        remaining = count
        while follow or remaining > 0:
            batch_size = count if follow else remaining
            response = self._client.xreadgroup(
                group, name, {self._stream: ">"}, count=batch_size, block=BLOCK_MS
            )
            entries = response[0][1] if response else []
            if not entries and not follow:
                return
            self._print(entries)
            if entries:
                self._client.xack(self._stream, group, *[entry_id for entry_id, _ in entries])
            remaining -= len(entries)

    def _create_group(self, group: str) -> None:
        try:
            self._client.xgroup_create(self._stream, group, id="0", mkstream=True)
        except redis.ResponseError as error:
            if "BUSYGROUP" not in str(error):
                raise

    def _last_id(self) -> bytes:
        newest = self._client.xrevrange(self._stream, count=1)
        return newest[0][0] if newest else b"0-0"

    def _print(self, entries: list[tuple[bytes, dict[bytes, bytes]]]) -> None:
        for entry_id, fields in entries:
            self._out.write(entry_as_json(entry_id, fields))
        self._out.flush()

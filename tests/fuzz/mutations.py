"""Byte-level mutation of a real or generated document, for the fuzz tests: bytes flipped,
tags cut, ranges dropped or doubled, and control characters, NULs, numeric character
references and stray markup inserted."""

from __future__ import annotations

from hypothesis import strategies as st

#: What gets inserted: controls, NUL, character references valid and not, stray markup.
INSERTS = [
    b"\x00",
    b"\x01",
    b"\x08",
    b"\x0b",
    b"\x1b",
    b"\x7f",
    b"\x85",
    b"\xc2\x85",
    b"\xe2\x80\xa8",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"&#0;",
    b"&#x0;",
    b"&#9;",
    b"&#10;",
    b"&#xD800;",
    b"&#xDFFF;",
    b"&#x110000;",
    b"&#99999999999999999999;",
    b"&#x1F600;",
    b"&#128;",
    b"&#xFFFE;",
    b"&nbsp;",
    b"&amp",
    b"<",
    b">",
    b"</div>",
    b"</p></p></body>",
    b"<script>",
    b"<style>",
    b"<!--",
    b"<![CDATA[",
    b"<table><tr><td>",
    b"<a href='javascript:x'>",
    b"<meta charset='utf-16'>",
    b"<meta charset='base64'>",
    b"<?xml version='1.0' encoding='zlib'?>",
    b"<html lang='\x00'>",
    b'<p a="' + b"x" * 100_000 + b'">',
    b"<div>" * 300,
]

_OPERATIONS = ["flip", "set", "insert", "cut_tag", "truncate", "drop", "double"]


@st.composite
def mutated(draw: st.DrawFn, data: bytes, most: int = 4) -> bytes:
    """``data`` with up to ``most`` mutations; unchanged about one time in five."""
    for _ in range(draw(st.integers(0, most))):
        data = _mutate(draw, data, draw(st.sampled_from(_OPERATIONS)))
    return data


def _mutate(draw: st.DrawFn, data: bytes, operation: str) -> bytes:
    at = draw(st.integers(0, 2**31)) % (len(data) + 1)
    if operation == "insert":
        insert = draw(st.one_of(st.sampled_from(INSERTS), st.binary(min_size=1, max_size=8)))
        return data[:at] + insert + data[at:]
    if not data:
        return data
    at = min(at, len(data) - 1)
    span = draw(st.integers(1, 4096))
    if operation == "flip":
        return data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]
    if operation == "set":
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if operation == "cut_tag":  # from inside a tag to somewhere after it
        start = data.find(b"<", at)
        return data if start < 0 else data[: start + 1] + data[start + 1 + span :]
    if operation == "truncate":
        return data[:at]
    if operation == "drop":
        return data[:at] + data[at + span :]
    return data[: at + span] + data[at : at + span] + data[at + span :]  # "double"

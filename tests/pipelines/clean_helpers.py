"""Invented prose for the cleaner's tests, and ways to place a line under test in it."""

from __future__ import annotations

from pipelines.article import Extracted
from pipelines.clean.cleaner import clean_text

# Invented article paragraphs that surround the line under test.
PROSE = (
    "Councillor Wren Halloway said on Monday that the new tram line to Port Alden "
    "would open two months late because of a shortage of rails.",
    "The transport board had promised the first passengers a ride in May, but suppliers "
    "in three countries missed their delivery dates.",
    "Residents of the Eastbank district, who have lived with road works for a year, "
    "said they were disappointed but not surprised.",
    "The board will publish a revised timetable at its next meeting, a spokeswoman said.",
)


def clean(*lines: str) -> Extracted:
    return clean_text("\n".join(lines))


def in_body(line: str) -> Extracted:
    return clean(PROSE[0], PROSE[1], line, PROSE[2], PROSE[3])


def in_header(*lines: str) -> Extracted:
    return clean(*lines, *PROSE)


def in_trailer(*lines: str) -> Extracted:
    return clean(*PROSE, *lines)

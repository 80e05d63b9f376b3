"""`newsflow ingest FOLDER` reads only what lies in the folder: a link out of it, to a file
or to a folder, and any link to a folder, gets a `dead` entry instead of being followed."""

from __future__ import annotations

import os

import orjson
import redis

from tests.cli.helpers import run_cli, session_env
from tests.workers.helpers import entries
from workers.keys import Keys

PROSE = "The harbour board met on Tuesday to discuss the new ferry timetable for the winter.\n"


def queued_paths(client: redis.Redis, keys: Keys) -> list[str]:
    """The source paths of the inputs waiting in the extract queue (no worker runs here)."""
    messages = client.hvals(keys.dramatiq_messages("extract"))
    return sorted(orjson.loads(m)["args"][1]["path"] for m in messages)


def test_ingest_of_a_folder_refuses_its_links_out_of_it_once(redis_client, keys, tmp_path):
    """A folder holding an article, a link to a folder outside it, a link to a file outside
    it and a link loop: the article is queued, each link has one `dead` entry naming it and
    nothing outside is read; ingesting the folder again adds no entry. A link named on the command
    line is the user's own choice: its file is read."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "private.txt").write_text(PROSE + "Private notes.\n")
    secret = tmp_path / "secret.txt"
    secret.write_text(PROSE + "A secret.\n")
    archive = tmp_path / "archive"
    (archive / "news").mkdir(parents=True)
    (archive / "news" / "story.txt").write_text(PROSE)
    os.symlink(elsewhere, archive / "news" / "feeds")
    os.symlink(secret, archive / "leak.txt")
    os.symlink(archive / "loop.txt", archive / "loop.txt")  # a link to itself
    own = tmp_path / "own.txt"
    own.write_text(PROSE + "My own article.\n")
    named = tmp_path / "named.txt"
    os.symlink(own, named)

    for _ in range(2):
        result = run_cli("ingest", str(archive), str(named), env=session_env())
        assert result.returncode == 0, result.stderr

    reasons = sorted(entry["error"] for entry in entries(redis_client, keys.dead))
    assert reasons == [
        f"refused: leak.txt is a link to {secret.resolve()}, outside {archive.resolve()}:"
        " copy the file in instead",
        "refused: loop.txt is a symbolic link loop: remove or fix the link",
        f"refused: news/feeds is a link to a folder ({elsewhere.resolve()}): newsflow does not"
        " follow folder links, move or copy the files in instead",
    ]
    assert queued_paths(redis_client, keys) == sorted(
        [str(archive.resolve() / "news" / "story.txt"), str(own.resolve())]
    )

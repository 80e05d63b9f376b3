"""`newsflow entities`: the entity registry's top list and one entity's record, after the
seeds went through the real pipeline on the session's Redis."""

from __future__ import annotations

import json
import shutil

from tests.cli.helpers import run_cli, session_env
from tests.workers.helpers import entries, running_worker, wait_for_entries
from workers.keys import Keys

KEYS = Keys("nftest")
ARTICLES, DEAD = KEYS.articles, KEYS.dead


def test_seeds_through_the_pipeline_share_keys_and_the_cli_shows_them(
    redis_client, intake, seeds, tmp_path
) -> None:
    """Every seed's Lavrov, Yanukovych and Kyiv get one key whatever the spelling, and
    `newsflow entities` lists and shows them from the registry."""
    for seed in seeds:
        shutil.copy(seed, tmp_path / seed.name)
    with running_worker():
        for seed in seeds:
            intake.offer_file(tmp_path / seed.name)
        wait_for_entries(redis_client, [ARTICLES, DEAD], len(seeds))
    assert entries(redis_client, DEAD) == []
    records = [entry["data"] for entry in entries(redis_client, ARTICLES)]
    for record in records:
        keys = {e["key"] for e in record["entities"]}
        assert {"person:lavrov", "person:kerry", "person:putin", "gpe:kyiv"} <= keys
        assert "gpe:kiev" not in keys and "gpe:us" not in keys and "gpe:u-s" not in keys
        assert record["notes"] == []
    env = session_env()
    shown = run_cli("entities", "person:yanukovych", env=env)
    assert shown.returncode == 0, shown.stderr
    [yanukovych] = [json.loads(line) for line in shown.stdout.splitlines()]
    assert yanukovych["key"] == "person:yanukovich" and yanukovych["articles"] == 2
    assert {"Viktor F Yanukovych", "Viktor Yanukovich"} <= set(yanukovych["variants"])
    listed = run_cli("entities", "--top", "3", env=env)
    top = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(top) == 3 and all(e["articles"] == len(seeds) for e in top)
    assert run_cli("entities", "person:nobody", env=env).returncode == 1

"""NEWSFLOW_NER_MODEL: the spaCy pipeline the entities stage runs, run as a user runs it
(`ingest --wait` on the session's Redis, with the worker process it starts). A pipeline
saved to a folder is used by the workers; one that is not installed is refused as a
setting; an installed package that is no pipeline stops the worker with one line, and
`--wait` stops waiting for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.entities.recognizer import DEFAULT_MODEL
from tests.cli.helpers import run_cli, session_env
from tests.workers.helpers import entries
from workers.keys import Keys

KEYS = Keys("nftest")
#: An invented name the small model does not read as an organisation.
NAME = "Zorblax"
TEXT = (
    f"The harbour board met on Tuesday. {NAME} agreed to repair the sea wall at Brackwater "
    "before the winter storms, the board's chair, Ines Marwick, said after the meeting.\n"
)


@pytest.fixture(scope="module")
def own_pipeline(tmp_path_factory) -> Path:
    """The bundled model saved to a folder with one rule of a newsroom's own before its
    NER: the invented name is an organisation."""
    import spacy

    nlp = spacy.load(DEFAULT_MODEL)
    assert all(ent.text != NAME or ent.label_ != "ORG" for ent in nlp(TEXT).ents)  # premise
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns([{"label": "ORG", "pattern": NAME}])  # type: ignore[attr-defined]
    folder = tmp_path_factory.mktemp("pipeline") / "harbour_ner"
    nlp.to_disk(folder)
    return folder


def test_the_workers_run_the_pipeline_the_setting_names(redis_client, tmp_path, own_pipeline):
    story = tmp_path / "sea-wall.txt"
    story.write_text(TEXT, encoding="utf-8")
    env = {**session_env(), "NEWSFLOW_NER_MODEL": str(own_pipeline)}

    result = run_cli("ingest", str(story), "--wait", env=env, timeout=120)

    assert result.returncode == 0, result.stderr
    (record,) = [entry["data"] for entry in entries(redis_client, KEYS.articles)]
    keys = {entity["key"] for entity in record["entities"]}
    assert "org:zorblax" in keys and "person:marwick" in keys, keys


def test_a_pipeline_that_is_not_installed_is_refused_as_a_setting(tmp_path):
    result = run_cli("config", env={**session_env(), "NEWSFLOW_NER_MODEL": "en_core_web_xx"})

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "newsflow: NEWSFLOW_NER_MODEL='en_core_web_xx' is not valid: an installed spaCy "
        "pipeline (a package such as en_core_web_md, or a folder holding one), or empty for "
        "the bundled small English model"
    ]


def test_a_package_that_is_no_pipeline_stops_the_worker_and_the_wait(redis_client, tmp_path):
    """`pydantic` is installed but is no spaCy pipeline: the worker says so in one line and
    exits, and `ingest --wait` (no timeout) ends instead of waiting for ever; the input
    stays queued for a worker that can take it."""
    story = tmp_path / "sea-wall.txt"
    story.write_text(TEXT, encoding="utf-8")
    env = {**session_env(), "NEWSFLOW_NER_MODEL": "pydantic"}

    result = run_cli("ingest", str(story), "--wait", env=env, timeout=120)

    assert result.returncode == 3, result.stderr
    assert result.stdout.strip() == "inputs=1 published=0 dead=0 pending=1"
    assert "Traceback" not in result.stderr
    events = [line for line in result.stderr.splitlines() if '"event"' in line]
    assert any('"ner_model_unusable"' in line and '"pydantic"' in line for line in events)
    assert any('"workers_exited"' in line for line in events), result.stderr
    assert entries(redis_client, KEYS.articles) == [] and entries(redis_client, KEYS.dead) == []

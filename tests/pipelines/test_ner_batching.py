"""NER over many articles at once (``recognize_many``): the same entities as one by one,
and a text that fails costs only its own result. Real model, real eval pages."""

from __future__ import annotations

import logging

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from pipelines.article import Rejected
from pipelines.entities.recognizer import EntityRecognizer, NerRequest, Recognition
from pipelines.extract.extractor import extract
from tests.conftest import shared_files

#: Every 6th eval page: 31 articles of all lengths, a few not in English.
SAMPLE = shared_files("eval", "extraction", pattern="*.html")[::6]
MARKER = "UNREADABLE-MARKER"


@Language.component("nftest_fails_on_marker")
def _fails_on_marker(doc: Doc) -> Doc:
    """A pipeline component that cannot read one text, as a broken model or input would."""
    if MARKER in doc.text:
        raise ValueError("this text breaks the pipeline")
    return doc


def _requests() -> list[NerRequest]:
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    requests = []
    for path in SAMPLE:
        try:
            found = extract(path.read_bytes(), "html", url=None)
        except Rejected:
            continue
        requests.append(NerRequest(found.text, found.title, found.language))
    return requests


@pytest.fixture(scope="module")
def requests() -> list[NerRequest]:
    return _requests()


@pytest.fixture(scope="module")
def failing_recognizer() -> EntityRecognizer:
    recognizer = EntityRecognizer()
    recognizer.nlp.add_pipe("nftest_fails_on_marker", before="ner")
    return recognizer


@pytest.mark.parametrize("batch", [2, 8, 32])
def test_batched_entities_equal_unbatched_on_eval_pages(
    recognizer: EntityRecognizer, requests: list[NerRequest], batch: int
) -> None:
    """Articles read together in one nlp.pipe get exactly the entities and notes they get
    alone, in order."""
    assert len(requests) >= 25
    alone = [recognizer.recognize(r.text, r.title, r.language) for r in requests]
    together: list[Recognition | Exception] = []
    for start in range(0, len(requests), batch):
        together += recognizer.recognize_many(requests[start : start + batch])
    assert together == alone
    assert sum(bool(r.entities) for r in alone) >= 20  # the sample does exercise NER
    assert any(r.note for r in alone)  # and the skip of a text not in English


def test_a_failing_text_gets_its_exception_and_the_others_their_entities(
    recognizer: EntityRecognizer,
    failing_recognizer: EntityRecognizer,
    requests: list[NerRequest],
) -> None:
    good = requests[:4]
    bad = NerRequest(f"{good[0].text}\n\n{MARKER}", good[0].title, good[0].language)
    outcomes = failing_recognizer.recognize_many([good[0], good[1], bad, good[2], good[3]])
    assert isinstance(outcomes[2], ValueError)
    assert str(outcomes[2]) == "this text breaks the pipeline"
    expected = [recognizer.recognize(r.text, r.title, r.language) for r in good]
    assert [outcomes[i] for i in (0, 1, 3, 4)] == expected
    with pytest.raises(ValueError, match="breaks the pipeline"):
        failing_recognizer.recognize(bad.text, bad.title, bad.language)

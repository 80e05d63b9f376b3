"""Writes docs/record.schema.json, the JSON Schema of the article record and the stream entries.

Usage: python scripts/record_schema.py           # regenerate after changing pipelines/article.py
       python scripts/record_schema.py --check   # exit 1 if the committed file is stale

The record's shape comes from the dataclasses of pipelines/article.py (through pydantic);
what the types there cannot say (that every field is always present, the enums, the id and
timestamp formats, which fields a published record always fills) is added here from
docs/contract.md.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from pipelines.article import DUPLICATE, NEAR_DUPLICATE, SCHEMA_VERSION, UNIQUE, Article
from pipelines.entities.mentions import KEPT_LABELS

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "docs" / "record.schema.json"

#: The `dead` stream's `stage` values: the intake, then every stage of
#: workers/stages/chain.py's STAGES (tests/test_record_schema.py keeps the two in step).
DEAD_STAGES = ("intake", "extract", "entities", "dedup", "publish")
SOURCE_TYPES = ("file", "url", "feed")

ID = {"type": "string", "pattern": "^[0-9a-f]{16}$"}
TIMESTAMP = {
    "type": "string",
    "format": "date-time",
    "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$",
}

#: What docs/contract.md says of each record field, beyond its type.
RECORD_FIELDS: dict[str, dict[str, Any]] = {
    "id": {
        **ID,
        "description": "16 hex digits: for a file, a hash of its resolved path and its bytes; "
        "for a web page, a hash of its canonical URL",
    },
    "url": {"description": "the page's URL where known, else null"},
    "title": {"description": "the headline, where the input states it, else null"},
    "author": {"description": "the author, where the page states it, else null"},
    "published": {
        "anyOf": [{"type": "string", "format": "date"}, {"type": "null"}],
        "description": "the date of publication, ISO 8601 (YYYY-MM-DD), where stated, else null",
    },
    "sitename": {"description": "the site's name, where the page states it, else null"},
    "language": {
        "anyOf": [{"type": "string", "pattern": "^[a-z]{2}$"}, {"type": "null"}],
        "description": "the page's declared language, two lower-case letters, else null",
    },
    "text": {"description": "the clean body, one paragraph per line"},
    "removed": {"description": "lines the plain-text cleaner judged boilerplate"},
    "entities": {"description": "one element per real-world entity"},
    "notes": {"description": "lines a stage wants a reader to know; usually empty"},
    "dedup": {"description": "what dedup decided against the articles processed before"},
    # The dedup stage always sets the story, extract the intake time and publish its own
    # time: the dataclass allows None only for an article still between stages.
    "story": {**ID, "description": "id of the story's first article, grouping one event"},
    "replaces": {
        "anyOf": [ID, {"type": "null"}],
        "description": "the id of the record this one supersedes (the same input processed "
        "again by `newsflow reprocess` or `ingest --force`), null for a first version",
    },
    "ingested_at": {**TIMESTAMP, "description": "when the input was queued, UTC"},
    "processed_at": {**TIMESTAMP, "description": "when the record was published, UTC"},
}

NULLABLE_ID = {"anyOf": [ID, {"type": "null"}]}
DEDUP_FIELDS: dict[str, dict[str, Any]] = {
    "status": {"enum": [UNIQUE, DUPLICATE, NEAR_DUPLICATE], "type": "string"},
    "of": {**NULLABLE_ID, "description": "the earlier article this one duplicates, else null"},
    "similarity": {
        "anyOf": [{"type": "number", "minimum": 0, "maximum": 1}, {"type": "null"}],
        "description": (
            "Jaccard similarity with `of` (estimated; exact near the threshold): "
            "1.0 for a duplicate"
        ),
    },
    "revision_of": {
        **NULLABLE_ID,
        "description": "an earlier version of the same article, for a unique one, else null",
    },
}
ENTITY_FIELDS: dict[str, dict[str, Any]] = {
    "name": {"description": "the entity's fullest form"},
    "key": {"description": "its identity across articles, e.g. person:lavrov, gpe:kyiv"},
    "label": {"type": "string", "enum": sorted(KEPT_LABELS)},
    "count": {"type": "integer", "minimum": 1, "description": "mentions in the text"},
    "mentions": {"description": "every surface form merged into it"},
}
SOURCE_FIELDS: dict[str, dict[str, Any]] = {
    "type": {"type": "string", "enum": list(SOURCE_TYPES)},
    "path": {"description": "a file's resolved path, else null"},
    "url": {"description": "the canonical URL of a page or feed item, else null"},
    "feed": {"description": "the feed a feed item came from, else null"},
}


def build_schema() -> dict[str, Any]:
    """The JSON Schema of a record on `articles`, with the stream entries in its $defs."""
    generated = TypeAdapter(Article).json_schema(mode="serialization")
    defs = generated.pop("$defs")
    record = _refine(generated, RECORD_FIELDS)
    record["properties"] = {
        "schema": {"const": SCHEMA_VERSION, "description": "the record's schema version"},
        **record["properties"],
    }
    record["required"] = list(record["properties"])
    entity = _refine(defs["Entity"], ENTITY_FIELDS)
    dedup = _refine(defs["Dedup"], DEDUP_FIELDS)
    source = _refine(defs["Source"], SOURCE_FIELDS)
    dead_source = copy.deepcopy(source)
    dead_source["title"] = "DeadSource"
    dead_source["properties"]["type"]["enum"].append("unknown")
    dead_source["description"] = (
        "the input's source; type `unknown` when the stored article itself could not be read"
    )
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"urn:newsflow:record:{SCHEMA_VERSION}",
        "title": "newsflow article record",
        "description": (
            "The JSON in the `data` field of each entry of <prefix>:articles (docs/contract.md). "
            "Generated from pipelines/article.py by scripts/record_schema.py: do not edit. "
            "A field may be added within a schema version, so ignore fields you do not know."
        ),
        "version": SCHEMA_VERSION,
        "type": "object",
        "properties": record["properties"],
        "required": record["required"],
        "$defs": {
            "Source": source,
            "Entity": entity,
            "Dedup": dedup,
            "DeadSource": dead_source,
            "ArticlesEntry": _articles_entry(),
            "DeadEntry": _dead_entry(),
        },
    }


def _refine(generated: dict[str, Any], fields: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An object of the generated schema with every field required (the record is written
    with all of them, null or empty included) and the contract's constraints applied."""
    properties = {}
    for name, prop in generated["properties"].items():
        prop = {k: v for k, v in prop.items() if k not in ("default", "title")}
        refinement = fields.get(name, {})
        if {"type", "anyOf", "$ref"} & refinement.keys():
            prop = {k: v for k, v in prop.items() if k not in ("type", "anyOf")}
        properties[name] = {**prop, **copy.deepcopy(refinement)}
    described = {"description": generated["description"]} if "description" in generated else {}
    return {
        "title": generated.get("title", ""),
        **described,
        "type": "object",
        "properties": properties,
        "required": list(properties),
    }


def _articles_entry() -> dict[str, Any]:
    return {
        "title": "ArticlesEntry",
        "description": (
            "The fields of an entry of <prefix>:articles, as `newsflow tail` prints them: "
            "in Redis each is a string, `data` the record's JSON text"
        ),
        "type": "object",
        "properties": {
            "id": ID,
            "status": {"$ref": "#/$defs/Dedup/properties/status"},
            "data": {"$ref": "#"},
        },
        "required": ["id", "status", "data"],
    }


def _dead_entry() -> dict[str, Any]:
    return {
        "title": "DeadEntry",
        "description": (
            "The fields of an entry of <prefix>:dead, an input that could not be processed, "
            "as `newsflow tail --stream dead` prints them: in Redis each is a string, "
            "`source` its JSON text"
        ),
        "type": "object",
        "properties": {
            "id": ID,
            "stage": {"type": "string", "enum": list(DEAD_STAGES)},
            "error": {
                "type": "string",
                "pattern": "^[^\\n]+$",
                "description": "one line saying what to do",
            },
            "source": {"$ref": "#/$defs/DeadSource"},
            "attempts": {
                "type": "string",
                "pattern": "^[1-9][0-9]*$",
                "description": "how often the input was tried, a decimal number",
            },
        },
        "required": ["id", "stage", "error", "source", "attempts"],
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    parser.add_argument("--path", type=Path, default=SCHEMA_PATH, help="the schema file")
    args = parser.parse_args(argv)
    wanted = render(build_schema())
    if args.check:
        current = args.path.read_text(encoding="utf-8") if args.path.exists() else ""
        if current != wanted:
            print(f"{args.path} is stale: run python scripts/record_schema.py", file=sys.stderr)
            return 1
        return 0
    args.path.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

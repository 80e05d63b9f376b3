"""Summarise `newsflow tail` output, one line per article: a small example consumer.

Usage: newsflow tail --from-start --count 100 | python scripts/summarise.py
"""

import json
import sys

for line in sys.stdin:
    entry = json.loads(line)
    record = entry["data"]
    dedup = record["dedup"]
    verdict = dedup["status"] + (
        f" of {dedup['of']} ({dedup['similarity']})" if dedup["of"] else ""
    )
    people = [e["name"] for e in record["entities"] if e["label"] == "PERSON"][:4]
    print(f"{record['id']}  {verdict}")
    print(f"    title:   {record['title']}")
    print(f"    story:   {record['story']}")
    print(f"    source:  {record['source']['path'] or record['source']['url']}")
    print(
        f"    text:    {len(record['text'].split())} words, {len(record['removed'])} lines removed"
    )
    print(f"    people:  {', '.join(people)}")
    print(f"    removed: {record['removed'][:3]}")

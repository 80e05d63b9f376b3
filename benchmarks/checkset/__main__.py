"""python -m benchmarks.checkset: fetch the check set into its cache and say what it holds."""

from __future__ import annotations

import sys
from collections import Counter

from . import CheckSetError, cache_dir, fetch, load


def main() -> int:
    try:
        fetch()
    except CheckSetError as e:
        print(f"checkset: {e}", file=sys.stderr)
        return 1
    loaded = load()
    kinds = Counter(p.kind for p in loaded.pages)
    print(
        f"{len(loaded.pages)} pages in {cache_dir()} ({len(loaded.stale)} stale,"
        f" {len(loaded.missing)} missing): "
        + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
    )
    for page_id, snippets in loaded.stale.items():
        print(f"  stale {page_id}: {snippets[0]!r} no longer on the page")
    return 0


if __name__ == "__main__":
    sys.exit(main())

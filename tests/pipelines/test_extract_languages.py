"""Tests for the extract stage on pages other than English news (pipelines/extract/): manuals
written in <div> paragraphs, site banners named in other languages, and the metadata of pages
that are not articles. Every page here is invented."""

from __future__ import annotations

import re

import lxml.html
import pytest

from pipelines.extract.extractor import extract
from pipelines.extract.metadata import find_author
from pipelines.extract.prose import page_prose

#: A German manual page as DocBook writes them: every paragraph a <div class="para"> with
#: commands in <code> inside, a banner and previous/next links around.
MANUAL_PARAGRAPHS = [
    "Die Sicherung der Akten erledigt in Westmere seit Jahren <code>tarsnap</code>, ein Programm,"
    " das jede Nacht die geänderten Dateien des Rathauses verschlüsselt und auf einen Rechner im"
    " alten Feuerwehrhaus überträgt.",
    "Für die Rechner der Schulen genügt ein Abgleich mit <code>rsync</code>, der morgens um fünf"
    " Uhr beginnt und meist fertig ist, bevor die ersten Lehrerinnen und Lehrer ihre Geräte"
    " einschalten und den Tag vorbereiten.",
    "Alte Stände hebt das Bauamt mit <code>borg</code> auf, weil die Pläne für Brücken und Straßen"
    " oft noch nach Jahrzehnten gebraucht werden, etwa wenn ein Gericht über einen Schaden am Hafen"
    " entscheiden muss.",
    "Jede Sicherung wird einmal im Monat mit <code>restic</code> zurückgespielt, denn eine"
    " Sicherung, die niemand wiederherstellen kann, ist im Ernstfall nicht mehr wert als gar keine"
    " Sicherung der Akten.",
]

#: Short paragraphs naming a mailing list, as a manual's chapter on news sources has them.
NEWS_LISTS = [
    "Wichtige Nachrichten des Rathauses kommen selten, etwa zehnmal im Jahr.",
    "Allgemeine Neuigkeiten aus den Ämtern erscheinen einige Male im Monat.",
    "Wer mitarbeitet, liest hier, wie die Teams ihre Arbeit planen.",
    "Lücken in den Programmen der Stadt werden hier sofort gemeldet.",
]

_DOCNAV = (
    '<ul class="docnav"><li class="previous"><a href="a.html"><strong>Zurück</strong></a></li>'
    '<li class="next"><a href="b.html"><strong>Weiter</strong></a></li></ul>'
)


def manual_page(paragraphs: list[str]) -> str:
    index = '<a id="i1" class="indexterm"></a><a id="i2" class="indexterm"></a>'
    paras = "".join(f'{index}<div class="para">\n\t\t\t{p}\n\t\t</div>' for p in paragraphs)
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"/>'
        "<title>9.10. Sicherung</title></head><body>"
        '<div id="banner"><a href="/get/"><span class="text">Das Buch herunterladen</span>'
        "</a></div>"
        f"{_DOCNAV}"
        '<div class="section"><div class="titlepage"><div><div><h2 class="title">9.10. Sicherung'
        f"</h2></div></div></div>{paras}"
        '<div class="section"><div class="titlepage"><div><div><h3 class="title">9.10.1. Sicherung'
        " mit <code>rsync</code></h3></div></div></div>"
        '<div class="example"><p class="title"><strong>Beispiel 9.3. Datei <code>/etc/s.conf</code>'
        '</strong></p><div class="example-contents"></div></div></div></div>'
        f"{_DOCNAV}</body></html>"
    )


def plain(paragraph: str) -> str:
    return lxml.html.fromstring(f"<p>{paragraph}</p>").text_content()


class TestManualPages:
    def test_div_paragraphs_are_read_whole(self):
        """The words before a <code> in a <div> paragraph are kept (trafilatura's precision
        and balanced modes drop them), and the banner and page links are not."""
        got = extract(manual_page(MANUAL_PARAGRAPHS).encode(), "html")

        assert got.text.splitlines() == [plain(p) for p in MANUAL_PARAGRAPHS]

    def test_text_after_a_second_inline_code_is_kept(self):
        """A sentence opening with a command after another ("<code>sftp</code> ... like
        <code>ftp</code>. <code>sftp</code> can...") stays whole: trafilatura's recall mode
        ended the paragraph there."""
        commands = (
            "<code>sftp</code> ist ein Befehl wie <code>ftp</code>. <code>sftp</code> kann viele"
            " Dateien in einer Sitzung übertragen und sie auf dem fernen Rechner umbenennen."
        )
        got = extract(manual_page([*MANUAL_PARAGRAPHS, commands]).encode(), "html")

        assert got.text.splitlines()[-1] == plain(commands)

    def test_list_items_opening_with_an_empty_anchor_are_kept(self):
        """DocBook puts an empty index anchor before each list item's paragraph; trafilatura's
        recall mode dropped every such item."""
        items = ["der Eigentümer (u für „user“);", "die Gruppe (g für „group“);"]
        listed = "".join(
            f'<li class="listitem"><a id="i{n}" class="indexterm"></a>'
            f'<div class="para">{item}</div></li>'
            for n, item in enumerate(items)
        )
        page = manual_page(MANUAL_PARAGRAPHS).replace(
            "</h2></div></div></div>", f"</h2></div></div></div><ul>{listed}</ul>", 1
        )

        lines = extract(page.encode(), "html").text.splitlines()

        assert lines[:2] == [f"- {item}" for item in items]

    def test_paragraphs_with_a_link_line_inside_are_paragraphs(self):
        """DocBook puts a web address on a line of its own, a <div>, inside the paragraph
        that names it: such a paragraph is still one (the page was read as <p> prose and
        lost those)."""
        lists = ["ankuendigungen", "neuigkeiten", "entwickler", "sicherheit"]
        page_intro = MANUAL_PARAGRAPHS[:2]
        with_urls = [
            f'{p} Siehe <span class="email"><a href="mailto:{name}@lists.example.org">'
            f"{name}@lists.example.org</a></span>."
            f'<div class="url">→ <a href="https://lists.example.org/{name}/">'
            f"https://lists.example.org/{name}/</a></div>"
            for name, p in zip(lists, NEWS_LISTS, strict=True)
        ]
        page = manual_page(page_intro + with_urls)

        lines = extract(page.encode(), "html").text.splitlines()

        assert [line for line in lines if not line.startswith("→")] == [
            plain(re.sub("<div.*", "", paragraph)) for paragraph in page_intro + with_urls
        ]

    def test_a_scripts_text_is_no_prose(self):
        """A news page's state in a <script> inside a <div> does not make the page one
        written in <div> paragraphs."""
        state = (
            '<div><script>var state = {"x": "' + "y" * 3000 + '"};</script><div>Mehr</div></div>'
        )
        tree = lxml.html.fromstring(
            f"<html><body><p>{MANUAL_PARAGRAPHS[0]}</p>{state}</body></html>"
        )

        assert not page_prose(tree).in_divs


class TestJoiners:
    """Zero-width (non-)joiners are part of Persian and Indic spelling and of emoji."""

    PERSIAN = [
        "اسناد عمومی که می‌توانید درباره این توزیع پیدا کنید، در مورد نسخه‌های تازه نیز صدق"
        " می‌کنند، چرا که بیشتر نرم‌افزارهای آزاد را در بر می‌گیرد.",
        "پیروی از توصیه‌های این کتاب جالب است، اما بهتر است منطق درونی آن را درک کنیم و شیوه"
        " اجرای پروژه را بشناسیم تا دانشی پایدار به دست آوریم.",
        "این فصل نشان می‌دهد که بسته‌ها چگونه ساخته می‌شوند و چه کسانی آن‌ها را نگه می‌دارند،"
        " از نخستین نسخه تا انتشار پایدار.",
    ]

    def test_persian_keeps_its_non_joiners(self):
        body = "".join(f"<p>{p}</p>" for p in self.PERSIAN)
        head = "<head><title>می‌توانید</title></head>"
        html = f'<html lang="fa" dir="rtl">{head}<body><article>{body}</article></body></html>'

        got = extract(html.encode(), "html")

        assert got.text.splitlines() == self.PERSIAN
        assert got.title == "می‌توانید"

    @pytest.mark.parametrize("written", ["\u200c", "&zwnj;", "&#8204;", "&#x200C;"])
    def test_a_non_joiner_written_as_a_reference(self, written: str):
        paragraphs = [p.replace("\u200c", written) for p in self.PERSIAN]
        body = "".join(f"<p>{p}</p>" for p in paragraphs)

        got = extract(
            f'<html lang="fa"><body><article>{body}</article></body></html>'.encode(), "html"
        )

        assert got.text.splitlines() == self.PERSIAN

    def test_emoji_sequences_keep_their_joiners(self):
        family = "\U0001f469\u200d\U0001f469\u200d\U0001f467"
        paragraphs = [f"{p} {family}" for p in MANUAL_PARAGRAPHS]

        got = extract(page_of(paragraphs).encode(), "html")

        assert got.text.count(family) == len(paragraphs)


def page_of(paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<html lang="de"><body><article>{body}</article></body></html>'


class TestSiteBanner:
    def test_banner_naming_the_site_as_the_title_does_is_dropped(self):
        """A banner repeating the site's name from <title> ("... - Serveur HTTP Westmere
        version 3") is no part of the page's text, in whatever language it is."""
        paragraphs = [
            "La jetée de Westmere sera reconstruite au cours des deux prochains étés, a confirmé"
            " mardi l'autorité portuaire, après dix ans de débats sur son avenir.",
            "Les ingénieurs ont constaté que les pieux de chêne posés en 1911 avaient pourri bien"
            " en dessous de la ligne de flottaison, et que le tablier ne portait plus le marché.",
            "Les pêcheurs s'installeront sur le quai nord pendant les travaux, une solution que"
            " leur coopérative a jugée raisonnable pour deux saisons au moins.",
        ]
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        html = (
            '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"/>'
            "<title>La jetée - Serveur HTTP Westmere version 3</title></head><body>"
            '<div id="page-header"><p class="menu"><a href="/m">Modules</a> | <a href="/d">'
            'Directives</a></p><p class="site">Serveur HTTP Westmere version 3</p></div>'
            f'<div id="page-content"><h1>La jetée</h1>{body}</div></body></html>'
        )

        got = extract(html.encode(), "html")

        assert got.text.splitlines() == paragraphs


#: A page that dates itself only in its text ("Stand: ..."), which only htmldate's
#: extensive search (dateparser over every text segment) finds.
def dated_page(og_type: str) -> bytes:
    paragraphs = "".join(
        f"<p>{p}</p>"
        for p in (
            "Die Stadtbibliothek von Westmere hat montags bis freitags von neun bis achtzehn Uhr"
            " geöffnet, samstags von zehn bis vierzehn Uhr.",
            "Ausweise stellt die Ausleihe gegen Vorlage eines Personalausweises aus; für Kinder"
            " unter zwölf Jahren unterschreibt ein Elternteil den Antrag.",
        )
    )
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"/><title>Öffnungszeiten</title>'
        f'<meta property="og:type" content="{og_type}"/></head><body><main><h1>Öffnungszeiten</h1>'
        f"{paragraphs}<p>Stand: 14. März 2021</p></main></body></html>"
    ).encode()


class TestPublishedDate:
    @pytest.mark.parametrize(
        ("og_type", "published"), [("article", "2021-03-14"), ("website", None)]
    )
    def test_dates_in_the_text_are_searched_on_articles_only(self, og_type, published):
        """An article dated only in its text gets that date; a page that is no article (opening
        hours, a service page) is not searched through, and gets none: what that search finds
        there is mostly a copyright year, and it costs up to half the page's time."""
        assert extract(dated_page(og_type), "html").published == published


class TestAuthor:
    def test_byline_element_names_the_author(self):
        """With no author in the head, a byline element's text is the author's name; a date
        inside the byline is not part of it."""
        tree = lxml.html.fromstring(
            "<html><body><article><h1>Hafen</h1>"
            '<div class="byline">Von <span class="author-name">Mara Okonkwo</span>'
            "<time>14. März 2021</time></div><p>Text.</p></article></body></html>"
        )

        assert find_author(tree) == "Mara Okonkwo"

    def test_names_in_comments_and_sidebars_are_not_the_author(self):
        """Author markers inside the comment thread or a sidebar name someone else."""
        tree = lxml.html.fromstring(
            "<html><body><article><h1>Hafen</h1><p>Text.</p></article>"
            '<div class="sidebar"><span class="author">Jonas Feld</span></div>'
            '<div id="comments"><span class="author-name">Leserin 42</span></div></body></html>'
        )

        assert find_author(tree) is None


#: A Spanish report with its readers' comments inside the article's column, in a thread
#: named in Spanish ("comentarios"), which trafilatura does not know for a thread.
_REPORT = [
    "El ayuntamiento de Villamar aprobó el martes la reparación del muelle viejo, cerrado desde"
    " que el temporal de enero arrancó buena parte de sus losas y dos de sus farolas.",
    "Las obras costarán algo más de un millón de euros y empezarán en primavera, según explicó la"
    " concejala de Puertos, que espera reabrir el paseo antes de las fiestas de agosto.",
    "Los pescadores, que amarran sus barcas al otro lado de la dársena, pidieron que los trabajos"
    " no corten el acceso a la lonja durante las madrugadas de subasta.",
]
_COMMENTS = [
    "Ya era hora, llevamos medio año sin poder pasear por el muelle con los niños.",
    "Un millón de euros para cuatro losas, a ver quién se queda con la diferencia esta vez.",
]


def _report_page(thread_class: str) -> str:
    comments = "".join(
        f'<li><div class="usuario"><strong>lector{i}</strong></div><p>{c}</p></li>'
        for i, c in enumerate(_COMMENTS)
    )
    return (
        "<html><head><title>Villamar repara el muelle viejo</title></head><body>"
        '<div class="noticia"><h1>Villamar repara el muelle viejo</h1>'
        + "".join(f"<p>{p}</p>" for p in _REPORT)
        + f'<div id="{thread_class}"><h3>Comentarios</h3><ol>{comments}</ol></div>'
        + "</div></body></html>"
    )


@pytest.mark.parametrize("thread", ["comentarios", "bloc-commentaires", "kommentare_liste"])
def test_a_comment_thread_named_in_another_language_is_left_out(thread: str):
    text = extract(_report_page(thread).encode(), "html").text

    assert all(p in text for p in _REPORT), text
    assert not any(c[:40] in text for c in _COMMENTS), text


def test_a_page_whose_own_name_says_comments_keeps_its_article():
    """A wrapper named so that holds the headline is the page, not a thread."""
    page = _report_page("x").replace('<div class="noticia">', '<div class="con-comentarios">')
    text = extract(page.encode(), "html").text

    assert all(p in text for p in _REPORT), text

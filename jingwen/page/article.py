"""Is what is left of a page an article? Document-level checks on the kept lines.

Each check returns the detail of a reject (``None``: it is an article). They look at
shapes, not phrases: a page of several lines is an article when at least one of them is
a paragraph (enough ideographs and sentence punctuation), when it is not mostly markup,
and when its letters are not those of Japanese.
"""
from __future__ import annotations

import re

from jingwen.text.chars import han_count

#: Hiragana and katakana letters (not the middle dot or the long-vowel mark, which Chinese text borrows).
_KANA_RE = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")
#: A line that opens or closes with a markup tag: ``<title>…``, ``…</description>``.
_TAG_LINE_RE = re.compile(r"^\s*<[A-Za-z][\w:-]*[^>]*>|</[A-Za-z][\w:-]*>\s*$")
_CLAUSE_MARKS = "，,；;、："

MIN_KANA = 20
MAX_KANA_SHARE = 0.15      # more kana among kana and ideographs: Japanese
MIN_TAG_LINES = 3
MAX_TAG_LINE_SHARE = 0.25  # more lines that are tags: a feed or a page's source
PARAGRAPH_HAN = 25         # a paragraph has at least this many ideographs, and a 。 or two clause marks
MIN_LIST_LINES = 3         # a page of this many lines without a paragraph is a list (a shorter text is a brief)


def is_paragraph(line: str) -> bool:
    """A line of running text, not a headline, link or label."""
    return han_count(line) >= PARAGRAPH_HAN and ("。" in line or sum(map(line.count, _CLAUSE_MARKS)) >= 2)


def japanese(text: str) -> str | None:
    """Japanese text (kana among the ideographs), however many kanji it has."""
    kana = len(_KANA_RE.findall(text))
    han = han_count(text)
    if kana >= MIN_KANA and kana >= MAX_KANA_SHARE * (kana + han):
        return f"{kana} kana among {kana + han} kana and ideographs: Japanese"
    return None


def not_article(body: list[str]) -> str | None:
    """Why the kept lines of a page are not an article (``None`` when they are)."""
    tags = sum(1 for line in body if _TAG_LINE_RE.search(line))
    if tags >= MIN_TAG_LINES and tags >= MAX_TAG_LINE_SHARE * len(body):
        return f"{tags} of {len(body)} lines are markup tags (a feed or a page's source)"
    if len(body) >= MIN_LIST_LINES and not any(map(is_paragraph, body)):
        return f"no paragraph among {len(body)} lines (a list, index, caption or link page)"
    return None

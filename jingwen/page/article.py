"""Is what is left of a page an article? Document-level checks on the kept lines.

Each check returns the detail of a reject (``None``: it is an article). They look at
shapes, not phrases: a page of several lines is an article when at least one of them is
a paragraph (enough ideographs and sentence punctuation), when it is not mostly markup,
when it is one story (not several, each a headline and a report lead), and when its
letters are not those of Japanese.
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
#: A report's opening: the outlet or reporter and "reports" (``本报综合报导``, ``新华社北京4月1日电``).
_REPORT_LEAD_RE = re.compile(r"^(?:【[^】]{1,12}】)?(?:本报|本网|新华社|中新社|中新网|中央社|人民网|央视网|记者)"
                             r"\S{0,16}?(?:电|讯|报导|报道)")
_HEADLINE_MAX = 40
_SENTENCE_MARKS_RE = re.compile("[。！？，]")


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


def markup_lines(lines: list[str]) -> int | None:
    """How many of the lines are markup tags, when they are so many that the text is a
    feed or a page's source rather than an article with some residue (else None)."""
    tags = sum(1 for line in lines if _TAG_LINE_RE.search(line))
    return tags if tags >= MIN_TAG_LINES and tags >= MAX_TAG_LINE_SHARE * len(lines) else None


def not_article(body: list[str]) -> str | None:
    """Why the kept lines of a page are not an article (``None`` when they are)."""
    if tags := markup_lines(body):
        return f"{tags} of {len(body)} lines are markup tags (a feed or a page's source)"
    if len(body) >= MIN_LIST_LINES and not any(map(is_paragraph, body)):
        return f"no paragraph among {len(body)} lines (a list, index, caption or link page)"
    if (stories := _stories(body)) >= 2:
        return f"{stories} stories, each opening on a report lead (an archive or a page of several articles)"
    return None


def _stories(body: list[str]) -> int:
    """Paragraphs that open a report (``本报综合报导 …``) at the top or right after a headline."""
    def opens(i: int) -> bool:
        line = body[i]
        if not (_REPORT_LEAD_RE.match(line) and is_paragraph(line)):
            return False
        return i == 0 or len(body[i - 1]) <= _HEADLINE_MAX and not _SENTENCE_MARKS_RE.search(body[i - 1])
    return sum(map(opens, range(len(body))))

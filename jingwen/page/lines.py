"""Which lines of a scrape are the article, and why the others are not.

``classify(lines)`` gives every (normalized) line a label. ``content`` lines
make the record's text; ``title``, ``byline`` and ``dateline`` lines feed the
metadata fields; every other label is the reason the line was cut:

==============  ==========================================================
navigation      site name, breadcrumb (``当前位置：首页 > …``), channel bar
ui              page chrome: font size, back to top, share, print, comments
credit          editor credits (``（责编：…）``, ``责任编辑：``, ``【纠错】``)
copyright       copyright, reprint and disclaimer notices, report-abuse lines
print_edition   ``《人民日报》（2024年04月26日 09 版）``
related         related-article lists and their headers, three or more headlines outside the paragraphs
keywords        a page's keyword or tag line (``关键词：…``, ``世纪之疫、医疗伦理、呼吸器、病房``)
footer          prose far below the article's end that holds much less text than it (a rights notice, a poll)
catalog         a catalogue row of a government notice or a journal article (``索引号：…``, ``[中图分类号] …``)
image           an image's file name or a forum's image tag (``600_97.jpg (800×782)``, ``[img src=…]``)
teaser          prose above the article's own head (a newsletter's promotions, another story's teaser)
pagination      ``上一页 1 2 3 下一页``
promo           app, QR-code and follow-us promotions
caption         photo captions (``图为…``, ``…/摄``)
spam            keyword or place-name lists joined by separators, betting/adult pools
jammer          a forum's anti-copy string of random short tokens (``X7 k9 W# N) d4``)
watermark       a site's sentence printed on three or more lines of the page (glued spans: :mod:`jingwen.page.glued`)
end_mark        ``（完）`` closing a wire story
original_title  ``原标题：…`` of a republished article
duplicate       a line the document already had (a doubled headline or caption)
markup          a ``<script>`` or ``<style>`` block left in the text, from its opening line to its closing one
frequent        a line repeated across many documents of the run (cross-document evidence)
==============  ==========================================================

How lines are judged (the shapes in :mod:`jingwen.page.shapes`, the passes over
the page in :mod:`jingwen.page.blocks`, their order in :func:`rule_labels`, then
the fitted line model and the duplicates here):

1. **Strong rules** read a line's shape (length, sentence punctuation,
   separators, a colon after a credit word, every token a UI word) and hold
   anywhere in the document.
2. **Weak cues** (copyright and disclaimer phrases, app and QR promotions) are
   words an article may also use (``法院判决其赔偿…未经授权转载``), so they cut a
   line only in the head or tail block of the page, or a short line that is not
   a sentence.
3. The **head** (before the first paragraph of prose) holds the site name,
   breadcrumbs, the headline (the longest headline-shaped line, never a
   site-name), byline and dateline; what is left there is page chrome.
4. The **tail** (after the last paragraph) holds footers: short lines without
   sentences are chrome there.
5. A line that recurs across many documents of the run is cut (``frequent``);
   a line the document already had is cut (``duplicate``).
"""
from __future__ import annotations

import re
from collections import Counter

import numpy as np

from jingwen.page import blocks, chrome, glued, linemodel, metadata
from jingwen.page.shapes import (
    ANY_PUNCT_RE,
    BYLINE,
    CONTENT,
    COPYRIGHT_RE,
    DATELINE,
    MARKUP,
    PROMO_RE,
    REPEATED_RE,
    SECTION_HEADING_RE,
    SENTENCE_END_RE,
    SHORT,
    TAG_LIST_RE,
    TITLE,
    Line,
    is_dateline,
    is_title_shaped,
    markup_blocks,
    strong_label,
)


def rule_labels(texts: list[str], frequent: frozenset[str] = frozenset()) -> tuple[list[Line], list[str | None]]:
    """The lines and what the hand rules say of each (None: nothing, i.e. content so far)."""
    lines = [Line.of(t) for t in texts]
    labels: list[str | None] = [strong_label(ln) for ln in lines]
    for i in markup_blocks(texts):
        labels[i] = MARKUP
    for i in range(1, len(lines)):  # a list that the line before announces (``获奖名单如下：``) is the article's
        if (labels[i] == "keywords" and labels[i - 1] != "keywords" and TAG_LIST_RE.match(texts[i])
                and texts[i - 1].endswith(("：", ":"))):
            labels[i] = None
    printed, total = Counter(texts), sum(map(len, texts))
    for i, ln in enumerate(lines):
        if labels[i] is None and ln.text in frequent:
            labels[i] = "frequent"
        elif labels[i] is None and glued.is_watermark(ln.text, printed[ln.text], total):
            labels[i] = "watermark"
    blocks.label_page_title(lines, labels)
    blocks.label_prose_above_head(lines, labels)
    blocks.label_prose_below_end(lines, labels)
    body = blocks.body_start(lines, labels)
    blocks.label_weak_cues(lines, labels, body)
    blocks.label_head(lines, labels, body)
    blocks.label_title_above_dateline(lines, labels)
    blocks.label_bylines_in_body(lines, labels, body)
    blocks.label_related_blocks(lines, labels)
    blocks.label_notice_blocks(lines, labels)
    blocks.label_related_runs(lines, labels)
    blocks.label_ui_runs(lines, labels)
    blocks.label_islands(lines, labels)
    blocks.label_tail(lines, labels)
    blocks.label_document_frame(lines, labels)
    return lines, labels


def classify(texts: list[str], frequent: frozenset[str] = frozenset(),
             model: linemodel.LineModel | None | bool = True) -> list[str]:
    """A label for every line (see the module docstring). ``frequent`` holds lines
    that recur across many documents of the run; ``model`` is the fitted line model
    (True: the committed one; None or False: the rules alone)."""
    lines, labels = rule_labels(texts, frequent)
    if model is True:
        model = linemodel.default()
    if model:
        _label_by_model(model, lines, labels)
    for i, ln in enumerate(lines):  # a numbered section heading is the article's, however short
        if labels[i] in _NOT_A_SECTION_HEADING and SECTION_HEADING_RE.match(ln.text):
            labels[i] = None
    blocks.label_duplicates(lines, labels)
    return [lab or CONTENT for lab in labels]


#: What a short line at a page's top is taken for, which a numbered section heading is not.
_NOT_A_SECTION_HEADING = frozenset({"navigation", "ui", TITLE})


#: Labels the model may give; title, byline and dateline are the rules' alone (they feed fields).
MODEL_CLASSES = ("content", "title", "byline", "dateline", "navigation", "ui", "credit", "copyright", "related",
                 "pagination", "promo", "caption", "spam", "other")
#: Rule labels the model reads as features (the rest are rare and grouped as "other rule").
_RULE_FEATURES = ("spam", "navigation", "ui", "credit", "caption", "related", "pagination", "dateline", "title",
                  "byline", "copyright", "promo", "duplicate", "print_edition", "original_title", "end_mark")
#: Cut a line the rules kept when the model gives content less than this ...
CUT_BELOW = 0.05
#: ... and keep a line the rules cut when the model gives content more than this.
KEEP_ABOVE = 0.3
#: Rule labels the model never overturns (their shape is certain, or they feed the fields).
_FIRM = frozenset({TITLE, BYLINE, DATELINE, MARKUP, "spam", "frequent", "print_edition", "original_title",
                   "end_mark", "jammer", "watermark", "related"})
_FUNCTION_CHARS_RE = re.compile("[的了是在和与也就都而及对等为这那有被将把从但其中之以于并或如]")
_ASCII_LETTER_RE = re.compile("[A-Za-z]")


def line_features(lines: list[Line], labels: list[str | None]) -> tuple[np.ndarray, tuple[str, ...]]:
    """One row of features per line: shape, position, neighbours and the rules' label
    (built a column at a time: this runs on every line of every document)."""
    n = len(lines)
    if not n:
        return np.zeros((0, 1)), ()
    texts = [ln.text for ln in lines]
    lengths = [ln.length for ln in lines]
    sizes = [max(1, k) for k in lengths]
    prose = [ln.is_prose() for ln in lines]
    headline = [is_title_shaped(ln) for ln in lines]
    first = next((i for i in range(n) if prose[i] and labels[i] is None), n)
    last = max((i for i in range(n) if prose[i] and labels[i] is None), default=-1)
    shortish = [not p and k <= 40 for p, k in zip(prose, lengths)]
    run = [0] * n
    i = 0
    while i < n:  # runs of short lines that are not prose
        j = i
        while j < n and shortish[j]:
            j += 1
        for k in range(i, j):
            run[k] = j - i
        i = max(j, i + 1)
    span, ends = max(1, n - 1), [j for j in (first, last) if 0 <= j < n]
    near = [min((abs(i - j) for j in ends), default=n) for i in range(n)]
    related = [lab == "related" for lab in labels]
    columns = {
        "log_length": np.log1p(lengths), "han_share": [ln.han_share for ln in lines],
        "sentence_punct": [min(ln.sentence_punct, 5) for ln in lines],
        "ends_sentence": [SENTENCE_END_RE.search(t) is not None for t in texts],
        "punct_density": [len(ANY_PUNCT_RE.findall(t)) / k for t, k in zip(texts, sizes)],
        "separators": [min(ln.separators, 6) for ln in lines],
        "digit_share": [sum(map(str.isdigit, t)) / k for t, k in zip(texts, sizes)],
        "latin_share": [len(_ASCII_LETTER_RE.findall(t)) / k for t, k in zip(texts, sizes)],
        "function_chars": [len(_FUNCTION_CHARS_RE.findall(ln.text)) / max(1, ln.han) for ln in lines],
        "prose": prose, "title_shaped": headline,
        "dateline_shaped": [is_dateline(ln) for ln in lines],
        "byline_names": [k <= SHORT and bool(metadata.byline_names(t)) for t, k in zip(texts, lengths)],
        "ui_tokens": [chrome.ui_tokens(t) for t in texts],
        "bracketed": [t[:1] in "【[(（「" or t[-1:] in "】])）」" for t in texts],
        "pipes": [min(t.count("|") + t.count("｜"), 5) for t in texts],
        "short_10": [k <= 10 for k in lengths], "short_25": [k <= 25 for k in lengths],
        "position": [i / span for i in range(n)], "from_end": [(n - 1 - i) / span for i in range(n)],
        "before_body": [i < first for i in range(n)], "after_body": [i > last for i in range(n)],
        "near_body": [min(d, 10) / 10 for d in near], "short_run": [min(r, 10) / 10 for r in run],
        "prev_prose": [False, *prose[:-1]], "next_prose": [*prose[1:], False],
        "title_shaped_near": [sum(headline[max(0, i - 3):i + 4]) / 7 for i in range(n)],
        "weak_copyright": [COPYRIGHT_RE.search(t) is not None for t in texts],
        "weak_promo": [PROMO_RE.search(t) is not None for t in texts],
        "related_header_above": [any(related[max(0, i - 8):i]) for i in range(n)],
        "rule_none": [lab is None for lab in labels],
    }
    for rule in _RULE_FEATURES:
        columns["rule_" + rule] = [lab == rule for lab in labels]
    columns["rule_other"] = [lab is not None and lab not in _RULE_FEATURES for lab in labels]
    return np.column_stack([np.asarray(c, dtype=float) for c in columns.values()]), tuple(columns)


def _label_by_model(model: linemodel.LineModel, lines: list[Line], labels: list[str | None]) -> None:
    """The fitted model cuts lines the rules kept when it is sure they are not article
    text, and keeps lines the soft rules cut when it is sure they are."""
    if not lines:
        return
    x, _ = line_features(lines, labels)
    p = model.probabilities(x)
    content = model.classes.index(CONTENT)
    cut_reasons = [k for k, c in enumerate(model.classes) if c not in (CONTENT, TITLE, BYLINE, DATELINE)]
    kept = [i for i, lab in enumerate(labels) if lab is None and lines[i].is_prose()]
    first, last = (kept[0], kept[-1]) if kept else (len(lines), -1)
    for i, lab in enumerate(labels):
        inside = first < i < last and lines[i].is_prose()  # a paragraph between paragraphs stays
        if lab is None and not inside and p[i, content] < CUT_BELOW:
            best = max(cut_reasons, key=lambda k: p[i, k])
            labels[i] = model.classes[best]
        elif lab is not None and lab not in _FIRM and p[i, content] > KEEP_ABOVE \
                and not REPEATED_RE.match(lines[i].text):  # a label said twice is certain
            labels[i] = None

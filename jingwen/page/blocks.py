"""The page's structure: passes over all the lines of a page that label blocks from
the lines' shapes and their neighbours (the page's own title and head, teasers above
it, the footer below the article, lists, notices, the tail, a document's frame).
Most passes fill labels that are still None; a few override what an earlier one
said (the page's own title, a notice's header, the outlet under the title, a
document's frame), so :func:`jingwen.page.lines.rule_labels` runs them in order."""
from __future__ import annotations

import re

from jingwen.page import metadata
from jingwen.page.article import is_paragraph
from jingwen.page.shapes import (
    ANY_PUNCT_RE,
    BYLINE,
    COPYRIGHT_RE,
    DATELINE,
    METADATA,
    NAV_RE,
    NOTE_MARKER_RE,
    SHORT,
    SITE_NAME_RE,
    TITLE,
    WEAK_SHORT,
    WIRE_LEAD_RE,
    Line,
    is_dateline,
    is_title_shaped,
    strong_label,
    weak_label,
)

#: The page's own title at its top: the headline, then the channel and site after a separator
#: (``… | 社會 | 中央社 CNA``, ``… - BBC News 中文``, ``… _探索者 _光明网``).
_PAGE_TITLE_RE = re.compile(r"^(.{5,}?)\s*(?:\s[-–—|｜│]{1,2}\s|[｜│]|\s_|_(?=\S{1,12}(?:$|_)))\s*\S.{0,60}$")
#: The page's title is one of its first this many lines ...
PAGE_TITLE_LINES = 3
#: ... and a breadcrumb that ends on the headline is at most this many lines above it.
_CRUMB_REACH = 10


def label_page_title(lines: list[Line], labels: list[str | None]) -> None:
    """A page that opens with its own title (the headline and the site's name) and prints
    the headline again lower down: that line is the headline, the top one a copy of it,
    and prose above the headline that holds less text than what follows it is a teaser."""
    for i in range(min(PAGE_TITLE_LINES, len(lines))):
        m = _PAGE_TITLE_RE.match(lines[i].text)
        if not m or labels[i] is not None:
            continue
        head = m[1].strip()
        j = next((j for j in range(i + 1, len(lines)) if lines[j].text.strip() == head), None)
        if j is None:
            continue
        labels[i], labels[j] = "duplicate", TITLE
        label_teasers_above(lines, labels, j)
        return
    for i in range(min(PAGE_TITLE_LINES, len(lines))):  # a breadcrumb that ends on the headline printed below
        ln = lines[i]
        for j in range(i + 1, min(len(lines), i + 1 + _CRUMB_REACH)):
            head = lines[j]
            if (labels[i] is None and labels[j] is None and is_title_shaped(head)
                    and ln.text.endswith(" " + head.text) and ln.length <= head.length + 20):
                labels[i], labels[j] = "navigation", TITLE
                return


def _prose_above(lines: list[Line], labels: list[str | None], head: int) -> list[int]:
    return [k for k in range(head) if labels[k] is None and lines[k].is_prose()]


def _less_above(lines: list[Line], labels: list[str | None], head: int) -> bool:
    """The prose above line ``head`` holds less text than the prose below it."""
    below = sum(ln.han for k, ln in enumerate(lines[head + 1:], head + 1) if labels[k] is None and ln.is_prose())
    return sum(lines[k].han for k in _prose_above(lines, labels, head)) < below


def label_teasers_above(lines: list[Line], labels: list[str | None], head: int) -> None:
    """Prose above the article's head (line ``head``) is teasers when it holds less text than what follows."""
    if _less_above(lines, labels, head):
        for k in _prose_above(lines, labels, head):
            labels[k] = "teaser"


#: A second head: this many short lines that are not sentences (menus, link lists) ...
HEAD_GAP = 5
#: ... not a list the article announces (``会议议程：`` as the line before it or its first line) or numbers
#: as its sections (``一、…``, ``（二）…``).
_ANNOUNCES_RE = re.compile(r"^\S+[：:]$")
#: A section number of the article itself: ``一、``, ``二．``.
_SECTION_NUMBER = "[一二三四五六七八九十]+[、．.]"
_SECTION_ITEM_RE = re.compile(rf"^\s*(?:{_SECTION_NUMBER}|[(（][一二三四五六七八九十]+[)）])")


def _menu_gap(lines: list[Line], start: int, end: int) -> bool:
    """Lines ``start`` to ``end`` (not prose) are page furniture, not a list the article gives."""
    announced = any(_ANNOUNCES_RE.match(lines[k].text) for k in (start - 1, start) if 0 <= k < end)
    return not announced and not any(_SECTION_ITEM_RE.match(lines[k].text) for k in range(start, end))


def label_prose_above_head(lines: list[Line], labels: list[str | None]) -> None:
    """A page whose article starts below a second head (a run of ``HEAD_GAP`` or more
    lines that are not prose, then a byline or dateline, then the paragraphs): the prose
    above that run is a teaser or a newsletter's promotion when the paragraphs below
    hold more text."""
    prose = [ln.is_prose() for ln in lines]
    for k, ln in enumerate(lines):
        if prose[k] or not (labels[k] == DATELINE or is_dateline(ln)
                            or (ln.length <= SHORT and metadata.byline_names(ln.text))):
            continue
        j = k - 1
        while j >= 0 and not prose[j]:
            j -= 1
        if j < 0 or k - 1 - j < HEAD_GAP or not _menu_gap(lines, j + 1, k):
            continue
        label_teasers_above(lines, labels, k)
        return


#: Prose below the article's end is the page's when all of it is this much less than the article's.
FOOTER_SHARE = 0.25


def label_prose_below_end(lines: list[Line], labels: list[str | None]) -> None:
    """Below the article's end (its last paragraph, then ``HEAD_GAP`` or more lines that
    are not prose: lists, widgets), prose whose paragraphs hold less than ``FOOTER_SHARE``
    of the text of the paragraphs above is the page's footer (a rights notice, a poll, a
    comment, headlines that end on ``！``)."""
    prose = [ln.is_prose() and labels[i] is None for i, ln in enumerate(lines)]
    gap = 0
    for i in range(len(lines)):
        if not prose[i]:
            gap += 1
            continue
        if gap >= HEAD_GAP and _menu_gap(lines, i - gap, i):
            above = sum(ln.han for k, ln in enumerate(lines[:i]) if prose[k] and is_paragraph(ln.text))
            below = [k for k in range(i, len(lines)) if prose[k]]
            if sum(lines[k].han for k in below if is_paragraph(lines[k].text)) < FOOTER_SHARE * above:
                for k in below:
                    labels[k] = "footer"
                return
        gap = 0


def body_start(lines: list[Line], labels: list[str | None]) -> int:
    """The first paragraph: a line of prose without a weak cue, or one followed by more
    prose (an article that opens on copyright law still opens there)."""
    free = [i for i in range(len(lines)) if labels[i] is None]
    for k, i in enumerate(free):
        if not lines[i].is_prose():
            continue
        if weak_label(lines[i]) is None:
            return i
        nxt = free[k + 1] if k + 1 < len(free) else None
        if nxt is not None and lines[nxt].is_prose():
            return i
    return len(lines)


def label_weak_cues(lines: list[Line], labels: list[str | None], body: int) -> None:
    """Weak cues hold in the head, in the tail block, and on short lines."""
    tail = len(lines)
    for i in range(len(lines) - 1, body - 1, -1):  # the tail block: footers, from the end up
        ln = lines[i]
        if labels[i] is not None or weak_label(ln) or not ln.is_prose():
            tail = i
        else:
            break
    for i, ln in enumerate(lines):
        if labels[i] is None:
            cue = weak_label(ln)
            if cue and (i < body or i >= tail or (ln.length <= WEAK_SHORT and not ln.is_prose())):
                labels[i] = cue


def label_head(lines: list[Line], labels: list[str | None], body: int) -> None:
    """Before the first paragraph: dateline, byline, site name, the headline; the rest
    is chrome (navigation above the headline, ui below it)."""
    free = [i for i in range(body) if labels[i] is None]
    for i in free:
        ln = lines[i]
        if is_dateline(ln):
            labels[i] = DATELINE
        elif ln.length <= SHORT and metadata.byline_names(ln.text):
            labels[i] = BYLINE
    candidates = [i for i in free if labels[i] is None and is_title_shaped(lines[i])
                  and not WIRE_LEAD_RE.match(lines[i].text) and not metadata.strip_author_label(lines[i].text)[1]]

    def next_to_metadata(i: int) -> bool:
        return any(labels[j] in (DATELINE, BYLINE) for j in range(max(0, i - 2), min(len(lines), i + 3)))

    found = next((i for i, lab in enumerate(labels) if lab == TITLE), None)  # the page's own title
    crumb = max((i for i in range(body) if NAV_RE.search(lines[i].text)), default=-1)  # a headline follows it

    title = found if found is not None else max(
        candidates, key=lambda i: (next_to_metadata(i), i > crumb, lines[i].length >= 8, "，" not in lines[i].text,
                                   lines[i].han, -i),
        default=None)
    for i in free:
        if labels[i] is not None:
            continue
        ln = lines[i]
        if title is not None and ln.text == lines[title].text:
            labels[i] = TITLE if i == title else "duplicate"
        elif NOTE_MARKER_RE.match(ln.text) or ln.is_prose():
            continue  # an editor's note opens the article
        elif title is None or i < title:
            labels[i] = "navigation"
        else:
            labels[i] = "ui"
    if title is not None:
        label_outlet_below_title(lines, labels, title, body)


#: A headline above the page's dateline may end like a sentence (``全线告急！…与你无关（组图）``), up to this long.
_HEADLINE_MAX = 80


def label_title_above_dateline(lines: list[Line], labels: list[str | None]) -> None:
    """Where the head rules found no headline (the page opened on prose: a banner, or a
    headline that ends on ``！``), the headline-shaped line just above the first dateline
    in the upper part of the page is the title."""
    if TITLE in labels:
        return
    upper = max(10, len(lines) // 3)
    k = next((i for i, lab in enumerate(labels[:upper]) if lab == DATELINE), 0)
    for c in range(k - 1, max(-1, k - 3), -1):  # the line above, or the one above a byline
        ln = lines[c]
        if labels[c] == BYLINE:
            continue
        if not _less_above(lines, labels, c):
            return  # below most of the page's prose: the article's own text, not its headline
        if (labels[c] is None and 5 <= ln.length <= _HEADLINE_MAX and ln.han_share >= 0.5
                and not re.search("[。；;]", ln.text) and not ln.text.endswith(("：", ":", "，", "、"))
                and ln.separators <= 1 and not SITE_NAME_RE.match(ln.text)):
            labels[c] = TITLE
            label_teasers_above(lines, labels, c)
        return


#: Labels a line under the headline may carry and still turn out to be the outlet's name.
_CHROME_LABELS = frozenset({"ui", "navigation", "promo"})


def label_outlet_below_title(lines: list[Line], labels: list[str | None], title: int, body: int) -> None:
    """An outlet's name alone on a line right under the headline or beside the dateline
    (``[Newtalk新闻]``, ``爱济南新闻客户端``) is metadata: the source."""
    for i in range(title + 1, min(body, len(lines))):
        beside = labels[i - 1] in (TITLE, DATELINE) or (i + 1 < len(lines) and labels[i + 1] == DATELINE)
        if beside and labels[i] in _CHROME_LABELS and metadata.outlet_line(lines[i].text):
            labels[i] = DATELINE


def label_bylines_in_body(lines: list[Line], labels: list[str | None], body: int) -> None:
    """A name alone on a line just before a paragraph, early in the document (after an
    editor's note, say) or just before any paragraph of running text, is a byline."""
    limit = min(len(lines), body + max(3, len(lines) // 3))
    before_paragraphs = [i - 1 for i in range(body + 1, len(lines)) if is_paragraph(lines[i].text)]
    for i in dict.fromkeys([*range(body, limit), *before_paragraphs]):
        if labels[i] is not None:
            continue
        ln = lines[i]
        if (ln.length <= SHORT and ln.sentence_punct == 0 and i + 1 < len(lines)
                and lines[i + 1].is_prose() and metadata.byline_names(ln.text)):
            labels[i] = BYLINE


#: The header of a site's notice: its rules for comments, a rights notice, a disclaimer.
_NOTICE_HEAD_RE = re.compile(r"^[【\[]?\s*(?:留言(?:板)?规则|反侵权公告|版权(?:声明|公告)|免责声明|法律声明|使用条款|"
                             r"隐私(?:权)?政策)\s*[】\]]?\s*[:：]?$")
#: A notice runs for at most this many lines after its header.
NOTICE_LINES = 12


def label_notice_blocks(lines: list[Line], labels: list[str | None]) -> None:
    """A site's notice after the article (``留言规则``, ``反侵权公告：`` and its clauses):
    the header and the lines under it, up to the next line the rules labelled, when one
    of them reads like a notice and no paragraphs go on below."""
    started = False
    for i, ln in enumerate(lines):
        started = started or (labels[i] is None and ln.is_prose())
        if not (started and _NOTICE_HEAD_RE.match(ln.text)):
            continue
        if any(labels[k] is None and is_paragraph(lines[k].text) for k in range(i + 1 + NOTICE_LINES, len(lines))):
            continue  # paragraphs go on below: a heading of the article (on a disclaimer, say)
        block = []
        for j in range(i + 1, min(len(lines), i + 1 + NOTICE_LINES)):
            if labels[j] is not None:
                break
            block.append(j)
        if not any(COPYRIGHT_RE.search(lines[j].text) for j in block):
            continue  # no clause of a notice (转载, 未经许可, 不代表…立场) under it: the article's own heading
        for j in [i, *block]:
            labels[j] = "copyright"


#: A tag after a ``关键字：`` header is at most this long.
_TAG = 8


def label_related_blocks(lines: list[Line], labels: list[str | None]) -> None:
    """Short headline-like lines after a "related articles" header belong to it, and the
    tags under a bare ``关键字：`` header to it."""
    for i, lab in enumerate(labels):
        if lab == "keywords" and lines[i].text.endswith(("：", ":")):
            j = i + 1
            while j < len(lines) and labels[j] is None and lines[j].length <= _TAG \
                    and not ANY_PUNCT_RE.search(lines[j].text):
                labels[j] = "keywords"
                j += 1
        if lab != "related":
            continue
        for j in range(i + 1, len(lines)):
            ln = lines[j]
            if labels[j] is None and ln.length <= 60 and ln.sentence_punct == 0 and not ln.is_prose():
                labels[j] = "related"
            elif labels[j] is None:
                break


#: A related list after the last paragraph: this many headline-shaped lines in a row ...
RELATED_RUN = 3
#: ... each at most this long.
RELATED_RUN_CHARS = 40


#: A section heading of the article itself (``一、影视动态``), not a headline of another story.
_SECTION_RE = re.compile(f"^{_SECTION_NUMBER}")


def headline_item(line: Line) -> bool:
    """A headline of another story: short, mostly Chinese, no sentence, not a line that
    introduces what follows (``…如下：``, an addressee) or a section heading."""
    t = line.text
    return (5 <= line.length <= RELATED_RUN_CHARS and line.han_share >= 0.5 and "。" not in t
            and not t.endswith(("：", ":")) and not _SECTION_RE.match(t)
            and not is_paragraph(t) and not metadata.META_LABEL_RE.search(t))


def label_related_runs(lines: list[Line], labels: list[str | None]) -> None:
    """Before the first paragraph and after the last one, three or more headline-shaped
    lines in a row (lines already cut between them do not break the run) are a list of
    other stories, header or not."""
    paragraphs = [i for i, ln in enumerate(lines) if labels[i] is None and is_paragraph(ln.text)]
    if not paragraphs:
        return
    label_runs(lines, labels, range(paragraphs[0]))
    label_runs(lines, labels, range(paragraphs[-1] + 1, len(lines)))


#: A line this short without punctuation (a bullet ``‧``, a channel's name ``政治``) does not break a list.
_LIST_GLUE = 2


def label_runs(lines: list[Line], labels: list[str | None], span: range) -> None:
    run: list[int] = []
    for i in [*span, None]:
        if i is not None and labels[i] is not None:
            continue
        if i is not None and headline_item(lines[i]):
            run.append(i)
            continue
        if i is not None and run and lines[i].length <= _LIST_GLUE and not ANY_PUNCT_RE.search(lines[i].text):
            continue
        if len(run) >= RELATED_RUN:
            for j in range(run[0], run[-1] + 1):
                labels[j] = labels[j] or "related"
        run = []


#: A footer's bar of links: this many words or more, none longer than ``_BAR_WORD`` characters.
_LINK_BAR_WORDS = 4
_BAR_WORD = 12
_BAR_CLAUSE_RE = re.compile("[。！？，,；;]")


def _link_bar(text: str) -> bool:
    words = text.split()
    return len(words) >= _LINK_BAR_WORDS and max(map(len, words)) <= _BAR_WORD and not _BAR_CLAUSE_RE.search(text)


_BUTTON = 6  # a button's label is at most this long


def label_ui_runs(lines: list[Line], labels: list[str | None]) -> None:
    """In a run of three or more button-length lines (no punctuation) of which two or more
    are UI words, the others are buttons too (``文字大小`` beside ``分享``, ``收藏``)."""
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].length <= _BUTTON and not ANY_PUNCT_RE.search(lines[j].text):
            j += 1
        if j - i >= 3 and sum(labels[k] == "ui" for k in range(i, j)) >= 2:
            for k in range(i, j):
                labels[k] = labels[k] or "ui"
        i = max(j, i + 1)


_LISTS = _CHROME_LABELS | {"related"}
_ISLAND_LINES = 2    # an island is one or two lines ...
_ISLAND_HAN = 40     # ... each shorter than a full paragraph


def label_islands(lines: list[Line], labels: list[str | None]) -> None:
    """After the last full paragraph, one or two lines left standing between lists and
    chrome (the line above and the line below are related stories, UI, navigation or
    promotions) belong to them: a disclaimer inside the comments block, a keyword line
    or a like counter between the share bar and the related list."""
    paragraphs = [i for i, ln in enumerate(lines) if labels[i] is None and is_paragraph(ln.text)
                  and ln.han >= _ISLAND_HAN]
    if not paragraphs:
        return
    i = paragraphs[-1] + 1
    while i < len(lines):
        if labels[i] is not None:
            i += 1
            continue
        j = i
        while j < len(lines) and labels[j] is None:
            j += 1
        above, below = labels[i - 1], labels[j] if j < len(lines) else None
        if (j - i <= _ISLAND_LINES and above in _LISTS and below in _LISTS
                and all(ln.han < _ISLAND_HAN for ln in lines[i:j])):
            for k in range(i, j):
                labels[k] = "ui" if lines[k].length <= 20 else below
        i = j


def label_tail(lines: list[Line], labels: list[str | None]) -> None:
    """After the last paragraph, short lines without a sentence are page furniture."""
    last = max((i for i, ln in enumerate(lines) if labels[i] is None and ln.is_prose()), default=-1)
    if last < 0:
        return
    for i in range(last + 1, len(lines)):
        ln = lines[i]
        if labels[i] is None and ln.han == 0 and ln.length <= 80:
            labels[i] = "ui"  # "Sorry, your browser doesn't support Java(tm)."
        elif labels[i] is None and _link_bar(ln.text):
            labels[i] = "navigation"  # "关于我们 RSS 隐私权政策 人才招募"
        elif labels[i] is None and ln.length <= 20 and ln.sentence_punct == 0 and not ln.text.startswith(("（", "(")):
            labels[i] = "navigation" if SITE_NAME_RE.match(ln.text) or ln.han_share < 0.5 else "ui"


#: A document's addressees: bodies listed (``各区人民政府，市政府直属各单位：``) or named by their kind.
_ADDRESSEES_RE = re.compile(r"[，、].*[：:]$|(?:单位|部门|政府|委员会|局|厅|处|同志们?|会员|朋友们)[：:]$")
#: A document's issuer: an organisation (``吉林省人民政府``, ``临湘市公安局``).
_ISSUER_RE = re.compile(r"(?:政府|委员会|办公室|办公厅|局|厅|部|院|中心|公司|协会|学会|学校|大学|党组|党委|委|处|所|队|"
                        r"镇|乡|街道|社区|村|会|站|团|馆)$")
#: A published document's number (``海府〔2011〕33号``) ...
_DOC_NUMBER_RE = re.compile(r"^\S{1,12}[〔\[（(]\d{4}[〕\]）)]\s*\d{1,4}\s*号$")
#: ... and its date in Chinese numerals (``二○一一年四月八日``).
_NUMERAL = "〇○零一二三四五六七八九十"
_NUMERAL_DATE_RE = re.compile(f"^[{_NUMERAL}]{{4}}年[{_NUMERAL}]{{1,3}}月[{_NUMERAL}]{{1,3}}日$")


def _date_alone(line: Line) -> bool:
    m = metadata.find_date(line.text)
    return bool(m and m.end() - m.start() >= line.length - 1) or bool(_NUMERAL_DATE_RE.match(line.text))


def label_document_frame(lines: list[Line], labels: list[str | None]) -> None:
    """A published document's frame is its text: its number and addressees just above
    the first paragraph (``海府〔2011〕33号``, ``各区人民政府，市政府直属各单位：``) and its
    signature just below the last (the issuer's name, then the date alone)."""
    prose = [i for i, ln in enumerate(lines) if labels[i] is None and ln.is_prose()]
    if not prose:
        return

    def chrome_by_position(i: int) -> bool:  # chrome by where it stands (head, tail), not by its own shape
        return (i >= 0 and labels[i] in _CHROME_LABELS and not metadata.META_LABEL_RE.search(lines[i].text)
                and strong_label(lines[i]) is None)

    i = prose[0] - 1
    if chrome_by_position(i) and _ADDRESSEES_RE.search(lines[i].text) and lines[i].length <= 60 \
            and not lines[i].sentence_punct:
        labels[i] = None  # the addressees
        i -= 1
    if chrome_by_position(i) and _DOC_NUMBER_RE.match(lines[i].text):
        labels[i] = None
    name = prose[-1] + 1
    while name < len(lines) and labels[name] is None and name <= prose[-1] + 2:  # ``特此通告。``
        name += 1
    date = name + 1
    if date < len(lines) and _date_alone(lines[date]):
        issuer = lines[name]
        if (chrome_by_position(name) and issuer.length <= SHORT and issuer.han_share >= 0.8
                and not ANY_PUNCT_RE.search(issuer.text) and _ISSUER_RE.search(issuer.text)):
            labels[name] = labels[date] = None


#: A summary's label (``摘要：``, ``【内容提要】``): the summary is cut when the body repeats it.
_SUMMARY_RE = re.compile(r"^[【\[]?\s*(?:摘\s?要|内容提要|内容摘要|提要|导读)\s*[】\]]?\s*[:：]?\s*")
#: The body repeats a summary when it holds the summary's first this many characters.
_SUMMARY_PROBE = 20


def label_duplicates(lines: list[Line], labels: list[str | None]) -> None:
    """A content line the document already had is cut; a line printed twice is kept once;
    a summary that the body repeats is cut."""
    body = [ln.text for i, ln in enumerate(lines) if labels[i] is None]
    for i, ln in enumerate(lines):
        m = _SUMMARY_RE.match(ln.text)
        probe = ln.text[m.end():m.end() + _SUMMARY_PROBE] if m and m.end() else ""
        if labels[i] is None and len(probe) == _SUMMARY_PROBE and sum(probe in t for t in body) >= 2:
            labels[i] = "duplicate"
    seen: set[str] = set()
    for i, ln in enumerate(lines):
        if labels[i] is not None:
            if labels[i] in METADATA:
                seen.add(ln.text)
            continue
        if ln.text in seen:
            labels[i] = "duplicate"
        seen.add(ln.text)

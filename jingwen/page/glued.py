"""Boilerplate glued into the lines of an article, split off onto lines of its own
(and an article's sentence broken around a linked word, joined again).

A scrape can join page furniture to a paragraph without a line break: a forum's
anti-copy string of random short tokens at the start or end of a paragraph, or a
site's watermark sentence printed again and again inside the paragraphs, a button
after a paragraph's last sentence (``… 展开详细``). Each
such span becomes a line of its own here, so the line labels of
:mod:`jingwen.page.lines` cut it with its reason (``jammer``, ``watermark``) and
the article text around it stays.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from jingwen.page import chrome, metadata
from jingwen.text.chars import han_count

#: One token of an anti-copy string: one to three ASCII symbols (or the full-width
#: punctuation that normalization turned some of them into).
_TOKEN = r"[!-~“”‘’：；，、（）！？]{1,3}"
#: Five or more such tokens, starting at a line start, a space or a sentence end and ending at a space or the end.
_JAMMER_SPAN_RE = re.compile(rf"(?:^|(?<=[\s。！？]))(?:{_TOKEN}\s+){{4,}}{_TOKEN}(?=\s|$)")
_LETTER_RE = re.compile("[A-Za-z]")
_UPPER_RE = re.compile("[A-Z]")
_LOWER_RE = re.compile("[a-z]")
_MIXED_TOKEN_RE = re.compile(r"^(?=.*[A-Za-z0-9])(?=.*[^A-Za-z0-9]|.*[A-Za-z].*\d|.*\d.*[A-Za-z])")


def is_jammer(text: str) -> bool:
    """``X7 k9 W# N) d4 b6 w5``: five or more random short tokens, most of them mixing
    letters, digits and symbols, letters of both cases in two of five (not a page list
    ``1 2 3 4 5``, scores ``3:1 2:0``, a formula ``x=1 y=2``, grades ``A+ B+``, or the
    classes of a licence ``A1 A2 B1 B2 C1``)."""
    text = text.strip()
    if not _JAMMER_SPAN_RE.fullmatch(text):
        return False
    tokens = text.split()
    symbols = sum(1 for tok in tokens if not tok.isalnum())
    lettered = sum(1 for tok in tokens if _LETTER_RE.search(tok))
    return (symbols >= 2 and sum(1 for tok in tokens if _MIXED_TOKEN_RE.match(tok)) * 2 > len(tokens)
            and lettered * 5 >= len(tokens) * 2 and bool(_UPPER_RE.search(text)) and bool(_LOWER_RE.search(text)))


#: A clause mark: a watermark is a whole sentence, not the end of one (``…，切实维护人民群众生命财产安全。``).
_CLAUSE_MARK_RE = re.compile("[，、；：]")
#: A sentence's last ``WATERMARK_HAN`` characters, its end mark included.
_ENDING_RE = re.compile(r"[^。！？!?]{9}[。！？!?]")
#: A sentence: up to and including its end mark.
_SENTENCE_RE = re.compile(r"[^。！？!?]*[。！？!?]")
#: A watermark sentence is printed at least this many times, on as many lines ...
WATERMARK_TIMES = 3
#: ... and has at least this many ideographs (a common ending such as ``的通知。`` is shorter) ...
WATERMARK_HAN = 10
#: ... and its copies are at most this share of the page (a page of one sentence said again is its text).
WATERMARK_SHARE = 1 / 3


def _common_suffix(texts: list[str]) -> str:
    first = texts[0]
    k = 0
    while k < len(first) and all(len(t) > k and t[-1 - k] == first[-1 - k] for t in texts):
        k += 1
    return first[len(first) - k:]


def watermarks(texts: list[str]) -> list[str]:
    """Sentences that the page printed on ``WATERMARK_TIMES`` or more different lines,
    glued to nothing or to junk without ideographs (``aTVBNOW 含有…``: their common ending
    counts), unless their copies make a large share of the page."""
    endings = Counter(m for text in texts for m in _ENDING_RE.findall(text))
    if not endings or max(endings.values()) < WATERMARK_TIMES:
        return []  # no sentence ending printed three times: the common case, at regex speed
    by_ending: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for i, text in enumerate(texts):
        for m in _SENTENCE_RE.finditer(text):
            sentence = m[0].strip()
            if han_count(sentence) >= WATERMARK_HAN:
                by_ending[sentence[-WATERMARK_HAN:]].append((i, sentence))
    out = []
    total = sum(map(len, texts))
    for found in by_ending.values():
        if len({i for i, _ in found}) >= WATERMARK_TIMES:
            common = _common_suffix([s for _, s in found]).strip()
            glue = [s[:len(s) - len(common)] for _, s in found]  # what stands before it in each sentence
            if (han_count(common) >= WATERMARK_HAN and len(common) * len(found) <= WATERMARK_SHARE * total
                    and not any(han_count(g) or _CLAUSE_MARK_RE.search(g) for g in glue)):
                out.append(common)
    return out


def is_watermark(text: str, times: int, total: int) -> bool:
    """A sentence of ``WATERMARK_HAN`` ideographs or more printed ``times`` times on a page
    of ``total`` characters, its copies at most ``WATERMARK_SHARE`` of them."""
    return (times >= WATERMARK_TIMES and text.endswith(("。", "！", "？", "!", "?"))
            and han_count(text) >= WATERMARK_HAN and len(text) * times <= WATERMARK_SHARE * total)


#: The words after a paragraph's last sentence: a button glued to it (``… 展开详细``, ``… ... more``).
_TAIL_RE = re.compile(r"(?<=[。！？!?”」』）)])\s*([^\s”」』）)][^。！？，]{1,15})$")


#: Numbers and brackets alone are a footnote marker (``[1]``), not a button.
_NUMBERS_RE = re.compile(r"[\d\s\[\]()（）【】]+")


def ui_tail(text: str) -> tuple[int, int] | None:
    """The span of chrome words glued after the last sentence of ``text``, if any."""
    m = _TAIL_RE.search(text)
    return m.span(1) if m and chrome.ui_tokens(m[1]) and not _NUMBERS_RE.fullmatch(m[1]) else None


def _split_at(text: str, spans: list[tuple[int, int]]) -> list[str]:
    pieces, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            pieces += [text[at:start], text[start:end]]
            at = end
    pieces.append(text[at:])
    return [p.strip() for p in pieces if p.strip()]


#: A word a page linked is at most this long (``北大``, ``科学``, ``中国社会科学院``).
LINKED_WORD = 8
_OPEN_END_RE = re.compile(r"[\u4e00-\u9fff]$")
_OPEN_CLAUSE_RE = re.compile("[，、]")
#: A link word that names an outlet (a byline or a source line, not a word of the sentence).
_OUTLET_RE = re.compile("(?:网|报|社|台|刊|新闻|日报|晚报|客户端)$")
_SENTENCE_MARK_RE = re.compile("[，。！？；]")


def broken_at_link(before: str, link: str, after: str) -> bool:
    """``23日下午，在`` / ``北大`` / ``万众楼二层，…。``: a sentence the page broke around
    a linked word. The line before is a clause left open (a comma inside, an ideograph
    at its end, not a photo credit's 摄), the word is short and bare (not a name, an
    outlet or a credit: a headline, its byline and the lead are three lines), and the
    line after goes on with a sentence."""
    return (bool(_OPEN_END_RE.search(before)) and bool(_OPEN_CLAUSE_RE.search(before)) and not before.endswith("摄")
            and 2 <= len(link) <= LINKED_WORD and han_count(link) == len(link) and not chrome.ui_tokens(link)
            and not link.endswith("摄") and not metadata.byline_names(link) and not _OUTLET_RE.search(link)
            and bool(after) and han_count(after[0]) == 1 and bool(_SENTENCE_MARK_RE.search(after)))


def rejoin_links(texts: list[str]) -> tuple[list[list[int]], int]:
    """The lines grouped into the lines they were before a page broke them at linked
    words (indices of ``texts`` per line), and how many breaks were mended."""
    groups: list[list[int]] = []
    joined, i = 0, 0
    while i < len(texts):
        group = [i]
        while (group[-1] + 2 < len(texts)
               and broken_at_link("".join(texts[k] for k in group), texts[group[-1] + 1], texts[group[-1] + 2])):
            group += [group[-1] + 1, group[-1] + 2]
            joined += 2
        groups.append(group)
        i = group[-1] + 1
    return groups, joined


def split_glued(texts: list[str]) -> tuple[list[list[str]], int]:
    """Every line as the list of its pieces (itself alone when nothing is glued to it),
    and the number of spans split off."""
    marks = watermarks(texts)
    out, splits = [], 0
    for text in texts:
        spans = [(m.start(), m.end()) for mark in marks for m in re.finditer(re.escape(mark), text)]
        pieces = []
        for piece in _split_at(text, spans) if spans and text.strip() not in marks else [text]:
            jams = [(m.start(), m.end()) for m in _JAMMER_SPAN_RE.finditer(piece) if is_jammer(m[0])]
            pieces += _split_at(piece, jams) if jams and not is_jammer(piece) else [piece]
        if tail := ui_tail(pieces[-1]):
            pieces[-1:] = _split_at(pieces[-1], [tail])
        splits += len(pieces) - 1
        out.append(pieces)
    return out, splits

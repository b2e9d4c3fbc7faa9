"""Normalization to the conventions of a clean record.

Each function does one kind of edit and returns the text with how many edits it
made (``normalize_entities``, ``normalize_unicode``, ``normalize_fullwidth``,
``normalize_punctuation``) or the counts by kind (``before_repair``,
``remove_invisible``, ``normalize_chars``, ``normalize_lines``);
``normalize_newlines`` and ``normalize_line_space`` return the text only.
:func:`before_repair` runs before the mojibake repairs, :func:`normalize_chars`
on the whole text after them, :func:`normalize_line_space` and
:func:`normalize_punctuation` on each line (:func:`normalize_lines` runs both
over a list of lines). The rules (see ``docs/conventions.md``):

* tags of HTML formatting left in the text removed (``<p>``, ``<br/>``,
  ``<a href=…>``: :func:`strip_tags`), then HTML entities decoded; Unicode NFC;
* full-width Latin letters and digits become half width (full-width
  punctuation and symbols stay);
* zero-width and control characters removed; private-use characters (used by
  sites as icons or separators) become a space;
* Chinese punctuation is full width where it touches Chinese text: ``，。：；？！（）``,
  ``“”‘’``, ``……``, ``——``; between digits and in Latin text half-width stays
  (``08:31``, ``1,000``, ``777.7``, ``jubao@vip.sina.com``);
* one paragraph per line, no blank lines, no indentation, no trailing spaces,
  no runs of spaces.
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter

from jingwen.text.chars import C1_RE, CJK_PUNCT, HAN, PRIVATE_USE, PRIVATE_USE_RE, count_differences

# -- characters ------------------------------------------------------------------

_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
#: Zero-width characters and bidi controls (regex class bodies, like the two below).
_ZERO_WIDTH = "\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_FULLWIDTH = "\uff01-\uff5e\uff61-\uff64"
_ZERO_WIDTH_RE = re.compile(f"[{_ZERO_WIDTH}\u00ad]")  # and the soft hyphen
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
#: Full-width digits and Latin letters become half width; full-width punctuation and
#: symbols (，：％｜＋…) are left as the text has them.
_FULLWIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F) if chr(cp - 0xFEE0).isalnum()}
_FULLWIDTH_TABLE.update({0xFF61: "。", 0xFF64: "、", 0xFF62: "「", 0xFF63: "」"})
_FULLWIDTH_RE = re.compile(f"[{_FULLWIDTH}]")


#: Elements whose tags are residue of a scrape's formatting. Not script and style (their
#: blocks are cut whole, as ``markup``: :mod:`jingwen.page.lines`) nor html, head, body,
#: title, meta or link (a page's source is rejected whole: :mod:`jingwen.page.article`).
_RESIDUE_TAGS = ("p|br|div|span|font|img|center|small|big|sup|sub|blockquote|h[1-6]|hr|ul|ol|li|dl|dt|dd|"
                 "table|tbody|thead|tfoot|tr|td|th|section|article|figure|figcaption|wbr|ins|del|strong|em|"
                 "cite|abbr|nobr|strike|o:p")
_TAG_RE = re.compile(rf"</?(?i:{_RESIDUE_TAGS})(?=[\s/>])(?:\s[^<>]*)?/?>", re.ASCII)
#: ``<a>``, ``<b>``, ``<i>``, ``<u>`` only in lower case and closed on the line (``a<b>c`` is math,
#: ``<A>`` an exam's option).
_PAIRED_TAG_RE = re.compile(r"<([abiu])(?:\s[^<>]*)?>(.*?)</\1>", re.ASCII)
_ASCII_WORD_RE = re.compile(r"\w", re.ASCII)
_HAN_RE = re.compile(f"[{HAN}]")


def strip_tags(text: str) -> tuple[str, int]:
    """Remove HTML formatting tags left in scraped text (``<p>``, ``</div>``, ``<br/>``,
    ``<a href="…">``), a space kept only between two Latin letters or digits. ``<`` in
    math (``p<0.05``), ``<<书名>>`` and unknown names are left alone."""
    if "<" not in text:
        return text, 0

    def repl(m: re.Match) -> str:
        before, after = text[m.start() - 1:m.start()], text[m.end():m.end() + 1]
        return " " if _ASCII_WORD_RE.match(before) and _ASCII_WORD_RE.match(after) else ""

    text, paired = _PAIRED_TAG_RE.subn(r"\2", text)
    text, single = _TAG_RE.subn(repl, text)
    return text, 2 * paired + single


def normalize_entities(text: str) -> tuple[str, int]:
    """``&amp;`` → ``&``, ``&#20013;`` → 中, ``&nbsp;`` → space, or nothing between two
    ideographs (only well-formed entities: ``AT&T`` stays)."""
    if "&" not in text:
        return text, 0
    n = 0

    def repl(m: re.Match) -> str:
        nonlocal n
        out = html.unescape(m.group())
        if out == m.group():
            return out
        n += 1
        if out == "\xa0" and _HAN_RE.match(text[m.start() - 1:m.start()]) and _HAN_RE.match(text[m.end():m.end() + 1]):
            return ""  # a no-break space between ideographs is spacing residue
        return out.replace("\xa0", " ")

    return _ENTITY_RE.sub(repl, text), n


def normalize_unicode(text: str) -> tuple[str, int]:
    """Unicode NFC."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text, 0
    out = unicodedata.normalize("NFC", text)
    return out, count_differences(text, out)


def normalize_fullwidth(text: str) -> tuple[str, int]:
    """Full-width Latin letters, digits and symbols → half width (Chinese punctuation stays)."""
    if not _FULLWIDTH_RE.search(text):
        return text, 0
    out = text.translate(_FULLWIDTH_TABLE)
    return out, count_differences(text, out)


_LATIN1_LETTER_RE = re.compile("[\xa0-\xff]")
#: The soft hyphen (U+00AD) is a Latin-1 character: mojibake may hold it, so it stays until after the repairs.
_ZERO_WIDTH_EARLY_RE = re.compile(f"[{_ZERO_WIDTH}]")


def before_repair(text: str) -> tuple[str, Counter]:
    """What the repairs should see already done: HTML entities decoded, and what no
    mojibake is made of removed (zero-width characters, C1 controls in a line with no
    Latin-1 character)."""
    counts: Counter = Counter()
    text, n = normalize_entities(text)
    if n:
        counts["html_entity"] += n
    text, n = _ZERO_WIDTH_EARLY_RE.subn("", text)
    if n:
        counts["zero_width"] += n
    if C1_RE.search(text) and not _LATIN1_LETTER_RE.search(text):
        text, n = C1_RE.subn("", text)
        counts["control_char"] += n
    return text, counts


def remove_invisible(text: str) -> tuple[str, Counter]:
    """Drop zero-width and control characters; private-use characters become a space."""
    counts: Counter = Counter()
    for kind, rx, repl in (("zero_width", _ZERO_WIDTH_RE, ""), ("control_char", _CONTROL_RE, ""),
                           ("private_use", PRIVATE_USE_RE, " ")):
        text, n = rx.subn(repl, text)
        if n:
            counts[kind] += n
    return text, counts


# -- punctuation ---------------------------------------------------------------------

_CH = f"[{HAN}{re.escape(CJK_PUNCT)}]"
_HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_SIMPLE_PUNCT_RE = re.compile(r" *([,:;?!]) *")
_CH_RE = re.compile(_CH)
_PERIOD_RE = re.compile(rf"(?<=[{HAN}])\.(?=[{HAN}“”]|$)")
_ELLIPSIS_RE = re.compile(rf"(?:(?<={_CH})|^)(?:\.{{3,}}|。{{3,}}|…+)|(?:\.{{3,}}|。{{3,}}|…+)(?={_CH})")
_DASH_RE = re.compile(rf"(?<={_CH})(?:--+|－－+)(?={_CH})")


def _touches(text: str, i: int) -> bool:
    """True when the character left or right of position ``i`` is Chinese."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(text) and _CH_RE.match(text[j]):
            return True
    return False


def _simple_punct(m: re.Match) -> str:
    """``, : ; ? !`` touching Chinese become full width, spaces around them go;
    between two digits (``08:31``, ``1,000``) they stay."""
    text, start, end = m.string, m.start(), m.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before.isdigit() and after.isdigit() and m.group() == m.group(1):
        return m.group()
    if (before and _CH_RE.match(before)) or (after and _CH_RE.match(after)):
        return _HALF_TO_FULL[m.group(1)]
    return m.group()


def _parens(line: str) -> str:
    """ASCII parentheses around or next to Chinese become full-width pairs."""
    if "(" not in line and ")" not in line:
        return line
    chars = list(line)
    stack: list[int] = []
    pairs: list[tuple[int, int | None]] = []
    for i, c in enumerate(chars):
        if c == "(":
            stack.append(i)
        elif c == ")":
            pairs.append((stack.pop() if stack else -1, i))
    pairs.extend((i, None) for i in stack)
    for open_i, close_i in pairs:
        inside = line[open_i + 1:close_i] if open_i >= 0 and close_i is not None else ""
        chinese = bool(_CH_RE.search(inside)) or any(
            i is not None and i >= 0 and _touches(line, i) for i in (open_i, close_i))
        if chinese:
            if open_i >= 0:
                chars[open_i] = "（"
            if close_i is not None:
                chars[close_i] = "）"
    return "".join(chars)


def _quotes(line: str, quote: str, pair: str) -> str:
    """Straight quotes in a line with Chinese become curly ones, alternating open/close."""
    if quote not in line or not _CH_RE.search(line):
        return line
    out, opening = [], True
    for i, c in enumerate(line):
        if c == quote and (_touches(line, i) or quote == '"'):
            out.append(pair[0] if opening else pair[1])
            opening = not opening
        else:
            out.append(c)
    return "".join(out)


def normalize_punctuation(line: str) -> tuple[str, int]:
    """Full-width Chinese punctuation where it touches Chinese text (one line)."""
    if line.isascii() or not _PUNCT_WORK_RE.search(line):
        return line, 0
    orig = line
    for _ in range(len(line)):  # "一(?": each converted mark makes its neighbour touch Chinese; until none is left
        before = line
        line = _SIMPLE_PUNCT_RE.sub(_simple_punct, line)
        line = _PERIOD_RE.sub("。", line)
        line = _ELLIPSIS_RE.sub("……", line)
        line = _DASH_RE.sub("——", line)
        line = _parens(line)
        line = _quotes(line, '"', "“”")
        line = _quotes(line, "'", "‘’")
        if line == before:
            break
    if line == orig:
        return line, 0
    return line, count_differences(orig, line)


# -- whitespace ---------------------------------------------------------------------

_NEWLINES_RE = re.compile("\r\n?|[\u2028\u2029\u0085\x0b\x0c]")
_INNER_SPACE_RE = re.compile("[ \t\u00a0\u3000\u2000-\u200a\u202f\u205f]+")


def normalize_newlines(text: str) -> str:
    """CRLF, CR and Unicode line separators → ``\\n``."""
    return _NEWLINES_RE.sub("\n", text)


def normalize_line_space(line: str) -> str:
    """Strip indentation and trailing space; collapse inner runs to one space."""
    return _INNER_SPACE_RE.sub(" ", line).strip()


# -- all together ---------------------------------------------------------------------

_CHARS_WORK_RE = re.compile(f"[&{_FULLWIDTH}{_ZERO_WIDTH}\u00ad{_CONTROL}{PRIVATE_USE}]")
_PUNCT_WORK_RE = re.compile(r"[,:;?!()\"'.…]|--|－－|。。。")


def normalize_chars(text: str) -> tuple[str, Counter]:
    """Entities, NFC, full-width forms and invisible characters, on the whole text."""
    counts: Counter = Counter()
    if not _CHARS_WORK_RE.search(text) and (text.isascii() or unicodedata.is_normalized("NFC", text)):
        return text, counts
    for kind, fn in (("html_entity", normalize_entities), ("unicode_nfc", normalize_unicode),
                     ("fullwidth_ascii", normalize_fullwidth)):
        text, n = fn(text)
        if n:
            counts[kind] += n
    text, c = remove_invisible(text)
    if c:
        counts.update(c)
    return text, counts


def normalize_lines(lines: list[str]) -> tuple[list[str], Counter]:
    """Punctuation and spacing per line; blank lines dropped."""
    counts: Counter = Counter()
    out = []
    for line in lines:
        spaced = normalize_line_space(line)
        if spaced != line:
            counts["whitespace"] += 1
        if not spaced:
            continue
        fixed, n = normalize_punctuation(spaced)
        if n:
            counts["punctuation"] += n
        out.append(fixed)
    return out, counts

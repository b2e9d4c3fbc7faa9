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
related         related-article lists and their headers
pagination      ``上一页 1 2 3 下一页``
promo           app, QR-code and follow-us promotions
caption         photo captions (``图为…``, ``…/摄``)
spam            keyword or place-name lists joined by separators, betting/adult pools
duplicate       a line the document already had (a doubled headline or caption)
frequent        a line repeated across many documents of the run (cross-document evidence)
==============  ==========================================================

The rules read the *shape* of a line (length, share of Chinese characters,
sentence punctuation, separator density, position in the document) and use
short lists of cue words only together with such shape constraints.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import metadata
from .chars import HAN, han_count

CONTENT = "content"
TITLE = "title"
BYLINE = "byline"
DATELINE = "dateline"
KEPT = frozenset({CONTENT})
METADATA = frozenset({TITLE, BYLINE, DATELINE})

_SENTENCE_PUNCT_RE = re.compile("[。！？；]")
_ANY_PUNCT_RE = re.compile("[，。！？；：、]")
_SEPARATORS_RE = re.compile(r"\s*[|｜︱丨¦>›»/／\\•●◆■□▪]\s*")
_NAV_RE = re.compile(r"^(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|位置)\s*[:：]|^首页\s*[>›»/|]|[>›»]\s*正文$")
_UI_RE = re.compile(
    r"^[【\[(（]?\s*(?:[大中小]字号|字号[:：]?\s*[大中小\s]*|[大中小]\s*[大中小]\s*[大中小]|返回顶部|回到顶部|返回首页|返回目录|"
    r"分享(?:到|至|让更多人看到)?[:：]?.{0,20}|打印(?:本页|此文)?|关闭(?:窗口)?|我要评论|发表评论|查看评论|网友评论|评论|"
    r"收藏(?:本文)?|点赞|推荐给朋友|扫一扫.{0,12}|复制链接|手机看|手机阅读|打开APP.{0,10}|登录|注册|"
    r"上一篇.{0,40}|下一篇.{0,40}|阅读全文|展开全文|全文阅读|点击查看.{0,10}|"
    r"默认|放大|缩小|字体[:：]?.{0,6}|进入.{1,8}频道|更多.{0,8}>*|责任编辑[:：]?)\s*[】\])）]?$")
_CREDIT_RE = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|终审|初审|复审|三审|监制|值班编辑|本文编辑|网络编辑|"
    r"新媒体编辑|实习编辑|美编|视觉|统筹|策划|制作|设计|出品人?|主编|总编|编审|签发|文字编辑|图片编辑|视频编辑|"
    r"英文编辑|数据|来源编辑)\s*[:：/／|｜]\s*.{1,60}$|^【\s*纠错\s*】|^[(（]\s*(?:责编|编辑)\s*[:：].*[)）]$")
_COPYRIGHT_RE = re.compile(
    r"版权所有|版权归|Copyright|©|\(c\)\s*\d{4}|All Rights Reserved|未经(?:书面)?(?:授权|许可)|禁止转载|不得转载|"
    r"转载请注明|举报(?:邮箱|电话|中心)|违法和不良信息|不代表本站观点|不代表本网观点|仅供参考|免责声明|"
    r"文章来[自源]网络|来源于网络|如有侵权|侵权请联系|ICP备|ICP证|公网安备|网安备|增值电信|许可证|"
    r"本网站所刊登|本站所有|本文系转载|互联网新闻信息服务", re.IGNORECASE)
_PRINT_EDITION_RE = re.compile(
    r"^[(（]?\s*《\s*[^》]{1,20}\s*》\s*[(（]?\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*"
    r"(?:第?\s*\w{1,4}\s*版)?\s*[)）]?\s*[)）]?$")
_PROMO_RE = re.compile(
    r"客户端|下载APP|下载 APP|APP下载|扫码|扫描二维码|二维码|长按识别|关注我们|关注公众号|微信公众号|官方微博|"
    r"订阅号|视频号|点击关注|一键关注|欢迎关注|戳这里|点击下载", re.IGNORECASE)
_CAPTION_RE = re.compile(
    r"^(?:图为|图[:：]|[(（]?图片来源|[(（]?图/|[(（]?摄影[:：])|(?:[/／]\s*摄|摄影|供图|图片来源[:：].{0,20}|资料图片?|"
    r"视觉中国|图虫创意|IC photo|新华社发)\s*[)）]?$", re.IGNORECASE)
_RELATED_HEAD_RE = re.compile(
    r"^[【\[]?\s*(?:相关(?:新闻|阅读|报道|链接|推荐|文章)|延伸阅读|推荐阅读|热门推荐|猜你喜欢|更多精彩|精彩推荐|"
    r"热点推荐|热门文章|热门新闻|相关专题|往期回顾|编辑推荐|今日推荐)\s*[】\]]?\s*[:：>]?$")
_PAGINATION_RE = re.compile(r"^(?:上一页|下一页|首页|尾页|末页|\d{1,3}|第\s*\d+\s*页|共\s*\d+\s*页|[<>«»…]|\s)+$")
_SPAM_WORDS_RE = re.compile(
    r"蜘蛛池|站群|seo优化|快排|博彩|赌场|娱乐城|百家乐|真人(?:视讯|娱乐)|棋牌|彩票|六合彩|时时彩|澳门(?:赌|威尼斯|新葡京)|"
    r"太阳城|老虎机|体育投注|开户|代孕|成人(?:网站|视频|影片)|色情|av\b|裸聊|约炮|迷药|办证|刻章|发票代开|黑客", re.IGNORECASE)
_NOTE_MARKER_RE = re.compile(r"^[【\[]?(?:开栏的话|编者按|编者的话|编前语|编后语?|编后记|导读|导语|核心提示|开篇的话|题记)[】\]]?[:：]?$")
_SITE_NAME_RE = re.compile(
    r"^(?:[^\s，。]{1,10}(?:网|网站|新闻网|在线|频道|客户端|新闻|日报|晚报|时报)|[\w.-]+\.(?:com|cn|net|org)(?:\.cn)?)$",
    re.IGNORECASE)

_BODY_MIN = 40   # a line this long with a sentence inside starts the article body
_SHORT = 25      # bylines, site names and UI strings are shorter than this


@dataclass
class Line:
    """A line and the shape features the rules read."""

    text: str
    index: int
    han: int
    sentence_punct: int
    separators: int

    @classmethod
    def of(cls, text: str, index: int) -> "Line":
        return cls(text, index, han_count(text), len(_SENTENCE_PUNCT_RE.findall(text)),
                   len(_SEPARATORS_RE.findall(text)))

    @property
    def length(self) -> int:
        return len(self.text)

    @property
    def han_share(self) -> float:
        return self.han / max(1, len(self.text))

    def is_prose(self) -> bool:
        """Long enough and punctuated like a paragraph of running text."""
        return self.length >= _BODY_MIN and bool(_ANY_PUNCT_RE.search(self.text)) and self.separators <= 3


def is_spam(line: Line) -> bool:
    """A list of keywords or place names joined by separators, or a betting/adult keyword line."""
    tokens = [t for t in _SEPARATORS_RE.split(line.text) if t.strip()]
    if line.separators >= 4 and len(tokens) >= 5 and line.sentence_punct == 0:
        mean = sum(len(t) for t in tokens) / len(tokens)
        if mean <= 8:
            return True
    hits = len(_SPAM_WORDS_RE.findall(line.text))
    return hits >= 2 or (hits == 1 and line.length <= 30 and line.sentence_punct == 0)


def rule_label(line: Line) -> str | None:
    """The label a line gets from its own shape and cue words, wherever it stands."""
    t = line.text
    if is_spam(line):
        return "spam"
    if _NAV_RE.search(t) or (line.separators >= 2 and ">" in t and line.length <= 80 and line.sentence_punct == 0):
        return "navigation"
    if line.length <= 40 and _UI_RE.match(t):
        return "ui"
    if line.length <= 80 and _CREDIT_RE.search(t):
        return "credit"
    if _PRINT_EDITION_RE.match(t):
        return "print_edition"
    if line.length <= 120 and _COPYRIGHT_RE.search(t):
        return "copyright"
    if line.length <= 40 and _PROMO_RE.search(t) and line.sentence_punct <= 1:
        return "promo"
    if line.length <= 300 and _CAPTION_RE.search(t):
        return "caption"
    if _RELATED_HEAD_RE.match(t):
        return "related"
    if line.length <= 40 and _PAGINATION_RE.match(t) and not t.isdigit() or t in {"上一页", "下一页"}:
        return "pagination"
    return None


def is_dateline(line: Line) -> bool:
    """A short line that is mostly a publication date/time, possibly with an outlet."""
    if line.length > 90 or line.sentence_punct:
        return False
    m = metadata.DATE_RE.search(metadata.to_ascii_digits(line.text))
    if not m:
        return bool(metadata.SOURCE_LABEL_RE.search(line.text)) and line.length <= 50
    rest = line.text[:m.start()] + line.text[m.end():]
    return han_count(rest) <= 25


def is_title_shaped(line: Line) -> bool:
    """Headline shape: one phrase, mostly Chinese, no sentence ending, not a note marker."""
    t = line.text
    return (5 <= line.length <= 64 and line.han_share >= 0.5 and line.sentence_punct == 0
            and not t.endswith(("：", ":", "，", "、")) and not _NOTE_MARKER_RE.match(t)
            and line.separators <= 1)


def undouble(text: str) -> str | None:
    """``AA`` or ``A A`` → ``A`` for a line that a scrape printed twice in a row."""
    n = len(text)
    for sep in ("", " "):
        half = (n - len(sep)) // 2
        if half >= 8 and text[:half] == text[half + len(sep):] and text[half:half + len(sep)] == sep:
            return text[:half]
    return None


def classify(texts: list[str], frequent: frozenset[str] = frozenset()) -> list[str]:
    """A label for every line (see the module docstring). ``frequent`` holds lines
    that recur across many documents of the run."""
    lines = [Line.of(t, i) for i, t in enumerate(texts)]
    labels: list[str | None] = [rule_label(ln) for ln in lines]
    for i, ln in enumerate(lines):
        if labels[i] is None and ln.text in frequent:
            labels[i] = "frequent"
    body = next((i for i, ln in enumerate(lines) if labels[i] is None and ln.is_prose()), len(lines))
    _label_head(lines, labels, body)
    _label_bylines_in_body(lines, labels, body)
    _label_related_blocks(lines, labels)
    _label_tail(lines, labels)
    _label_duplicates(lines, labels)
    return [lab or CONTENT for lab in labels]


def _label_head(lines: list[Line], labels: list[str | None], body: int) -> None:
    """Before the first paragraph: site name, headline, byline and dateline."""
    title_seen: str | None = None
    for i in range(body):
        if labels[i] is not None:
            continue
        ln = lines[i]
        t = ln.text
        if is_dateline(ln):
            labels[i] = DATELINE
        elif title_seen is not None and t == title_seen:
            labels[i] = "duplicate"
        elif ln.length <= _SHORT and metadata.byline_names(t):
            labels[i] = BYLINE
        elif ln.length <= 20 and _SITE_NAME_RE.match(t) and title_seen is None:
            labels[i] = "navigation"
        elif title_seen is None and is_title_shaped(ln) and _head_context_ok(lines, labels, i, body):
            labels[i] = TITLE
            title_seen = t
        elif ln.length <= 12 and ln.sentence_punct == 0 and title_seen is None and not _NOTE_MARKER_RE.match(t):
            labels[i] = "navigation"  # short channel or section names above the headline


def _head_context_ok(lines: list[Line], labels: list[str | None], i: int, body: int) -> bool:
    """A headline is followed, before the body, only by bylines, datelines, repeats or chrome."""
    return not any(_NOTE_MARKER_RE.match(lines[j].text) for j in range(i + 1, body))


def _label_bylines_in_body(lines: list[Line], labels: list[str | None], body: int) -> None:
    """A name alone on a line just before a paragraph, early in the document (after an
    editor's note, say) is a byline."""
    limit = min(len(lines), body + max(3, len(lines) // 3))
    for i in range(body, limit):
        if labels[i] is not None:
            continue
        ln = lines[i]
        if (ln.length <= _SHORT and ln.sentence_punct == 0 and i + 1 < len(lines)
                and lines[i + 1].is_prose() and metadata.byline_names(ln.text)):
            labels[i] = BYLINE


def _label_related_blocks(lines: list[Line], labels: list[str | None]) -> None:
    """Short headline-like lines after a "related articles" header belong to it."""
    for i, lab in enumerate(labels):
        if lab != "related":
            continue
        for j in range(i + 1, len(lines)):
            ln = lines[j]
            if labels[j] is None and ln.length <= 60 and ln.sentence_punct == 0 and not ln.is_prose():
                labels[j] = "related"
            elif labels[j] is None:
                break


def _label_tail(lines: list[Line], labels: list[str | None]) -> None:
    """After the last paragraph, short lines without sentences are page furniture."""
    last = max((i for i, ln in enumerate(lines) if labels[i] is None and ln.is_prose()), default=-1)
    if last < 0:
        return
    for i in range(last + 1, len(lines)):
        ln = lines[i]
        if labels[i] is None and ln.length <= 20 and ln.sentence_punct == 0 and not ln.text.startswith(("（", "(")):
            if _SITE_NAME_RE.match(ln.text) or ln.han_share < 0.5:
                labels[i] = "navigation"


def _label_duplicates(lines: list[Line], labels: list[str | None]) -> None:
    """A content line the document already had is cut; a line printed twice is kept once."""
    seen: set[str] = set()
    for i, ln in enumerate(lines):
        if labels[i] is not None:
            if labels[i] in METADATA:
                seen.add(ln.text)
            continue
        if ln.text in seen:
            labels[i] = "duplicate"
        seen.add(ln.text)

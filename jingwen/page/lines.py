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

How lines are judged:

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
from dataclasses import dataclass

import numpy as np

from jingwen.page import chrome, glued, linemodel, metadata
from jingwen.page.article import PARAGRAPH_HAN, is_paragraph
from jingwen.text.chars import han_count

CONTENT = "content"
TITLE = "title"
BYLINE = "byline"
DATELINE = "dateline"
METADATA = frozenset({TITLE, BYLINE, DATELINE})
MARKUP = "markup"

_SENTENCE_END_RE = re.compile("[。！？!?…；;][”’」』）)]*$")
_SENTENCE_PUNCT_RE = re.compile("[。！？；]")
_ANY_PUNCT_RE = re.compile("[，。！？；：、]")
_SEPARATORS_RE = re.compile(r"\s*[|｜︱丨¦>›»/／\\•●◆■□▪]\s*")

# -- strong rules: shapes that hold anywhere ----------------------------------------

_NAV_RE = re.compile(r"^(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|位置)\s*[:：]|"
                     r"^首页\s*[>›»/|]|[>›»]\s*正文$")
_UI_RE = re.compile(
    r"^(?:分享(?:到|至|让更多人看到)?[:：]?.{0,20}|扫一扫.{0,16}|打开.{1,10}(?:查看|阅读|APP).{0,10}|"
    r"返回[^，。]{1,6}[，,]?查看更多|(?:阅读|浏览|点击|评论)(?:量|数|次数)?\s*[(（:：]?\s*[\d.万wW+]+\s*[)）]?|"
    r"上一篇.{0,40}|下一篇.{0,40}|进入.{1,8}频道|更多.{0,8}>*|视频加载中.{0,5}|[【\[]点击[^】\]]{1,20}[】\]])$")
_CREDIT_RE = re.compile(
    r"^[(（【\[]?\s*(?:责任编辑|责编|编辑|校对|审核|审校|终审|初审|复审|三审|监制|值班编辑|本文编辑|网络编辑|"
    r"新媒体编辑|实习编辑|美编|视觉|统筹|策划|制作|设计|出品人?|主编|总编|编审|签发|文字编辑|图片编辑|视频编辑|"
    r"英文编辑|数据|来源编辑|本文来源)\s*[:：/／|｜]\s*.{1,60}$|^【\s*纠错\s*】|"
    r"^[(（]\s*(?:[^()（）]{0,6}记者|通讯员|实习生)[^()（）]{1,30}(?:整理|采写|报道|摄|综合)?\s*[)）]$")
_PRINT_EDITION_RE = re.compile(
    r"^[(（]?\s*《\s*[^》]{1,20}\s*》\s*[(（]?\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*"
    r"(?:第?\s*\w{1,4}\s*版)?\s*[)）]?\s*[)）]?$")
_CAPTION_RE = re.compile(
    r"^(?:图为|图[:：]|图注[:：]|图像加注文字[，,]|[▲△]|[(（]?图片来源|[(（]?图/|[(（]?摄影[:：])|"
    r"(?:[/／]\s*摄|摄影|供图|图片来源[:：].{0,20}|资料图片?|视觉中国|图虫创意|IC photo|新华社发)\s*[)）]?$|"
    r"[(（](?:[^()（）]{0,20}[/／])?[^()（）]{0,16}摄[)）]$|[(（]图[/／:：取][^()（）]{1,40}[)）]$|\s图[/／]\S{1,12}$|"
    r"(?:新华社|中新社)发\s*\S{0,12}\s*摄$",
    re.IGNORECASE)
_RELATED_HEAD_RE = re.compile(
    r"^[【\[]?\s*(?:相关(?:新闻|阅读|报道|链接|推荐|文章|稿件|专题)|关联(?:阅读|稿件|新闻)|延伸阅读|推荐阅读|热门推荐|"
    r"猜你喜欢|更多精彩|精彩推荐|热点推荐|热门文章|热门新闻|往期回顾|编辑推荐|今日推荐|为你推荐|大家都在看)\s*[】\]]?\s*[:：>]?$")
_KEYWORD_WORDS = r"(?:关\s?键\s?[词字]|标签|Tags?|Keywords?)"
_KEYWORDS_RE = re.compile(rf"^(?:[【\[]\s*{_KEYWORD_WORDS}\s*[】\]]\s*[:：]?|{_KEYWORD_WORDS}\s*[:：])\s*(?:\S|$)",
                          re.IGNORECASE)
#: A row of a catalogue record (a government notice's or a journal article's fields).
_CATALOG_RE = re.compile(
    r"^[【\[]?\s*(?:索\s?引\s?号|分\s?类\s?号|主题分类|发文字号|文献标识码|文章编号|中图分类号|有\s?效\s?性|发布机构|"
    r"公文种类|组配分类|体裁分类|服务对象)\s*[】\]]?\s*(?:[:：]|\s|$)")
#: An image's file name (with its size, as a forum lists an attachment) or a forum's image tag.
_IMAGE_FILE_RE = re.compile(r"^(?:[\w.-]+\.(?:jpe?g|png|gif|webp|bmp)\b[^\u4e00-\u9fff]*(?:下载次数[^)）]*[)）])?|"
                            r"(?:\[\w+\])*\[img\b.*)$", re.IGNORECASE)
#: A line of nothing but short terms joined by ``、`` (``世纪之疫、医疗伦理、呼吸器、病房``): a page's tags.
_TAG_LIST_RE = re.compile(r"^[^\s、，,。！？；;：:]{1,10}(?:、[^\s、，,。！？；;：:]{1,10}){3,}$")
_PAGINATION_RE = re.compile(r"^(?:上一页|下一页|首页|尾页|末页|\d{1,3}|第\s*\d+\s*页|共\s*\d+\s*页|[<>«»…]|\s)+$")
_END_MARK_RE = re.compile(r"^[(（【\[]\s*(?:完|全文完|终|本文完)\s*[)）】\]]$")
_ORIGINAL_TITLE_RE = re.compile(r"^[(（]?\s*原(?:标|题)题?\s*[:：]")
_SOURCE_LINE_RE = re.compile(r"^[(（]?\s*(?:(?:稿件|文章|信息|新闻)?来源\s*[:：]\s*[^，。]{1,40}|"
                             r"(?:作者|供稿)\s*[:：]\s*《[^》]{1,30}》)[)）]?$")
_SPAM_WORDS_RE = re.compile(
    r"蜘蛛池|站群|seo优化|快排|秒收录|博彩|赌场|娱乐城|百家乐|真人(?:视讯|娱乐)|棋牌|彩票|六合彩|时时彩|澳门(?:赌|威尼斯|新葡京)|"
    r"新葡京|威尼斯人|太阳城|老虎机|体育投注|开户|代孕|成人(?:网站|视频|影片|精品)|色情|裸聊|约炮|迷药|办证|刻章|发票代开|"
    r"无码|人妻|黄色(?:网站|视频|综合)|av(?:影院|在线|超碰|视频)|超碰|一区二区|久久精品|国产精品|三级片|偷拍|毛片|"
    r"(?:日韩|欧美)(?:av|精品)|午夜福利|福利片|中文字幕(?=\S{0,4}(?:一区|在线|午夜|免费))",
    re.IGNORECASE)
_POOL_SPLIT_RE = re.compile(r"[，,、\s]+")

# -- weak cues: only in the head or tail block, or on a short line ------------------------

_COPYRIGHT_RE = re.compile(
    r"版权所有|版权归|版权作品|Copyright|©|\(c\)\s*\d{4}|All Rights Reserved|"
    r"未经(?:书面)?(?:协议)?(?:授权|许可|同意)|禁止转载|版权(?:为|属于?|归).{1,20}所有|不得(?:复制|镜像)|"
    r"不得转载|严禁转载|转载请注明|举报(?:邮箱|电话|中心)|违法和不良信息|不代表本(?:站|网)观点|不代表.{0,12}观点|仅供参考|"
    r"免责声明|特别声明|平台声明|^声明[:：]|不代表.{0,12}立场|文章来[自源]网络|来源于网络|如有侵权|侵权请联系|ICP备|ICP证|公网安备|网安备|增值电信|"
    r"许可证|本网站所刊|本站所有|本文系转载|互联网新闻信息服务|信息存储(?:空间)?服务|information storage|Notice:",
    re.IGNORECASE)
_PROMO_RE = re.compile(
    r"客户端|下载APP|下载 APP|APP下载|\bAPP\b|扫码|扫描二维码|二维码|长按识别|关注我们|关注公众号|微信公众号|官方微博|"
    r"订阅号|视频号|点击关注|一键关注|欢迎关注|戳这里|点击下载|报料|爆料热线", re.IGNORECASE)
#: An invitation to follow an account: a promotion in a line up to ``_FOLLOW_LINE`` long.
_FOLLOW_RE = re.compile(r"欢迎关注|关注我们|敬请关注.{0,12}(?:微信|公众号|微博|账号)|长按(?:识别|扫码)|"
                        r"扫描(?:下方)?二维码|(?:官方|微信)公众号|官方微信")
_FOLLOW_LINE = 120
_NOTE_MARKER_RE = re.compile(
    r"^[【\[]?(?:开栏的话|编者按|编者的话|编前语|编后语?|编后记|导读|导语|核心提示|开篇的话|题记)[】\]]?[:：]?$")
_SITE_NAME_RE = re.compile(
    r"^(?:[^\s，。]{1,10}(?:网|网站|新闻网|在线|频道|客户端|新闻|日报|晚报|时报|首页)|[\w.-]+\.(?:com|cn|net|org)(?:\.cn)?)$",
    re.IGNORECASE)

_DAY_NUMBER = r"[\d一二三四五六七八九十]{1,3}"
_WIRE_LEAD_RE = re.compile(rf"^\S{{0,12}}?(?:社|网|报)?\S{{0,6}}?{_DAY_NUMBER}月{_DAY_NUMBER}日(?:电|讯)")
_PROSE_MIN = 40     # a line this long with punctuation inside is a paragraph
_SHORT = 25         # bylines and site names are shorter than this
_WEAK_SHORT = 30    # a weak cue cuts a line this short anywhere, unless it is a sentence


@dataclass
class Line:
    """A line and the shape features the rules read."""

    text: str
    han: int
    sentence_punct: int
    separators: int

    @classmethod
    def of(cls, text: str) -> Line:
        return cls(text, han_count(text), len(_SENTENCE_PUNCT_RE.findall(text)), len(_SEPARATORS_RE.findall(text)))

    @property
    def length(self) -> int:
        return len(self.text)

    @property
    def han_share(self) -> float:
        return self.han / max(1, len(self.text))

    def is_prose(self) -> bool:
        """A paragraph: long with punctuation inside, a sentence that ends like one, or
        enough ideographs with a ``。`` inside (a paragraph the page cut short)."""
        if self.separators > 3:
            return False
        if (self.length >= _PROSE_MIN and _ANY_PUNCT_RE.search(self.text) or _WIRE_LEAD_RE.match(self.text)
                or "。" in self.text and self.han >= PARAGRAPH_HAN):
            return True
        return self.length >= 6 and self.han >= 4 and bool(_SENTENCE_END_RE.search(self.text))


def is_spam(line: Line) -> bool:
    """A list of keywords or place names joined by separators, or a pool of betting/adult
    keywords (a short line, or phrases joined by commas; not a paragraph that names them)."""
    if line.separators >= 4 and line.sentence_punct == 0:
        tokens = [t for t in _SEPARATORS_RE.split(line.text) if t.strip()]
        if len(tokens) >= 5 and sum(len(t) for t in tokens) / len(tokens) <= 8:
            return True
    hits = len(_SPAM_WORDS_RE.findall(line.text))
    if not hits:
        return False
    tokens = [t for t in _POOL_SPLIT_RE.split(line.text) if t]
    pool = len(tokens) >= 4 and sum(map(len, tokens)) / len(tokens) <= 10
    if line.sentence_punct and not pool or line.sentence_punct >= 2:
        return False  # a paragraph on casinos or crime names them: only a keyword pool is spam
    return hits >= 2 or line.length <= 30 or (pool and not line.sentence_punct)


#: The layer names a design tool leaves in an inline SVG (``Fill 1``, ``Combined Shape``, ``Group 3 Copy``).
_SVG_LAYER_RE = re.compile(r"^(?:Fill|Group|Path|Combined Shape|Rectangle|Oval|Shape|Artboard|Layer|Stroke|Mask|"
                           r"Polygon)(?:\s+(?:Copy|\d+))*$")
#: One short token said again and again: ``广告 广告``, ``分享 分享`` (a widget's label and its alt text).
_REPEATED_RE = re.compile(r"\s*(\S{1,6})(?:\s+\1)+\s*$")


def strong_label(line: Line) -> str | None:
    """The label a line gets from its own shape, wherever it stands."""
    t = line.text
    if is_spam(line):
        return "spam"
    if glued.is_jammer(t):
        return "jammer"
    if _END_MARK_RE.match(t):
        return "end_mark"
    if _ORIGINAL_TITLE_RE.match(t):
        return "original_title"
    if _NAV_RE.search(t) or (line.separators >= 2 and ">" in t and line.length <= 80 and line.sentence_punct == 0):
        return "navigation"
    if line.length <= 40 and line.sentence_punct == 0 and (
            (chrome.ui_tokens(t) and not metadata.find_date(t)) or _UI_RE.match(t) or _REPEATED_RE.match(t)
            or _SVG_LAYER_RE.match(t)):
        return "ui"
    if line.length <= 80 and _CREDIT_RE.search(t):
        return "credit"
    if _PRINT_EDITION_RE.match(t):
        return "print_edition"
    if line.length <= 300 and _CAPTION_RE.search(t):
        return "caption"
    if _RELATED_HEAD_RE.match(t):
        return "related"
    if line.length <= 120 and line.sentence_punct == 0 and (_KEYWORDS_RE.match(t) or _TAG_LIST_RE.match(t)):
        return "keywords"
    if line.length <= 120 and line.sentence_punct == 0 and _CATALOG_RE.match(t) and not metadata.find_date(t):
        return "catalog"
    if line.length <= 300 and _IMAGE_FILE_RE.match(t):
        return "image"
    if line.length <= 40 and _PAGINATION_RE.match(t) and not t.isdigit():
        return "pagination"
    if _SOURCE_LINE_RE.match(t) or is_meta_line(line):
        return DATELINE
    return None


def weak_label(line: Line) -> str | None:
    """A cue an article could also use: trusted only in the head or tail block."""
    if line.length <= 300 and _COPYRIGHT_RE.search(line.text):
        return "copyright"
    if line.length <= 40 and _PROMO_RE.search(line.text) and line.sentence_punct <= 1:
        return "promo"
    if line.length <= _FOLLOW_LINE and _FOLLOW_RE.search(line.text) and line.sentence_punct <= 1:
        return "promo"
    return None


#: A line with a timed date is a dateline wherever it stands when at most this many ideographs are beside it.
_TIMED_DATE_WORDS = 8


def is_meta_line(line: Line) -> bool:
    """A page's metadata line wherever it stands: a date with a metadata label (``发布时间：…
    来源：…``), two labels (``来源：新华社 作者：张三``), or a date and time of day with
    hardly a word beside it. A date alone is a dateline only in
    the head (:func:`is_dateline`): lower down it may sign a document or date a related list."""
    t = line.text
    # a ？ here is more often a character the page lost (``07:17？？来源``) than a question
    if line.length > 120 or _SENTENCE_PUNCT_RE.search(t.replace("？", "")) or "，" in t:
        return False
    labels = len(metadata.META_LABEL_RE.findall(t))
    date = metadata.find_date(t)
    if labels >= 2 or (labels == 1 and date is not None):
        return True
    # a date with its time of day and hardly any words beside it (``http://… 2024-03-07 12:24:43 【字号``)
    return bool(date and (date["H"] or date["dH"])
                and han_count(t[:date.start()] + t[date.end():]) <= _TIMED_DATE_WORDS)


def is_dateline(line: Line) -> bool:
    """A short line that is mostly a publication date/time, possibly with an outlet."""
    if line.length > 90 or line.sentence_punct:
        return False
    m = metadata.find_date(line.text)
    if not m:
        return bool(metadata.SOURCE_LABEL_RE.search(line.text)) and line.length <= 50
    rest = line.text[:m.start()] + line.text[m.end():]
    return han_count(rest) <= 25


#: A menu printed letter by letter (``首 页 政 务 公 开 网 上 办 事``; a headline ``警 情 通 报`` is shorter).
_LETTER_SPACED_RE = re.compile(r"^(?:\S\s+){7,}\S$")


def is_title_shaped(line: Line) -> bool:
    """Headline shape: one phrase, mostly Chinese, no sentence ending, not a note marker."""
    t = line.text
    return (5 <= line.length <= 64 and line.han_share >= 0.5 and line.sentence_punct == 0
            and not t.endswith(("：", ":", "，", "、")) and not _NOTE_MARKER_RE.match(t)
            and line.separators <= 1 and not _SITE_NAME_RE.match(t) and not _LETTER_SPACED_RE.match(t))


def undouble(text: str) -> str | None:
    """``AA`` or ``A A`` → ``A`` for a line that a scrape printed twice in a row."""
    n = len(text)
    for sep in ("", " "):
        half = (n - len(sep)) // 2
        if half >= 8 and text[:half] == text[half + len(sep):] and text[half:half + len(sep)] == sep:
            return text[:half]
    return None


_BLOCK_OPEN_RE = re.compile(r"^\s*<(script|style)\b", re.IGNORECASE | re.ASCII)
_BLOCK_CLOSE_RE = {name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("script", "style")}


def markup_blocks(texts: list[str]) -> list[int]:
    """The lines of ``<script>`` and ``<style>`` blocks: from a line that opens with one to
    the line that closes it (the opening line alone when none does)."""
    out, i = [], 0
    while i < len(texts):
        m = _BLOCK_OPEN_RE.match(texts[i])
        if not m:
            i += 1
            continue
        close = _BLOCK_CLOSE_RE[m[1].lower()]
        end = next((j for j in range(i, len(texts)) if close.search(texts[j], m.end() if j == i else 0)), i)
        out += range(i, end + 1)
        i = end + 1
    return out


def rule_labels(texts: list[str], frequent: frozenset[str] = frozenset()) -> tuple[list[Line], list[str | None]]:
    """The lines and what the hand rules say of each (None: nothing, i.e. content so far)."""
    lines = [Line.of(t) for t in texts]
    labels: list[str | None] = [strong_label(ln) for ln in lines]
    for i in markup_blocks(texts):
        labels[i] = MARKUP
    for i in range(1, len(lines)):  # a list that the line before announces (``获奖名单如下：``) is the article's
        if (labels[i] == "keywords" and labels[i - 1] != "keywords" and _TAG_LIST_RE.match(texts[i])
                and texts[i - 1].endswith(("：", ":"))):
            labels[i] = None
    printed = Counter(texts)
    for i, ln in enumerate(lines):
        if labels[i] is None and ln.text in frequent:
            labels[i] = "frequent"
        elif labels[i] is None and glued.is_watermark(ln.text, printed[ln.text]):
            labels[i] = "watermark"
    _label_page_title(lines, labels)
    _label_prose_above_head(lines, labels)
    _label_prose_below_end(lines, labels)
    body = _body_start(lines, labels)
    _label_weak_cues(lines, labels, body)
    _label_head(lines, labels, body)
    _label_title_above_dateline(lines, labels)
    _label_bylines_in_body(lines, labels, body)
    _label_related_blocks(lines, labels)
    _label_notice_blocks(lines, labels)
    _label_related_runs(lines, labels)
    _label_ui_runs(lines, labels)
    _label_islands(lines, labels)
    _label_tail(lines, labels)
    _label_document_frame(lines, labels)
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
    _label_duplicates(lines, labels)
    return [lab or CONTENT for lab in labels]


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
        "ends_sentence": [_SENTENCE_END_RE.search(t) is not None for t in texts],
        "punct_density": [len(_ANY_PUNCT_RE.findall(t)) / k for t, k in zip(texts, sizes)],
        "separators": [min(ln.separators, 6) for ln in lines],
        "digit_share": [sum(map(str.isdigit, t)) / k for t, k in zip(texts, sizes)],
        "latin_share": [len(_ASCII_LETTER_RE.findall(t)) / k for t, k in zip(texts, sizes)],
        "function_chars": [len(_FUNCTION_CHARS_RE.findall(ln.text)) / max(1, ln.han) for ln in lines],
        "prose": prose, "title_shaped": headline,
        "dateline_shaped": [is_dateline(ln) for ln in lines],
        "byline_names": [k <= _SHORT and bool(metadata.byline_names(t)) for t, k in zip(texts, lengths)],
        "ui_tokens": [chrome.ui_tokens(t) for t in texts],
        "bracketed": [t[:1] in "【[(（「" or t[-1:] in "】])）」" for t in texts],
        "pipes": [min(t.count("|") + t.count("｜"), 5) for t in texts],
        "short_10": [k <= 10 for k in lengths], "short_25": [k <= 25 for k in lengths],
        "position": [i / span for i in range(n)], "from_end": [(n - 1 - i) / span for i in range(n)],
        "before_body": [i < first for i in range(n)], "after_body": [i > last for i in range(n)],
        "near_body": [min(d, 10) / 10 for d in near], "short_run": [min(r, 10) / 10 for r in run],
        "prev_prose": [False, *prose[:-1]], "next_prose": [*prose[1:], False],
        "title_shaped_near": [sum(headline[max(0, i - 3):i + 4]) / 7 for i in range(n)],
        "weak_copyright": [_COPYRIGHT_RE.search(t) is not None for t in texts],
        "weak_promo": [_PROMO_RE.search(t) is not None for t in texts],
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
                and not _REPEATED_RE.match(lines[i].text):  # a label said twice is certain
            labels[i] = None


#: The page's own title at its top: the headline, then the channel and site after a separator
#: (``… | 社會 | 中央社 CNA``, ``… - BBC News 中文``, ``… _探索者 _光明网``).
_PAGE_TITLE_RE = re.compile(r"^(.{5,}?)\s*(?:\s[-–—|｜│]{1,2}\s|[｜│]|\s_|_(?=\S{1,12}(?:$|_)))\s*\S.{0,60}$")
#: The page's title is one of its first this many lines ...
PAGE_TITLE_LINES = 3
#: ... and a breadcrumb that ends on the headline is at most this many lines above it.
_CRUMB_REACH = 10


def _label_page_title(lines: list[Line], labels: list[str | None]) -> None:
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
        _label_teasers_above(lines, labels, j)
        return
    for i in range(min(PAGE_TITLE_LINES, len(lines))):  # a breadcrumb that ends on the headline printed below
        ln = lines[i]
        for j in range(i + 1, min(len(lines), i + 1 + _CRUMB_REACH)):
            head = lines[j]
            if (labels[i] is None and labels[j] is None and is_title_shaped(head)
                    and ln.text.endswith(" " + head.text) and ln.length <= head.length + 20):
                labels[i], labels[j] = "navigation", TITLE
                return


def _label_teasers_above(lines: list[Line], labels: list[str | None], head: int) -> None:
    """Prose above the article's head (line ``head``) is teasers when it holds less text than what follows."""
    above = [k for k in range(head) if labels[k] is None and lines[k].is_prose()]
    below = sum(ln.han for k, ln in enumerate(lines[head + 1:], head + 1) if labels[k] is None and ln.is_prose())
    if sum(lines[k].han for k in above) < below:
        for k in above:
            labels[k] = "teaser"


#: A second head: this many short lines that are not sentences (menus, link lists) ...
HEAD_GAP = 5


def _label_prose_above_head(lines: list[Line], labels: list[str | None]) -> None:
    """A page whose article starts below a second head (a run of ``HEAD_GAP`` or more
    lines that are not prose, then a byline or dateline, then the paragraphs): the prose
    above that run is a teaser or a newsletter's promotion when the paragraphs below
    hold more text."""
    prose = [ln.is_prose() for ln in lines]
    for k, ln in enumerate(lines):
        if prose[k] or not (labels[k] == DATELINE or is_dateline(ln)
                            or (ln.length <= _SHORT and metadata.byline_names(ln.text))):
            continue
        j = k - 1
        while j >= 0 and not prose[j]:
            j -= 1
        if j < 0 or k - 1 - j < HEAD_GAP:
            continue
        _label_teasers_above(lines, labels, k)
        return


#: Prose below the article's end is the page's when all of it is this much less than the article's.
FOOTER_SHARE = 0.25


def _label_prose_below_end(lines: list[Line], labels: list[str | None]) -> None:
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
        if gap >= HEAD_GAP:
            above = sum(ln.han for k, ln in enumerate(lines[:i]) if prose[k] and is_paragraph(ln.text))
            below = [k for k in range(i, len(lines)) if prose[k]]
            if sum(lines[k].han for k in below if is_paragraph(lines[k].text)) < FOOTER_SHARE * above:
                for k in below:
                    labels[k] = "footer"
                return
        gap = 0


def _body_start(lines: list[Line], labels: list[str | None]) -> int:
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


def _label_weak_cues(lines: list[Line], labels: list[str | None], body: int) -> None:
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
            if cue and (i < body or i >= tail or (ln.length <= _WEAK_SHORT and not ln.is_prose())):
                labels[i] = cue


def _label_head(lines: list[Line], labels: list[str | None], body: int) -> None:
    """Before the first paragraph: dateline, byline, site name, the headline; the rest
    is chrome (navigation above the headline, ui below it)."""
    free = [i for i in range(body) if labels[i] is None]
    for i in free:
        ln = lines[i]
        if is_dateline(ln):
            labels[i] = DATELINE
        elif ln.length <= _SHORT and metadata.byline_names(ln.text):
            labels[i] = BYLINE
    candidates = [i for i in free if labels[i] is None and is_title_shaped(lines[i])
                  and not _WIRE_LEAD_RE.match(lines[i].text) and not metadata.strip_author_label(lines[i].text)[1]]

    def next_to_metadata(i: int) -> bool:
        return any(labels[j] in (DATELINE, BYLINE) for j in range(max(0, i - 2), min(len(lines), i + 3)))

    found = next((i for i, lab in enumerate(labels) if lab == TITLE), None)  # the page's own title
    crumb = max((i for i in range(body) if _NAV_RE.search(lines[i].text)), default=-1)  # a headline follows it

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
        elif _NOTE_MARKER_RE.match(ln.text) or ln.is_prose():
            continue  # an editor's note opens the article
        elif title is None or i < title:
            labels[i] = "navigation"
        else:
            labels[i] = "ui"
    if title is not None:
        _label_outlet_below_title(lines, labels, title, body)


#: A headline above the page's dateline may end like a sentence (``全线告急！…与你无关（组图）``), up to this long.
_HEADLINE_MAX = 80


def _label_title_above_dateline(lines: list[Line], labels: list[str | None]) -> None:
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
        if (labels[c] is None and 5 <= ln.length <= _HEADLINE_MAX and ln.han_share >= 0.5
                and not re.search("[。；;]", ln.text) and not ln.text.endswith(("：", ":", "，", "、"))
                and ln.separators <= 1 and not _SITE_NAME_RE.match(ln.text)):
            labels[c] = TITLE
            _label_teasers_above(lines, labels, c)
        return


#: Labels a line under the headline may carry and still turn out to be the outlet's name.
_CHROME = frozenset({"ui", "navigation", "promo"})


def _label_outlet_below_title(lines: list[Line], labels: list[str | None], title: int, body: int) -> None:
    """An outlet's name alone on a line right under the headline or beside the dateline
    (``[Newtalk新闻]``, ``爱济南新闻客户端``) is metadata: the source."""
    for i in range(title + 1, min(body, len(lines))):
        beside = labels[i - 1] in (TITLE, DATELINE) or (i + 1 < len(lines) and labels[i + 1] == DATELINE)
        if beside and labels[i] in _CHROME and metadata.outlet_line(lines[i].text):
            labels[i] = DATELINE


def _label_bylines_in_body(lines: list[Line], labels: list[str | None], body: int) -> None:
    """A name alone on a line just before a paragraph, early in the document (after an
    editor's note, say) or just before any paragraph of running text, is a byline."""
    limit = min(len(lines), body + max(3, len(lines) // 3))
    before_paragraphs = [i - 1 for i in range(body + 1, len(lines)) if is_paragraph(lines[i].text)]
    for i in dict.fromkeys([*range(body, limit), *before_paragraphs]):
        if labels[i] is not None:
            continue
        ln = lines[i]
        if (ln.length <= _SHORT and ln.sentence_punct == 0 and i + 1 < len(lines)
                and lines[i + 1].is_prose() and metadata.byline_names(ln.text)):
            labels[i] = BYLINE


#: The header of a site's notice: its rules for comments, a rights notice, a disclaimer.
_NOTICE_HEAD_RE = re.compile(r"^[【\[]?\s*(?:留言(?:板)?规则|反侵权公告|版权(?:声明|公告)|免责声明|法律声明|使用条款|"
                             r"隐私(?:权)?政策)\s*[】\]]?\s*[:：]?$")
#: A notice runs for at most this many lines after its header.
NOTICE_LINES = 12


def _label_notice_blocks(lines: list[Line], labels: list[str | None]) -> None:
    """A site's notice after the article (``留言规则``, ``反侵权公告：`` and its clauses):
    the header and the lines under it, up to the next line the rules labelled."""
    started = False
    for i, ln in enumerate(lines):
        started = started or (labels[i] is None and ln.is_prose())
        if not (started and _NOTICE_HEAD_RE.match(ln.text)):
            continue
        if any(labels[k] is None and is_paragraph(lines[k].text) for k in range(i + 1 + NOTICE_LINES, len(lines))):
            continue  # paragraphs go on below: a heading of the article (on a disclaimer, say)
        labels[i] = "copyright"
        for j in range(i + 1, min(len(lines), i + 1 + NOTICE_LINES)):
            if labels[j] is not None:
                break
            labels[j] = "copyright"


#: A tag after a ``关键字：`` header is at most this long.
_TAG = 8


def _label_related_blocks(lines: list[Line], labels: list[str | None]) -> None:
    """Short headline-like lines after a "related articles" header belong to it, and the
    tags under a bare ``关键字：`` header to it."""
    for i, lab in enumerate(labels):
        if lab == "keywords" and lines[i].text.endswith(("：", ":")):
            j = i + 1
            while j < len(lines) and labels[j] is None and lines[j].length <= _TAG \
                    and not _ANY_PUNCT_RE.search(lines[j].text):
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
_SECTION_RE = re.compile("^[一二三四五六七八九十]+[、．.]")


def _headline_item(line: Line) -> bool:
    """A headline of another story: short, mostly Chinese, no sentence, not a line that
    introduces what follows (``…如下：``, an addressee) or a section heading."""
    t = line.text
    return (5 <= line.length <= RELATED_RUN_CHARS and line.han_share >= 0.5 and "。" not in t
            and not t.endswith(("：", ":")) and not _SECTION_RE.match(t)
            and not is_paragraph(t) and not metadata.META_LABEL_RE.search(t))


def _label_related_runs(lines: list[Line], labels: list[str | None]) -> None:
    """Before the first paragraph and after the last one, three or more headline-shaped
    lines in a row (lines already cut between them do not break the run) are a list of
    other stories, header or not."""
    paragraphs = [i for i, ln in enumerate(lines) if labels[i] is None and is_paragraph(ln.text)]
    if not paragraphs:
        return
    _label_runs(lines, labels, range(paragraphs[0]))
    _label_runs(lines, labels, range(paragraphs[-1] + 1, len(lines)))


#: A line this short without punctuation (a bullet ``‧``, a channel's name ``政治``) does not break a list.
_LIST_GLUE = 2


def _label_runs(lines: list[Line], labels: list[str | None], span: range) -> None:
    run: list[int] = []
    for i in [*span, None]:
        if i is not None and labels[i] is not None:
            continue
        if i is not None and _headline_item(lines[i]):
            run.append(i)
            continue
        if i is not None and run and lines[i].length <= _LIST_GLUE and not _ANY_PUNCT_RE.search(lines[i].text):
            continue
        if len(run) >= RELATED_RUN:
            for j in range(run[0], run[-1] + 1):
                labels[j] = labels[j] or "related"
        run = []


#: A footer's bar of links: this many words or more, none longer than ``_LINK_WORD`` characters.
_LINK_BAR_WORDS = 4
_LINK_WORD = 12
_CLAUSE_RE = re.compile("[。！？，,；;]")


def _link_bar(text: str) -> bool:
    words = text.split()
    return len(words) >= _LINK_BAR_WORDS and max(map(len, words)) <= _LINK_WORD and not _CLAUSE_RE.search(text)


_BUTTON = 6  # a button's label is at most this long


def _label_ui_runs(lines: list[Line], labels: list[str | None]) -> None:
    """In a run of three or more button-length lines (no punctuation) of which two or more
    are UI words, the others are buttons too (``文字大小`` beside ``分享``, ``收藏``)."""
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].length <= _BUTTON and not _ANY_PUNCT_RE.search(lines[j].text):
            j += 1
        if j - i >= 3 and sum(labels[k] == "ui" for k in range(i, j)) >= 2:
            for k in range(i, j):
                labels[k] = labels[k] or "ui"
        i = max(j, i + 1)


_LISTS = _CHROME | {"related"}
_ISLAND_LINES = 2    # an island is one or two lines ...
_ISLAND_HAN = 40     # ... each shorter than a full paragraph


def _label_islands(lines: list[Line], labels: list[str | None]) -> None:
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


def _label_tail(lines: list[Line], labels: list[str | None]) -> None:
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
            labels[i] = "navigation" if _SITE_NAME_RE.match(ln.text) or ln.han_share < 0.5 else "ui"


#: A published document's number (``海府〔2011〕33号``) ...
_DOC_NUMBER_RE = re.compile(r"^\S{1,12}[〔\[（(]\d{4}[〕\]）)]\s*\d{1,4}\s*号$")
#: ... and its date in Chinese numerals (``二○一一年四月八日``).
_NUMERAL = "〇○零一二三四五六七八九十"
_NUMERAL_DATE_RE = re.compile(f"^[{_NUMERAL}]{{4}}年[{_NUMERAL}]{{1,3}}月[{_NUMERAL}]{{1,3}}日$")


def _date_alone(line: Line) -> bool:
    m = metadata.find_date(line.text)
    return bool(m and m.end() - m.start() >= line.length - 1) or bool(_NUMERAL_DATE_RE.match(line.text))


def _label_document_frame(lines: list[Line], labels: list[str | None]) -> None:
    """A published document's frame is its text: its number and addressees just above
    the first paragraph (``海府〔2011〕33号``, ``各区人民政府，市政府直属各单位：``) and its
    signature just below the last (the issuer's name, then the date alone)."""
    prose = [i for i, ln in enumerate(lines) if labels[i] is None and ln.is_prose()]
    if not prose:
        return
    def chrome_above(i: int) -> bool:  # what the head rules took for chrome, not metadata
        return i >= 0 and labels[i] in _CHROME and not metadata.META_LABEL_RE.search(lines[i].text)

    i = prose[0] - 1
    if chrome_above(i) and lines[i].text.endswith(("：", ":")) and lines[i].length <= 60 \
            and not lines[i].sentence_punct:
        labels[i] = None  # the addressees
        i -= 1
    if chrome_above(i) and _DOC_NUMBER_RE.match(lines[i].text):
        labels[i] = None
    name = prose[-1] + 1
    while name < len(lines) and labels[name] is None and name <= prose[-1] + 2:  # ``特此通告。``
        name += 1
    date = name + 1
    if date < len(lines) and _date_alone(lines[date]):
        issuer = lines[name]
        if (labels[name] in _CHROME and issuer.length <= _SHORT and issuer.han_share >= 0.8
                and not _ANY_PUNCT_RE.search(issuer.text)):
            labels[name] = labels[date] = None


#: A summary's label (``摘要：``, ``【内容提要】``): the summary is cut when the body repeats it.
_SUMMARY_RE = re.compile(r"^[【\[]?\s*(?:摘\s?要|内容提要|内容摘要|提要|导读)\s*[】\]]?\s*[:：]?\s*")
#: The body repeats a summary when it holds the summary's first this many characters.
_SUMMARY_PROBE = 20


def _label_duplicates(lines: list[Line], labels: list[str | None]) -> None:
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

"""What one line of a page looks like: the shape features the rules read
(:class:`Line`), the label a line's shape alone gives wherever it stands (strong
rules), and the cues an article could also use (weak cues, trusted only in the head
and tail). The labels themselves are listed in :mod:`jingwen.page.lines`."""
from __future__ import annotations

import re
from dataclasses import dataclass

from jingwen.page import chrome, glued, metadata
from jingwen.page.article import PARAGRAPH_HAN
from jingwen.text.chars import HAN, han_count

CONTENT = "content"
TITLE = "title"
BYLINE = "byline"
DATELINE = "dateline"
METADATA = frozenset({TITLE, BYLINE, DATELINE})
MARKUP = "markup"

SENTENCE_END_RE = re.compile("[。！？!?…；;][”’」』）)]*$")
_SENTENCE_PUNCT_RE = re.compile("[。！？；]")
ANY_PUNCT_RE = re.compile("[，。！？；：、]")
_SEPARATORS_RE = re.compile(r"\s*[|｜︱丨¦>›»/／\\•●◆■□▪]\s*")

# -- strong rules: shapes that hold anywhere ----------------------------------------

NAV_RE = re.compile(r"^(?:当前位置|您的位置|你的位置|您现在的位置|所在位置|位置)\s*[:：]|"
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
TAG_LIST_RE = re.compile(r"^[^\s、，,。！？；;：:]{1,8}(?:、[^\s、，,。！？；;：:]{1,8}){3,}$")
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

COPYRIGHT_RE = re.compile(
    r"版权所有|版权归|版权作品|Copyright|©|\(c\)\s*\d{4}|All Rights Reserved|"
    r"未经(?:书面)?(?:协议)?(?:授权|许可|同意)|禁止转载|版权(?:为|属于?|归).{1,20}所有|不得(?:复制|镜像)|"
    r"不得转载|严禁转载|转载请注明|举报(?:邮箱|电话|中心)|违法和不良信息|不代表本(?:站|网)观点|不代表.{0,12}观点|仅供参考|"
    r"免责声明|特别声明|平台声明|^声明[:：]|不代表.{0,12}立场|文章来[自源]网络|来源于网络|如有侵权|侵权请联系|ICP备|ICP证|公网安备|网安备|增值电信|"
    r"许可证|本网站所刊|本站所有|本文系转载|互联网新闻信息服务|信息存储(?:空间)?服务|information storage|Notice:",
    re.IGNORECASE)
PROMO_RE = re.compile(
    r"客户端|下载APP|下载 APP|APP下载|\bAPP\b|扫码|扫描二维码|二维码|长按识别|关注我们|关注公众号|微信公众号|官方微博|"
    r"订阅号|视频号|点击关注|一键关注|欢迎关注|戳这里|点击下载|报料|爆料热线", re.IGNORECASE)
#: An invitation to follow an account: a promotion in a line up to ``_FOLLOW_LINE`` long.
_FOLLOW_RE = re.compile(r"欢迎关注|关注我们|敬请关注.{0,12}(?:微信|公众号|微博|账号)|长按(?:识别|扫码)|"
                        r"扫描(?:下方)?二维码|(?:官方|微信)公众号|官方微信")
_FOLLOW_LINE = 120
NOTE_MARKER_RE = re.compile(
    r"^[【\[]?(?:开栏的话|编者按|编者的话|编前语|编后语?|编后记|导读|导语|核心提示|开篇的话|题记)[】\]]?[:：]?$")
SITE_NAME_RE = re.compile(
    r"^(?:[^\s，。]{1,10}(?:网|网站|新闻网|在线|频道|客户端|新闻|日报|晚报|时报|首页)|[\w.-]+\.(?:com|cn|net|org)(?:\.cn)?)$",
    re.IGNORECASE)

_DAY_NUMBER = r"[\d一二三四五六七八九十]{1,3}"
WIRE_LEAD_RE = re.compile(rf"^\S{{0,12}}?(?:社|网|报)?\S{{0,6}}?{_DAY_NUMBER}月{_DAY_NUMBER}日(?:电|讯)")
_PROSE_MIN = 40     # a line this long with punctuation inside is a paragraph
SHORT = 25         # bylines and site names are shorter than this
WEAK_SHORT = 30    # a weak cue cuts a line this short anywhere, unless it is a sentence


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
        if (self.length >= _PROSE_MIN and ANY_PUNCT_RE.search(self.text) or WIRE_LEAD_RE.match(self.text)
                or "。" in self.text and self.han >= PARAGRAPH_HAN):
            return True
        return self.length >= 6 and self.han >= 4 and bool(SENTENCE_END_RE.search(self.text))


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
REPEATED_RE = re.compile(r"\s*(\S{1,6})(?:\s+\1)+\s*$")


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
    if NAV_RE.search(t) or (line.separators >= 2 and ">" in t and line.length <= 80 and line.sentence_punct == 0):
        return "navigation"
    if line.length <= 40 and line.sentence_punct == 0 and (
            (chrome.ui_tokens(t) and not metadata.find_date(t)) or _UI_RE.match(t) or REPEATED_RE.match(t)
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
    if line.length <= 120 and line.sentence_punct == 0 and (_KEYWORDS_RE.match(t) or TAG_LIST_RE.match(t)):
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
    if line.length <= 300 and COPYRIGHT_RE.search(line.text):
        return "copyright"
    if line.length <= 40 and PROMO_RE.search(line.text) and line.sentence_punct <= 1:
        return "promo"
    if line.length <= _FOLLOW_LINE and _FOLLOW_RE.search(line.text) and line.sentence_punct == 0:
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


#: A numbered section heading (``第七章 …``, ``7.1 理论架构``): part of the text (the shared
#: conventions), never the headline or a menu. On the labelled pages all such lines are content.
SECTION_HEADING_RE = re.compile(
    f"^(?:第[〇零一二三四五六七八九十百千\\d]+[章节篇部卷]\\s*\\S|\\d+(?:\\.\\d+)+\\s+[{HAN}])")


def is_title_shaped(line: Line) -> bool:
    """Headline shape: one phrase, mostly Chinese, no sentence ending, not a note marker or
    a numbered section heading."""
    t = line.text
    return (5 <= line.length <= 64 and line.han_share >= 0.5 and line.sentence_punct == 0
            and not t.endswith(("：", ":", "，", "、")) and not NOTE_MARKER_RE.match(t)
            and not SECTION_HEADING_RE.match(t)
            and line.separators <= 1 and not SITE_NAME_RE.match(t) and not _LETTER_SPACED_RE.match(t))


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

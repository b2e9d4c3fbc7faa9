"""Headline, byline, date, outlet and site: recognising them and parsing them.

The line classifier (:mod:`lines`) decides *which* line is a title, byline or
dateline; this module knows what such lines look like and turns them into
field values:

* ``parse_datetime``: every common Chinese date form (``2024年04月26日08:31``,
  ``2024-04-26 08:31``, ``2024/4/26``, ``民国91年3月19日``, ``26/04/2024``, full-width digits) → ISO 8601 with
  ``+08:00`` (a date without a time stays a date: ``2024-04-26``);
* ``parse_source``: ``来源：人民网-《人民日报》`` → ``人民日报``;
* ``clean_author``: ``作者：张三``, ``本报记者 张三 李四``, ``文/张三`` → the names;
* ``looks_like_name`` / ``looks_like_org``: the shapes of a byline.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime

from jingwen.text import lexicon
from jingwen.text.chars import HAN, HAN_RE

_WIDE_DIGITS = "０１２３４５６７８９：／－．"
_DIGITS = str.maketrans(_WIDE_DIGITS, "0123456789:/-.")
_WIDE_DIGITS_RE = re.compile(f"[{_WIDE_DIGITS}]")

_TIME = r"(?:[\sT]*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{1,2})(?:\s*[:：分]\s*(?P<S>\d{1,2}))?\s*秒?)?"
#: Dates as Chinese pages write them: year first (``2024年4月26日``, ``2024-04-26``, ``2024/4/26``), a year
#: of the Republic of China (``中华民国91年3月19日``: 2002), or day first (``26/04/2024``), each with a time.
DATE_RE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:年|[-/.])\s*(?P<m>\d{1,2})\s*(?:月|[-/.])\s*(?P<d>\d{1,2})(?!\d)\s*日?" + _TIME
    + r"|(?:中华)?民国\s*(?P<roc>\d{1,3})\s*年\s*(?P<rm>\d{1,2})\s*月\s*(?P<rd>\d{1,2})\s*日"
    + r"|(?<!\d)(?P<dd>\d{1,2})/(?P<dm>\d{1,2})/(?P<dy>(?:19|20)\d{2})(?!\d)"
    + _TIME.replace("?P<H>", "?P<dH>").replace("?P<M>", "?P<dM>").replace("?P<S>", "?P<dS>"))
#: A label of a page's metadata line (``发布时间：``, ``来源：``, ``作者：``, ``点击：``).
META_LABEL_RE = re.compile(
    r"(?:(?:发稿|发布|发表|更新|录入|上传|出版|刊发)?(?:时间|日期)|来源|稿源|出处|作者|编辑|责编|点击|浏览|阅读|人气|"
    r"字号)\s*[:：]|\b(?i:date|posted|published|updated|source)\b")

SOURCE_LABEL_RE = re.compile(r"(?:来源|来自|出处|稿源|文章来源|信息来源|新闻来源)\s*[:：]\s*")
_AUTHOR_LABEL_RE = re.compile(
    r"^(?:[(（【\[]\s*)?(?:作者|撰文|文字|撰稿|[^\s，。:：]{0,8}?(?:记者|通讯员|特约撰稿人?)|文|图文)"
    r"\s*(?:[:：/／|｜丨]\s*|\s+)")
ORG_SUFFIX_RE = re.compile(
    r"(?:党组|党委|委员会|编辑部|评论员|课题组|研究院|研究所|研究中心|办公室|领导小组|工作组|总工会|协会|学会|联合会|"
    r"理论学习中心组|宣传部|新闻中心|本报评论部|评论部)$")

# The most common Chinese surnames (single and compound): enough to recognise bylines.
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
    "官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖"
    "漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹"
    "诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由赖洪萧")
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯", "尉迟",
                      "公孙", "长孙", "宇文", "轩辕", "端木", "独孤", "南宫", "西门", "申屠", "太史", "澹台")
_NAME_RE = re.compile(f"[{HAN}]{{2,4}}")
_NAME_SPLIT_RE = re.compile(r"[\s、，,/／|｜·]+")
#: A byline name is not an ordinary word: jieba frequency at most this.
_MAX_NAME_WORD_FREQ = 50


def to_ascii_digits(text: str) -> str:
    """Full-width digits and separators → ASCII (for parsing only)."""
    return text.translate(_DIGITS) if _WIDE_DIGITS_RE.search(text) else text


def _date_parts(m: re.Match) -> tuple[int, int, int, str | None, str | None, str | None]:
    if m["roc"]:
        return int(m["roc"]) + 1911, int(m["rm"]), int(m["rd"]), None, None, None
    if m["dy"]:
        day, month = int(m["dd"]), int(m["dm"])
        if month > 12 >= day:  # 12/31/2024: an American page
            day, month = month, day
        return int(m["dy"]), month, day, m["dH"], m["dM"], m["dS"]
    return int(m["y"]), int(m["m"]), int(m["d"]), m["H"], m["M"], m["S"]


def find_date(text: str) -> re.Match | None:
    """The first date of ``text`` (its span is the span in ``text``: the digits map one to one)."""
    return DATE_RE.search(to_ascii_digits(text))


_LABEL_ONLY_RE = re.compile(r"^[\W_]*(?:" + META_LABEL_RE.pattern + r")[\W_]*$")


def leading_meta(text: str) -> str | None:
    """``date 2025-11-05`` when a line opens with a metadata label and a date and then goes on
    with text of its own (at least six characters with an ideograph, not more metadata); else None."""
    m = find_date(text)
    if not m or not m.start() or not _LABEL_ONLY_RE.match(text[:m.start()]):
        return None
    rest = text[m.end():].strip()
    if len(rest) < 6 or not HAN_RE.search(rest) or META_LABEL_RE.search(rest):
        return None
    return text[:m.end()].rstrip()


def parse_datetime(text: str) -> str | None:
    """The first date (and time) in ``text`` as ISO 8601 with +08:00, or None."""
    m = find_date(text)
    if not m:
        return None
    y, mo, d, hour, minute, second = _date_parts(m)
    try:
        if hour is None:
            return datetime(y, mo, d).date().isoformat()
        stamp = datetime(y, mo, d, int(hour), int(minute), int(second or 0))
    except ValueError:
        return None
    return stamp.isoformat() + "+08:00"


_PAPER_AS_AUTHOR_RE = re.compile(r"(?:作者|供稿)\s*[:：]\s*《\s*([^》]{1,30}?)\s*》")


def parse_source(text: str) -> str | None:
    """The outlet credited in a ``来源：…`` label, preferring a title in 《》 (or a paper
    signing as the author: ``作者：《华西都市报》``)."""
    m = SOURCE_LABEL_RE.search(text)
    if not m:
        paper = _PAPER_AS_AUTHOR_RE.search(text)
        return paper.group(1) if paper else None
    value = text[m.end():]
    value = re.split(r"\s{2,}|[|｜]|\s(?=(?:作者|编辑|责任编辑|记者|发布|时间|浏览|阅读|字号)\b)", value)[0].strip()
    titled = re.search(r"《\s*([^》]{1,30}?)\s*》", value)
    if titled:
        return titled.group(1)
    value = re.split(r"\s", value)[0].strip(" -—_·:：()（）【】[]")
    parts = [p for p in re.split(r"[-－—_]", value) if p]
    if 2 <= len(parts) <= 3 and all(2 <= len(p) <= 12 for p in parts):
        value = parts[-1]  # 人民网－人民日报: the site republished the paper, the origin comes last
    return value[:40] or None


@functools.lru_cache(maxsize=4096)
def looks_like_name(token: str) -> bool:
    """A Chinese personal name: a common surname and one to three more characters, and
    not an ordinary dictionary word (a word jieba tags as a name is fine)."""
    if not _NAME_RE.fullmatch(token):
        return False
    if token.startswith(_COMPOUND_SURNAMES):
        ok = 3 <= len(token) <= 4
    else:
        ok = token[0] in _SURNAMES and 2 <= len(token) <= 3
    lex = lexicon.load()
    return ok and (lex.word_freq(token) <= _MAX_NAME_WORD_FREQ or token in lex.names)


def looks_like_org(text: str) -> bool:
    """An organisation signing an article (``中共中华全国总工会党组``, ``本报评论员``)."""
    return 4 <= len(text) <= 30 and bool(ORG_SUFFIX_RE.search(text))


def strip_author_label(text: str) -> tuple[str, bool]:
    """``作者：张三`` → (``张三``, True); ``（记者 张三）`` → (``张三``, True)."""
    m = _AUTHOR_LABEL_RE.match(text)
    if not m:
        return text, False
    rest = text[m.end():].strip()
    if m.group().lstrip()[:1] in "(（【[":
        rest = rest.rstrip(" )）】]")
    return rest, True


_AFFILIATION_RE = re.compile(r"\s*[(（][^()（）]{2,40}[)）]\s*$")
_ROLE_RE = re.compile(r"^(?:实习生|见习记者|记者|通讯员|特约记者|摄影|摄|文|图|编辑|撰稿)$")


#: Bullets and symbols a byline may open with (``☉张国财``, ``■ 张三``).
_BULLET_RE = re.compile(r"^[^\w\s(（【\[《“\"'‘]+\s*")
#: ``／台北报导`` ``/北京报导联合报``: where a report was filed from, and the paper, after the reporter.
_REPORTED_FROM_RE = re.compile(r"\s*[/／]\s*(?P<place>[^\s/／]{1,8}?)(?:报导|报道)(?P<outlet>[^\s/／]{0,10})$")
_REPORTER_RE = re.compile(r"^[^\s/／]{0,6}?(?:记者|特派员|通讯员)\s*")
#: A newsroom desk signing a report (``生活中心``, ``国际中心``, ``政治组``).
_DESK_RE = re.compile(f"[{HAN}]{{1,6}}(?:中心|组|部|编辑室)")


def reported_from_outlet(text: str) -> str | None:
    """The paper named after ``记者张三／北京报导`` (``联合报``), if any."""
    m = _REPORTED_FROM_RE.search(text)
    return (m["outlet"] or None) if m else None


def byline_names(text: str) -> list[str] | None:
    """The names in a byline line, or None when it is not one.

    ``作者：王敏（中国社会科学院研究员）`` → [王敏]; ``首席记者 张三 实习生 李四`` → [张三, 李四].
    """
    text = _BULLET_RE.sub("", text.strip())
    report = _REPORTED_FROM_RE.search(text)
    if report:  # 记者赖锦宏／台北报导, 生活中心／综合报导, 生活中心／张尚辰报导: who, then where from
        if looks_like_name(report["place"]):
            return [report["place"]]
        text = _REPORTER_RE.sub("", text[:report.start()])
        return [text] if looks_like_name(text) or _DESK_RE.fullmatch(text) else None
    body, labelled = strip_author_label(text)
    body = _AFFILIATION_RE.sub("", body)
    if looks_like_org(body):
        return [body]
    tokens = [t for t in _NAME_SPLIT_RE.split(body) if t and not _ROLE_RE.match(t)]
    if not tokens or len(tokens) > 6:
        return None
    if all(looks_like_name(t) for t in tokens):
        return tokens
    if labelled and all(_NAME_RE.fullmatch(t) or t.isascii() for t in tokens):
        return tokens
    return None


def clean_author(text: str) -> str | None:
    """The author field from a byline line."""
    names = byline_names(text)
    return "、".join(names) if names else None


_NOT_OUTLET_RE = re.compile(r"^(?:发布于|发表于|来自|编辑于|更新于|IP属地|原创|发布|更新)")
_LABELLED_AUTHOR_RE = re.compile(f"(?:作者|撰文|记者)\\s*[:：]\\s*([{HAN}]{{2,20}}(?:[\\s、][{HAN}]{{2,4}})*)")
_WIRE_LEAD_RE = re.compile(
    r"^[^，。]{0,30}?(?:电|讯|报道)\s*[(（【]\s*(?:[^()（）【】\s]{0,8}?记者)\s*([^()（）【】]{2,30}?)\s*[)）】]"
    r"|^【[^】]{0,12}报道\s*记者\s*([^】]{2,20}?)】")


def outlet_beside_date(text: str) -> str | None:
    """``2024年05月01日 09:00 新浪新闻`` or ``环球网 2024-11-12 06:30`` → the outlet's name
    (never a place of publication like ``发布于北京``)."""
    m = find_date(text)
    if not m:
        return None
    for part in (text[m.end():], text[:m.start()]):
        name = part.strip(" |｜-—·:：")
        if (2 <= len(name) <= 20 and " " not in name and not _NOT_OUTLET_RE.match(name)
                and not META_LABEL_RE.search(name) and not SOURCE_LABEL_RE.search(name) and not byline_names(name)):
            return name
    return None


_OUTLET_LINE_RE = re.compile(
    r"^[\[【〔(（]?\s*(?P<name>[^\s\[\]【】〔〕()（）]{0,16}?(?:新闻客户端|新闻网|新闻|日报|晚报|早报|时报|"
    r"周刊|报|网|电视台|电台|通讯社))\s*[\]】〕)）]?$")


def outlet_line(text: str) -> str | None:
    """A line that is only an outlet's name (``[Newtalk新闻]``, ``爱济南新闻客户端``), or None."""
    m = _OUTLET_LINE_RE.match(text.strip())
    if not m or len(m["name"]) < 2 or META_LABEL_RE.search(text) or byline_names(m["name"]):
        return None
    return m["name"]


def labelled_author(text: str) -> str | None:
    """``来源：工人日报 作者：李娟 2024-09-05`` → 李娟."""
    m = _LABELLED_AUTHOR_RE.search(text)
    return clean_author(m.group(1)) if m else None


def wire_reporter(paragraph: str) -> str | None:
    """The reporter a wire lead names: ``新华社合肥4月12日电（记者 张三）`` → 张三."""
    m = _WIRE_LEAD_RE.search(paragraph[:80])
    if not m:
        return None
    names = [t for t in _NAME_SPLIT_RE.split(m.group(1) or m.group(2)) if t]
    return "、".join(names) if names and all(looks_like_name(t) for t in names) else None

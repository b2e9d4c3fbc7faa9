"""Line classifier and metadata on lines in the shape of real news sites."""
import pytest

from jingwen.document import extract_fields
from jingwen.page import blocks, glued, lines, metadata, shapes

ARTICLE = "习近平总书记指出，高质量发展是全面建设社会主义现代化国家的首要任务。我们要坚决贯彻落实。"


@pytest.mark.parametrize("text,label", [
    ("当前位置：首页 > 新闻 > 国内", "navigation"),
    ("小字号", "ui"),
    ("返回顶部", "ui"),
    ("分享让更多人看到", "ui"),
    ("【字体：大 中 小】 打印", "ui"),
    ("阅读 (3521)", "ui"),
    ("（责编：朴馨语、张永生）", "credit"),
    ("责任编辑：王晓", "credit"),
    ("【纠错】", "credit"),
    ("（本报记者 陈晨 整理）", "credit"),
    ("《 人民日报 》（ 2024年04月26日 09 版）", "print_edition"),
    ("调兵山市| 马山县| 沽源县| 延川县| 水富县| 合川市| 乃东县|", "spam"),
    ("图为2023年10月9日，大会在北京开幕。 新华社记者 才扬/摄", "caption"),
    ("相关新闻", "related"),
    ("上一页 1 2 3 下一页", "pagination"),
    ("（完）", "end_mark"),
    ("原标题：志愿填报，这些误区要避开", "original_title"),
    ("【关键词】国际舆论 “新疆棉花”事件 话语权", "keywords"),
    ("世纪之疫、医疗伦理、呼吸器、病房、DNR、covid19", "keywords"),
    ("北京、上海", None),             # two names are no tag line
    ("标签化的社会", None),           # a subhead that starts with the word
    ("索 引 号: 11330683742010670P/2017-84094 主题分类: 其他", "catalog"),
    ("[中图分类号] F49 [文献标识码] A [文章编号] 0257-0246(2019)06-0101-10", "catalog"),
    ("有效性检验很重要", None),
    ("600_97.jpg (800×782)", "image"),
    ("10008.jpg (160.33 KB, 下载次数: 6)", "image"),
    ("Fill 1", "ui"),
    ("Group 3 Copy", "ui"),
])
def test_strong_labels(text, label):
    assert shapes.strong_label(shapes.Line.of(text)) == label


@pytest.mark.parametrize("text,label", [
    ("Copyright © 1996-2024 SINA Corporation", "copyright"),
    ("盛多网提示：文章来自网络，不代表本站观点。", "copyright"),
    ("举报邮箱：jubao@vip.sina.com", "copyright"),
    ("下载新浪新闻客户端", "promo"),
])
def test_weak_cues(text, label):
    assert shapes.weak_label(shapes.Line.of(text)) == label


def test_content_is_not_cut():
    for text in [ARTICLE, "（作者为中华全国总工会党组书记、副主席）", "加强职工思想政治引领，凝聚思想共识",
                 "一、提高政治站位，增强政治自觉", "编辑部的同志们认真学习了文件精神，大家都很受鼓舞。",
                 "分享快乐，是他常挂在嘴边的话。", "责任编辑这一岗位在新闻出版行业十分重要。"]:
        assert shapes.strong_label(shapes.Line.of(text)) is None


def test_weak_cues_inside_an_article_stay():
    page = ["法院审结一起著作权纠纷案", "被告未经授权转载原告享有版权的文章，法院判决其赔偿经济损失。",
            "法官指出，“转载请注明出处”并不能免除转载者的法律责任。", ARTICLE,
            "Copyright © 2024 某某网 版权所有"]
    assert lines.classify(page) == ["title", "content", "content", "content", "copyright"]


def test_head_of_a_page():
    page = ["人民网", "组织动员亿万职工为发展新质生产力建功立业", "徐留平",
            "2024年04月26日08:31 | 来源：人民网-《人民日报》", "小字号", ARTICLE, ARTICLE + "二", "返回顶部"]
    labels = lines.classify(page)
    assert labels == ["navigation", "title", "byline", "dateline", "ui", "content", "content", "ui"]
    fields = extract_fields(page, labels)
    assert fields == {"title": "组织动员亿万职工为发展新质生产力建功立业", "author": "徐留平",
                      "published_at": "2024-04-26T08:31:00+08:00", "source": "人民日报", "site": "人民网"}


def test_no_title_is_invented():
    page = ["开栏的话", ARTICLE, "齐静", ARTICLE + "一", ARTICLE + "二"]
    labels = lines.classify(page)
    assert "title" not in labels and labels[2] == "byline"


def test_doubled_line_and_repeated_headline():
    assert shapes.undouble("图为大会开幕现场。 新华社记者 才扬/摄图为大会开幕现场。 新华社记者 才扬/摄") \
        == "图为大会开幕现场。 新华社记者 才扬/摄"
    page = ["推动工会工作高质量发展", "推动工会工作高质量发展", "2024年05月01日 09:00 新浪新闻", ARTICLE]
    assert lines.classify(page)[:3] == ["title", "duplicate", "dateline"]


@pytest.mark.parametrize("text,iso", [
    ("2024年04月26日08:31", "2024-04-26T08:31:00+08:00"),
    ("2024-04-26 08:31", "2024-04-26T08:31:00+08:00"),
    ("发布时间：2024/4/26", "2024-04-26"),
    ("２０２４年４月２６日　０８：３１", "2024-04-26T08:31:00+08:00"),
    ("2024.04.26 08:31:05", "2024-04-26T08:31:05+08:00"),
    ("中华民国91年3月19日星期二", "2002-03-19"),
    ("26/04/2024 09:30", "2024-04-26T09:30:00+08:00"),
    ("12/31/2024", "2024-12-31"),
    ("没有日期", None),
    ("2024年13月40日", None),
])
def test_dates(text, iso):
    assert metadata.parse_datetime(text) == iso


@pytest.mark.parametrize("text,meta", [
    ("发稿时间：2018-11-09 13:50:58 来源：新华每日电讯 作者：刘敏", True),
    ("[热点] 时间:2024-05-03 22:37:48 来源:蓝影头条 作者:综合 点击:164次", True),
    ("来源：新华社 作者：张三", True),
    ("2019年11月29日", False),  # a date alone may sign a document at its end
    ("2024年5月3日，国务院召开常务会议，来源：新华社", False),
    ("http://www.example.com 2024-03-07 12:24:43 【字号", True),  # a timed date with hardly a word beside it
    ("www.example.com?2010-03-08 07:17？？来源：东南网", True),  # ？ for characters the page lost
    ("市政府召开新闻发布会通报全市重点项目进展情况 2024-03-07 12:24", False),  # a headline of a list
])
def test_metadata_line_anywhere(text, meta):
    assert shapes.is_meta_line(shapes.Line.of(text)) is meta


def test_metadata_line_after_the_headline_is_not_the_first_paragraph():
    page = ["11月8日，听国社记者讲新闻背后的人和事", "发稿时间：2018-11-09 13:50:58 来源：新华每日电讯 作者：刘敏",
            ARTICLE]
    assert lines.classify(page) == ["title", "dateline", "content"]


@pytest.mark.parametrize("text,source", [
    ("来源：人民网-《人民日报》", "人民日报"),
    ("2024年11月09日09:21 来源：《工人日报》", "工人日报"),
    ("来源：新华网  作者：张三", "新华网"),
    ("（来源：中国新闻网）", "中国新闻网"),
])
def test_sources(text, source):
    assert metadata.parse_source(text) == source


@pytest.mark.parametrize("text,author", [
    ("徐留平", "徐留平"), ("本报记者 张三 李四", "张三、李四"), ("作者：欧阳修", "欧阳修"),
    ("中共中华全国总工会党组", "中共中华全国总工会党组"), ("文/王小明", "王小明"),
    ("加强职工思想政治引领", None), ("高质量发展", None),
])
def test_bylines(text, author):
    assert metadata.clean_author(text) == author


@pytest.mark.parametrize("text,names,outlet", [
    ("☉张国财", ["张国财"], None),                             # a bullet before the name
    ("特派记者赖锦宏/北京报导联合报", ["赖锦宏"], "联合报"),   # reporter / where filed from, then the paper
    ("记者 王小明／台北报导", ["王小明"], None),
    ("生活中心／综合报导", ["生活中心"], None),                # a newsroom desk
    ("生活中心/张尚辰报导", ["张尚辰"], None),                 # a desk, then the reporter
    ("新华社/北京报道", None, None),
])
def test_byline_shapes(text, names, outlet):
    assert metadata.byline_names(text) == names
    assert metadata.reported_from_outlet(text) == outlet


def test_a_byline_just_before_a_paragraph_below_a_list():
    page = ["城市公园迎来赏花季", *[f"第{i}条：其他新闻标题在这里" for i in range(6)], "☉张国财", ARTICLE]
    labels = lines.classify(page)
    assert labels[-2:] == ["byline", "content"]


@pytest.mark.parametrize("text,jammer", [
    ("X7 k9 W# N) d4 b6 w5", True),
    ("+ }# g5 Q# y) i' M# Q- ~/ _", True),
    ("1 2 3 4 5", False),            # a page list
    ("AAPL MSFT GOOG IBM TSLA", False),
])
def test_anti_copy_jammer_lines(text, jammer):
    assert glued.is_jammer(text) is jammer


def test_a_footer_bar_of_links_after_the_article():
    page = ["城市公园迎来赏花季", ARTICLE, "关于我们 RSS 隐私权政策 IWIN网路内容防护机构 人才招募"]
    assert lines.classify(page)[-1] == "navigation"


@pytest.mark.parametrize("text,name", [
    ("[Newtalk新闻]", "Newtalk新闻"),
    ("爱济南新闻客户端", "爱济南新闻客户端"),
    ("下载客户端", None),
    ("来源：新华网", None),
    ("张三", None),
])
def test_an_outlet_alone_on_a_line(text, name):
    assert metadata.outlet_line(text) == name


def test_the_outlet_under_the_headline_is_the_source():
    from jingwen import document

    raw = "\n".join(["官方辟谣：网传市政府将搬迁的消息不实", "爱济南新闻客户端", "2020-05-07 07:52", ARTICLE])
    record = document.clean_document(raw.encode(), "a.txt")
    assert record.source == "爱济南新闻客户端" and record.published_at.startswith("2020-05-07")


CONTENT_LABEL = lines.CONTENT
TITLE_LABEL = lines.TITLE


def test_a_list_of_other_stories_above_the_article():
    # headlines that end like sentences pass the head rule as prose; as a run they are a list
    heads = ["拿出魄力处罚违规业者！", "国营企业登陆就可以存活吗？", "医学教育评鉴获国际认可之后",
             "为奥林匹亚竞赛说几句话"]
    labels = lines.classify(["城市公园迎来赏花季", *heads, ARTICLE])
    assert CONTENT_LABEL not in labels[1:5] and labels[-1] == CONTENT_LABEL
    # an intro line and a section heading of the article are not other stories
    assert not blocks.headline_item(shapes.Line.of("以下是本周的重点新闻汇总："))
    assert not blocks.headline_item(shapes.Line.of("一、影视动态"))


def test_lines_standing_between_lists_after_the_article():
    related = ["俄战机在叙利亚挂弹出击 官兵住集装箱", "俄叙首次对IS实施联合空袭 叙战机为俄护航",
               "土耳其在边境击落一架俄罗斯军机"]
    page = ["城市公园迎来赏花季", ARTICLE, "分享到：", "已推荐 0", "关键词阅读： 苏-25 坠毁 飞行员", *related,
            "网友评论仅供其表达个人看法，并不表明网易立场。", *related[::-1]]
    labels = lines.classify(page)
    assert labels[1] == CONTENT_LABEL and CONTENT_LABEL not in labels[2:]
    # a short last paragraph after an inline ad is not an island: the line below it is no list
    page = ["城市公园迎来赏花季", ARTICLE, "广告", "目前，公园增设了休息点。", "责任编辑：张三"]
    assert lines.classify(page)[3] == CONTENT_LABEL


def test_buttons_beside_buttons_and_repeated_labels():
    page = ["城市公园迎来赏花季", "文字大小", "分享", "收藏", "前往专题", ARTICLE]
    assert lines.classify(page, model=None)[1:] == ["ui"] * 4 + [CONTENT_LABEL]  # the rules (the model may differ)
    assert shapes.strong_label(shapes.Line.of("广告 广告")) == "ui"


def test_a_label_said_twice_between_paragraphs_is_cut():
    assert lines.classify(["城市公园迎来赏花季", ARTICLE, "广告 广告", ARTICLE + "又及。"])[2] == "ui"


def test_prose_above_the_article_s_own_head_is_a_teaser():
    menu = ["今日头条", "专题", "话题", "要闻", "焦点新闻", "政治新闻"]
    promo = "这一刻，科技发展又有什么新发现？和【FIND科技报】一起在资讯汪洋中游走，尽情挖掘新知识！"
    page = ["王沪宁会见夏立言", promo, *menu, "特派记者赖锦宏/北京报导", ARTICLE, ARTICLE + "又及。"]
    labels = lines.classify(page)
    assert labels[1] == "teaser" and labels[-2:] == [CONTENT_LABEL] * 2
    # a standfirst longer than what follows the second head stays
    page = ["王沪宁会见夏立言", ARTICLE * 3, *menu, "特派记者赖锦宏/北京报导", ARTICLE]
    assert lines.classify(page)[1] == CONTENT_LABEL


def test_a_page_that_opens_with_its_own_title():
    banner = "本网站使用相关技术提供更好的阅读体验，同时尊重使用者隐私，点这里了解详细内容。"
    page = ["城市公园迎来赏花季 | 社会 | 中央社 CNA", "新闻频道", banner, "城市公园迎来赏花季",
            ARTICLE, ARTICLE + "又及。"]
    labels = lines.classify(page)
    assert labels[:4] == ["duplicate", "navigation", "teaser", "title"] and labels[-2:] == [CONTENT_LABEL] * 2
    assert extract_fields(page, labels)["title"] == "城市公园迎来赏花季"


def test_the_headline_above_the_dateline_when_the_page_opens_on_prose():
    banner = "本网站使用相关技术提供更好的阅读体验，同时尊重使用者隐私，点这里了解详细内容。"
    page = [banner, "全线告急！特大洪水会再现？千万别以为与你无关（组图）", "2019/8/16 16:26",
            ARTICLE, ARTICLE + "又及。"]
    assert lines.classify(page)[:3] == ["teaser", "title", "dateline"]
    # a byline at the top is no headline, and nothing is taken from the end of the page
    page = ["徐留平", "2024年11月09日09:21 来源：《工人日报》", ARTICLE, "（作者系全国总工会党组书记）"]
    assert TITLE_LABEL not in lines.classify(page)


def test_a_list_of_headlines_between_bullets_and_channel_names():
    heads = ["台玻46岁员工罹癌病故 家属头七带遗照抗议！", "海葵台风今晨2次登陆 本岛今晚脱离暴风圈！",
             "伯朗大道淹成「伯朗大海」开车经过惊呆", "男童从2楼瞬间踩空掉到1楼 妈妈竟回"]
    page = ["城市公园迎来赏花季", ARTICLE, ARTICLE + "又及。", "‧", heads[0], "‧", heads[1], "政治", heads[2], "‧",
            heads[3]]
    assert CONTENT_LABEL not in lines.classify(page)[3:]


def test_tags_under_a_bare_header_and_a_summary_the_body_repeats():
    page = ["城市公园迎来赏花季", "摘要：" + ARTICLE, ARTICLE + "此外。", ARTICLE + "又及。",
            "关键字：", "公园", "赏花", "樱花"]
    assert lines.classify(page)[1:] == ["duplicate", CONTENT_LABEL, CONTENT_LABEL] + ["keywords"] * 4


def test_an_invitation_to_follow_an_account_after_the_article():
    promo = "【城市公园迎来赏花季】更多资讯或合作欢迎关注中国经济网官方微信（名称：中国经济网，id:ourcecn）"
    assert lines.classify(["城市公园迎来赏花季", ARTICLE, ARTICLE + "又及。", promo, "推荐阅读"])[3] == "promo"
    # inside the article the same words are the article's
    inside = "市民纷纷表示欢迎关注城市公园的建设，希望公园增设更多休息点，让大家赏花更方便。"
    assert lines.classify(["城市公园迎来赏花季", ARTICLE, inside, ARTICLE + "又及。"])[2] == CONTENT_LABEL


def test_a_list_of_names_the_article_announces_stays():
    page = ["城市公园迎来赏花季", ARTICLE, "入选的城市如下：", "北京、上海、广州、深圳", ARTICLE + "又及。"]
    assert lines.classify(page, model=None)[3] == CONTENT_LABEL
    page = ["城市公园迎来赏花季", ARTICLE, ARTICLE + "又及。", "世纪之疫、医疗伦理、呼吸器、病房"]
    assert lines.classify(page, model=None)[3] == "keywords"


@pytest.mark.parametrize("line,kept", [
    ("各区人民政府，市政府直属各单位：", True),  # a notice's addressees
    ("分享到：", False), ("责任编辑：", False), ("当前位置：", False),  # chrome by its shape
])
def test_the_line_above_the_first_paragraph_that_ends_on_a_colon(line, kept):
    label = lines.classify(["城市公园迎来赏花季", line, ARTICLE, ARTICLE + "又及。"], model=None)[1]
    assert (label == CONTENT_LABEL) is kept


def test_a_document_signed_below_its_last_paragraph():
    page = ["城市公园迎来赏花季", ARTICLE, ARTICLE + "又及。", "特此通告。", "吉林省人民政府", "2022年1月27日"]
    assert lines.classify(page, model=None)[3:] == [CONTENT_LABEL] * 3
    page = ["城市公园迎来赏花季", ARTICLE, ARTICLE + "又及。", "返回顶部", "2024年1月1日"]  # a button is no issuer
    assert CONTENT_LABEL not in lines.classify(page, model=None)[3:]


def test_numbered_section_headings_at_the_top_are_the_articles_not_its_title():
    # devset 036: a report chapter that opens with its chapter and section headings
    prose = ("众所周知，青少年是社会系统的一部份，也是社会文化及历史文明演变的其中一个个体。自从人类抉择了群居生活"
             "及走进文明后，人再不是一个单纯的个体，而是一个纵横复杂的社会系统人。")
    labels = lines.classify(["第七章 澳门青少年服务发展蓝图", "7.1 理论架构", prose, prose[::-1]])
    assert labels[:3] == [lines.CONTENT] * 3

"""Boilerplate glued into article lines is split off, and clean lines are left whole."""
import pytest

from jingwen.page import glued

WATERMARK = "TVBNOW 含有热门话题，最新最快电视，软体，游戏，电影，动漫及日常生活及兴趣交流等资讯。"
#: The article around the watermarks (they are a small share of a page).
BODY = "由中国评论通讯社和台湾艺术股份有限公司联合组成的采访团，在高雄、屏东进行了专题采访。" * 10


def test_jammer_and_watermark_glued_to_paragraphs_become_lines_of_their_own():
    texts = [f"( e# X7 k9 W# N) d4 b6 w5 }}$ {{. K; a{WATERMARK}",
             "第一，南台湾不仅有好山好水好风光，更有勤劳、纯朴和善良的人民。",
             f"4 R$ }}( W7 M8 C+ w# z{WATERMARK} 第二，南台湾就像一本读不完的百科全书！：e( n2 T) o/ z( K* ^- f",
             f"/ E3 O5 Y. z5 ^3 @/ \\{WATERMARK}", BODY]
    pieces, splits = glued.split_glued(texts)
    assert pieces[1] == [texts[1]]
    assert pieces[2] == ["4 R$ }( W7 M8 C+ w# z", WATERMARK, "第二，南台湾就像一本读不完的百科全书！",
                         "：e( n2 T) o/ z( K* ^- f"]
    assert pieces[0][-1] == WATERMARK and glued.is_jammer(pieces[0][0])
    assert splits == 5


@pytest.mark.parametrize("text,tail", [
    ("市领导叶林、秦良骥参加会议。 展开详细", "展开详细"),
    ("提高居民的生活质量。” 海河流经豫北地区。 ... more", "... more"),
    ("他说，这次会议非常重要。", None),
    ("会议于今天上午召开。 大", None),             # one character is no button
    ("会议于今天上午召开。 分享到朋友圈的人很多", None),  # words after the sentence that are not all chrome
])
def test_a_button_after_the_last_sentence(text, tail):
    span = glued.ui_tail(text)
    assert (text[slice(*span)] if span else None) == tail


@pytest.mark.parametrize("texts", [
    ["准驾车型为 A1 A2 A3 B1 B2 C1 的驾驶人。"],  # codes without symbols are no jammer
    ["公式 x + y = z + 1 成立。"],
    ["关于印发实施方案的通知。", "关于印发实施方案的通知。", "关于印发实施方案的通知。"],  # short: not a watermark
    ["他说：“我们会继续努力，把工作做得更好。”", "她说：“我们会继续努力。”"],
])
def test_clean_lines_stay_whole(texts):
    pieces, splits = glued.split_glued(texts)
    assert splits == 0 and pieces == [[t] for t in texts]


def test_a_sentence_printed_on_three_lines_is_a_watermark():
    assert glued.watermarks([f"a{WATERMARK}", f"u{WATERMARK}", WATERMARK, BODY]) == [WATERMARK]
    assert glued.watermarks([f"a{WATERMARK}", WATERMARK, BODY]) == []
    # the end of a sentence that three paragraphs share is the article's (a stock phrase)
    phrase = "，切实维护人民群众生命财产安全。"
    items = ["一是强化隐患排查，对全市重点企业开展拉网式检查", "二是压实主体责任，督促企业落实安全生产措施",
             "三是加强应急值守，确保突发情况第一时间得到处置"]
    assert glued.watermarks([t + phrase for t in items] + [BODY]) == []
    assert glued.is_watermark(WATERMARK, 3, 1000)
    assert not glued.is_watermark("推动新时代新征程工会工作高质量发展", 3, 1000)
    assert not glued.is_watermark(WATERMARK, 3, 200)  # three copies that are most of the page are its text


def test_a_page_made_of_one_sentence_said_again_keeps_it():
    texts = [f"第{i}段：进入四月，城市公园里樱花、海棠竞相开放，吸引众多市民前来踏青赏花。" for i in range(5)]
    assert glued.watermarks(texts) == []


@pytest.mark.parametrize("before,link,after,joined", [
    ("23日下午，在", "北大", "万众楼二层，北大中国经济研究中心向社会发布报告。", True),
    ("的偏差，CCER的宋国青教授通过分析国家", "统计", "局的数据表示，工业增速创新高。", True),
    ("城市公园迎来赏花季", "新闻", "进入四月，公园里樱花竞相开放。", False),    # a headline, a menu word, a paragraph
    ("进入四月，公园里樱花竞相开放。", "相关", "新闻里说，公园增设了休息点。", False),  # a sentence that ended
    ("市民纷纷拍照，记者 张三 摄", "人物画像", "汤先生夫妇二人，刚三十出头。", False),   # a photo credit
    ("进入四月，公园里樱花竞相开", "分享", "放，吸引众多市民。", False),              # a chrome word
])
def test_a_sentence_broken_around_a_linked_word(before, link, after, joined):
    assert glued.broken_at_link(before, link, after) is joined
    groups, n = glued.rejoin_links([before, link, after])
    assert (groups, n) == (([[0, 1, 2]], 2) if joined else ([[0], [1], [2]], 0))

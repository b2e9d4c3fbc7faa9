"""Clean article text that the page-structure rules must keep (cases from a review:
each rule once cut or changed lines like these)."""
import pytest

from jingwen import document
from jingwen.page import glued, lines

A = "市教育局近日召开全市教育工作会议，总结去年工作成绩，部署今年重点任务，全市各级各类学校负责人参加会议。"
B = "会议指出，过去一年全市教育系统坚持立德树人根本任务，深化教育综合改革，各项工作取得了显著成效，群众满意度不断提升。"
C = "会议强调，今年要聚焦教育强市建设目标，加快推进基础教育扩优提质，办好人民满意的教育，为全市高质量发展提供有力支撑。"
NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆"]

CASES = {
    "a closing sentence after an announced list": (
        ["全市教育工作会议召开", A, B, C, "会上表彰了优秀教师代表：", *NAMES,
         "希望受表彰的教师珍惜荣誉，再接再厉。"], [-1]),
    "a lead above an agenda and a date": (
        ["全市教育工作会议召开", A, "会议议程：", "一、传达上级会议精神", "二、总结去年工作", "三、部署今年任务",
         "四、表彰先进集体", "五、签订目标责任书", "2024年3月5日", B, C], [1, 9, 10]),
    "an article's section on a privacy policy": (
        ["多款App违规收集个人信息被通报", A, B, "隐私政策",
         "专家提醒，用户在注册App时应仔细阅读隐私政策条款，不要随意授权通讯录、位置等敏感权限。",
         "律师表示，平台若超范围收集个人信息，用户可向监管部门投诉，依法维护自身合法权益。"], [3, 4, 5]),
    "a closing paragraph that names an official account": (
        ["今年中考报名3月10日开始", A, B, C,
         "考生和家长可关注“北京教育发布”官方微信公众号，及时了解中考政策和报名的最新信息。"], [-1]),
    "an enumeration without a full stop": (
        ["春节假期旅游市场火爆", A, "热门目的地包括北京、上海、广州、成都、西安、哈尔滨", B, C], [2]),
    "a page without a headline ending on an exclamation": (
        [A, B, "让我们携起手来，共同守护我们的绿水青山！", "来源：人民日报"], [0, 1, 2]),
}


@pytest.mark.parametrize("name", CASES)
def test_clean_lines_are_kept(name):
    page, kept = CASES[name]
    labels = lines.classify(page)
    assert all(labels[i] == lines.CONTENT for i in kept), list(zip(labels, page))


@pytest.mark.parametrize("page,cut", [
    (["全市教育工作会议召开", A, B, "打印本页", "2024年3月5日"], [3, 4]),   # chrome is no document's issuer
    (["全市教育工作会议召开", "扫码关注我们：", A, B], [1]),              # nor a promotion its addressees
])
def test_chrome_stays_cut(page, cut):
    labels = lines.classify(page, model=None)  # the document-frame rule itself
    assert all(labels[i] != lines.CONTENT for i in cut)


def test_a_headline_its_byline_and_the_lead_are_not_one_sentence():
    for link in ("张三", "新华网", "王明摄"):
        assert not glued.broken_at_link("推动高质量发展，建设美丽家园", link, "近日，记者来到某地，看到了新的变化。")
    record = document.clean_document("\n".join(["推动高质量发展，建设美丽家园", "张三", B, C]).encode(), "a.txt")
    assert record.title == "推动高质量发展，建设美丽家园" and record.text.startswith("会议指出")


@pytest.mark.parametrize("text", ["3:1 2:0 1:0 2:1 4:0", "+1 -2 +3 -1 +5", "5% 8% 3% 2% 9%", "A+ B+ A- B C+",
                                  "x=1 y=2 z=3 a=4 b=5"])
def test_scores_numbers_grades_and_formulas_are_no_jammer(text):
    assert not glued.is_jammer(text)


def test_a_footnote_marker_is_no_button_and_a_button_after_a_quote_is():
    assert glued.ui_tail("这一发现具有重要的方法论意义。[1]") is None
    text = "他说：“我们会继续努力做到。”展开全文"
    assert text[slice(*glued.ui_tail(text))] == "展开全文"

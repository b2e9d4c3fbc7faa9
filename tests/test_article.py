"""Document-level checks: what is left of a page is an article, or a reject with its reason."""
from jingwen import document
from jingwen.page import article

PARAGRAPH = "市气象台今天发布消息，未来三天本市将出现持续降雨天气，请市民出行注意安全，带好雨具。"


def test_a_page_of_headlines_is_not_an_article():
    teasers = ["科技 | 新款手机发布会定于下周举行", "时尚 | 秋冬流行色盘点！", "热门产品：意外险 旅游险 更多",
               "如何证明外星生物真的存在？"]
    assert "no paragraph" in article.not_article(teasers)
    assert article.not_article([*teasers, PARAGRAPH]) is None
    assert article.not_article(["今天天气很好，我们去公园散步。"]) is None  # a short brief is still one


def test_a_feed_is_not_an_article():
    feed = ["<title>市区道路改造完工", "<link>http://example.org/a?id=1</link>",
            f"<description>{PARAGRAPH}</description>", "<title>新学期开学", "<link>http://example.org/a?id=2</link>"]
    assert "markup tags" in article.not_article(feed)


def test_japanese_is_not_chinese_however_many_kanji():
    assert article.japanese("この記事は、新しい配列を使った方が楽なのは、効率がいいからです。" * 3)
    assert article.japanese(PARAGRAPH * 3) is None
    assert article.japanese("东京・大阪ツアー" + PARAGRAPH * 3) is None  # a few katakana in Chinese text


def test_a_line_broken_at_its_commas_is_one_paragraph():
    raw = "\n".join(["长青学苑的英文歌唱班成立至今已两年，", "目前成员约廿五人，", "年龄都在六十岁以上。",
                     "风电装机约4.4亿千瓦；", "水电装机约4.2亿千瓦。"]).encode()
    prep = document.prepare(raw, "a.txt")
    assert prep.lines == ["长青学苑的英文歌唱班成立至今已两年，目前成员约廿五人，年龄都在六十岁以上。",
                          "风电装机约4.4亿千瓦；", "水电装机约4.2亿千瓦。"]  # a list item on each line stays
    assert prep.line_numbers == [1, 4, 5] and prep.repairs["rejoined_line"] == 2


def test_a_dateline_glued_to_the_text_is_split_off():
    raw = f"date 2025-11-05 {PARAGRAPH}\n{PARAGRAPH}".encode()
    prep = document.prepare(raw, "a.txt")
    assert prep.lines[0] == "date 2025-11-05" and prep.line_numbers[:2] == [1, 1]
    assert prep.repairs["split_dateline"] == 1
    record = document.clean_document(raw, "a.txt")
    assert record.published_at == "2025-11-05" and not record.text.startswith("date")


def test_a_page_of_two_stories_is_not_an_article():
    one = "本报综合报导 台东县昨晚发生一起车祸，一名男子穿越马路时遭小客车撞上，送医后不治。"
    two = "本报记者报导 某县一所学校宿舍深夜发生火灾，消防人员赶到后迅速扑灭明火，事故原因正在调查。"
    assert article.not_article([one, PARAGRAPH]) is None                       # one story
    assert "2 stories" in article.not_article([one, PARAGRAPH, "学校宿舍深夜起火", two, PARAGRAPH])

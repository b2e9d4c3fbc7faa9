import pytest

from jingwen.text import normalize


@pytest.mark.parametrize("raw,clean", [
    ("来源:人民网-《人民日报》", "来源：人民网-《人民日报》"),
    ("2024年04月26日08:31", "2024年04月26日08:31"),
    ("举报邮箱:jubao@vip.sina.com", "举报邮箱：jubao@vip.sina.com"),
    ("共1,000人,其中5,他说", "共1,000人，其中5，他说"),
    ("“四技”(技术革新、技术创新)", "“四技”（技术革新、技术创新）"),
    ("人工智能(AI)技术", "人工智能（AI）技术"),
    ("He said (hi), ok", "He said (hi), ok"),
    ("合理化建议777.7万条", "合理化建议777.7万条"),
    ("“AI+”工具,“普惠性+特殊性”", "“AI+”工具，“普惠性+特殊性”"),
    ("他说\"你好\"。", "他说“你好”。"),
    ("等等...", "等等……"),
    ("中国--美国", "中国——美国"),
    ("这是什么?", "这是什么？"),
    ("一,,,,,,", "一，，，，，，"),  # each comma converted makes the next touch Chinese: more than four passes
])
def test_punctuation(raw, clean):
    assert normalize.normalize_punctuation(raw)[0] == clean


def test_characters():
    text, counts = normalize.normalize_chars("ＡＢＣ１２３，ｘ％&amp;&#20013;\u200b\ue000y\x07")
    assert text == "ABC123，x％&中 y"  # letters and digits become half width, symbols stay
    assert counts == {"fullwidth_ascii": 7, "html_entity": 2, "zero_width": 1, "private_use": 1, "control_char": 1}


def test_lines_and_spaces():
    lines, counts = normalize.normalize_lines(["\u3000\u3000第一段。  ", "", "  ", " 第二  段 \u00a0"])
    assert lines == ["第一段。", "第二 段"]
    assert counts["whitespace"] == 3
    assert normalize.normalize_newlines("a\r\nb\rc\u2028d") == "a\nb\nc\nd"


@pytest.mark.parametrize("raw, clean", [
    ("<p>第一段。</p>", "第一段。"),
    ("第一句<br>第二句<br/>", "第一句第二句"),
    ("<P align=center>标题</P>", "标题"),
    ('看<a href="http://x.cn/1">这里</a>和<b>粗体</b>', "看这里和粗体"),
    ("word<br>word", "word word"),
    ("</o:p>文字<span style='x'>", "文字"),
])
def test_formatting_tags_are_removed(raw, clean):
    assert normalize.strip_tags(raw)[0] == clean


@pytest.mark.parametrize("text", ["p<0.05，且a<b>c", "<<红楼梦>>", "《红楼梦》", "选项<A>正确", "1<b>2", "x<a>y",
                                  "AT&T公司", "<script>var a=1</script>", "<title>标题", "<div中", "<abc>",
                                  "若 x < y 且 y > z"])
def test_text_that_only_looks_like_markup_stays(text):
    assert normalize.strip_tags(text) == (text, 0)
    assert normalize.normalize_entities(text) == (text, 0)


def test_a_no_break_space_between_ideographs_goes():
    assert normalize.normalize_entities("新增&nbsp;步道，iPhone&nbsp;15") == ("新增步道，iPhone 15", 2)

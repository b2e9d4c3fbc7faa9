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

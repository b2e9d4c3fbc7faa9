"""Property tests of the core (hypothesis): it never raises, fixing is idempotent,
and repair leaves clean text alone."""
import json

from conftest import DATA, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingwen.document import Record, Reject, clean
from jingwen.fix import fix_line
from jingwen.repair import mojibake, pinyin

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text made of what scrapes are made of: ideographs, Chinese and ASCII punctuation, Latin-1
# mojibake letters, kana, digits, spaces, question marks, parentheses, pinyin vowels
ALPHABET = st.one_of(
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(list("，。、；：？！“”‘’《》（）——……·「」【】\u3000")),
    st.sampled_from(list(" \t\n?()[]<>|/-.,:;!\"'&#0123456789abcxyzABC")),
    st.characters(min_codepoint=0x80, max_codepoint=0xFF),
    st.sampled_from(list("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü")),
    st.characters(min_codepoint=0x3040, max_codepoint=0x30FF),
    st.sampled_from(["\ufffd", "锟斤拷", "\u200b", "\ue000", "&amp;", "&#20013;", "發(fā)", "網(wǎng)"]),
)
SCRAPE_TEXT = st.lists(ALPHABET, max_size=120).map("".join)


def _clean_lines() -> list[str]:
    lines = []
    for path in sorted((DATA / "gold").glob("*.json")):
        lines += json.loads(path.read_text("utf-8"))["text"].split("\n")
    section = None
    for line in (ROOT / "bench" / "clean_extra.txt").read_text("utf-8").splitlines():
        if line.startswith("## "):
            section = line
        elif section and line.strip():
            lines.append(line)
    return lines


CLEAN = _clean_lines()


@SETTINGS
@given(st.binary(max_size=3000))
def test_cleaning_never_raises_on_bytes(raw):
    result, removed = clean(raw, "any.txt")
    assert isinstance(result, (Record, Reject))
    if isinstance(result, Record):
        assert result.text and "\n\n" not in result.text


@SETTINGS
@given(SCRAPE_TEXT)
def test_cleaning_never_raises_on_text(text):
    result, _ = clean(text.encode("utf-8"), "any.txt")
    assert isinstance(result, (Record, Reject))


@SETTINGS
@given(SCRAPE_TEXT.filter(lambda t: "\n" not in t))
def test_fix_is_idempotent(text):
    once, _ = fix_line(text)
    twice, _ = fix_line(once)
    assert twice == once


@SETTINGS
@given(st.sampled_from(CLEAN), st.integers(min_value=0, max_value=400), st.integers(min_value=1, max_value=400))
def test_repair_never_changes_clean_text(line, start, length):
    piece = line[start % max(1, len(line)):][:length] or line
    repaired, counts = mojibake.repair_line(piece)
    assert repaired == piece and not counts
    assert pinyin.remove_annotations(piece)[0] == piece

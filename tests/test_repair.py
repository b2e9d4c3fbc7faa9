"""The repair engine on real broken text: every case is made by really encoding
and decoding bytes, or copied from a sample scrape."""
import pytest
from conftest import bench_module

from jingwen.fix import fix_line
from jingwen.repair import bytedp, mojibake, pinyin
from jingwen.repair.decode import decode_bytes
from jingwen.repair.misaligned import fix_misaligned_gbk
from jingwen.text import script

CLEAN = "中华全国总工会党组书记、副主席，书记处第一书记。"


def test_utf8_read_as_gbk():
    broken = CLEAN.encode("utf-8").decode("gb18030", errors="replace")  # as browsers decode "gbk"
    fixed, counts = mojibake.repair_line(broken)
    assert fixed == CLEAN
    assert counts["utf8_as_gbk"] == 1


def test_utf8_read_as_gbk_with_lost_bytes_as_question_marks():
    broken = "中国人民".encode().decode("gbk", errors="replace").encode("gbk", errors="replace").decode("gbk")
    assert "?" in broken
    fixed, counts = mojibake.repair_line(broken)
    assert fixed == "中国人民"
    assert counts["lost_byte_restored"] == 2


def test_gbk_read_as_latin1_and_utf8_read_as_cp1252():
    assert mojibake.repair_line(CLEAN.encode("gbk").decode("latin-1"))[0] == CLEAN
    assert mojibake.repair_line(CLEAN.encode("utf-8").decode("cp1252", errors="replace"))[0] != ""
    assert mojibake.repair_line("æˆ‘ä»¬çš„ä¸–ç•Œ")[0] == "我们的世界"


def test_double_layer():
    once = CLEAN.encode("utf-8").decode("latin-1")
    twice = once.encode("utf-8").decode("latin-1")
    assert mojibake.repair_line(twice)[0] == CLEAN


def test_big5_read_as_gbk_and_back():
    trad = "中華全國總工會黨組書記、副主席。"
    assert mojibake.repair_line(trad.encode("big5").decode("gb18030"))[0] == trad
    assert mojibake.repair_line("习近平总书记指出".encode("gbk").decode("cp950"))[0] == "习近平总书记指出"


def test_misaligned_gbk_from_sample_000():
    line = " ?。ㄗ髡邽橹腥A全國總工會黨組書記、副主席、書記處第一書記)"
    fixed, counts = fix_misaligned_gbk(line)
    assert fixed.strip(" \u3000") == "（作者為中華全國總工會黨組書記、副主席、書記處第一書記)"
    assert counts["misaligned_gbk"] == 1


def test_misaligned_gbk_high_bit_stripped_from_sample_000():
    line = "形成與之相適應的新型生產關(guān)系?!眲趧雨P(guān)系是生產關(guān)系的重要組成部分"
    fixed, counts = mojibake.repair_line(line)
    assert "關(guān)系。”勞動關(guān)系是" in fixed
    assert counts["lost_char_guessed"] == 1


def test_misaligned_gbk_one_byte_lost():
    data = "他说：“我们要发展新质生产力。”".encode("gbk")
    broken = (data[:9] + data[10:]).decode("gbk", errors="replace")
    fixed, _ = mojibake.repair_line(broken)
    assert "发展新质生产力" in fixed or "新质生产力" in fixed


def test_kunkun_is_lost_not_fixed():
    fixed, counts = mojibake.repair_line("前文锟斤拷锟斤拷后文")
    assert fixed == "前文\ufffd\ufffd\ufffd\ufffd后文"
    assert counts["lost_chars"] == 4


@pytest.mark.parametrize("clean", [
    CLEAN,
    "中華全國總工會黨組書記、副主席。",
    "朱镕基总理会见了喆、堃、淼三位同学。",
    "详见 https://www.people.com.cn/n1/2024/0426/c1001-40224.html?from=timeline 链接",
    "他问：这是什么?我不知道。",
    "其中(注:数据来源于统计局)显示",
    "日本語のテキストです。",
    "Größe und Gewicht, café au lait, naïve résumé",
    "Ça coûte 12 € — très cher!",
])
def test_clean_text_is_never_changed(clean):
    assert mojibake.repair_line(clean)[0] == clean


def test_pinyin_mirror_removed_but_real_readings_kept():
    mirror = "發(fā)展新質(zhì)生產(chǎn)力,人民網(wǎng)報(bào)道"
    fixed, counts = pinyin.remove_annotations(mirror)
    assert fixed == "發展新質生產力,人民網報道"
    assert counts["pinyin_annotation"] == 5
    for real in ("这里的“和(hé)”读第二声，蚌(bèng)埠是地名。",
                 "“的(de)、地(de)、得(de)”的用法", "饕(tāo)餮(tiè)、耄(mào)耋(dié)之年"):
        assert pinyin.remove_annotations(real)[0] == real
    # an annotation that the line's end cut off goes too, in a mirror only
    assert pinyin.remove_annotations("福建代表团的“开（kāi", mirror=True)[0] == "福建代表团的“开"
    assert pinyin.remove_annotations("福建代表团的“开（kāi", mirror=False)[0] == "福建代表团的“开（kāi"


def test_toneless_pinyin_mirror_removed():
    mirror = "在社會(hui)變遷中記錄，立於(yu)時代潮頭，薪火相傳(chuan)，寫(xie)就《縣委書(shu)記的榜樣》"
    fixed, counts = pinyin.remove_annotations(mirror)
    assert fixed == "在社會變遷中記錄，立於時代潮頭，薪火相傳，寫就《縣委書記的榜樣》"
    assert pinyin.remove_annotations("和(he)的(de)")[0] == "和(he)的(de)"


def test_character_lost_before_its_pinyin_is_restored():
    fixed, counts = pinyin.remove_annotations("人民網(wǎng)來(lái)源:《工人日?qǐng)?bào)》發(fā)布")
    assert fixed == "人民網來源:《工人日报》發布"
    assert counts["lost_char_from_pinyin"] == 1


@pytest.mark.parametrize("trad,simp", [
    ("發揮著主力軍作用", "发挥着主力军作用"),
    ("著名的著力點", "著名的着力点"),
    ("什麼是新質生產力", "什么是新质生产力"),
    ("意味著", "意味着"),
    ("乾隆皇帝喝乾了水", "乾隆皇帝喝干了水"),
    ("瞭解情況，瞭望遠方", "了解情况，瞭望远方"),
    ("以此為藉口，尋求慰藉", "以此为借口，寻求慰藉"),
    ("反覆覆蓋", "反复覆盖"),
])
def test_traditional_to_simplified_mainland_forms(trad, simp):
    assert script.to_simplified(trad, traditional=True)[0] == simp


def test_simplified_text_costs_nothing():
    text = "中华人民共和国成立七十五周年。著名的作家穿着外套。"
    assert script.to_simplified(text) == (text, 0)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "gb2312", "big5", "utf-16"])
def test_decode_any_encoding(encoding):
    text = "中华全国总工会党组书记" if encoding != "big5" else "中華全國總工會黨組書記"
    decoded = decode_bytes(text.encode(encoding))
    assert decoded.text == text
    assert decoded.lost == 0


def test_hong_kong_characters_beyond_big5_are_read_with_hkscs():
    text = "香港深水埗區議員指出，深水埗的露宿者人數多年來居高不下，社區需要更多支援。" * 3
    decoded = decode_bytes(text.encode("big5hkscs"))
    assert decoded.text == text and decoded.lost == 0 and decoded.encoding == "big5hkscs"


def test_short_gbk_is_not_taken_for_korean():
    assert decode_bytes("你好".encode("gbk")).text == "你好"
    assert decode_bytes("新闻".encode("gbk")).encoding == "gb18030"


def test_utf8_cut_mid_character_counts_the_loss():
    decoded = decode_bytes("你好世界".encode()[:-1])
    assert decoded.encoding == "utf-8" and decoded.lost == 1


def test_big5_read_as_latin1_that_lost_its_soft_hyphens():
    # 個 is AD D3 in Big5: a Latin-1 page shows AD as an invisible soft hyphen, and it gets stripped
    text = "眾所周知，青少年是社會系統的一部份。人再不是一個單純的個體，而是一個複雜的社會系統人。"
    damaged = text.encode("big5").replace(b"\xad", b"").decode("latin-1")
    fixed, fixes = mojibake.fix_single_byte_mojibake(damaged)
    assert fixed == text and fixes["big5_as_latin1"]


def test_latin1_mojibake_from_a_decoder_that_took_valid_utf8_pairs():
    # such a decoder reads a valid two-byte UTF-8 sequence as one letter (C5 B9 of 藍圖 shows as Ź)
    text = "第七章 澳門青少年服務發展藍圖"
    raw, shown, i = text.encode("big5"), [], 0
    while i < len(raw):
        pair = raw[i:i + 2]
        if len(pair) == 2 and 0xC2 <= pair[0] <= 0xDF and 0x80 <= pair[1] <= 0xBF:
            shown.append(pair.decode("utf-8"))
            i += 2
        else:
            shown.append(chr(raw[i]))
            i += 1
    assert "Ź" in shown
    assert mojibake.fix_single_byte_mojibake("".join(shown))[0] == text


def test_pre_check_passes_clean_lines_and_stops_mojibake():
    for clean in (CLEAN, "plain ASCII, with a question? mark", "这次A股下挫，2024年GDP增长5%"):
        assert mojibake.repair_line(clean) == (clean, {})
    assert not mojibake.needs_repair(CLEAN) and not mojibake.needs_repair("ASCII only")
    assert mojibake.needs_repair("你好世界".encode().decode("gb18030"))  # common characters: the bytes tell
    assert mojibake.needs_repair(CLEAN.encode("gbk").decode("latin-1"))


def test_utf8_read_as_gbk_in_a_span_of_a_clean_line():
    span = "给予进入".encode().decode("gb18030")
    line = f"如果我们开始{span}太空的人类更大的自由度"
    fixed, counts = mojibake.repair_line(line)
    assert fixed == "如果我们开始给予进入太空的人类更大的自由度" and counts["utf8_as_gbk"] == 1


def test_utf8_read_as_strict_cp1252_that_lost_its_undefined_bytes():
    text = "参加大会报道的70多家境内外媒体和100多名记者"
    damaged = text.encode("utf-8").decode("cp1252", errors="replace")
    assert "\ufffd" in damaged
    assert mojibake.repair_line(damaged)[0] == text


def test_gbk_read_as_big5_with_lost_bytes():
    text = "这次A股下挫和以前有什么不同,显示出什么问题"
    damaged = text.encode("gbk").decode("cp950", errors="replace")
    assert "\ufffd" in damaged or damaged != text
    assert mojibake.repair_line(damaged)[0] == text


@pytest.mark.parametrize("text", ["据报道，2017年6月23日上午10时，会议在北京召开。", "历时8个月。接下来"])
def test_a_lost_byte_is_judged_by_the_text_on_both_sides_of_its_span(text):
    """``6鏈?23``: the digits before the span make it 6月, not 6本."""
    damaged = text.encode().decode("gbk", errors="replace").encode("gbk", errors="replace").decode("gbk")
    assert mojibake.repair_line(damaged)[0] == text


def test_a_byte_big5_gave_up_on_is_one_that_makes_no_big5_character_with_the_next():
    text = "把学习宣传贯彻等重点群体"  # 群 c8 ba, not the colon a3 ba (a Big5 character)
    damaged = text.encode("gbk").decode("cp950", errors="replace")
    assert "\ufffd" in damaged
    assert mojibake.repair_line(damaged)[0] == text


def test_byte_decoder_fills_an_unknown_byte_from_the_characters_that_fit():
    data = list("中华全国总工会".encode())
    data[4] = None  # the second byte of 华
    reading = bytedp.decode(data, "utf-8")
    assert reading.text == "中华全国总工会" and reading.filled == 1


def test_a_line_still_garbled_keeps_its_characters_and_is_not_converted():
    garbled = "中华全国总工会党组书记副主席书记处第一书记".encode().decode("cp950", errors="replace")
    out, counts = fix_line(garbled)
    assert out == garbled and counts == {"unrepaired_mojibake": 1}


def test_windows_cp936_reads_byte_0x80_as_the_euro_sign():
    text = "被誉为数据库领域的“奥林匹克”。它"  # “ is e2 80 9c: Windows cp936 and browsers read 0x80 as €
    damaged = "琚獕涓烘暟鎹簱棰嗗煙鐨勨€滃ゥ鏋楀尮鍏嬧€濄€傚畠"
    assert mojibake.repair_line(damaged)[0] == text


# (腾讯云 comes back as 腾要云: 讯 and 要 both fit, and the 1998 model never saw 腾讯)
@pytest.mark.parametrize("text", ["国产数据库一直是备受关注的领域。",
                                  "此前该基准测试的世界纪录保持者为蚂蚁集团旗下的自研数据库",
                                  "核心指标有两个：每分钟的处理事务数与性价比。",
                                  "2017年6月23日，记者从市里获悉"])
def test_pairs_a_gbk_decoder_dropped_without_a_mark_are_restored(text):
    # devset 017's decoder: GBK two bytes at a time, 0x80 as €, a pair it cannot read dropped
    damaged = bench_module("repair_bench").utf8_as_gbk_dropped(text, None)
    assert damaged is not None  # pairs were dropped
    fixed, counts = mojibake.repair_line(damaged)
    assert fixed == text and counts["lost_byte_restored"] >= 2


def test_big5_read_as_latin1_by_a_decoder_that_kept_valid_utf8():
    # devset 036: the decoder read bytes that happened to be valid UTF-8 as UTF-8 (C5 B9 is Ź,
    # E9 A4 A7 is 餧) and the others as Latin-1
    text = "‧整體之特性往往較其組成系統的特性強。"
    data = text.encode("cp950")
    damaged = "¡E¾ãÅ餧¯S©Ê©¹©¹¸û¨ä²Õ¦¨¨t²Îªº¯S©Ê±j¡C"
    assert mojibake.single_byte_encode(damaged) == data
    assert mojibake.repair_line(damaged)[0] == text
    assert mojibake.repair_line("第七章 ¿Dªù«C¤Ö¦~ªA°Èµo®iÂŹÏ")[0] == "第七章 澳門青少年服務發展藍圖"


def test_latin1_range_characters_of_a_decoder_that_kept_utf8_may_stand_for_two_bytes():
    # GBK 么 is C3 B4, valid UTF-8 for ô: that decoder wrote ô, which Latin-1 reads as F4
    text = "这次A股下挫和以前有什么不同,显示出什么问题"
    damaged = "Õâ´ÎA¹ÉÏ´ìºÍÒÔǰÓÐʲô²»ͬ,ÏÔʾ³öʲôÎÊÌâ"
    assert "ô" in damaged and "ǰ" in damaged  # ǰ (C7 B0) is the evidence of such a decoder
    assert mojibake.repair_line(damaged)[0] == text


def test_byte_decoder_realigns_after_a_lost_or_an_added_byte():
    data = list("中华全国总工会党组书记".encode("gbk"))
    lost = bytedp.decode(data[:4] + data[5:], "gbk", bytedp.Moves(lost=5.0, inserted=14.0))
    assert lost.text == "中华全国总工会党组书记" and lost.lost == 1  # 全 from its trail byte
    added = bytedp.decode(data[:4] + [0xB0] + data[4:], "gbk", bytedp.Moves(lost=5.0, inserted=14.0))
    assert added.text.endswith("全国总工会党组书记")  # back in step after the extra byte

"""Repair benchmark on today's text: damage made by really encoding and decoding bytes.

usage: python bench/repair_bench.py [--n 300] [--seed 7] [--no-ftfy] [--only NAME]

The clean text comes from sources the language model never counted
(``bench/repair_corpus.py``: the real pages of ``../shared/devset-lines``, the
devset's checklists, the gold records, Python's CJK test texts, ``humanize``'s
message catalogues). For each kind of damage, modern news lines are damaged the
way real software damages them, then repaired by jingwen (``mojibake.repair_line``
and pinyin removal: the repair step, without normalization) and by ftfy
(``fix_text`` with its defaults). Printed per set: exact-match rate and CER
against the clean line. Clean sets (modern news in both scripts, page lines,
mixed Chinese-English, URLs, code, ``?``, Japanese, Korean, European) must come
back unchanged: printed as lines changed. Then speed on one core: MB/s on clean
and on damaged text, the worst milliseconds per 10 KB document, one long
mojibake line through ``jingwen fix``'s core, and Traditional→Simplified.
"""
from __future__ import annotations

import argparse
import codecs
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))

import repair_corpus  # noqa: E402

from jingwen.fix import fix_line  # noqa: E402
from jingwen.repair import mojibake, pinyin  # noqa: E402
from jingwen.text import script  # noqa: E402
from jingwen.text.normalize import normalize_chars  # noqa: E402

# -- damage, done with real codecs -------------------------------------------------------

def sloppy_1252(data: bytes) -> str:
    """Windows-1252 as browsers decode it (the five holes become C1 controls)."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def utf8_as_gbk(line: str, rng: random.Random) -> str | None:
    try:
        return line.encode("utf-8").decode("gb18030")
    except UnicodeDecodeError:
        return None


def _windows_cp936(error: UnicodeDecodeError) -> tuple[str, int]:
    """Windows cp936 and the browsers' GB decoders read byte 0x80 as ``€`` (Python's codecs
    do not); other bytes they cannot read become U+FFFD."""
    return ("€" if error.object[error.start] == 0x80 else "\ufffd"), error.start + 1


codecs.register_error("windows_cp936", _windows_cp936)


def utf8_as_gbk_lost(line: str, rng: random.Random) -> str | None:
    """Python's GBK decoder with errors=replace, saved again as GBK: lost bytes become '?' or U+FFFD."""
    broken = line.encode("utf-8").decode("gbk", errors="replace")
    if "\ufffd" not in broken:
        return None
    return broken.encode("gbk", errors="replace").decode("gbk") if rng.random() < 0.5 else broken


def utf8_as_gb18030_lost(line: str, rng: random.Random) -> str | None:
    """A browser's decoder (GB18030 for any GB label, 0x80 as ``€``): fewer lost bytes,
    private-use characters."""
    broken = line.encode("utf-8").decode("gb18030", errors="windows_cp936")
    return broken if "\ufffd" in broken else None


def gbk_as_latin1(line, rng):
    return line.encode("gbk").decode("latin-1")


def gbk_as_cp1252(line, rng):
    return sloppy_1252(line.encode("gbk"))


def utf8_as_cp1252(line, rng):
    return sloppy_1252(line.encode("utf-8"))


def utf8_as_latin1_twice(line, rng):
    return line.encode("utf-8").decode("latin-1").encode("utf-8").decode("latin-1")


def latin1_keeping_utf8(data: bytes) -> str | None:
    """A decoder that reads each valid UTF-8 sequence as UTF-8 and any other byte as
    Latin-1 (devset 036): a broken file's stretches of valid UTF-8 stay. None when no
    sequence was valid UTF-8 (that is plain Latin-1, another row)."""
    out, i, kept = [], 0, False
    while i < len(data):
        for size in (3, 2, 4):
            try:
                ch = data[i:i + size].decode("utf-8")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and ord(ch) > 0x7F:
                out.append(ch)
                i += size
                kept = True
                break
        else:
            out.append(chr(data[i]))
            i += 1
    return "".join(out) if kept else None


def big5_as_gbk(line, rng):
    try:
        return line.encode("big5").decode("gb18030")
    except UnicodeError:
        return None


def gbk_as_big5(line, rng):
    try:
        return line.encode("gbk").decode("cp950")
    except UnicodeError:
        return None


def utf8_as_cp1252_lost(line, rng):
    """Strict Windows-1252 with errors=replace: its five undefined bytes became U+FFFD."""
    broken = line.encode("utf-8").decode("cp1252", errors="replace")
    return broken if "\ufffd" in broken else None


def utf8_as_cp936_lost(line, rng):
    """Windows cp936 (``€`` is byte 0x80) with errors=replace."""
    broken = line.encode("utf-8").decode("cp936", errors="windows_cp936")
    return broken if "\ufffd" in broken else None


def utf8_as_gbk_dropped(line, rng):
    """The decoder of a real scrape (devset 017, reproduced byte for byte): GBK read two
    bytes at a time, 0x80 as ``€``; a pair it cannot read is dropped without a mark (a
    lead byte before ASCII alone)."""
    data, out, i = line.encode("utf-8"), [], 0
    while i < len(data):
        x = data[i]
        if x <= 0x80:
            out.append(chr(x) if x < 0x80 else "€")
            i += 1
            continue
        pair = data[i:i + 2]
        try:
            out.append(pair.decode("gbk"))
        except UnicodeDecodeError:
            if len(pair) == 2 and pair[1] < 0x80:
                i += 1
                continue
        i += 2
    broken = "".join(out)
    return broken if len(broken.encode("gb18030")) - broken.count("€") < len(data) else None  # € is one byte


def gbk_as_latin1_twice(line, rng):
    """GBK read as Latin-1, saved as UTF-8, read as Windows-1252 again."""
    return sloppy_1252(line.encode("gbk").decode("latin-1").encode("utf-8"))


def gbk_as_big5_lost(line, rng):
    """GBK read as Big5 with errors=replace: pairs Big5 lacks became U+FFFD."""
    broken = line.encode("gbk", errors="ignore").decode("cp950", errors="replace")
    return broken if "\ufffd" in broken else None


def utf8_as_gbk_span(line: str, rng: random.Random) -> str | None:
    """A span of 2-12 characters of a clean line was UTF-8 read as GBK (a field pasted
    from another page, a title or a name)."""
    han = [i for i, c in enumerate(line) if "\u4e00" <= c <= "\u9fff"]
    if len(line) < 8 or len(han) < 4:
        return None
    i = rng.choice(han[:-2])
    j = min(len(line), i + rng.randint(2, 12))
    if j - i < 2 or j == len(line) and i == 0:
        return None
    span = line[i:j].encode("utf-8").decode("gb18030", errors="replace")
    return line[:i] + span + line[j:]


def fullwidth(line, rng):
    """ASCII letters and digits written full width (as GBK-era pages do)."""
    return line.translate({cp: cp + 0xFEE0 for cp in range(0x30, 0x7B) if chr(cp).isalnum()})


def misaligned(kind: str) -> Callable[[str, random.Random], str | None]:
    """One damaged byte inside GBK: lost, added, replaced by '?', or high bit stripped."""
    def damage(line: str, rng: random.Random) -> str | None:
        data = line.encode("gbk")
        leads = [i for i in range(len(data) - 2) if data[i] >= 0x81 and _is_lead(data, i)]
        if not leads:
            return None
        i = rng.choice(leads[: max(1, len(leads) // 2)])  # damage in the first half, garble the rest
        if kind == "lost":
            data = data[:i] + data[i + 1:]
        elif kind == "added":
            data = data[:i] + bytes([rng.randrange(0x81, 0xFF)]) + data[i:]
        elif kind == "question":
            data = data[:i] + b"?" + data[i + 1:]
        else:
            data = data[:i] + bytes([data[i] & 0x7F]) + data[i + 1:]
        return data.decode("gbk", errors="replace")
    return damage


def _is_lead(data: bytes, i: int) -> bool:
    j = 0
    while j < i:
        j += 2 if data[j] >= 0x81 else 1
    return j == i


def kunkun(line, rng):
    """A GBK page that carried UTF-8 U+FFFD bytes: one character became 锟斤拷."""
    i = rng.randrange(len(line))
    return line[:i] + "锟斤拷" + line[i + 1:]


def entities_and_invisibles(line, rng):
    """Numeric entities, zero-width characters and word joiners sprinkled in."""
    out = []
    for ch in line:
        r = rng.random()
        if r < 0.05:
            out.append(f"&#{ord(ch)};")
        elif r < 0.08:
            out.append(ch + "\u200b")
        elif r < 0.10:
            out.append(ch + "\u2060")
        else:
            out.append(ch)
    return "".join(out)


# -- sets --------------------------------------------------------------------------------

@dataclass
class Case:
    damaged: str
    want: str


def _pinyin_mirror(trad: str, rng: random.Random, lose: bool) -> str | None:
    from pypinyin import Style
    from pypinyin import pinyin as readings

    syllables = readings(trad, style=Style.TONE, errors=lambda x: [[""] for _ in x])
    out, annotated = [], 0
    for ch, (reading,) in zip(trad, syllables):
        if reading and rng.random() < 0.35:
            annotated += 1
            if lose and rng.random() < 0.1:
                out.append(f"?{reading})")
            else:
                out.append(f"{ch}({reading})")
        else:
            out.append(ch)
    return "".join(out) if annotated >= 3 else None


#: The damage sets, grouped as the issue's table groups them.
DAMAGES: dict[str, Callable[[str, random.Random], str | None]] = {
    "gbk_as_latin1": gbk_as_latin1,
    "gbk_as_latin1_keeping_utf8": lambda line, rng: latin1_keeping_utf8(line.encode("gbk")),
    "gbk_as_cp1252": gbk_as_cp1252,
    "utf8_as_cp1252": utf8_as_cp1252,
    "utf8_as_gbk": utf8_as_gbk,
    "utf8_as_latin1_x2": utf8_as_latin1_twice,
    "gbk_as_latin1_x2": gbk_as_latin1_twice,
    "gbk_as_big5": gbk_as_big5,
    "utf8_as_gbk_lost_bytes": utf8_as_gbk_lost,
    "utf8_as_gb18030_lost_bytes (browser)": utf8_as_gb18030_lost,
    "utf8_as_cp936_lost_bytes": utf8_as_cp936_lost,
    "utf8_as_gbk_dropped_pairs": utf8_as_gbk_dropped,
    "utf8_as_gbk_span_in_clean_line": utf8_as_gbk_span,
    "utf8_as_cp1252_lost_bytes": utf8_as_cp1252_lost,
    "gbk_as_big5_lost_bytes": gbk_as_big5_lost,
    "misaligned_gbk_lost_byte": misaligned("lost"),
    "misaligned_gbk_added_byte": misaligned("added"),
    "misaligned_gbk_question_mark": misaligned("question"),
    "misaligned_gbk_high_bit": misaligned("high_bit"),
}
#: Sets damaged from Traditional lines (Big5 bytes, a mirror's pinyin).
TRADITIONAL_DAMAGES = ("big5_as_gbk", "big5_as_latin1_keeping_utf8", "pinyin_mirror", "pinyin_mirror_lost_chars")


def _big5_bytes(text: str) -> bytes | None:
    try:
        return text.encode("cp950")
    except UnicodeEncodeError:
        return None


def build_sets(n: int, seed: int) -> dict[str, list[Case]]:
    import opencc

    rng = random.Random(seed)
    simp, trad = repair_corpus.news_lines()
    lines = list(simp)
    random.Random(seed + 1).shuffle(lines)
    s2t = opencc.OpenCC("s2t")
    trad_lines = list(trad) + [s2t.convert(t) for t in lines[:n]]
    sets: dict[str, list[Case]] = {}
    for name, damage in DAMAGES.items():
        cases = []
        for line in lines:
            try:
                d = damage(line, rng)
            except UnicodeError:  # a character the codec cannot encode (U+00A0 in GBK)
                continue
            if d is not None and d != line:
                cases.append(Case(d, line))
            if len(cases) == n:
                break
        sets[name] = cases
    sets["big5_as_gbk"] = [Case(d, t) for t in trad_lines if (d := big5_as_gbk(t, rng)) and d != t][:n]
    sets["big5_as_latin1_keeping_utf8"] = [Case(d, t) for t in trad_lines if _big5_bytes(t)
                                           and (d := latin1_keeping_utf8(_big5_bytes(t)))][:n]
    sets["pinyin_mirror"] = [Case(m, t) for t in trad_lines if (m := _pinyin_mirror(t, rng, False))][:n]
    sets["pinyin_mirror_lost_chars"] = [Case(m, t) for t in trad_lines
                                        if (m := _pinyin_mirror(t, rng, True)) and "?" in m][:n]
    sets["entities_invisibles"] = [Case(entities_and_invisibles(t, rng), t) for t in lines[:n]]
    sets["fullwidth"] = [Case(d, t) for t in lines if (d := fullwidth(t, rng)) != t][:n]
    sets["kunkun"] = [Case(kunkun(t, rng), t) for t in lines[:n]]
    return sets


def clean_sets() -> dict[str, list[str]]:
    import opencc

    sets = repair_corpus.clean_sets()
    s2t = opencc.OpenCC("s2t")
    sets["modern news (Simplified→Traditional by OpenCC)"] = [s2t.convert(t) for t in
                                                              repair_corpus.news_lines()[0][:500]]
    return sets


# -- repair functions --------------------------------------------------------------------

def ours(text: str) -> str:
    """The repair step: mojibake, pinyin annotations, entities and invisible characters."""
    text, _ = mojibake.repair_line(text)
    text, _ = pinyin.remove_annotations(text)
    return text


def simplified(text: str) -> str:
    return script.to_simplified(text, traditional=True)[0]


def ours_entities(text: str) -> str:
    return normalize_chars(ours(text))[0]


def cer(got: str, want: str) -> float:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(got, want) / max(1, len(want))


def run_set(cases: list[Case], fn: Callable[[str], str], reference: Callable[[str], str] = lambda s: s):
    exact = errs = chars = 0
    for c in cases:
        got, want = fn(c.damaged), reference(c.want)
        exact += got == want
        errs += cer(got, want) * len(want)
        chars += len(want)
    return exact / max(1, len(cases)), errs / max(1, chars)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300, help="lines per damage set (default 300)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-ftfy", action="store_true", help="skip the ftfy column")
    ap.add_argument("--only", help="run only the damage sets whose name contains this")
    args = ap.parse_args()
    import ftfy

    started = time.time()
    simp, trad = repair_corpus.news_lines()
    if not simp:
        sys.exit(f"no modern text found (is {repair_corpus.SHARED} there?)")
    print(f"Modern news lines: {len(simp)} Simplified, {len(trad)} Traditional ({repair_corpus.SHARED})\n")
    fix_line("预热 warm-up 預熱")  # load the tables first
    sets = build_sets(args.n, args.seed)
    print(f"## Repair: exact match and CER against the clean line (up to {args.n} lines per set)\n")
    print("| damage | lines | jingwen exact | jingwen CER | ftfy exact | ftfy CER | jingwen s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    timing: list[tuple[str, float, int]] = []
    for name, cases in sets.items():
        if args.only and args.only not in name or name == "kunkun":
            continue
        fn, ref = ours, (lambda s: s)
        if name in ("entities_invisibles", "fullwidth"):
            fn, ref = ours_entities, (lambda s: normalize_chars(s)[0])
        elif name.startswith("pinyin"):  # judged after Traditional→Simplified: a restored 发 is 發
            fn, ref = (lambda s: simplified(ours(s))), simplified
        t0 = time.perf_counter()
        e, c = run_set(cases, fn, ref)
        dt = time.perf_counter() - t0
        if name in DAMAGES:
            timing.append((name, dt, sum(len(x.damaged.encode("utf-8")) for x in cases)))
        fe, fc = run_set(cases, ftfy.fix_text, ref) if not args.no_ftfy else (float("nan"), float("nan"))
        print(f"| {name} | {len(cases)} | {e:.1%} | {c:.4f} | {fe:.1%} | {fc:.4f} | {dt:.1f} |")
    if args.only:
        return
    kk = sets["kunkun"]
    marked = sum(1 for c in kk if "锟" not in (got := ours(c.damaged)) and "\ufffd" in got)
    print(f"\n`锟斤拷` is unrecoverable: in {marked} of {len(kk)} lines it became U+FFFD and was counted "
          f"as lost (ftfy: {sum('锟' not in ftfy.fix_text(c.damaged) for c in kk)} of {len(kk)} touched).")
    print("\n## Clean lines changed (must be 0)\n")
    print("| clean set | lines | jingwen repair | jingwen fix (normalizes) | ftfy fix_text | ftfy fix_encoding |")
    print("|---|---:|---:|---:|---:|---:|")
    total = changed = 0
    cleans = clean_sets()
    examples = []
    for name, lines in cleans.items():
        got = [ours(t) for t in lines]
        ours_changed = sum(g != t for g, t in zip(got, lines))
        examples += [(t, g) for g, t in zip(got, lines) if g != t][:3]
        fix_changed = sum(fix_line(t)[0] != t for t in lines)
        ft = sum(ftfy.fix_text(t) != t for t in lines)
        fe = sum(ftfy.fix_encoding(t) != t for t in lines)
        total += len(lines)
        changed += ours_changed
        print(f"| {name} | {len(lines)} | {ours_changed} | {fix_changed} | {ft} | {fe} |")
    print(f"| **all** | {total} | **{changed}** | | | |")
    for before, after in examples:
        print(f"\n    changed: {before!r}\n         to: {after!r}")
    script_accuracy(simp)
    speed(cleans, sets, timing)
    print(f"\n(benchmark took {time.time() - started:.0f} s)")


def script_accuracy(lines: list[str]) -> None:
    """Simplified → Traditional (OpenCC s2t) → back: how often the line comes back exactly."""
    import opencc

    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    trad = [s2t.convert(t) for t in lines]
    ours_ok = sum(script.to_simplified(t)[0] == o for t, o in zip(trad, lines))
    theirs_ok = sum(t2s.convert(t) == o for t, o in zip(trad, lines))
    print("\n## Traditional → Simplified, round trip of modern news lines\n")
    print("| converter | lines | exact |")
    print("|---|---:|---:|")
    print(f"| jingwen | {len(lines)} | {ours_ok / len(lines):.1%} |")
    print(f"| opencc-python-reimplemented t2s | {len(lines)} | {theirs_ok / len(lines):.1%} |")


#: Lines of a set are grouped into documents of about this many bytes for the ceiling.
DOC_BYTES = 10_240


def _docs(lines: list[str]) -> list[list[str]]:
    docs, cur, size = [], [], 0
    for line in lines:
        cur.append(line)
        size += len(line.encode("utf-8")) + 1
        if size >= DOC_BYTES:
            docs.append(cur)
            cur, size = [], 0
    return docs + ([cur] if cur else [])


def _worst_ms_per_10kb(lines: list[str], fn: Callable[[str], object]) -> tuple[float, int]:
    """The slowest document of ``lines`` (grouped by :data:`DOC_BYTES`), in ms per 10 KB."""
    worst = 0.0
    docs = _docs(lines)
    for doc in docs:
        size = sum(len(x.encode("utf-8")) + 1 for x in doc)
        t0 = time.perf_counter()
        for line in doc:
            fn(line)
        worst = max(worst, (time.perf_counter() - t0) * 1000 * DOC_BYTES / max(size, 1))
    return worst, len(docs)


def speed(cleans: dict[str, list[str]], sets: dict[str, list[Case]], timing: list[tuple[str, float, int]]) -> None:
    """One core: the repair step on clean and on damaged text, the per-document worst
    case, a long mojibake line, and Traditional→Simplified against OpenCC."""
    import opencc

    def rate(lines: list[str], fn) -> float:
        mb = len("\n".join(lines).encode("utf-8")) / 1e6
        t0 = time.perf_counter()
        for line in lines:
            fn(line)
        return mb / (time.perf_counter() - t0)

    clean = [t for lines in cleans.values() for t in lines]
    damaged = [c.damaged for name in DAMAGES for c in sets[name]]
    news = repair_corpus.news_lines()[0]
    clean_worst, clean_docs = _worst_ms_per_10kb(clean, ours)
    dmg_worst, dmg_docs = _worst_ms_per_10kb(damaged, ours)
    slowest = max(timing, key=lambda t: t[1] / max(t[2], 1))
    long_line = "".join(news).encode("utf-8").decode("gb18030", errors="replace")[:100_000]
    t0 = time.perf_counter()
    fix_line(long_line)
    long_rate = len(long_line.encode("utf-8")) / 1e6 / (time.perf_counter() - t0)
    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    trad = s2t.convert("\n".join(news)).split("\n")
    script.to_simplified("\n".join(trad))  # warm the form cache
    print("\n## Speed (one core)\n")
    print("| what | figure |")
    print("|---|---:|")
    print(f"| pre-check (`mojibake.needs_repair`), clean lines (all clean sets) | "
          f"{rate(clean, mojibake.needs_repair):.1f} MB/s |")
    print(f"| repair step, clean lines (all clean sets, {len(clean)} lines) | {rate(clean, ours):.1f} MB/s |")
    print(f"| repair step, modern news lines | {rate(news, ours):.1f} MB/s |")
    print(f"| repair step, damaged lines (all damage sets) | {rate(damaged, ours):.2f} MB/s |")
    print(f"| slowest damage set: {slowest[0]} | {slowest[2] / 1e6 / slowest[1]:.2f} MB/s |")
    print(f"| worst document, clean (of {clean_docs} of ~10 KB) | {clean_worst:.0f} ms per 10 KB |")
    print(f"| worst document, damaged (of {dmg_docs} of ~10 KB) | {dmg_worst:.0f} ms per 10 KB |")
    print(f"| `jingwen fix` core (fix_line), clean modern news | {rate(news, fix_line):.1f} MB/s |")
    print(f"| `jingwen fix` core, one 100 KB line of UTF-8 read as GBK | {long_rate:.2f} MB/s |")
    print(f"| Traditional→Simplified, jingwen | {rate(trad, script.to_simplified):.1f} MB/s |")
    print(f"| Traditional→Simplified, opencc-python-reimplemented t2s | {rate(trad, t2s.convert):.2f} MB/s |")


if __name__ == "__main__":
    main()

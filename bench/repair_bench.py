"""Repair benchmark: synthetic damage made by really encoding and decoding bytes.

usage: python bench/repair_bench.py [--n 500] [--clean-n 2000] [--seed 7] [--no-ftfy]

For each damage type, clean People's Daily lines are damaged the way real
software damages them, then repaired by jingwen (``mojibake.repair_line`` and
pinyin removal: the repair step, without normalization) and by ftfy
(``fix_text`` with its defaults). Printed per set: exact-match rate and CER
against the clean line. Clean sets (Simplified, Traditional, rare characters,
URLs, ``?``, Latin parentheses, Japanese, Korean, European languages, mixed)
must come back unchanged: printed as lines changed. Then throughput of
``jingwen fix`` on clean text and of Traditional→Simplified against
opencc-python-reimplemented.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent))

from corpus import extra_clean_lines, sample_lines  # noqa: E402

from jingwen.fix import fix_line  # noqa: E402
from jingwen.repair import mojibake, pinyin
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


def utf8_as_gbk_lost(line: str, rng: random.Random) -> str | None:
    """Python's GBK decoder with errors=replace, saved again as GBK: lost bytes become '?' or U+FFFD."""
    broken = line.encode("utf-8").decode("gbk", errors="replace")
    if "\ufffd" not in broken:
        return None
    return broken.encode("gbk", errors="replace").decode("gbk") if rng.random() < 0.5 else broken


def utf8_as_gb18030_lost(line: str, rng: random.Random) -> str | None:
    """A browser's decoder (GB18030 for any GB label): fewer lost bytes, private-use characters."""
    broken = line.encode("utf-8").decode("gb18030", errors="replace")
    return broken if "\ufffd" in broken else None


def gbk_as_latin1(line, rng):
    return line.encode("gbk").decode("latin-1")


def gbk_as_cp1252(line, rng):
    return sloppy_1252(line.encode("gbk"))


def utf8_as_cp1252(line, rng):
    return sloppy_1252(line.encode("utf-8"))


def utf8_as_latin1_twice(line, rng):
    return line.encode("utf-8").decode("latin-1").encode("utf-8").decode("latin-1")


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


def build_sets(n: int, seed: int) -> dict[str, list[Case]]:
    import opencc

    rng = random.Random(seed)
    lines = sample_lines(n * 3, seed + 1)
    s2t = opencc.OpenCC("s2t")
    trad_lines = [s2t.convert(t) for t in lines[:n]]
    damages = {
        "utf8_as_gbk": utf8_as_gbk,
        "utf8_as_gbk_lost_bytes": utf8_as_gbk_lost,
        "utf8_as_gb18030_lost_bytes (browser)": utf8_as_gb18030_lost,
        "gbk_as_latin1": gbk_as_latin1,
        "gbk_as_cp1252": gbk_as_cp1252,
        "utf8_as_cp1252": utf8_as_cp1252,
        "utf8_as_latin1_x2": utf8_as_latin1_twice,
        "gbk_as_big5": gbk_as_big5,
        "misaligned_gbk_added_byte": misaligned("added"),
        "misaligned_gbk_high_bit": misaligned("high_bit"),
        "misaligned_gbk_lost_byte": misaligned("lost"),
        "misaligned_gbk_question_mark": misaligned("question"),
    }
    sets: dict[str, list[Case]] = {}
    for name, damage in damages.items():
        cases = []
        for line in lines:
            d = damage(line, rng)
            if d is not None and d != line:
                cases.append(Case(d, line))
            if len(cases) == n:
                break
        sets[name] = cases
    sets["big5_as_gbk"] = [Case(d, t) for t in trad_lines if (d := big5_as_gbk(t, rng)) and d != t][:n]
    sets["pinyin_mirror"] = [Case(m, t) for t in trad_lines if (m := _pinyin_mirror(t, rng, False))][:n]
    sets["pinyin_mirror_lost_chars"] = [Case(m, t) for t in trad_lines
                                        if (m := _pinyin_mirror(t, rng, True)) and "?" in m][:n]
    sets["entities_invisibles"] = [Case(entities_and_invisibles(t, rng), t) for t in lines[:n]]
    sets["kunkun"] = [Case(kunkun(t, rng), t) for t in lines[:n]]
    return sets


def clean_sets(n: int, seed: int) -> dict[str, list[str]]:
    import opencc

    lines = sample_lines(n, seed + 2)
    out = {"simplified (People's Daily)": lines,
           "traditional": [opencc.OpenCC("s2t").convert(t) for t in lines[: n // 4]]}
    for name, extra in extra_clean_lines().items():
        out[name] = extra
    return out


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
    ap.add_argument("--n", type=int, default=500, help="lines per damage type (default 500)")
    ap.add_argument("--clean-n", type=int, default=2000, help="clean Simplified lines (default 2000)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-ftfy", action="store_true", help="skip the ftfy column")
    ap.add_argument("--only", help="run only the damage sets whose name contains this")
    args = ap.parse_args()
    import ftfy

    ftfy_fix = None if args.no_ftfy else ftfy.fix_text
    started = time.time()
    sets = build_sets(args.n, args.seed)
    print(f"## Repair: exact match and CER against the clean line ({args.n} lines per set)\n")
    print("| damage | lines | jingwen exact | jingwen CER | ftfy exact | ftfy CER |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, cases in sets.items():
        if args.only and args.only not in name:
            continue
        if name == "kunkun":
            continue
        fn, ref = ours, (lambda s: s)
        if name == "entities_invisibles":
            fn, ref = ours_entities, (lambda s: normalize_chars(s)[0])
        elif name.startswith("pinyin"):  # judged after Traditional→Simplified: a restored 发 is 發
            fn, ref = (lambda s: simplified(ours(s))), simplified
        t0 = time.time()
        e, c = run_set(cases, fn, ref)
        dt = time.time() - t0
        fe, fc = run_set(cases, ftfy_fix, ref) if ftfy_fix else (float("nan"), float("nan"))
        print(f"| {name} | {len(cases)} | {e:.1%} | {c:.4f} | {fe:.1%} | {fc:.4f} |  <!-- {dt:.1f}s -->")
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
    for name, lines in clean_sets(args.clean_n, args.seed).items():
        ours_changed = sum(ours(t) != t for t in lines)
        fix_changed = sum(fix_line(t)[0] != t for t in lines)
        ft = sum(ftfy.fix_text(t) != t for t in lines)
        fe = sum(ftfy.fix_encoding(t) != t for t in lines)
        total += len(lines)
        changed += ours_changed
        print(f"| {name} | {len(lines)} | {ours_changed} | {fix_changed} | {ft} | {fe} |")
    print(f"| **all** | {total} | **{changed}** | | | |")
    script_accuracy(args.clean_n, args.seed)
    speed()
    print(f"\n(benchmark took {time.time() - started:.0f} s)")


def script_accuracy(n: int, seed: int) -> None:
    """Simplified → Traditional (OpenCC s2t) → back: how often the line comes back exactly."""
    import opencc

    lines = sample_lines(n, seed + 3)
    s2t, t2s = opencc.OpenCC("s2t"), opencc.OpenCC("t2s")
    trad = [s2t.convert(t) for t in lines]
    ours_ok = sum(script.to_simplified(t)[0] == o for t, o in zip(trad, lines))
    theirs_ok = sum(t2s.convert(t) == o for t, o in zip(trad, lines))
    print("\n## Traditional → Simplified, round trip of clean lines\n")
    print("| converter | lines | exact |")
    print("|---|---:|---:|")
    print(f"| jingwen | {len(lines)} | {ours_ok / len(lines):.1%} |")
    print(f"| opencc-python-reimplemented t2s | {len(lines)} | {theirs_ok / len(lines):.1%} |")


def speed() -> None:
    """Throughput on one core: fix_line on clean text, Traditional→Simplified against OpenCC."""
    import opencc

    def rate(lines: list[str], fn) -> float:
        mb = len("\n".join(lines).encode("utf-8")) / 1e6
        t0 = time.perf_counter()
        for line in lines:
            fn(line)
        return mb / (time.perf_counter() - t0)

    fix_line("预热 warm-up 預熱")  # load the tables first
    pd = sample_lines(3000, 99)
    modern = modern_lines() * 20
    s2t = opencc.OpenCC("s2t")
    script.to_simplified(s2t.convert("\n".join(sample_lines(500, 98))))  # warm the form cache
    trad = s2t.convert("\n".join(pd)).split("\n")
    t2s = opencc.OpenCC("t2s")
    print("\n## Speed (one core)\n")
    print("| what | MB/s |")
    print("|---|---:|")
    print(f"| `jingwen fix` core (fix_line), clean People's Daily 1998 lines | {rate(pd, fix_line):.1f} |")
    print("| `jingwen fix` core (fix_line), clean 2024 news paragraphs (the gold texts) | "
          f"{rate(modern, fix_line):.1f} |")
    print(f"| Traditional→Simplified, jingwen | {rate(trad, script.to_simplified):.1f} |")
    print(f"| Traditional→Simplified, opencc-python-reimplemented t2s | {rate(trad, t2s.convert):.2f} |")
    print(f"| Simplified lines through jingwen's converter (no-op path) | {rate(pd, script.to_simplified):.0f} |")


def modern_lines() -> list[str]:
    """Paragraphs of the five gold records: clean news text of 2020-2025."""
    import json
    import pathlib

    gold = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "gold"
    return [line for p in sorted(gold.glob("*.json")) for line in json.loads(p.read_text("utf-8"))["text"].split("\n")]


if __name__ == "__main__":
    main()

"""Clean text of today for the repair benchmark, from sources the language model never counted.

The model is jieba's dictionary plus character bigrams of People's Daily 1998;
nothing here comes from either:

* ``SHARED/devset-lines``: every labelled line of ~120 real news and portal
  pages (2001-2026, Simplified and Traditional), read by path. Pages that are
  themselves damaged (pinyin mirrors, injected symbols, jammer strings) are
  left out; their notes say so.
* ``SHARED/devset/checks``: the strings the devset's checklists require (real
  article text of other sites).
* ``tests/data/gold``: the five gold records (2020-2025 news).
* Python's own test data (``test/cjkencodings``: Japanese, Korean and Chinese
  text about Python) and the message catalogues that the installed
  ``humanize`` package ships (European languages, Japanese, Korean).
* ``bench/clean_extra.txt``: hand-written lines in shapes a repair must never
  touch.

Everything is read where it lies; nothing is copied into the repository. A
missing source gives no lines (the benchmark says how many it has).
"""
from __future__ import annotations

import functools
import json
import pathlib
import re
import sysconfig

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"

#: Pages whose own text is damaged or machine-garbled (said in their notes): not clean text.
_DAMAGED_PAGE_RE = re.compile(r"pinyin|jammer|injected|random symbols|mojibake|gambling|keyword pre", re.I)
_SENTENCE_END_RE = re.compile(r"(?<=[。！？；])")
_TRAD_HINT = frozenset("這國們說會來時為與個點過後對們發經關現體長還開電實")
_KANA_RE = re.compile("[\u3041-\u30ff]")
_HANGUL_RE = re.compile("[\uac00-\ud7af]")
_HAN_RE = re.compile("[\u4e00-\u9fff]")
#: A mirror's pinyin annotation, "(shù)", left in a page whose notes did not say so.
_PINYIN_RE = re.compile(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)")


def _pages(shared: pathlib.Path) -> list[dict]:
    folder = shared / "devset-lines" / "pages"
    if not folder.is_dir():
        return []
    pages = [json.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.json"))]
    return [p for p in pages if not _DAMAGED_PAGE_RE.search(p.get("notes", ""))]


def is_traditional(text: str) -> bool:
    return sum(c in _TRAD_HINT for c in text) >= 1


def _chunks(text: str, lo: int = 10, hi: int = 200) -> list[str]:
    """A paragraph cut into pieces of ``lo``-``hi`` characters at sentence ends."""
    text = text.strip()
    if len(text) <= hi:
        return [text] if len(text) >= lo else []
    out, cur = [], ""
    for piece in _SENTENCE_END_RE.split(text):
        if cur and len(cur) + len(piece) > hi:
            out.append(cur)
            cur = ""
        cur += piece
    out.append(cur)
    return [c for c in out if lo <= len(c) <= hi]


@functools.lru_cache(maxsize=2)
def news_lines(shared: pathlib.Path = SHARED) -> tuple[list[str], list[str]]:
    """(Simplified, Traditional) article sentences of today's news, 10-200 characters,
    distinct, in a fixed order."""
    texts: list[str] = []
    for page in _pages(shared):
        texts += [ln["text"] for ln in page["lines"] if ln["label"] in ("content", "title")]
    for check in sorted((shared / "devset" / "checks").glob("*.json")) if (shared / "devset").is_dir() else []:
        texts += json.loads(check.read_text("utf-8")).get("must_contain", [])
    for gold in sorted((ROOT / "tests" / "data" / "gold").glob("*.json")):
        texts += json.loads(gold.read_text("utf-8"))["text"].split("\n")
    seen: dict[str, None] = {}
    for t in texts:
        for c in _chunks(t):
            if _HAN_RE.search(c) and "\ufffd" not in c and not _PINYIN_RE.search(c):
                seen.setdefault(c)
    lines = list(seen)
    return [t for t in lines if not is_traditional(t)], [t for t in lines if is_traditional(t)]


def page_lines(shared: pathlib.Path = SHARED) -> list[str]:
    """Every non-blank line of the undamaged labelled pages (menus, bylines, captions and
    URLs as well as prose), distinct: real text in all its shapes."""
    seen: dict[str, None] = {}
    for page in _pages(shared):
        for ln in page["lines"]:
            if ln["label"] not in ("blank", "spam") and ln["text"].strip() and not _PINYIN_RE.search(ln["text"]):
                seen.setdefault(ln["text"])
    return list(seen)


def _cjk_test_texts() -> dict[str, list[str]]:
    folder = pathlib.Path(sysconfig.get_paths()["stdlib"]) / "test" / "cjkencodings"
    out: dict[str, list[str]] = {}
    for name, kind in (("euc_jp-utf8.txt", "japanese"), ("shift_jis-utf8.txt", "japanese"),
                       ("euc_jisx0213-utf8.txt", "japanese"), ("cp949-utf8.txt", "korean"),
                       ("euc_kr-utf8.txt", "korean"), ("johab-utf8.txt", "korean")):
        path = folder / name
        if path.exists():
            out.setdefault(kind, []).extend(
                ln for ln in path.read_bytes().decode("utf-8", "replace").splitlines() if ln.strip())
    return out


_MSGSTR_RE = re.compile(r'^msgstr(?:\[\d\])? "(.+)"$', re.M)


def _catalogue_lines() -> dict[str, list[str]]:
    """Translated messages of the installed ``humanize`` package, by language group."""
    try:
        import humanize
    except ImportError:
        return {}
    locale = pathlib.Path(humanize.__file__).parent / "locale"
    out: dict[str, list[str]] = {}
    for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        lang = po.parts[-3]
        kind = ("japanese" if lang.startswith("ja") else "korean" if lang.startswith("ko")
                else None if lang.startswith(("zh", "ar", "fa", "he", "bn", "si", "tlh")) else "european")
        if kind:
            out.setdefault(kind, []).extend(m.group(1) for m in _MSGSTR_RE.finditer(po.read_text("utf-8")))
    return out


_CODE_LINE_RE = re.compile(r"[=(){}\[\]:#]")


def _code_lines() -> list[str]:
    """Source lines of installed Chinese-text packages (jieba, pypinyin): code with Chinese
    comments and strings."""
    out: list[str] = []
    for mod in ("jieba", "pypinyin"):
        try:
            pkg = pathlib.Path(__import__(mod).__file__).parent
        except ImportError:
            continue
        for py in sorted(pkg.rglob("*.py")):
            for ln in py.read_text("utf-8", errors="replace").splitlines():
                if ln.strip() and _CODE_LINE_RE.search(ln) and len(ln) <= 200 and "\ufffd" not in ln:
                    out.append(ln)
    return out


def clean_sets(shared: pathlib.Path = SHARED, per_set: int = 1000) -> dict[str, list[str]]:
    """The clean sets a repair must leave unchanged, by shape (at most ``per_set`` each)."""
    from corpus import extra_clean_lines

    simp, trad = news_lines(shared)
    page = page_lines(shared)
    extra = extra_clean_lines()
    other = _cjk_test_texts()
    for kind, lines in _catalogue_lines().items():
        other.setdefault(kind, []).extend(lines)
    news = set(simp) | set(trad)
    rest = [ln for ln in page if ln not in news]
    sets = {
        "modern news (Simplified)": simp,
        "modern news (Traditional)": trad,
        "page lines (menus, bylines, captions)": [ln for ln in rest if _HAN_RE.search(ln)
                                                   and not re.search(r"https?://|www\.|\?", ln)],
        "mixed Chinese-English": [ln for ln in page if _HAN_RE.search(ln) and re.search(r"[A-Za-z]{3,}", ln)]
        + extra.get("mixed", []) + extra.get("latin_parens", []),
        "urls": [ln for ln in page if re.search(r"https?://|www\.", ln)] + extra.get("urls", []),
        "question marks": [ln for ln in page if "?" in ln] + extra.get("question_marks", []),
        "code": _code_lines(),
        "japanese": [ln for ln in other.get("japanese", []) if _KANA_RE.search(ln)] + extra.get("japanese", []),
        "korean": [ln for ln in other.get("korean", []) if _HANGUL_RE.search(ln)] + extra.get("korean", []),
        "european": [ln for ln in other.get("european", []) if re.search(r"[À-ɏ]", ln)] + extra.get("european", []),
        "rare characters": extra.get("rare_chars", []),
    }
    return {k: list(dict.fromkeys(v))[:per_set] for k, v in sets.items()}

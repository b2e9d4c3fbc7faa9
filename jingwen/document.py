"""One raw file → one clean record (or a reject), with every edit accounted for.

The pipeline, all plain functions over bytes and strings:

1. :func:`prepare`: check the bytes (empty, binary, too large), decode them
   (:mod:`jingwen.repair.decode`), then run the ordered steps of :mod:`jingwen.fix`
   on every line: repair mojibake, remove a mirror's pinyin, normalize characters,
   convert to Simplified, normalize punctuation and spacing.
2. :func:`finish`: label the lines (:mod:`jingwen.page.lines`), pull title, byline,
   date, outlet and site into fields (:mod:`jingwen.page.metadata`), and keep the
   content lines.

The two halves are separate so a run can count lines across all documents
between them (cross-document boilerplate evidence); :func:`clean`
runs both for one file (:func:`clean_document` gives the record alone).
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

from jingwen import fix
from jingwen.page import article, glued, metadata, shapes
from jingwen.page import lines as line_rules
from jingwen.page.lines import BYLINE, CONTENT, DATELINE, TITLE
from jingwen.repair import mojibake, pinyin
from jingwen.repair.decode import decode_bytes
from jingwen.schema import Prepared, Record, Reject, RemovedLine
from jingwen.text import normalize, script
from jingwen.text.chars import han_count

#: Letters other than ideographs (few in Chinese text: counting them is cheap).
_OTHER_LETTER_RE = re.compile(r"[^\W\d_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Limits:
    """Guards against hostile input; defaults are documented in the README."""

    max_bytes: int = 10_000_000          # larger files are rejected as too_large
    max_line_chars: int = 200_000        # a longer line makes the file too_large
    max_lost_share: float = 0.02         # more unrecovered characters in the text: too_much_lost
    max_undecodable_share: float = 0.10  # more undecodable characters in the file: undecodable
    binary_control_share: float = 0.05   # control bytes (not \t\n\r\f) above this share: binary
    min_chinese_share: float = 0.20      # fewer ideographs among the letters of the text: not_chinese


DEFAULT_LIMITS = Limits()


def doc_id(raw: bytes) -> tuple[str, str]:
    """(id, sha256): the id is the first 16 hex digits of the raw bytes' SHA-256."""
    digest = hashlib.sha256(raw).hexdigest()
    return digest[:16], digest


#: File signatures of formats that are never text (images, archives, documents, executables).
_BINARY_MAGIC = (b"\x89PNG", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"\x1f\x8b",
                 b"\x7fELF", b"OggS", b"\x00\x00\x00\x18ftyp", b"\x00\x00\x00\x20ftyp", b"Rar!\x1a",
                 b"7z\xbc\xaf", b"\xd0\xcf\x11\xe0", b"SQLite format 3\x00", b"wOFF")


def _binary(raw: bytes, limits: Limits) -> bool:
    sample = raw[:65536]
    if sample.startswith(_BINARY_MAGIC):
        return True
    if not sample or sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16/32 with a byte-order mark
    if b"\x00" in sample:
        if _utf16_text(sample):
            return False  # UTF-16 without a byte-order mark: NULs are the high bytes of ASCII
        if sample.count(0) <= 0.01 * len(sample):  # a few stray NULs in UTF-8 text are noise
            try:
                sample.replace(b"\x00", b"").decode("utf-8")
                return False
            except UnicodeDecodeError as exc:
                return exc.start < len(sample) - 4  # a character cut at the sample's end is fine
        return True
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13, 0))
    return controls > limits.binary_control_share * len(sample)


_PRINTABLE_TEXT_RE = re.compile(r"[\t\n\r -~\u00a0-\u00ff\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")


def _utf16_text(sample: bytes) -> bool:
    """The bytes read as UTF-16 (either byte order) give mostly printable text."""
    sample = sample[: len(sample) // 2 * 2]
    for codec in ("utf-16-le", "utf-16-be"):
        text = sample.decode(codec, errors="replace")
        if len(_PRINTABLE_TEXT_RE.findall(text)) >= 0.95 * len(text):
            return True
    return False


#: A line that ends on a clause mark goes on in the next line (a page broken at its commas).
_OPEN_CLAUSE = ("，", "、")


def _continues(previous: str, line: str) -> bool:
    """``line`` is the rest of the sentence ``previous`` broke off (one paragraph per line)."""
    return previous.endswith(_OPEN_CLAUSE) and bool(line) and (han_count(line[0]) == 1 or line[0] in "“「《")


def prepare(raw: bytes, raw_file: str, limits: Limits = DEFAULT_LIMITS) -> Prepared | Reject:
    """Decode, repair and normalize one raw file (step 1 of the module docstring)."""
    ident, digest = doc_id(raw)
    if not raw.strip():
        return Reject(raw_file, digest, "empty", "the file has no text", ident)
    if len(raw) > limits.max_bytes:
        return Reject(raw_file, digest, "too_large", f"{len(raw)} bytes > max_bytes {limits.max_bytes}", ident)
    if _binary(raw, limits):
        return Reject(raw_file, digest, "binary", "NUL or control bytes: not a text file", ident)
    decoded = decode_bytes(raw)
    if not decoded.reads_as_text():
        return Reject(raw_file, digest, "undecodable",
                      "no encoding (GB18030, Big5, UTF-16, chardet's guess) gives readable text", ident)
    if decoded.lost > limits.max_undecodable_share * max(1, len(decoded.text)):
        return Reject(raw_file, digest, "undecodable",
                      f"{decoded.lost} of {len(decoded.text)} characters undecodable as {decoded.encoding}", ident)
    text = normalize.normalize_newlines(decoded.text)
    raw_lines = text.split("\n")
    longest = max(map(len, raw_lines))
    if longest > limits.max_line_chars:
        return Reject(raw_file, digest, "too_large",
                      f"a line of {longest} characters > max_line_chars {limits.max_line_chars}", ident)
    repairs: Counter = Counter()
    if decoded.lost:
        repairs["undecodable_bytes"] += decoded.lost
    for i, ln in enumerate(raw_lines):  # formatting tags left in the text (a page's source keeps its others)
        raw_lines[i], n = normalize.strip_tags(ln)
        if n:
            repairs["html_tag"] += n

    # the steps of jingwen.fix, with what the document decides once: a mirror (seen in
    # the raw text, or only once the repairs reveal it) and Traditional script
    ctx = fix.Context(mirror=pinyin.is_mirror(text))
    staged = [fix.apply(fix.REPAIR_STEPS, ln, ctx, repairs) for ln in raw_lines]
    if not ctx.mirror and pinyin.is_mirror("\n".join(staged)):
        ctx.mirror = True
        staged = [fix.apply((fix.strip_pinyin,), ln, ctx, repairs) for ln in staged]
    staged = [fix.apply((fix.normalize_chars,), ln, ctx, repairs) for ln in staged]
    traditional_chars = sum(map(script.count_traditional, staged))
    ctx.traditional = traditional_chars > 0
    # one call for the whole document: the conversion keeps lengths and newlines
    staged = fix.apply((fix.to_simplified,), "\n".join(staged), ctx, repairs).split("\n")
    kept, numbers = [], []
    for number, ln in enumerate(staged, start=1):
        ln = fix.apply((fix.normalize_spacing, fix.normalize_punctuation), ln, ctx, repairs)
        if not ln:
            continue
        single = shapes.undouble(ln)
        if single:
            ln = single
            repairs["doubled_line"] += 1
        if kept and _continues(kept[-1], ln):
            kept[-1] += ln
            repairs["rejoined_line"] += 1
            continue
        head = metadata.leading_meta(ln)
        if head:  # "date 2025-11-05 正文…": the dateline glued to the text is a line of its own
            kept.append(head)
            numbers.append(number)
            ln = ln[len(head):].lstrip()
            repairs["split_dateline"] += 1
        kept.append(ln)
        numbers.append(number)
    groups, joined = glued.rejoin_links(kept)
    if joined:  # a sentence broken around a linked word is one line again
        kept = ["".join(kept[k] for k in group) for group in groups]
        numbers = [numbers[group[0]] for group in groups]
        repairs["rejoined_line"] += joined
    pieces, splits = glued.split_glued(kept)
    if splits:  # boilerplate glued into a line is a line of its own, cut by the labels
        numbers = [no for no, parts in zip(numbers, pieces) for _ in parts]
        kept = [part for parts in pieces for part in parts]
        repairs["split_glued"] += splits
    han = sum(map(len, staged)) or 1
    lost = sum(ln.count(mojibake.LOST) for ln in kept)
    script_name = "traditional" if traditional_chars > 0.05 * han else ("mixed" if ctx.traditional else "simplified")
    return Prepared(ident, raw_file, digest, decoded.encoding, script_name, bool(ctx.mirror), kept, numbers,
                    repairs, lost)


def finish(prep: Prepared, frequent: frozenset[str] = frozenset(),
           limits: Limits = DEFAULT_LIMITS) -> tuple[Record | Reject, list[RemovedLine]]:
    """Classify lines and build the record (step 2 of the module docstring)."""
    whole = "\n".join(prep.lines)
    han = han_count(whole)
    letters = han + len(_OTHER_LETTER_RE.findall(whole))
    if han < limits.min_chinese_share * max(1, letters):
        return Reject(prep.raw_file, prep.raw_sha256, "not_chinese",
                      f"{han} ideographs among {letters} letters", prep.id), []
    if japanese := article.japanese(whole):
        return Reject(prep.raw_file, prep.raw_sha256, "not_chinese", japanese, prep.id), []
    labels = line_rules.classify(prep.lines, frequent)
    removed = [RemovedLine(prep.id, prep.raw_file, no, lab, text)
               for no, lab, text in zip(prep.line_numbers, labels, prep.lines) if lab != CONTENT]
    body = [t for t, lab in zip(prep.lines, labels) if lab == CONTENT]
    text = "\n".join(body)
    if not body:
        return Reject(prep.raw_file, prep.raw_sha256, "no_article",
                      "nothing is left after removing boilerplate", prep.id), removed
    if why := article.not_article(body):
        return Reject(prep.raw_file, prep.raw_sha256, "no_article", why, prep.id), removed
    lost = text.count(mojibake.LOST)
    total = sum(map(len, prep.lines))
    if prep.lost > limits.max_lost_share * total:  # lost anywhere: a cut line may have been article
        return Reject(prep.raw_file, prep.raw_sha256, "too_much_lost",
                      f"{prep.lost} of {total} characters could not be recovered", prep.id), removed
    fields = extract_fields(prep.lines, labels)
    repairs = [{"kind": k, "count": int(v)} for k, v in sorted(prep.repairs.items()) if v]
    cuts = [{"reason": k, "count": int(v)} for k, v in sorted(Counter(r.reason for r in removed).items())]
    return Record(
        id=prep.id, raw_file=prep.raw_file, raw_sha256=prep.raw_sha256, text=text, repairs=repairs, cuts=cuts,
        encoding=prep.encoding, script=prep.script, mirror=prep.mirror, n_chars=len(text),
        lost_chars=lost, **fields), removed


def extract_fields(texts: list[str], labels: list[str]) -> dict:
    """title, author, published_at, source and site from the labelled lines.

    The author comes from a byline, else an ``作者：`` inside a dateline, else the
    reporter named in a wire lead (``新华社北京4月12日电（记者 张三）``), else an
    ``作者：`` in an editor's credit; ``本报`` in it is the source's name. A source
    labelled ``来源：`` wins over an outlet named beside the date.
    """
    out: dict = {"title": None, "author": None, "published_at": None, "source": None, "site": None}
    outlet = author_in_credit = None
    for t, lab in zip(texts, labels):
        if lab == TITLE and out["title"] is None:
            out["title"] = t
        elif lab == BYLINE and out["author"] is None:
            out["author"] = metadata.clean_author(t)
            outlet = outlet or metadata.reported_from_outlet(t)
        elif lab == DATELINE:
            out["published_at"] = out["published_at"] or metadata.parse_datetime(t)
            out["source"] = out["source"] or metadata.parse_source(t)
            outlet = outlet or metadata.outlet_beside_date(t) or metadata.outlet_line(t)
            out["author"] = out["author"] or metadata.labelled_author(t)
        elif lab == "credit":
            author_in_credit = author_in_credit or metadata.labelled_author(t)
        elif lab in ("navigation", "promo") and out["site"] is None:
            out["site"] = _site_name(t)
    out["source"] = out["source"] or outlet
    if out["author"] is None:
        first = next((t for t, lab in zip(texts, labels) if lab == CONTENT), "")
        out["author"] = metadata.wire_reporter(first) or author_in_credit
    if out["author"] and out["author"].startswith("本报") and out["source"]:
        out["author"] = out["source"] + out["author"][2:]  # 本报评论员 of 人民日报 is 人民日报评论员
    return out


def _site_name(text: str) -> str | None:
    """``人民网`` or ``新浪新闻客户端`` → the site's name."""
    name = text.removesuffix("客户端").strip()
    if 2 <= len(name) <= 12 and shapes.SITE_NAME_RE.match(text):
        return name
    return None


def clean(raw: bytes, raw_file: str, frequent: frozenset[str] = frozenset(),
          limits: Limits = DEFAULT_LIMITS) -> tuple[Record | Reject, list[RemovedLine]]:
    """Both steps for one file: the record (or reject) and the lines removed from it."""
    prep = prepare(raw, raw_file, limits)
    if isinstance(prep, Reject):
        return prep, []
    return finish(prep, frequent, limits)


def clean_document(raw: bytes, name: str, limits: Limits = DEFAULT_LIMITS) -> Record | Reject:
    """One raw file (bytes in any encoding) → a clean :class:`Record`, or a :class:`Reject`
    with its reason. ``name`` is the file's path under the raw root (``raw_file``).

    >>> clean_document("今天天气很好，我们去公园散步。".encode("gbk"), "a.txt").text
    '今天天气很好，我们去公园散步。'
    """
    return clean(raw, name, limits=limits)[0]

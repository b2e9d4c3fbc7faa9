"""Raw bytes in any encoding → text, with the encoding found.

Order of evidence:

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. strict UTF-8 (by far the most common; valid UTF-8 is almost never anything else);
3. UTF-16 without a BOM, when NUL bytes sit on every other position;
4. the Chinese candidates GB18030 (any GB label: GB2312 ⊂ GBK ⊂ GB18030) and Big5,
   plus chardet's guess: each decoded, and the one that reads most like Chinese
   text (:mod:`charlm`) with the fewest undecodable bytes wins. Short GBK text is
   easily taken for EUC-KR or Latin-1 by byte statistics alone; the language
   model is what tells them apart;
5. a file that mixes encodings line by line is decoded line by line.

Bytes that cannot be decoded become U+FFFD and are counted in ``lost``.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from jingwen.repair import charlm

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHINESE = ("gb18030", "big5")
_GUESSED_CHINESE = frozenset(_CHINESE + ("utf-16-le", "utf-16-be"))
_CODEC_NAMES = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5",
                "cp950": "big5", "big5hkscs": "big5", "ascii": "utf-8", "utf-8-sig": "utf-8"}
#: Share of bytes that may be undecodable before UTF-8 is doubted.
_UTF8_DAMAGE = 0.002


@dataclass(frozen=True)
class Decoded:
    """Decoded text and the evidence for it: the encoding used, how many characters were lost."""

    text: str
    encoding: str
    lost: int  # characters that could not be decoded (U+FFFD in ``text``)
    guessed: bool = False  # the encoding was chosen among candidates by how the text reads
    readable: bool | None = None  # whether a guessed text reads like Chinese, when known

    def reads_as_text(self) -> bool:
        """False when a guessed Chinese encoding gives nothing that reads like text: the
        bytes are garbage in every candidate (a chardet guess for another language is
        trusted, and judged later)."""
        if not (self.guessed and self.encoding in _GUESSED_CHINESE):
            return True
        if self.readable is not None:
            return self.readable
        return _score(self.text) < charlm.READS_LIKE_TEXT


def _decode_bom(data: bytes) -> Decoded | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):] if codec != "utf-8-sig" else data
            text = body.decode(codec, errors="replace")
            name = codec.replace("-sig", "")
            return Decoded(text, name + "-bom", text.count("\ufffd"))
    return None


def _looks_utf16(data: bytes) -> str | None:
    if len(data) < 4 or len(data) % 2:
        return None
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    half = len(data) // 2
    if odd > 0.2 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.2 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


#: Characters of a candidate decoding that the language model reads (plenty to tell
#: GBK from Big5 from garbage; the whole file would cost as much as cleaning it); more
#: when they are mostly ASCII (markup, a navigation bar).
_SAMPLE = 400


def _sample(text: str) -> str:
    sample = text[:_SAMPLE]
    if len(sample.encode("utf-8")) < 2 * len(sample):  # under a third of it is non-ASCII
        sample = text[:8 * _SAMPLE]
    return sample


def _score(text: str) -> float:
    """Lower is better: language-model cost plus a heavy price per lost character."""
    sample = _sample(text)
    lost = sample.count("\ufffd")
    return charlm.cost(sample) + 40.0 * lost / max(1, len(sample))


def _best_guess(data: bytes) -> tuple[str, str, bool | None]:
    """(text, codec, whether it reads like Chinese if known) for bytes that are not UTF-8.

    When exactly one Chinese codec decodes the bytes without error into common
    characters (a unigram look: Big5 read as GBK gives rare ones, and GBK is almost
    never valid Big5), it is taken. Otherwise the candidates compete on the language model; when none of them
    reads like Chinese, chardet's byte statistics decide (a Korean or Japanese file).
    """
    strict = {}
    for c in _CHINESE:
        try:
            strict[c] = data.decode(c)
        except UnicodeDecodeError:
            pass
    quick = {c: charlm.model().quick_cost(_sample(t)) for c, t in strict.items()}
    readable = [c for c, q in quick.items() if q < charlm.QUICK_READS_LIKE_TEXT]
    if len(readable) == 1:
        return strict[readable[0]], readable[0], True
    codecs_ = list(_CHINESE) + (["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else [])
    candidates = {c: data.decode(c, errors="replace") for c in codecs_}
    scores = {c: _score(t) for c, t in candidates.items()}
    best = min(scores, key=scores.__getitem__)
    readable = scores[best] < charlm.READS_LIKE_TEXT
    if readable:
        return candidates[best], best, True
    guess = _chardet(data)
    if guess and guess not in candidates:
        try:
            text = data.decode(guess, errors="replace")
        except LookupError:
            return candidates[best], best, False
        if text.count("\ufffd") <= candidates[best].count("\ufffd"):
            return text, guess, None
    return candidates[best], best, False


#: chardet's guess is trusted from this confidence on (random bytes score ~0.01).
_CHARDET_MIN_CONFIDENCE = 0.3


def _chardet(data: bytes) -> str | None:
    import chardet

    guess = chardet.detect(data[:20000])
    enc = (guess.get("encoding") or "").lower()
    if not enc or (guess.get("confidence") or 0) < _CHARDET_MIN_CONFIDENCE:
        return None
    enc = _CODEC_NAMES.get(enc, enc)
    try:
        return codecs.lookup(enc).name
    except LookupError:
        return None


def decode_bytes(data: bytes) -> Decoded:
    """Decode raw file bytes; see the module docstring for the evidence used."""
    bom = _decode_bom(data)
    if bom:
        return bom
    try:
        return Decoded(data.decode("utf-8"), "utf-8", 0)
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16:
        text = data.decode(utf16, errors="replace")
        return Decoded(text, utf16, text.count("\ufffd"))
    loose = data.decode("utf-8", errors="replace")
    damage = loose.count("\ufffd")
    if damage <= max(1, len(data) * _UTF8_DAMAGE) and damage < len(loose) - loose.count("\ufffd"):
        multibyte = sum(1 for c in loose if ord(c) > 0x7F and c != "\ufffd")
        if multibyte >= 2 * damage:
            return Decoded(loose, "utf-8", damage)
    mixed = _decode_mixed(data)
    if mixed:
        return mixed
    text, codec, readable = _best_guess(data)
    text, codec = _superset(data, text, codec)
    return Decoded(text, codec, text.count("\ufffd"), guessed=True, readable=readable)


#: Codecs whose superset decodes what they lose: Hong Kong's characters beyond Big5.
_SUPERSETS = {"big5": "big5hkscs"}


def _superset(data: bytes, text: str, codec: str) -> tuple[str, str]:
    """The superset codec's text where it loses fewer characters (same bytes, more of them known)."""
    wider = _SUPERSETS.get(codec)
    if wider is None or "\ufffd" not in text:
        return text, codec
    other = data.decode(wider, errors="replace")
    return (other, wider) if other.count("\ufffd") < text.count("\ufffd") else (text, codec)


def _decode_mixed(data: bytes) -> Decoded | None:
    """Line by line, when some lines are valid UTF-8 Chinese and others are not."""
    lines = data.split(b"\n")
    utf8_lines = other = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            other += 1
    if not (utf8_lines and other):
        return None
    out, used = [], set()
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        text, codec, _ = _best_guess(line)
        text, codec = _superset(line, text, codec)
        used.add(codec)
        out.append(text)
    text = "\n".join(out)
    return Decoded(text, "mixed:utf-8+" + "+".join(sorted(used)), text.count("\ufffd"))

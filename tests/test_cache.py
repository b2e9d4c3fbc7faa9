"""The cache's index of packed documents."""
import hashlib

from jingwen.cache import _PackIndex


def _shas(numbers):
    return [hashlib.sha256(bytes([n])).hexdigest() for n in numbers]


def test_the_index_finds_documents_across_packs_first_pack_first():
    index = _PackIndex()
    first, second = _shas(range(5)), _shas(range(3, 8))
    index.add("first.arrow", first)
    index.add("second.arrow", second)
    wanted = sorted(set(first + second)) + ["0" * 64]  # the last is in no pack
    found = index.find(wanted)
    assert sorted(found["first.arrow"]) == sorted((sha, row) for row, sha in enumerate(first))
    assert sorted(found["second.arrow"]) == sorted((sha, row) for row, sha in enumerate(second) if sha not in first)
    index.add("third.arrow", _shas([9]))  # packs added later are found too
    assert index.find(_shas([9])) == {"third.arrow": [(_shas([9])[0], 0)]}
    assert _PackIndex().find(wanted) == {}

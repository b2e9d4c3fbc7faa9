"""``croissant.json``: the release described in MLCommons Croissant 1.1 (JSON-LD).

Every Parquet file is a FileObject with its SHA-256; the record shards are also
one FileSet. Three RecordSets read them: ``records`` (every column, typed:
``sc:DateTime`` and ``sc:Date`` for the publication time, the ``repairs`` and
``cuts`` lists as array fields with their sub-fields), ``rejects`` and
``removed_lines`` (whose ``id`` references a record). The ``@context`` is the one
``mlcroissant`` writes for 1.1; ``mlcroissant`` validates the file offline with
no warning (tests/test_release.py).
"""
from __future__ import annotations

import pyarrow as pa

from jingwen.release.card import CardInfo, citation
from jingwen.schema import REJECT_COLUMNS, REMOVED_COLUMNS, TIMESTAMP

CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
CONTEXT = {
    "@language": "en", "@vocab": "https://schema.org/", "arrayShape": "cr:arrayShape", "citeAs": "cr:citeAs",
    "column": "cr:column", "conformsTo": "dct:conformsTo", "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"}, "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/", "description": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty", "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes", "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5",
    "name": {"@container": "@language"}, "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex", "repeated": "cr:repeated",
    "replace": "cr:replace", "samplingRate": "cr:samplingRate", "sc": "https://schema.org/",
    "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField", "transform": "cr:transform",
}
_TYPES = {pa.string(): "sc:Text", pa.int64(): "sc:Integer", pa.bool_(): "sc:Boolean", TIMESTAMP: "sc:DateTime",
          pa.date32(): "sc:Date"}
_PARQUET = "application/x-parquet"
_SUB_FIELDS = {"kind": "Kind of edit.", "reason": "Why the lines were cut.", "count": "How many."}


def _field(parent: str, name: str, typ: pa.DataType, description: str, source: dict) -> dict:
    """A field reading ``source``; a list of structs is an array field whose sub-fields
    take each item's member (``jsonPath``)."""
    field = {"@type": "cr:Field", "@id": f"{parent}/{name}", "name": name, "description": description}
    if not pa.types.is_list(typ):
        return field | {"dataType": _TYPES[typ], "source": source}
    return field | {"isArray": True, "arrayShape": "-1", "source": source, "subField": [
        _field(f"{parent}/{name}", sub.name, sub.type, _SUB_FIELDS[sub.name],
               {**source, "transform": {"jsonPath": sub.name}}) for sub in typ.value_type]}


def _record_set(name: str, description: str, columns: list[tuple[str, pa.DataType, str]], source: dict,
                key: list[str], references: dict | None = None) -> dict:
    fields = [_field(name, n, t, d, {**source, "extract": {"column": n}}) for n, t, d in columns]
    for f in fields:
        if references and f["name"] in references:
            f["references"] = {"field": {"@id": references[f["name"]]}}
    return {"@type": "cr:RecordSet", "@id": name, "name": name, "description": description,
            "key": [{"@id": f"{name}/{k}"} for k in key] if len(key) > 1 else {"@id": f"{name}/{key[0]}"},
            "field": fields}


def render_croissant(manifest: dict, columns: list[tuple[str, pa.DataType, str]]) -> dict:
    """The Croissant JSON-LD document of a release."""
    parquet = [f for f in manifest["files"] if f["path"].endswith(".parquet")]
    distribution: list[dict] = [
        {"@type": "cr:FileObject", "@id": f["path"], "name": f["path"], "contentUrl": f["path"],
         "encodingFormat": _PARQUET, "sha256": f["sha256"], "contentSize": f"{f['bytes']} B"} for f in parquet]
    distribution.append({"@type": "cr:FileSet", "@id": "parquet-files", "name": "parquet-files",
                         "encodingFormat": _PARQUET, "includes": "data/*.parquet"})
    info = CardInfo(**manifest["card"])
    return {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "name": manifest["name"],
        "conformsTo": CONFORMS_TO,
        "description": "Chinese news articles cleaned by jingwen: encoding damage repaired, boilerplate "
                       "and spam cut, metadata in fields, Simplified script, validated.",
        "license": info.license_url,
        **({"url": info.homepage} if info.homepage else {}),
        "citeAs": citation(info, manifest["version"], manifest["pipeline_version"]),
        "version": manifest["version"],
        "datePublished": manifest["created_at"][:10],
        "inLanguage": "zh",
        "distribution": distribution,
        "recordSet": [
            _record_set("records", "One cleaned news article per record.", columns,
                        {"fileSet": {"@id": "parquet-files"}}, ["id"]),
            _record_set("rejects", "One raw file that did not become a record, and why.", REJECT_COLUMNS,
                        {"fileObject": {"@id": "rejects/rejects.parquet"}}, ["raw_file"]),
            _record_set("removed_lines", "One line cut from a record, and why.", REMOVED_COLUMNS,
                        {"fileObject": {"@id": "removed_lines/removed_lines.parquet"}}, ["id", "line"],
                        {"id": "records/id"}),
        ],
    }

"""``croissant.json``: the release described in MLCommons Croissant 1.0 (JSON-LD).

The Parquet shards are one FileSet; the records are one RecordSet whose fields
read the scalar Parquet columns (the ``repairs`` and ``cuts`` lists are
documented in the card, not in the RecordSet); every data file is also listed as
a FileObject with its SHA-256. ``mlcroissant`` validates the file offline
(tests/test_release.py).
"""
from __future__ import annotations

import pyarrow as pa

from jingwen.release.card import CardInfo, citation

_CONTEXT = {
    "@language": "en", "@vocab": "https://schema.org/", "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/", "dct": "http://purl.org/dc/terms/",
    "citeAs": "cr:citeAs", "column": "cr:column", "conformsTo": "dct:conformsTo",
    "data": {"@id": "cr:data", "@type": "@json"}, "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "examples": {"@id": "cr:examples", "@type": "@json"}, "extract": "cr:extract", "field": "cr:field",
    "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject", "fileSet": "cr:fileSet",
    "format": "cr:format", "includes": "cr:includes", "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5", "parentField": "cr:parentField",
    "path": "cr:path", "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex",
    "repeated": "cr:repeated", "replace": "cr:replace", "separator": "cr:separator", "source": "cr:source",
    "subField": "cr:subField", "transform": "cr:transform",
}
_TYPES = {pa.string(): "sc:Text", pa.int64(): "sc:Integer", pa.bool_(): "sc:Boolean"}


def _field(record_set: str, name: str, typ: pa.DataType, description: str) -> dict:
    return {"@type": "cr:Field", "@id": f"{record_set}/{name}", "name": name, "description": description,
            "dataType": _TYPES[typ],
            "source": {"fileSet": {"@id": "parquet-files"}, "extract": {"column": name}}}


def render_croissant(manifest: dict, columns: list[tuple[str, pa.DataType, str]]) -> dict:
    """The Croissant JSON-LD document of a release."""
    data_files = [f for f in manifest["files"] if f["path"].startswith("data/")]
    distribution: list[dict] = [
        {"@type": "cr:FileObject", "@id": f["path"], "name": f["path"], "contentUrl": f["path"],
         "encodingFormat": "application/x-parquet", "sha256": f["sha256"], "contentSize": f"{f['bytes']} B"}
        for f in data_files]
    distribution.append({"@type": "cr:FileSet", "@id": "parquet-files", "name": "parquet-files",
                         "encodingFormat": "application/x-parquet", "includes": "data/*.parquet"})
    simple = [(n, t, d) for n, t, d in columns if not pa.types.is_list(t)]
    info = CardInfo(**manifest["card"])
    return {
        "@context": _CONTEXT,
        "@type": "sc:Dataset",
        "name": manifest["name"],
        "conformsTo": "http://mlcommons.org/croissant/1.0",
        "description": "Chinese news articles cleaned by jingwen: encoding damage repaired, boilerplate "
                       "and spam cut, metadata in fields, Simplified script, validated.",
        "license": info.license_url,
        **({"url": info.homepage} if info.homepage else {}),
        "citeAs": citation(info, manifest["version"], manifest["pipeline_version"]),
        "version": manifest["version"],
        "datePublished": manifest["created_at"][:10],
        "inLanguage": "zh",
        "distribution": distribution,
        "recordSet": [{
            "@type": "cr:RecordSet", "@id": "records", "name": "records",
            "description": "One cleaned news article per record.",
            "key": {"@id": "records/id"},
            "field": [_field("records", n, t, d) for n, t, d in simple],
        }],
    }

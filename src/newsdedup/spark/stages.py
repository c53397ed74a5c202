"""What Spark runs on each partition: the local engine's own functions over Arrow batches.

Every function here takes and yields ``pyarrow.RecordBatch`` (``DataFrame.mapInArrow``) or a
pandas frame per group (``applyInPandas``), turns the rows into what the core expects and calls
the core: ``to_article`` and ``read_jsonl``'s record parser, ``clean_articles``,
``fingerprint_articles``, ``score_shingles`` + ``classify``, ``priority_ranks`` and
``star_groups``. Nothing of the pipeline is written a second time here; only the plumbing
between Arrow columns and the core's arrays is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from newsdedup.candidates.contained import SAMPLE, short_pair_filter
from newsdedup.candidates.lsh import LSHReport, band_pairs, enough_bands
from newsdedup.candidates.overlap import enough_overlap
from newsdedup.clean.pipeline import clean_articles, per_article
from newsdedup.config import Config
from newsdedup.fingerprint.batch import fingerprint_articles
from newsdedup.group.copies import exact_heads, follow_heads, star_groups
from newsdedup.group.representative import priority_ranks
from newsdedup.ids import tiebreak as ids_tiebreak
from newsdedup.read.compression import Source
from newsdedup.read.fields import FieldMap, to_article
from newsdedup.read.jsonl import parse_record
from newsdedup.relate.kind import judge_shingles, shingle_verifier
from newsdedup.relate.translate import language_of
from newsdedup.relate.verify import SCORE_COLUMNS
from newsdedup.report import Report
from newsdedup.types import Article, Origin, Rejected
from newsdedup.write.corpus import CORPUS_SCHEMA, article_row

__all__ = [
    "ARTICLE_SCHEMA",
    "EDGE_SCHEMA",
    "FINGERPRINT_SCHEMA",
    "STAR_SCHEMA",
    "VERIFIED_SCHEMA",
    "Lines",
    "articles_of",
    "fingerprints_of",
    "stars_of",
    "tiebreak",
    "verified",
]

_SCORES = [(name, pa.float64()) for name in SCORE_COLUMNS]

#: Stage 1 (read + clean + fingerprint): one row per input record, an article's fingerprint or a
#: rejection (``reason`` set). ``file``/``line`` say where the record was; ``tiebreak`` orders a
#: capped LSH bucket (xxh3 of the id, sign bit flipped so signed order is unsigned order);
#: ``lang`` is the translation stage's ``language_of`` ("" unknown; null with it switched off).
FINGERPRINT_SCHEMA = pa.schema(
    [
        ("file", pa.int32()),
        ("line", pa.int64()),
        ("id", pa.string()),
        ("reason", pa.string()),
        ("detail", pa.string()),
        ("published", pa.int64()),
        ("n_words", pa.int64()),
        ("n_content", pa.int64()),
        ("traces", pa.int32()),
        ("exact_hi", pa.int64()),
        ("exact_lo", pa.int64()),
        ("tiebreak", pa.int64()),
        ("keys", pa.list_(pa.int64())),
        ("sets", pa.binary()),
        ("positions", pa.binary()),
        ("lang", pa.string()),
    ]
)

#: The articles as read (for the deduplicated corpus): where each was, then write/corpus.py's
#: columns.
ARTICLE_SCHEMA = pa.schema([("file", pa.int32()), ("line", pa.int64()), *CORPUS_SCHEMA])

#: A verified copy edge between two vertices, with its kind code and scores (a = ``u``).
EDGE_SCHEMA = pa.schema([("u", pa.int64()), ("v", pa.int64()), ("code", pa.int8()), *_SCORES])

#: A document's place in its copy group: its representative's vertex, kind code and scores.
STAR_SCHEMA = pa.schema(
    [("vertex", pa.int64()), ("center", pa.int64()), ("code", pa.int8()), *_SCORES]
)

#: one row per document after the exact copies followed their heads (``follow_heads_of``)
ASSIGNED_SCHEMA = pa.schema(
    [
        ("vertex", pa.int64()),
        ("id", pa.string()),
        ("file", pa.int32()),
        ("line", pa.int64()),
        ("center", pa.int64()),
        ("code", pa.int32()),
        *_SCORES,
    ]
)

_SIGN = np.uint64(1 << 63)


@dataclass(frozen=True, slots=True)
class Lines:
    """Where each (file, split) of the input starts: the 1-based line (row) number of the split's
    first record, so a record's line is known without reading the splits before it."""

    files: tuple[str, ...]  #: every input file, in input order (``file`` is an index here)
    first_line: Mapping[tuple[str, int], int]  #: (file path, split start byte) -> first line
    format: str  #: "jsonl" or "parquet"


#: the candidate pairs of the LSH step (vertices, lower first)
PAIR_SCHEMA = pa.schema([("a", pa.int64()), ("b", pa.int64())])


#: the bucket step's pairs, each once per partition with how many of its buckets hold it
#: (``shared``; ``oversized``, ``largest`` null), and, last, one row of the partition's bucket
#: counts (``a``, ``b``, ``shared`` null): buckets over the cap, the largest bucket
BUCKET_SCHEMA = pa.schema(
    [("a", pa.int64()), ("b", pa.int64()), ("shared", pa.int64()), ("oversized", pa.int64()),
     ("largest", pa.int64())]
)  # fmt: skip


def bucket_pairs_of(
    batches: Iterator[pa.RecordBatch], *, cap: int, counts: bool = False
) -> Iterator[pa.RecordBatch]:
    """One partition of (vertex, tiebreak, band, key) rows that holds whole buckets -> their
    candidate pairs, by the local engine's bucket step (``band_pairs``: cap and tie-break).
    With ``counts``, rows of ``BUCKET_SCHEMA``: each pair once with the number of the
    partition's buckets that hold it (a near copy shares most of the bands: one row, not one a
    band, leaves the task), then the partition's bucket counts (what ``LSHReport`` counts), so
    no second pass over the band keys is needed for them."""
    parts = list(batches)  # a partition may hold no rows at all
    if not parts or not sum(b.num_rows for b in parts):
        return
    table = pa.Table.from_batches(parts)
    vertex = table["vertex"].to_numpy()
    ranks = table["tiebreak"].to_numpy().view(np.uint64) ^ _SIGN  # back to the local order
    keys = table["key"].to_numpy().view(np.uint64)
    bands = table["band"].to_numpy().astype(np.int64)
    n = len(vertex)
    report = LSHReport()
    local = band_pairs(
        keys, np.arange(n, dtype=np.int64), ranks, cap, report, np.ones(n, np.bool_), bands
    )
    pairs = np.sort(vertex[local], axis=1)
    if not counts:
        yield pa.RecordBatch.from_arrays(
            [pa.array(pairs[:, 0]), pa.array(pairs[:, 1])], schema=PAIR_SCHEMA
        )
        return
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    starts = np.flatnonzero(np.r_[len(pairs) > 0, (pairs[1:] != pairs[:-1]).any(axis=1)])
    shared = np.diff(np.r_[starts, len(pairs)])
    none = pa.nulls(len(starts), pa.int64())
    yield pa.RecordBatch.from_arrays(
        [pa.array(pairs[starts, 0]), pa.array(pairs[starts, 1]), pa.array(shared), none, none],
        schema=BUCKET_SCHEMA,
    )
    yield pa.RecordBatch.from_pydict(
        {"a": [None], "b": [None], "shared": [None], "oversized": [report.oversized],
         "largest": [report.largest]},
        schema=BUCKET_SCHEMA,
    )  # fmt: skip


#: a candidate pair, how many band keys it shares, and its sides' content words
SHARED_SCHEMA = pa.schema(
    [("a", pa.int64()), ("b", pa.int64()), ("shared", pa.int64()), ("na", pa.int64()),
     ("nb", pa.int64())]
)  # fmt: skip


def enough_bands_of(
    batches: Iterator[pa.RecordBatch], *, min_bands: int, short_words: int, short_bands: int
) -> Iterator[pa.RecordBatch]:
    """(a, b, shared, na, nb) rows -> the pairs the local engine verifies (``enough_bands``)."""
    for batch in batches:
        cols = [batch.column(name).to_numpy() for name in ("shared", "na", "nb")]
        keep = enough_bands(
            *cols, min_bands=min_bands, short_words=short_words, short_bands=short_bands
        )
        yield pa.RecordBatch.from_arrays(
            [batch.column("a").filter(pa.array(keep)), batch.column("b").filter(pa.array(keep))],
            schema=PAIR_SCHEMA,
        )


#: each document's exact head (``exact_heads_of``)
HEAD_SCHEMA = pa.schema([("vertex", pa.int64()), ("head", pa.int64())])


def exact_heads_of(batches: Iterator[pa.RecordBatch], *, policy: str) -> Iterator[pa.RecordBatch]:
    """One partition of documents holding whole exact classes (vertex, id, published, n_words,
    traces, exact_hi, exact_lo) -> each one's head, by the local engine's ``priority_ranks``
    and ``exact_heads``: ranks over any subset keep the order of the whole."""
    parts = list(batches)  # a partition may hold no rows at all
    if not parts or not sum(b.num_rows for b in parts):
        return
    table = pa.Table.from_batches(parts)
    rank = priority_ranks(
        table["id"].to_pylist(),
        table["published"].to_numpy().astype(np.int64),
        table["n_words"].to_numpy().astype(np.int64),
        table["traces"].to_numpy().astype(np.int32),
        policy,
    )
    exact = np.column_stack(
        (table["exact_hi"].to_numpy().view(np.uint64), table["exact_lo"].to_numpy().view(np.uint64))
    )
    vertex = table["vertex"].to_numpy()
    heads = vertex[exact_heads(exact, rank)]
    yield pa.RecordBatch.from_arrays([pa.array(vertex), pa.array(heads)], schema=HEAD_SCHEMA)


def follow_heads_of(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """Documents joined to their exact head's placement (vertex, id, file, line, head,
    center, code and scores; a head that no star placed has nulls) -> ``ASSIGNED_SCHEMA``,
    by ``spread_exact``'s rule (``follow_heads``)."""
    for batch in batches:
        vertex = batch.column("vertex").to_numpy(zero_copy_only=False)
        head = batch.column("head").to_numpy(zero_copy_only=False)
        placed = batch.column("center").is_valid().to_numpy(zero_copy_only=False)
        center = np.where(placed, batch.column("center").fill_null(0).to_numpy(), head)
        code = batch.column("code").fill_null(0).to_numpy().astype(np.int8)
        scores = np.column_stack(
            [
                batch.column(n).to_numpy(zero_copy_only=False).astype(np.float64)
                for n in SCORE_COLUMNS
            ]
        ).reshape(-1, len(SCORE_COLUMNS))
        center, code, scores = follow_heads(vertex, head, center, code, scores)
        columns = [batch.column(n) for n in ("vertex", "id", "file", "line")]
        columns += [pa.array(center, pa.int64()), pa.array(code.astype(np.int32))]
        columns += [pa.array(scores[:, k], from_pandas=True) for k in range(len(SCORE_COLUMNS))]
        yield pa.RecordBatch.from_arrays(columns, schema=ASSIGNED_SCHEMA)


def tiebreak(ids: list[str]) -> NDArray[np.int64]:
    """The local engine's LSH tiebreak (xxh3 of the id) as signed longs in the same order."""
    return (ids_tiebreak(ids) ^ _SIGN).view(np.int64)


def _records(
    batches: Iterator[pa.RecordBatch], lines: Lines, fields: FieldMap, report: Report
) -> Iterator[tuple[int, int, Article | Rejected]]:
    """(file index, line, article or rejection) of each input row, in order."""
    index = {path: i for i, path in enumerate(lines.files)}
    seen: dict[tuple[str, int], int] = {}
    for batch in batches:
        rows = batch.to_pylist()
        for row in rows:
            path, block = row.pop("_file"), row.pop("_block")
            at = seen.get((path, block), 0)
            seen[(path, block)] = at + 1
            line = lines.first_line.get((path, block), 1) + at
            source = Source(path=Path(_local(path)), name=path)
            if lines.format == "jsonl":
                raw = row["value"] if line > 1 else row["value"].removeprefix("\ufeff")
                if not raw.strip():
                    continue  # a blank line is no record (read/jsonl.py)
                item = parse_record(source, line, raw.encode("utf-8"), fields, report)
            else:
                item = to_article(
                    row, fields=fields, source=source, line=line, report=report, keys=list(row)
                )
            yield index.get(path, -1), line, item


def _local(uri: str) -> str:
    return uri.removeprefix("file://").removeprefix("file:")


def articles_of(
    batches: Iterator[pa.RecordBatch], lines: Lines, fields: FieldMap
) -> Iterator[pa.RecordBatch]:
    """The articles as read (no cleaning: the corpus keeps the text as given), as
    write/corpus.py's rows with where each was."""
    rows: list[dict[str, Any]] = []
    for file, line, item in _records(batches, lines, fields, Report()):
        if isinstance(item, Rejected):
            continue
        rows.append({"file": file, "line": line, **article_row(item)})
        if len(rows) >= 1024:
            yield pa.RecordBatch.from_pylist(rows, schema=ARTICLE_SCHEMA)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=ARTICLE_SCHEMA)


def fingerprints_of(
    batches: Iterator[pa.RecordBatch], lines: Lines, fields: FieldMap, config: Config
) -> Iterator[pa.RecordBatch]:
    """Read, clean (each article on its own, as ``run_copies`` does) and fingerprint a
    partition, ``config.run.batch_size`` articles at a time; rejections become rows too."""
    index = {path: i for i, path in enumerate(lines.files)}
    kept: list[Article] = []
    rejected: list[tuple[int, int, Rejected]] = []
    for file, line, item in _records(batches, lines, fields, Report()):
        if isinstance(item, Rejected):
            rejected.append((file, line, item))
        else:
            kept.append(item)
        if len(kept) >= config.run.batch_size:
            yield from _fingerprint_batch(kept, rejected, index, config)
            kept, rejected = [], []
    if kept or rejected:
        yield from _fingerprint_batch(kept, rejected, index, config)


def _fingerprint_batch(
    kept: list[Article],
    rejected: list[tuple[int, int, Rejected]],
    index: Mapping[str, int],
    config: Config,
) -> Iterator[pa.RecordBatch]:
    report = Report()
    if config.clean.boilerplate:
        kept = list(clean_articles(kept, config=per_article(config.clean), report=report))
    for r in report.rejected:
        rejected.append((*_place(r.origin, index), r))
    if rejected:
        yield _rejections(rejected)
    if kept:
        yield _fingerprint_rows(kept, [_place(a.origin, index) for a in kept], config)


def _place(origin: Origin | None, index: Mapping[str, int]) -> tuple[int, int]:
    """(file index, line) of a record; every record read here has an origin."""
    if origin is None:
        return -1, 0
    return index.get(origin.path, -1), origin.line or 0


def _rejections(rejected: list[tuple[int, int, Rejected]]) -> pa.RecordBatch:
    n = len(rejected)
    data: dict[str, Any] = {name: [None] * n for name in FINGERPRINT_SCHEMA.names}
    data["file"] = [f for f, _, _ in rejected]
    data["line"] = [line for _, line, _ in rejected]
    data["reason"] = [r.reason for _, _, r in rejected]
    data["detail"] = [f"{r.origin}: {r.detail}" for _, _, r in rejected]
    return pa.RecordBatch.from_pydict(data, schema=FINGERPRINT_SCHEMA)


def _fingerprint_rows(
    cleaned: list[Article], places: list[tuple[int, int]], config: Config
) -> pa.RecordBatch:
    fp = fingerprint_articles(cleaned, config)
    offsets = fp.set_offsets
    sets = [fp.sets[offsets[d] : offsets[d + 1]].tobytes() for d in range(len(fp))]
    positions = [fp.positions[offsets[d] : offsets[d + 1]].tobytes() for d in range(len(fp))]
    exact = fp.exact.view(np.int64)
    return pa.RecordBatch.from_pydict(
        {
            "file": [f for f, _ in places],
            "line": [line for _, line in places],
            "id": fp.ids,
            "reason": [None] * len(fp),
            "detail": [None] * len(fp),
            "published": fp.published,
            "n_words": fp.n_words,
            "n_content": fp.n_content,
            "traces": fp.traces,
            "exact_hi": exact[:, 0],
            "exact_lo": exact[:, 1],
            "tiebreak": tiebreak(fp.ids),
            "keys": list(fp.keys.view(np.int64)),
            "sets": sets,
            "positions": positions,
            # noted as the local engine notes it (engine/translations.py): on the cleaned text
            "lang": [language_of(a) if config.translate.enabled else None for a in cleaned],
        },
        schema=FINGERPRINT_SCHEMA,
    )


def _shingles(
    sets: list[bytes], positions: list[bytes]
) -> tuple[NDArray[np.uint32], NDArray[np.int32], NDArray[np.int64]]:
    """Concatenated shingle sets and positions with their offsets (``Fingerprints`` layout)."""
    lengths = np.fromiter((len(s) // 4 for s in sets), np.int64, len(sets))
    offsets = np.zeros(len(sets) + 1, np.int64)
    np.cumsum(lengths, out=offsets[1:])
    joined_sets = np.frombuffer(b"".join(sets), np.uint32)
    joined_positions = np.frombuffer(b"".join(positions), np.int32)
    return joined_sets, joined_positions, offsets


_Shingled = tuple[NDArray[np.uint32], NDArray[np.int32], NDArray[np.int64], NDArray[np.int64]]


def _judged(
    pairs: NDArray[np.int64], shingled: _Shingled, config: Config
) -> tuple[NDArray[np.float64], NDArray[np.int8]]:
    """Scores and kind codes of ``pairs`` over (sets, positions, offsets, n_content), as the
    local engine verifies (``score_pairs`` + ``classify``)."""
    return judge_shingles(pairs, *shingled, config)


#: What the verify step counts of each batch of candidate pairs: those the LSH bands proposed
#: (after their shared-band rule), those the short-document path proposed (a pair may be
#: both), the LSH pairs under the containment floor, and the pairs verified: the LSH pairs at
#: or over the floor and every short-document pair, as the local engine's union of the two.
CHECK_COUNTS = ("lsh_pairs", "short_pairs", "low_overlap_pairs", "candidate_pairs")

#: ``verified``'s rows: the copy edges (``EDGE_SCHEMA``, counts null), then one row of each
#: batch's ``CHECK_COUNTS`` (the edge columns null)
VERIFIED_SCHEMA = pa.schema([*EDGE_SCHEMA, *((name, pa.int64()) for name in CHECK_COUNTS)])


def _floored(
    pairs: NDArray[np.int64], shingled: _Shingled, lsh: NDArray[np.bool_], floor: float
) -> NDArray[np.bool_]:
    """Which of ``pairs`` (rows of one batch) the containment floor drops: LSH pairs only, by
    ``enough_overlap`` over the shingles the batch holds anyway for verification."""
    low = np.zeros(len(pairs), np.bool_)
    if floor > 0 and lsh.any():
        at = np.flatnonzero(lsh)
        low[at] = ~enough_overlap(pairs[at], shingled[0], shingled[2], min_containment=floor)
    return low


def verified(batches: Iterator[pa.RecordBatch], config: Config) -> Iterator[pa.RecordBatch]:
    """Candidate pairs, each row holding both documents' shingles and whether the LSH bands
    (``lsh``) and the short-document path (``short``) proposed it -> the verified copy edges
    (kind code > 0), scored and classified by the local engine's functions, and each batch's
    counts (``VERIFIED_SCHEMA``). The local engine drops the LSH pairs under the shingle
    containment floor (``enough_overlap``) before it adds the short-document pairs, so a pair
    under the floor is verified here only when the short-document path proposed it too."""
    for batch in batches:
        if batch.num_rows == 0:
            continue
        c = batch.to_pydict()
        n = batch.num_rows
        interleaved_sets = [s for pair in zip(c["sets_a"], c["sets_b"], strict=True) for s in pair]
        interleaved_pos = [
            p for pair in zip(c["positions_a"], c["positions_b"], strict=True) for p in pair
        ]
        sets, positions, offsets = _shingles(interleaved_sets, interleaved_pos)
        n_content = np.empty(2 * n, np.int64)
        n_content[0::2], n_content[1::2] = c["n_content_a"], c["n_content_b"]
        shingled = (sets, positions, offsets, n_content)
        pairs = np.arange(2 * n, dtype=np.int64).reshape(n, 2)
        lsh, short = np.asarray(c["lsh"], np.bool_), np.asarray(c["short"], np.bool_)
        low = _floored(pairs, shingled, lsh, config.verify.min_pair_containment)
        checked = np.flatnonzero(~low | short)
        if len(checked):
            yield from _edges(c, checked, *_judged(pairs[checked], shingled, config))
        counts = (lsh.sum(), short.sum(), low.sum(), len(checked))
        yield _check_counts(dict(zip(CHECK_COUNTS, counts, strict=True)))


def _edges(
    c: Mapping[str, Any], rows: NDArray[np.int64], scores: NDArray[np.float64], codes: Any
) -> Iterator[pa.RecordBatch]:
    """The copies (kind code > 0) among the verified ``rows`` of a batch, as edge rows."""
    keep = codes > 0
    if not keep.any():
        return
    at = rows[keep]
    out: dict[str, Any] = {
        "u": np.asarray(c["u"], np.int64)[at],
        "v": np.asarray(c["v"], np.int64)[at],
        "code": codes[keep],
    }
    for k, name in enumerate(SCORE_COLUMNS):
        out[name] = scores[keep, k]
    for name in CHECK_COUNTS:
        out[name] = pa.nulls(len(at), pa.int64())
    yield pa.RecordBatch.from_pydict(out, schema=VERIFIED_SCHEMA)


def _check_counts(counts: Mapping[str, Any]) -> pa.RecordBatch:
    """One ``VERIFIED_SCHEMA`` row holding a batch's counts."""
    row: dict[str, Any] = {name: [None] for name in EDGE_SCHEMA.names}
    row.update({name: [int(counts[name])] for name in CHECK_COUNTS})
    return pa.RecordBatch.from_pydict(row, schema=VERIFIED_SCHEMA)


#: One row per (shingle, document) of the short-document candidate path.
SHINGLE_SCHEMA = pa.schema([("shingle", pa.int64()), ("vertex", pa.int64())])


def shingle_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """(vertex, sets) rows -> one (shingle, vertex) row per shingle of each document in the
    fixed sample of candidates/contained.py (its inverted index)."""
    for batch in batches:
        vertex = batch.column("vertex").to_numpy()
        arrays = [np.frombuffer(s, np.uint32) for s in batch.column("sets").to_pylist()]
        owner = np.repeat(vertex, [len(a) for a in arrays])
        values = np.concatenate(arrays) if arrays else np.empty(0, np.uint32)
        sampled = (values & np.uint32(SAMPLE - 1)) == 0
        values, owner = values[sampled], owner[sampled]
        yield pa.RecordBatch.from_pydict(
            {"shingle": values.astype(np.int64), "vertex": owner.astype(np.int64)},
            schema=SHINGLE_SCHEMA,
        )


def kept_short_pairs(
    batches: Iterator[pa.RecordBatch], min_containment: float
) -> Iterator[pa.RecordBatch]:
    """(a, b, shared, size_a, size_b, short_a, short_b) rows -> the pairs ``short_pair_filter``
    keeps (the local engine's rule, called, not restated)."""
    for batch in batches:
        col = {
            name: batch.column(name).to_numpy(zero_copy_only=False) for name in batch.schema.names
        }
        keep = short_pair_filter(
            col["shared"], col["size_a"], col["size_b"], col["short_a"], col["short_b"],
            min_containment,
        )  # fmt: skip
        yield pa.RecordBatch.from_pydict(
            {"a": col["a"][keep], "b": col["b"][keep]}, schema=PAIR_SCHEMA
        )


def stars_of(members: Any, edges: Any, config: Config) -> Any:
    """Whole connected components of the verified edges (pandas frames from ``cogroup``: their
    members and edges) -> each member's representative, kind code and scores, by
    ``star_groups`` itself. Within a component its result depends on that component alone, so
    running it over several components at once, or over each apart, equals the whole."""
    import pandas as pd

    members = members.reset_index(drop=True)
    n = len(members)
    vertex = members["vertex"].to_numpy(np.int64)
    local = {int(v): i for i, v in enumerate(vertex)}
    ids = members["id"].tolist()
    rank = priority_ranks(
        ids,
        members["published"].to_numpy(np.int64),
        members["n_words"].to_numpy(np.int64),
        members["traces"].to_numpy(np.int32),
        config.group.representative,
    )
    sets, positions, offsets = _shingles(members["sets"].tolist(), members["positions"].tolist())
    shingled = (sets, positions, offsets, members["n_content"].to_numpy(np.int64))
    pairs = np.array(
        [[local[int(u)], local[int(v)]] for u, v in zip(edges["u"], edges["v"], strict=True)],
        dtype=np.int64,
    ).reshape(-1, 2)
    scores = edges[list(SCORE_COLUMNS)].to_numpy(np.float64).reshape(-1, len(SCORE_COLUMNS))
    codes = edges["code"].to_numpy(np.int8)

    stars = star_groups(n, rank, pairs, codes, scores, shingle_verifier(*shingled, config))
    out = {"vertex": vertex, "center": vertex[stars.center], "code": stars.kind}
    for k, name in enumerate(SCORE_COLUMNS):  # rounded as ``Scores.as_dict`` rounds them
        out[name] = [round(v, 4) for v in stars.scores[:, k].tolist()]
    return pd.DataFrame(out)

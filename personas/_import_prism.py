"""Importer for PRISM alignment survey rows (real participants; Kirk et al. 2024).

Rows come from a local JSONL or parquet copy of the survey file, read with `datasets`, or
from the hub when online. PRISM's terms forbid re-identification: this importer keeps the
participant's pseudonymous id, never enriches a row with other data, and marks every
profile as personal data so the suite shows only the id.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from personalign.personas._errors import DataFileError, check_file, read_text, require_content
from personalign.personas._import_common import ImportReport, ImportResult, assemble, slug
from personalign.personas._infer import Embed
from personalign.personas._schema import Demographics, LifeContext, Provenance
from personalign.personas._wall_text import (
    communication_from_text,
    split_sentences,
    split_walls,
)

PRISM_HUB_ID = "HannahRoseKirk/prism-alignment"
PRISM_LICENCE = (
    "PRISM: human-written text CC-BY-4.0; terms of use: research and education only, "
    "no de-anonymisation or linking with other data"
)
_PREF_LABELS = {
    "values": "the model reflecting their values", "creativity": "creativity", "fluency": "fluency",
    "factuality": "factual accuracy", "diversity": "diverse viewpoints", "safety": "safety",
    "personalisation": "personalisation", "helpfulness": "helpfulness",
}  # fmt: skip


def load_prism_rows(path: str | Path | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Survey rows from a local .jsonl/.json/.parquet file, or from the hub when `path` is None.
    A local file that is empty, not JSON lines or parquet, or holds no survey field is a
    DataFileError naming the file (and the line)."""
    if path is None:
        from datasets import load_dataset

        hub = load_dataset(PRISM_HUB_ID, "survey", split="train")
        return [
            dict(row) for row in hub.select(range(min(limit if limit is not None else len(hub), len(hub))))
        ]
    path = Path(path)
    rows = _parquet_rows(path) if path.suffix == ".parquet" else _json_rows(path)
    if not rows:
        raise DataFileError(path, [f"holds no rows, expected {_EXPECTED}"])
    if not any(field in row for row in rows for field in _SURVEY_FIELDS):
        found = sorted({str(k) for row in rows for k in row})[:8]
        raise DataFileError(
            path, [f"no row has a PRISM survey field ({', '.join(_SURVEY_FIELDS)}); found keys {found}"]
        )
    return rows[:limit] if limit is not None else rows


_EXPECTED = "PRISM survey rows (JSON lines, or parquet)"
# A row needs one of these to be a participant of the survey at all.
_SURVEY_FIELDS = ("user_id", "self_description", "system_string")


def _json_rows(path: Path) -> list[dict[str, Any]]:
    """JSON lines (or one JSON array) of objects; errors name the line."""
    text = require_content(path, read_text(path, _EXPECTED), _EXPECTED)
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except ValueError as err:
            raise DataFileError(path, [f"is not valid JSON ({err}), expected {_EXPECTED}"]) from None
        items = list(enumerate(data, 1)) if isinstance(data, list) else []
    else:
        items = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.append((number, json.loads(line)))
            except ValueError as err:
                raise DataFileError(
                    path, [f"line {number} is not valid JSON ({err}), expected {_EXPECTED}"]
                ) from None
    for number, item in items:
        if not isinstance(item, dict):
            raise DataFileError(path, [f"row {number} is {type(item).__name__}, expected a JSON object"])
    return [item for _, item in items]


def _parquet_rows(path: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    with check_file(path, _EXPECTED).open("rb") as handle:
        magic = handle.read(4)
    if magic != b"PAR1":
        raise DataFileError(path, [f"is not a parquet file, expected {_EXPECTED}"])
    try:
        return pq.read_table(path).to_pylist()
    except Exception as err:  # pyarrow raises its own error types for damaged files
        raise DataFileError(path, [f"cannot be read as parquet ({err})"]) from None


def _text(value: object) -> str:
    """A survey field as text: strings and numbers as written, anything else as absent."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return str(value).strip()


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _age(bucket: str | None) -> int | None:
    """Lower bound of an age bucket ("25-34 years old" -> 25, "65+ years old" -> 65)."""
    match = re.match(r"\s*(\d+)", bucket or "")
    return int(match.group(1)) if match else None


def import_prism_row(row: dict[str, Any], embed: Embed) -> ImportResult:
    """One PRISM participant as a persona (values inferred from their own words)."""
    report = ImportReport()
    user_id = _text(row.get("user_id"))
    if not user_id:
        raise ValueError("PRISM row: field 'user_id' is missing (expected the participant's id)")
    describe = _text(row.get("self_description"))
    system = _text(row.get("system_string"))
    location = _mapping(row.get("location"))
    country = _text(location.get("reside_country")) or None
    age_bucket = _text(row.get("age")) or None
    describe_sentences, system_sentences = split_sentences(describe), split_sentences(system)
    walls, prescriptions = split_walls(system_sentences)
    prefs = _mapping(row.get("stated_prefs"))
    facts = [
        f"Rates {_PREF_LABELS[key]} at {value}/100 in importance."
        for key, value in prefs.items()
        if key in _PREF_LABELS and isinstance(value, int | float) and not isinstance(value, bool)
    ]
    report.kept.append("self_description as value statements; system_string as prescriptions and walls")
    report.kept.append(f"stated_prefs as {len(facts)} facts; age bucket, residence country, employment")
    if _age(age_bucket) is not None:
        report.inferred.append(f"demographics.age={_age(age_bucket)} (lower bound of {age_bucket!r})")
    report.dropped.append("religion, ethnicity, gender, marital status, birth place (not needed; kept out)")
    report.dropped.append("conversations and ratings (this importer reads the survey only)")
    communication, notes = communication_from_text(system)
    report.inferred.extend(notes)
    employment = _text(row.get("employment_status"))
    summary = "A PRISM participant" + (f" aged {age_bucket}" if age_bucket else "")
    summary += (
        (f" living in {country}" if country else "")
        + (f" ({employment.lower()})" if employment else "")
        + "."
    )
    return assemble(
        persona_id=f"prism-{slug(user_id)}",
        kind="real",
        name=f"prism-{slug(user_id)}",  # PRISM holds no names; the id is all we show
        summary=summary,
        value_texts=describe_sentences + system_sentences,
        embed=embed,
        report=report,
        provenance=Provenance(
            source=f"PRISM alignment dataset survey, participant {user_id}",
            licence=PRISM_LICENCE,
            consent="PRISM participant consent (research use)",
            contains_pii=True,
            imported_from="prism",
        ),
        statements=describe_sentences[:3],
        walls=walls,
        prescriptions=prescriptions,
        facts=facts,
        context=LifeContext(work=employment, situation=describe_sentences[0] if describe_sentences else ""),
        communication=communication,
        demographics=Demographics(age=_age(age_bucket), country=country),
    )

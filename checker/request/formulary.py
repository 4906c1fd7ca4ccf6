"""The MTUS Drug Formulary (8 CCR 9792.27.x): versioned drug lists (rules/formulary/*.yaml), the list in force on
a date, lookups, and import of the DWC's spreadsheet (xlsx or csv) into a versioned data file."""
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, from_validation
from ..paths import rules_dir
from . import gate
from .positions import load_file
from .vocabulary import load_vocabulary

STATUSES = ("exempt", "non_exempt")


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)  # built on first use
    ingredient: str = Field(min_length=1)
    status: Literal["exempt", "non_exempt"]
    special_fill_days: Optional[int] = Field(None, ge=0, le=60)
    perioperative_fill_days: Optional[int] = Field(None, ge=0, le=60)
    confidence: Optional[Literal["high", "medium", "low"]] = None
    source: Optional[str] = None


class DrugList(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)  # built on first use
    formulary: str
    version: str = Field(min_length=1)
    effective: dt.date
    complete: bool
    source: str = Field(min_length=1)
    entries: list[Entry]


@dataclass(frozen=True)
class Lookup:
    status: str  # exempt | non_exempt | unlisted | compounded | unknown | not_in_force
    drug_list: object  # DrugList or None
    entry: object  # Entry or None

    def describe(self):
        if self.drug_list is None:
            return "No MTUS Drug List is in force on this date (the formulary applies from 1 Jan 2018)."
        where = f"MTUS Drug List {self.drug_list.version}, effective {self.drug_list.effective.isoformat()}"
        text = {"exempt": "Exempt: no prospective review needed when prescribed in accordance with the MTUS",
                "non_exempt": "Non-Exempt: needs authorization through prospective review before dispensing",
                "unlisted": "Unlisted: needs authorization through prospective review before dispensing",
                "compounded": "Compounded: always needs prospective review (8 CCR 9792.27.9)",
                "unknown": "Status unknown: not on the bundled partial list; import the current DWC list"}[self.status]
        fills = ""
        if self.entry is not None and (self.entry.special_fill_days or self.entry.perioperative_fill_days):
            fills = (f"; Special Fill {self.entry.special_fill_days or 0} days, Perioperative Fill "
                     f"{self.entry.perioperative_fill_days or 0} days")
        return f"{text}{fills} ({where})."


def _norm(name):
    return " ".join(re.sub(r"[^a-z0-9]+", " ", name.lower()).split())


def load_drug_list(path):
    """Load and validate one drug-list file."""
    data, positions = load_file(path)
    try:
        return DrugList.model_validate(data)
    except ValidationError as exc:
        raise from_validation(path, exc, positions) from None


@lru_cache(maxsize=4)
def drug_lists(root=None):
    """Every drug list under rules/formulary/, oldest first."""
    folder = (Path(root) if root else rules_dir()) / "formulary"
    lists = [load_drug_list(p) for p in sorted(folder.glob("*.yaml"))]
    return tuple(sorted(lists, key=lambda d: (d.effective, d.version)))


def list_in_force(day, root=None):
    """The drug list in force on a date (the latest effective on or before it), or None."""
    lists = [d for d in drug_lists(root) if d.effective <= day]
    return lists[-1] if lists else None


def lookup(name, day, compounded=False, root=None):
    """The formulary status of a drug named as a prescription writes it, on a date."""
    drug_list = list_in_force(day, root)
    if drug_list is None:
        return Lookup("not_in_force", None, None)
    if compounded:
        return Lookup("compounded", drug_list, None)
    vocab = load_vocabulary(str(root) if root else None)
    key = vocab.drug(name)[0]
    wanted = _norm(name)
    # the entry that names exactly this drug first; then a combination entry that names it among others
    for matches in (lambda e: (key is not None and vocab.drug(e.ingredient)[0] == key) or e.ingredient == key
                    or _norm(e.ingredient) == wanted or _norm(e.ingredient) in wanted.split(" ", 1)[:1],
                    lambda e: key is not None and key in vocab.drug_keys(e.ingredient)):
        for entry in drug_list.entries:
            if matches(entry):
                return Lookup(entry.status, drug_list, entry)
    return Lookup("unlisted" if drug_list.complete else "unknown", drug_list, None)


_COLUMNS = {"ingredient": ("ingredient", "drug"), "status": ("exempt",), "special_fill_days": ("special fill",),
            "perioperative_fill_days": ("perioperative",)}


def _column_map(header):
    found = {}
    for i, cell in enumerate(header):
        text = _norm(str(cell or ""))
        for field, words in _COLUMNS.items():
            if field not in found and any(w in text for w in words):
                found[field] = i
    missing = [f for f in ("ingredient", "status") if f not in found]
    return found, missing


def _days(value):
    text = _norm(str(value or ""))
    if not text or text in ("no", "n", "none"):
        return None
    number = re.search(r"\d+", text)
    return int(number.group()) if number else 4  # the list's fill marks mean the 4-day limit in practice


def _capped(path, rows):
    """The rows, within the spreadsheet limits of rows and of text per cell."""
    limits, out = gate.SPREADSHEET, []
    for n, row in enumerate(rows, start=1):
        if n > limits.max_items:
            raise InputError(path, f"more than {limits.max_items:,} rows (the {limits.kind} limit)")
        if any(isinstance(cell, str) and len(cell) > limits.max_string for cell in row):
            raise InputError(path, f"a cell is longer than {limits.max_string:,} characters (the {limits.kind} limit)",
                             line=n)
        out.append(list(row))
    return out


def _rows(path):
    path = Path(path)
    if path.suffix.lower() == ".csv":
        text = gate.read_text(path, gate.SPREADSHEET)
        try:
            return _capped(path, csv.reader(io.StringIO(text, newline="")))
        except csv.Error:
            raise InputError(path, "not a readable CSV file") from None
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        import openpyxl
        data = io.BytesIO(gate.read_bytes(path, gate.SPREADSHEET))
        try:
            # a workbook is a zip: refuse one that unpacks to far more than it weighs (a zip bomb)
            if sum(i.file_size for i in zipfile.ZipFile(data).infolist()) > 10 * gate.SPREADSHEET.max_bytes:
                raise InputError(path, f"the workbook unpacks to more than {10 * gate.SPREADSHEET.max_bytes:,} bytes")
            book = openpyxl.load_workbook(data, read_only=True, data_only=True)
            return _capped(path, book.worksheets[0].iter_rows(values_only=True))
        except InputError:
            raise
        except Exception as exc:  # openpyxl and zipfile raise several types for a file that is not a workbook
            raise InputError(path, f"not a readable .xlsx workbook ({exc.__class__.__name__})") from None
    raise InputError(path, "the drug list must be .xlsx or .csv")


def import_drug_list(path, version, effective, source=None, complete=False):
    """Turn the DWC's MTUS Drug List spreadsheet into a DrugList; `complete` only when the file is the whole list
    (then a drug not on it is unlisted rather than of unknown status)."""
    try:
        rows = _rows(path)
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    header_at = next((i for i, row in enumerate(rows[:30]) if not _column_map(row)[1]), None)
    if header_at is None:
        raise InputError(path, "no header row with an ingredient/drug column and an exempt status column")
    columns, _ = _column_map(rows[header_at])
    entries, seen = [], set()
    for n, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        cell = lambda f: row[columns[f]] if f in columns and columns[f] < len(row) else None  # noqa: E731
        ingredient = str(cell("ingredient") or "").strip()
        if not ingredient:
            continue
        status_text = _norm(str(cell("status") or ""))
        status = "non_exempt" if "non" in status_text else "exempt" if "exempt" in status_text else None
        if status is None:
            raise InputError(path, f"status {cell('status')!r} is neither Exempt nor Non-Exempt", field="status", line=n)
        if (ingredient, status) in seen:
            continue
        seen.add((ingredient, status))
        entries.append(Entry(ingredient=ingredient, status=status, special_fill_days=_days(cell("special_fill_days")),
                             perioperative_fill_days=_days(cell("perioperative_fill_days")),
                             source=f"{Path(path).name} row {n}"))
    if not entries:
        raise InputError(path, "no drug rows found under the header")
    return DrugList(formulary="MTUS Drug List", version=version, effective=effective, complete=complete,
                    source=source or f"imported from {Path(path).name}", entries=entries)


def dump_drug_list(drug_list):
    """YAML text of a drug list (deterministic)."""
    data = drug_list.model_dump(exclude_none=True)
    header = (f"# MTUS Drug List {drug_list.version}, effective {drug_list.effective.isoformat()}: written by "
              f"`mtus-check formulary import`.\n")
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)

"""Reading a planner's tables (CSV in UTF-8/GBK, or Excel) with errors that name file, row and column.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, InputErrors, nearest

# Chinese CSVs exported from Excel are often GBK/GB18030; try the strict encodings first.
ENCODINGS = ("utf-8-sig", "gb18030")
MAX_TABLE_BYTES = 200 * 1024 * 1024  # a region table is < 1 MB; 200 MB is a mistake, not data


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "code" | "str" | "int" | "float" | "bool"
    required: bool = True
    min: float | None = None
    positive: bool = False
    fix: str = ""


@dataclass(frozen=True)
class TableSpec:
    what: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    def names(self) -> list[str]:
        return [c.name for c in self.columns]


REGIONS = TableSpec("region table", (
    Column("code", "code", fix="give the 6-digit administrative code (adcode), e.g. 510100"),
    Column("parent_code", "code", required=False),
    Column("name_zh", "str", fix="give the Chinese name"),
    Column("name_en", "str", required=False),
    Column("level", "str", required=False),
    Column("population", "int", positive=True, fix="give the resident population in persons (not 万人), > 0"),
    Column("pop_urban", "int", required=False, min=0),
    Column("pop_rural", "int", required=False, min=0),
    Column("share_65plus_pct", "float", required=False, min=0),
    Column("area_km2", "float", required=False, min=0),
    Column("centroid_lon", "float", required=False),
    Column("centroid_lat", "float", required=False),
    Column("population_year", "int", required=False),
    Column("estimated", "bool", required=False),
), key=("code",))

STOCK = TableSpec("stock table", (
    Column("code", "code"),
    Column("tier", "str"),
    Column("modality", "str"),
    Column("units", "float", min=0, fix="give the number of installed units, 0 or more"),
    Column("reference_year", "int", required=False),
    Column("estimated", "bool", required=False),
    Column("rule", "str", required=False),
), key=("code", "tier", "modality"))

FACILITIES = TableSpec("facilities table", (
    Column("code", "code"),
    Column("tier", "str"),
    Column("facilities", "float", min=0, fix="give the number of facilities, 0 or more"),
    Column("reference_year", "int", required=False),
    Column("estimated", "bool", required=False),
    Column("rule", "str", required=False),
), key=("code", "tier"))

STAFF = TableSpec("staff table", (
    Column("code", "code"),
    Column("year", "int", required=False),
    Column("staff", "float", min=0, fix="give imaging staff (technologists) available, 0 or more"),
), key=("code", "year"))

TRAVEL = TableSpec("travel table", (
    Column("from_code", "code"),
    Column("to_code", "code"),
    Column("minutes", "float", min=0, fix="give the travel time in minutes, 0 or more"),
), key=("from_code", "to_code"))


def read_raw(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV or Excel file as text cells, trying UTF-8 then GB18030 (a superset of GBK)."""
    name = str(path)
    if not path.exists():
        raise InputError(name, "file not found", fix="check the path in the scenario's [regions] section")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise InputError(name, f"file is {path.stat().st_size / 1e6:.0f} MB, over the "
                         f"{MAX_TABLE_BYTES / 1e6:.0f} MB limit", fix="split it or remove unused columns")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            book = pd.read_excel(path, sheet_name=None, dtype=str, engine="openpyxl")
        except Exception as e:  # openpyxl raises many kinds for a broken workbook
            raise InputError(name, f"cannot read this Excel file ({e.__class__.__name__}: {e})",
                             fix="save it again from Excel as .xlsx") from None
        if sheet is not None:
            if sheet not in book:
                raise InputError(name, f"no sheet named '{sheet}'",
                                 fix=f"use one of {list(book)} in [regions] sheet")
            return book[sheet]
        if len(book) > 1:
            raise InputError(name, f"the workbook has {len(book)} sheets {list(book)}",
                             fix="name the sheet to read with `sheet = \"...\"` in the scenario's [regions]")
        return next(iter(book.values()))
    if suffix not in (".csv", ".txt", ".tsv"):
        raise InputError(name, f"unsupported file type '{suffix}'", fix="give a .csv or .xlsx file")
    data = path.read_bytes()
    for enc in ENCODINGS:
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(name, "the text encoding is neither UTF-8 nor GBK/GB18030",
                         fix="save the file as 'CSV UTF-8' from Excel")
    import io

    sep = "\t" if suffix == ".tsv" else ","
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, sep=sep, keep_default_na=False,
                           skipinitialspace=True)
    except pd.errors.ParserError as e:
        raise InputError(name, f"cannot parse as CSV ({e})", fix="check quoting and the number of commas") from None


def _to_bool(v: str) -> bool | None:
    s = v.strip().lower()
    if s in ("true", "1", "yes", "y", "是"):
        return True
    if s in ("false", "0", "no", "n", "否", ""):
        return False
    return None


def validate_table(df: pd.DataFrame, spec: TableSpec, file: str) -> pd.DataFrame:
    """Check columns, types and values; return a typed frame or raise every problem found at once."""
    errors: list[InputError] = []
    df = df.rename(columns=lambda c: str(c).strip().lstrip("\ufeff"))
    unnamed = [c for c in df.columns if c.startswith("Unnamed")]
    present = set(df.columns)
    for col in spec.columns:
        if col.required and col.name not in present:
            guess = nearest(col.name, [c for c in present if c not in spec.names()])
            hint = f"rename column '{guess}' to '{col.name}'" if guess else f"add a column '{col.name}'"
            if unnamed and not guess:
                hint += " (the header looks merged or spread over several rows: keep one header row)"
            errors.append(InputError(file, f"missing column '{col.name}' in the {spec.what}", fix=hint))
    if errors:
        raise InputErrors(errors)
    out = pd.DataFrame(index=df.index)
    for col in spec.columns:
        if col.name not in present:
            continue
        raw = df[col.name].astype(str).str.strip().replace({"nan": "", "None": "", "NaN": ""})
        if col.kind in ("code", "str"):
            vals = raw
            if col.kind == "code":
                vals = raw.str.replace(r"\.0$", "", regex=True)  # Excel turns 510100 into 510100.0
            if col.required:
                for i in np.flatnonzero((vals == "").to_numpy()):
                    errors.append(InputError(file, "empty cell", row=int(i) + 2, column=col.name,
                                             fix=col.fix or f"fill in '{col.name}'"))
            out[col.name] = vals
        elif col.kind == "bool":
            parsed = raw.map(_to_bool)
            for i in np.flatnonzero(parsed.isna().to_numpy()):
                errors.append(InputError(file, "not true/false", row=int(i) + 2, column=col.name,
                                         value=raw.iloc[i], fix="write true or false"))
            out[col.name] = parsed.fillna(False).astype(bool)
        else:
            cleaned = raw.str.replace(",", "", regex=False).str.replace("，", "", regex=False)
            num = pd.to_numeric(cleaned, errors="coerce")
            for i in np.flatnonzero(num.isna().to_numpy()):
                if raw.iloc[i] == "" and not col.required:
                    continue
                problem = "empty cell" if raw.iloc[i] == "" else "not a number"
                errors.append(InputError(file, problem, row=int(i) + 2, column=col.name,
                                         value=None if raw.iloc[i] == "" else raw.iloc[i],
                                         fix=col.fix or f"give a number in '{col.name}'"))
            if col.positive:
                for i in np.flatnonzero((num <= 0).to_numpy()):
                    errors.append(InputError(file, "must be greater than 0", row=int(i) + 2, column=col.name,
                                             value=num.iloc[i], fix=col.fix))
            if col.min is not None:
                for i in np.flatnonzero((num < col.min).to_numpy()):
                    errors.append(InputError(file, f"must be at least {col.min:g}", row=int(i) + 2,
                                             column=col.name, value=num.iloc[i], fix=col.fix))
            if col.kind == "int":
                frac = (num.notna()) & (num != np.round(num))
                for i in np.flatnonzero(frac.to_numpy()):
                    errors.append(InputError(file, "must be a whole number", row=int(i) + 2,
                                             column=col.name, value=num.iloc[i], fix=col.fix))
            out[col.name] = num.astype(float)
    if spec.key and not errors:
        key = [k for k in spec.key if k in out.columns]
        dup = out.duplicated(subset=key, keep="first")
        for i in np.flatnonzero(dup.to_numpy()):
            first = int(np.flatnonzero((out[key] == out[key].iloc[i]).all(axis=1).to_numpy())[0])
            values = ", ".join(f"{k}={out[k].iloc[i]}" for k in key)
            errors.append(InputError(file, f"duplicate row ({values}) also on row {first + 2}", row=int(i) + 2,
                                     fix="keep one row per " + ", ".join(key)))
    if errors:
        raise InputErrors(errors)
    return out.reset_index(drop=True)


def read_table(path: Path, spec: TableSpec, sheet: str | None = None) -> pd.DataFrame:
    return validate_table(read_raw(path, sheet), spec, str(path))

"""Reading a planner's tables (CSV in UTF-8/GBK, or Excel) with errors that name file, row and column.

Row numbers are the ones a spreadsheet shows: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from planner.errors import InputError, InputErrors, nearest
from planner.messages import Message, msg

# Chinese CSVs exported from Excel are often GBK/GB18030; try the strict encodings first.
ENCODINGS = ("utf-8-sig", "gb18030")
MAX_TABLE_BYTES = 200 * 1024 * 1024  # a region table is < 1 MB; 200 MB is a mistake, not data

# What people type (or Excel/pandas write) for "no value". They are read as an empty cell, so a required
# column says "empty cell" instead of "not a number (value: '—')", and an optional column stays empty.
PLACEHOLDERS = frozenset({"nan", "none", "null", "na", "n/a", "#n/a", "-", "--", "—", "——", "–", "/", "无"})
# "1,234,567" or "1 234 567": thousands separators, removed. Any other comma ("1,5") is refused rather
# than guessed, because in a European export it is a decimal comma and dropping it would give 15.
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([, ]\d{3})+(\.\d*)?$")


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # "code" | "str" | "int" | "float" | "bool"
    required: bool = True
    min: float | None = None
    max: float | None = None
    positive: bool = False
    fix: str | Message = ""
    # A median below this means the column was typed in 万 (10^4): population in 万人 is the common case.
    wan_below: float | None = None


@dataclass(frozen=True)
class TableSpec:
    what: Message  # the table's name, said inside messages ("the region table has ...")
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)
    min_rows: int = 0  # a table that must have data rows (the region table): header-only is an error

    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    # LoadedScenario.read (config/) calls these on the spec it is handed, so config/ needs no import of data/
    def validate(self, df: pd.DataFrame, file: str) -> pd.DataFrame:
        return validate_table(df, self, file)

    def read(self, path: Path, sheet: str | None = None, label: str | None = None) -> pd.DataFrame:
        return read_table(path, self, sheet, label=label)


REGIONS = TableSpec(msg("table.region"), (
    Column("code", "code", fix=msg("table.fix_adcode")),
    Column("parent_code", "code", required=False),
    Column("name_zh", "str", fix=msg("table.fix_name_zh")),
    Column("name_en", "str", required=False),
    Column("level", "str", required=False),
    Column("population", "int", positive=True, fix=msg("table.fix_population"),
           wan_below=1000, max=2e9),
    Column("pop_urban", "int", required=False, min=0),
    Column("pop_rural", "int", required=False, min=0),
    Column("share_65plus_pct", "float", required=False, min=0),
    Column("area_km2", "float", required=False, min=0),
    Column("centroid_lon", "float", required=False),
    Column("centroid_lat", "float", required=False),
    Column("population_year", "int", required=False),
    Column("estimated", "bool", required=False),
), key=("code",), min_rows=1)

STOCK = TableSpec(msg("table.stock"), (
    Column("code", "code"),
    Column("tier", "str"),
    Column("modality", "str"),
    Column("units", "float", min=0, fix=msg("table.fix_units")),
    Column("reference_year", "int", required=False),
    Column("estimated", "bool", required=False),
    Column("rule", "str", required=False),
    # the year these units were installed: they retire after their service life; rows without it are
    # spread evenly in age (data/inputs.py, _even_age_survivors)
    Column("installed_year", "int", required=False),
), key=("code", "tier", "modality", "installed_year"))

FACILITIES = TableSpec(msg("table.facilities"), (
    Column("code", "code"),
    Column("tier", "str"),
    Column("facilities", "float", min=0, fix=msg("table.fix_facilities")),
    Column("reference_year", "int", required=False),
    Column("estimated", "bool", required=False),
    Column("rule", "str", required=False),
), key=("code", "tier"))

STAFF = TableSpec(msg("table.staff"), (
    Column("code", "code"),
    Column("year", "int", required=False),
    Column("staff", "float", min=0, fix=msg("table.fix_staff")),
), key=("code", "year"))

TRAVEL = TableSpec(msg("table.travel"), (
    Column("from_code", "code"),
    Column("to_code", "code"),
    # One of the two: minutes, or road km (turned into minutes at mobile.speed_km_per_h).
    Column("minutes", "float", required=False, min=0, fix=msg("table.fix_minutes")),
    Column("km", "float", required=False, min=0, fix=msg("table.fix_km")),
), key=("from_code", "to_code"))


QUOTAS = TableSpec(msg("table.quotas"), (
    Column("code", "code", fix=msg("table.fix_quota_code")),
    Column("modality", "str"),
    # empty: the cap counts the modality's new units at every tier
    Column("tier", "str", required=False),
    Column("max_new_units", "float", min=0, fix=msg("table.fix_max_new_units")),
    Column("source", "str", required=False),
), key=("code", "modality", "tier"))


def _size(n: float) -> Message:
    for code, step in (("table.size_mb", 1e6), ("table.size_kb", 1e3)):
        if n >= step:
            return msg(code, size=n / step)
    return msg("table.size_bytes", size=n)


def _not_text(data: bytes) -> Message | None:
    """What a binary file given as a CSV really is (a renamed workbook or document), or None if it is text."""
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if any(n.startswith("xl/") for n in names):
            return msg("table.kind_xlsx")
        if any(n.startswith("word/") for n in names):
            return msg("table.kind_docx")
        return msg("table.kind_zip")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return msg("table.kind_old_office")
    if head.startswith(b"%PDF"):
        return msg("table.kind_pdf")
    if b"\x00" in data[:4096]:
        return msg("table.kind_binary")
    return None


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" export is UTF-16
        return data.decode("utf-16")
    what = _not_text(data)
    if what:
        raise InputError(name, msg("table.this_file_is", what=what), fix=msg("table.fix_save_as_csv"))
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(name, msg("table.bad_encoding"), fix=msg("table.fix_save_utf8"))


def _separator(text: str, suffix: str) -> str:
    """',' normally; ';' or tab when the header row uses those (European Excel exports write ';')."""
    if suffix == ".tsv":
        return "\t"
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _frame(rows: list[list[str]], name: str) -> pd.DataFrame:
    """Rows of text cells -> a frame of strings, as pandas.read_csv(dtype=str) would name the columns."""
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()  # trailing empty lines (",,,") are not data
    if not rows:
        raise InputError(name, msg("table.empty_file"), fix=msg("table.fix_empty_file"))
    header, body = rows[0], rows[1:]
    width = max(len(r) for r in rows[:11])
    if sum(1 for c in header if c.strip()) <= 1 < width:
        # row 1 is a title ("四川省…人口表") above the real header: widen it, so validate_table can say
        # which row the header is on instead of reporting the header as a row with too many cells
        header = header + [""] * (width - len(header))
    for i, row in enumerate(body):
        if len(row) > len(header) and any(c.strip() for c in row[len(header):]):
            raise InputError(name, msg("table.row_too_long", cells=len(row), header=len(header)), row=i + 2,
                             fix=msg("table.fix_extra_commas"))
    cols: list[str] = []
    for j, c in enumerate(header):
        c = c if c.strip() else f"Unnamed: {j}"
        base, k = c, 0
        while c in cols:  # duplicate names get .1, .2 like pandas
            k += 1
            c = f"{base}.{k}"
        cols.append(c)
    w = len(cols)
    return pd.DataFrame([(r + [""] * w)[:w] for r in body], columns=cols, dtype=str)


def read_raw(path: Path, sheet: str | None = None, label: str | None = None) -> pd.DataFrame:
    """Read a CSV or Excel file as text cells, trying UTF-8 then GB18030 (a superset of GBK). ``label``:
    how messages name the file (default its path)."""
    name = label or str(path)
    if not path.exists():
        raise InputError(name, msg("table.file_not_found"), fix=msg("table.fix_check_path"))
    size = path.stat().st_size  # checked before reading anything, so a huge file costs no memory
    if size > MAX_TABLE_BYTES:
        raise InputError(name, msg("table.too_big", size=_size(size), limit=_size(MAX_TABLE_BYTES)),
                         fix=msg("table.fix_too_big"))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            book = pd.read_excel(path, sheet_name=None, dtype=str, engine="openpyxl")
        except Exception as e:  # openpyxl raises many kinds for a broken workbook
            raise InputError(name, msg("table.bad_excel", error=f"{e.__class__.__name__}: {e}"),
                             fix=msg("table.fix_resave_xlsx")) from None
        _refuse_unsaved_formulas(path, name, sheet)
        listed = ", ".join(f"'{s}'" for s in book)
        if sheet is not None:
            if sheet not in book:
                guess = nearest(sheet, book)
                raise InputError(name, msg("table.no_sheet", sheet=sheet, sheets=listed),
                                 fix=msg("table.fix_did_you_mean_sheet", sheet=guess) if guess else
                                 msg("table.fix_set_sheet"))
            return book[sheet]
        if len(book) > 1:
            raise InputError(name, msg("table.several_sheets", n=len(book), sheets=listed),
                             fix=msg("table.fix_choose_sheet", sheet=next(iter(book))))
        return next(iter(book.values()))
    if suffix not in (".csv", ".txt", ".tsv"):
        raise InputError(name, msg("table.unsupported_type", suffix=suffix), fix=msg("table.fix_csv_or_xlsx"))
    text = _decode(path.read_bytes(), name)
    # The csv module rather than pandas: it accepts ragged rows (which we report by row number) and keeps
    # blank lines, so row numbers stay the ones the spreadsheet shows.
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=_separator(text, suffix), skipinitialspace=True))
    except csv.Error as e:
        raise InputError(name, msg("table.bad_csv", error=str(e)), fix=msg("table.fix_quoting")) from None
    return _frame(rows, name)


def _to_bool(v: str) -> bool | None:
    s = v.strip().lower()
    if s in ("true", "1", "yes", "y", "是"):
        return True
    if s in ("false", "0", "no", "n", "否", ""):
        return False
    return None


def _clean(v: object, nfkc: bool = True) -> str:
    """A cell as text: full-width digits and punctuation made ASCII (NFKC), trimmed, placeholders -> ''.
    Names (``nfkc=False``) keep their characters as typed: only codes, numbers and flags are normalised."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    s = (unicodedata.normalize("NFKC", str(v)) if nfkc else str(v)).strip()
    return "" if s.lower() in PLACEHOLDERS else s


def _clean_column(values: pd.Series, nfkc: bool = True) -> pd.Series:
    """``_clean`` of every cell, worked out once per distinct value: a stock or facilities table repeats
    its tiers, modalities, counts and notes thousands of times (0.18 s of the verifier's 0.22 s on
    Sichuan by county went to cleaning cell by cell)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    cleaned = np.array([_clean(v, nfkc) for v in uniques] + [""], dtype=object)  # code -1 (missing) -> ""
    return pd.Series(cleaned[codes], index=values.index, dtype=object)


def _blank_cells(df: pd.DataFrame) -> pd.DataFrame:
    """Which cells are empty once cleaned (placeholders such as '-' count as empty)."""
    return pd.DataFrame({c: _clean_column(df[c]).eq("") for c in df.columns}, index=df.index)


def _header(c: object) -> str:
    return unicodedata.normalize("NFKC", str(c)).strip().lstrip("\ufeff").strip()


def _number_text(s: str) -> str:
    return s.replace(",", "").replace(" ", "") if _THOUSANDS.match(s) else s


def _header_row(df: pd.DataFrame, wanted: list[str]) -> int | None:
    """The spreadsheet row holding the header when title rows sit above it, or None."""
    for i in range(min(len(df), 10)):
        cells = {_clean(v) for v in df.iloc[i].tolist()}
        if all(w in cells for w in wanted):
            return i + 2
    return None


def validate_table(df: pd.DataFrame, spec: TableSpec, file: str) -> pd.DataFrame:
    """Check columns, types and values; return a typed frame or raise every problem found at once."""
    names = {n.lower(): n for n in spec.names()}
    # trimmed, full-width letters made ASCII, and 'Population' read as 'population'
    df = df.rename(columns=lambda c: names.get(_header(c).lower(), _header(c)))
    _check_columns(df, spec, file)
    empty = _blank_cells(df)
    if len(df) < spec.min_rows or (spec.min_rows and empty.all(axis=None)):
        raise InputError(file, msg("table.no_data_rows", what=spec.what), fix=msg("table.fix_add_rows"))
    # Wholly empty rows (a blank line, a row cleared in Excel) are skipped, as pandas used to skip blank
    # lines, but rows are still counted so every message gives the row number the spreadsheet shows.
    blank = empty.all(axis=1).to_numpy() if len(df.columns) else np.zeros(len(df), bool)
    cells = _Cells(file, blank)
    out = pd.DataFrame(index=df.index)
    for col in spec.columns:
        if col.name not in df.columns:
            continue
        raw = _clean_column(df[col.name], col.kind != "str").astype(str)
        shown = df[col.name].astype(str).str.strip()  # what the planner typed, for the messages
        read = _text_column if col.kind in ("code", "str") else _bool_column if col.kind == "bool" else _number_column
        out[col.name] = read(cells, col, raw, shown)
    if spec.key and not cells.errors:
        _check_duplicates(cells, out, [k for k in spec.key if k in out.columns])
    if cells.errors:
        raise InputErrors(cells.errors)
    # Keep the original positions as the index (file row = index + 2), so later cross-table checks
    # (unknown codes, ineligible stock) name the row the spreadsheet shows even after blank lines.
    return out[~blank]


class _Cells:
    """Where a table's cell problems are collected, and which rows count (blank rows are skipped)."""

    def __init__(self, file: str, blank: np.ndarray):
        self.file, self.blank = file, blank
        self.errors: list[InputError] = []

    def rows(self, mask: pd.Series) -> np.ndarray:
        return np.flatnonzero(mask.to_numpy() & ~self.blank)

    def add(self, message: Message, i: int | None = None, **kw) -> None:
        self.errors.append(InputError(self.file, message, row=None if i is None else int(i) + 2, **kw))


def _check_columns(df: pd.DataFrame, spec: TableSpec, file: str) -> None:
    """Every required column is there (a title row above the header is named as such)."""
    present = set(df.columns)
    unnamed = [c for c in df.columns if c.startswith("Unnamed")]
    missing = [c.name for c in spec.columns if c.required and c.name not in present]
    if not missing:
        return
    # A title row above the header (common in exported statistics) shows up as one named column and
    # 'Unnamed' ones, with the real header among the first data rows.
    at = _header_row(df, missing)
    if at is not None:
        raise InputError(file, msg("table.header_on_row", row=at), fix=msg("table.fix_header_row1"))
    errors = []
    for name in missing:
        guess = nearest(name, [c for c in present if c not in spec.names()])
        hint = msg("table.fix_rename_column", found=guess, column=name) if guess else \
            msg("table.fix_add_column", column=name)
        if unnamed and not guess:
            hint = msg("table.fix_merged_header", fix=hint)
        errors.append(InputError(file, msg("table.missing_column", column=name, what=spec.what), fix=hint))
    raise InputErrors(errors)


def _text_column(cells: _Cells, col, raw: pd.Series, shown: pd.Series) -> pd.Series:
    vals = raw
    if col.kind == "code":
        vals = raw.str.replace(r"\.0$", "", regex=True)  # Excel turns 510100 into 510100.0
    if col.required:
        for i in cells.rows(vals == ""):
            cells.add(msg("table.empty_cell"), i, column=col.name, value=_typed(shown.iloc[i]),
                      fix=col.fix or msg("table.fix_fill_in", column=col.name))
    return vals


def _bool_column(cells: _Cells, col, raw: pd.Series, shown: pd.Series) -> pd.Series:
    parsed = raw.map(_to_bool)
    for i in cells.rows(parsed.isna()):
        cells.add(msg("table.not_bool"), i, column=col.name, value=shown.iloc[i], fix=msg("table.fix_bool"))
    return parsed.fillna(False).astype(bool)


def _number_column(cells: _Cells, col, raw: pd.Series, shown: pd.Series) -> pd.Series:
    num = pd.to_numeric(raw.map(_number_text), errors="coerce")
    for i in cells.rows(num.isna()):
        if raw.iloc[i] == "" and not col.required:
            continue
        if raw.iloc[i] == "":
            cells.add(msg("table.empty_cell"), i, column=col.name, value=_typed(shown.iloc[i]),
                      fix=col.fix or msg("table.fix_number_in", column=col.name))
            continue
        fix = col.fix or msg("table.fix_number_in", column=col.name)
        if "," in raw.iloc[i]:
            fix = msg("table.fix_no_commas")
        cells.add(msg("table.not_number"), i, column=col.name, value=shown.iloc[i], fix=fix)
    for i in cells.rows(pd.Series(np.isinf(num.to_numpy(float)), index=num.index)):
        cells.add(msg("table.not_finite"), i, column=col.name, value=shown.iloc[i],
                  fix=col.fix or msg("table.fix_finite_in", column=col.name))
    if col.positive:
        for i in cells.rows(num <= 0):
            cells.add(msg("table.must_be_positive"), i, column=col.name, value=num.iloc[i], fix=col.fix)
    if col.min is not None:
        for i in cells.rows(num < col.min):
            cells.add(msg("table.at_least", min=col.min), i, column=col.name, value=num.iloc[i], fix=col.fix)
    if col.max is not None:
        for i in cells.rows((num > col.max) & np.isfinite(num)):
            cells.add(msg("table.at_most", max=col.max), i, column=col.name, value=num.iloc[i],
                      fix=msg("table.fix_population_check", fix=col.fix))
    if col.wan_below is not None and _looks_like_wan(num[~cells.blank], col.wan_below):
        # One message for the column instead of a 'whole number' error on every row of 52.3 万人.
        big = float(num.max())
        cells.add(msg("table.too_small_for_persons", largest=big), column=col.name,
                  fix=msg("table.fix_wan", largest=big, persons=big * 10_000))
    elif col.kind == "int":
        for i in cells.rows(num.notna() & (num != np.round(num))):
            cells.add(msg("table.must_be_whole"), i, column=col.name, value=num.iloc[i], fix=col.fix)
    return num.astype(float)


def _check_duplicates(cells: _Cells, out: pd.DataFrame, key: list[str]) -> None:
    dup = out.duplicated(subset=key, keep="first")
    for i in cells.rows(dup):
        first = int(cells.rows((out[key] == out[key].iloc[i]).all(axis=1))[0])
        values = ", ".join(f"{k}={out[k].iloc[i]}" for k in key)
        cells.add(msg("table.duplicate_row", values=values, first=first + 2), i,
                  fix=msg("table.fix_one_row_per_keys" if len(key) > 1 else "table.fix_one_row_per_key",
                          key=", ".join(key)))


def _looks_like_wan(num: pd.Series, below: float) -> bool:
    """Populations typed in 万人: most values under ``below`` (no real region table looks like that), or
    values with decimals none of which reaches 100,000 (e.g. 2093.8 and 248.9 for two prefectures)."""
    pos = num[num > 0]
    if pos.empty:
        return False
    if float(pos.median()) < below:
        return True
    return bool(pos.max() < 100_000 and (pos != np.round(pos)).any())


def _typed(shown: str) -> str | None:
    """The placeholder the planner typed ('NaN', '—'), shown in the message; None for a truly empty cell."""
    return shown if shown not in ("", "nan", "None") else None


def _refuse_unsaved_formulas(path: Path, name: str, sheet: str | None) -> None:
    """A formula cell whose value was never saved (a workbook written by a program, or saved with manual
    calculation) reads as empty; say so instead of 'empty cell', with the cell's address."""
    import openpyxl

    try:
        formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - pandas already read it; a second reader's trouble is not the user's
        return
    for ws_name in ([sheet] if sheet in formulas.sheetnames else formulas.sheetnames):
        for f_row, v_row in zip(formulas[ws_name].iter_rows(), values[ws_name].iter_rows()):
            for f_cell, v_cell in zip(f_row, v_row):
                if isinstance(f_cell.value, str) and f_cell.value.startswith("=") and v_cell.value is None:
                    raise InputError(name, msg("table.unsaved_formula", cell=f_cell.coordinate, sheet=ws_name,
                                               formula=f_cell.value), row=f_cell.row,
                                     fix=msg("table.fix_save_formulas"))


def read_table(path: Path, spec: TableSpec, sheet: str | None = None, label: str | None = None) -> pd.DataFrame:
    """``label``: how messages name the file (default its path)."""
    return validate_table(read_raw(path, sheet, label), spec, label or str(path))

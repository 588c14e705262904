"""`planner export`: a scenario's planning model as an MPS or LP file, for any solver.

Two writers give the same model. HiGHS's (the default, fast at county scale) writes exactly the matrices
the planner hands HiGHS, with names that lead back to the model: column ``x(12)`` is row 12 of
PlanModel.families["x"].index, row ``budget_total(0)`` row 0 of PlanModel.blocks["budget_total"].index.
Pyomo's writes the canonical Pyomo model (planning/pyomo_model.py) and names columns v(j) for column j.
Both put the objective's constant in the file: HiGHS as the MPS objective row's right-hand side (negated)
or a constant in the LP objective, Pyomo as a column ONE_VAR_CONSTANT fixed at 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from planner.errors import InputError
from planner.messages import msg
from planner.io.files import atomic_path
from planner.planning.model import PlanModel
from planner.planning.pyomo_model import FORMATS

WRITERS = ("highs", "pyomo")


@dataclass
class Exported:
    """What was written: the model's size as PlanModel counts it, the file and the objective's constant."""

    path: Path
    format: str
    writer: str
    size: dict[str, int]
    offset: float

    def line(self, lang: str = "en") -> str:
        """What was written, in ``lang`` (exported.* codes)."""
        s = self.size
        size = dict(rows=s["rows"], columns=s["columns"], integer=s["integer_columns"], nonzeros=s["nonzeros"],
                    path=self.path, format=self.format.upper(), writer=self.writer)
        if not self.offset:
            return msg("exported.written", **size).render(lang)
        where = msg("exported.constant_column") if self.writer == "pyomo" else msg("exported.constant_included")
        return msg("exported.written_constant", **size, offset=self.offset, where=where).render(lang)


def model_format(path: Path) -> str:
    """'mps' or 'lp' from the file name's suffix (any case); anything else is an InputError."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        said = msg("export.the_suffix", suffix=path.suffix) if path.suffix else msg("export.no_suffix")
        raise InputError(str(path), msg("export.unknown_format", said=said), fix=msg("export.fix_format"))
    return fmt


def names(pm: PlanModel) -> tuple[list[str], list[str]]:
    """A name per column, family(i), and per row, block(i): i indexes the family's or block's index table."""
    cols = [f"{f.name}({i})" for f in pm.families.values() for i in range(len(f))]
    rows = [f"{b.name}({i})" for b in pm.blocks.values() for i in range(b.rows)]
    return cols, rows


def export_model(pm: PlanModel, path: str | Path, writer: str = "highs", keep: tuple[Path, ...] = ()) -> Exported:
    """Write ``pm`` (as it stands, what-if changes included) to ``path``, atomically: a temporary file in
    the same folder, renamed over ``path`` once complete. ``keep``: files that must not be overwritten
    (the scenario's own file)."""
    path = Path(path)
    fmt = model_format(path)
    if writer not in WRITERS:
        raise InputError("--writer", msg("export.unknown_writer", writer=writer),
                         fix=msg("export.fix_writer", writers=", ".join(WRITERS)))
    if path.is_dir():
        raise InputError(str(path), msg("export.is_folder"), fix=msg("export.fix_file_name"))
    if any(path.resolve() == Path(k).resolve() for k in keep):
        raise InputError(str(path), msg("export.own_file"), fix=msg("export.fix_other_name"))
    with atomic_path(path, suffix="." + fmt) as tmp:  # both writers pick the format from the suffix
        if writer == "highs":
            from planner.solver import HighsModel

            A, row_lower, row_upper = pm.matrix()
            highs = HighsModel(pm.cost, pm.lower, pm.upper, pm.integer, A, row_lower, row_upper,
                               offset=pm.objective_offset)
            highs.write(tmp, *names(pm))
        else:
            from planner.planning.pyomo_model import write

            write(pm, str(tmp))
    return Exported(path, fmt, writer, pm.size, float(pm.objective_offset))

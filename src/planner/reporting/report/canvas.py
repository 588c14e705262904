"""What every figure shares: a pyplot-free Agg figure, saving it as PNG and SVG, and the title note of the
inputs that did not vary."""

from __future__ import annotations

import io
from pathlib import Path

from planner.io.files import atomic_write_bytes
from planner.reporting.report.results import Results

DPI = 150


def new_figure(figsize):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def save_figure(fig, out_dir: Path, stem: str) -> list[Path]:
    paths = []
    for ext in ("png", "svg"):
        buf = io.BytesIO()
        fig.savefig(buf, format=ext, dpi=DPI, metadata={"Date": None} if ext == "svg" else None)
        path = out_dir / f"{stem}.{ext}"
        atomic_write_bytes(path, buf.getvalue())
        paths.append(path)
    return paths


def constant_note(res: Results, wan: str) -> str:
    """Varied inputs that took a single value in this run, as a second title line."""
    if not res.constant_varied:
        return ""
    return "\n(" + res.case_label(0, res.constant_varied, wan=wan) + ")"

"""The figures' fonts and rcParams: finding a CJK font, report_style() for the length of a report, and
the check that no figure text would be drawn as missing-glyph boxes."""

from __future__ import annotations

import contextlib
import functools
import os
import warnings
from pathlib import Path

from planner.errors import InputError, PlannerError
from planner.messages import msg
from planner.reporting.report.labels import LANGS, WAN_LABEL, language

FONT_ENV = "PLANNER_CJK_FONT"
CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "Sarasa Gothic SC", "SimHei", "Microsoft YaHei", "PingFang SC", "Heiti SC", "Arial Unicode MS")
CJK_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                  "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                  "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc")


class FontMissing(PlannerError):
    """No font can draw the report's Chinese text: raised before anything is written."""


ZH_PROBE = "万元亿预算未满足需求基层密度规划"     # characters every Chinese report draws
FONT_FIX = (f"install a CJK font, e.g. `sudo apt-get install fonts-wqy-microhei` on Debian/Ubuntu (what the project's "
            f".ci/run installs), or point --font (or the {FONT_ENV} environment variable) at a .ttf/.otf/.ttc file "
            f"with Chinese characters, or write the report in English with --lang en")


@functools.lru_cache(maxsize=16)
def _ft2font(path: str):
    from matplotlib.ft2font import FT2Font

    return FT2Font(path)


def _draws(path: str, chars: str) -> bool:
    try:
        font = _ft2font(str(path))
    except (OSError, RuntimeError, ValueError):     # not a font file matplotlib can read
        return False
    return all(font.get_char_index(ord(c)) for c in chars)


def cjk_font(font: str | Path | None = None) -> tuple[str, str] | None:
    """(family, file) of the font for Chinese text, or None when none is installed.

    ``font`` (or $PLANNER_CJK_FONT) names a file, and then only that file is tried: a font asked for that
    cannot draw Chinese is an error, not silently replaced. Otherwise the first of CJK_FONTS (by family, from
    matplotlib's font list) and CJK_FONT_FILES that really has the glyphs (a name alone proves nothing).
    """
    from matplotlib import font_manager

    fm = font_manager.fontManager
    asked = font or os.environ.get(FONT_ENV) or None
    if asked:
        path = str(Path(asked).expanduser())
        source = "--font" if font else FONT_ENV
        if not Path(path).is_file():
            raise FontMissing(f"the font file {path} (from {source}) does not exist. Nothing was written. "
                              f"Fix: {FONT_FIX}")
        if not _draws(path, ZH_PROBE):
            raise FontMissing(f"the font {path} (from {source}) has no Chinese characters (万, 元, ...), so the "
                              f"figures would show empty boxes. Nothing was written. Fix: {FONT_FIX}")
        candidates = [path]
    else:
        by_name = {f.name: f.fname for f in fm.ttflist}
        candidates = [by_name[n] for n in CJK_FONTS if n in by_name] + list(CJK_FONT_FILES)
    for path in candidates:
        if Path(path).is_file() and _draws(path, ZH_PROBE):
            if path not in {f.fname for f in fm.ttflist}:
                fm.addfont(path)            # installed after matplotlib built its font cache, or named by hand
            return font_manager.FontProperties(fname=path).get_name(), path
    return None


@contextlib.contextmanager
def report_style(lang: str = "en", font: str | Path | None = None):
    """The figures' rcParams and the tables' language, for the duration of a report; yields how 万元 is
    written in figures. Raises FontMissing for Chinese without a CJK font."""
    import matplotlib

    if lang not in LANGS:
        raise InputError("--lang", msg("report.unknown_language", given=lang), fix=msg("report.fix_language"))
    cjk = cjk_font(font)
    if cjk is None and lang == "zh":
        raise FontMissing("--lang zh: no font with Chinese characters was found (looked for "
                          f"{', '.join(CJK_FONTS[:3])}, ... and {', '.join(CJK_FONT_FILES[:2])}, ...), and without "
                          f"one every Chinese label would be an empty box. Nothing was written. Fix: {FONT_FIX}")
    # A list of families (not the generic "sans-serif"): matplotlib falls back glyph by glyph along it, so
    # Latin text and digits keep DejaVu Sans and Chinese characters come from the CJK font.
    rc = {"font.family": ["DejaVu Sans", *([cjk[0]] if cjk else [])],
          "font.size": 9, "axes.titlesize": 10, "axes.spines.top": False, "axes.spines.right": False,
          "svg.fonttype": "path", "svg.hashsalt": "planner-report", "axes.grid": True, "grid.alpha": 0.3,
          "legend.frameon": False}
    with language(lang), matplotlib.rc_context(rc), warnings.catch_warnings():
        # English figures without a CJK font write 万元 as 10⁴ CNY; Chinese ones are checked by missing_glyphs
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        yield WAN_LABEL if cjk else "10⁴ CNY"


def drawn_texts(fig) -> list:
    """The figure's Text objects that are drawn and not empty (tick labels exist once the figure is drawn;
    the axes of a map are switched off, so their labels and ticks are not drawn)."""
    from matplotlib.text import Text

    fig.canvas.draw()
    hidden = {id(t) for ax in fig.axes if not ax.axison for axis in (ax.xaxis, ax.yaxis) for t in axis.findobj(Text)}
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip() and id(t) not in hidden]


def missing_glyphs(fig) -> set[str]:
    """Characters in the figure's texts that none of their fonts has: matplotlib would draw each as a box."""
    from matplotlib import font_manager

    missing: set[str] = set()
    for t in drawn_texts(fig):
        text = t.get_text()
        paths = []
        for family in t.get_fontproperties().get_family():
            fp = t.get_fontproperties().copy()
            fp.set_family(family)
            with contextlib.suppress(ValueError):
                paths.append(font_manager.findfont(fp, fallback_to_default=False))
        missing |= {c for c in set(text) if not c.isspace() and not any(_draws(p, c) for p in paths)}
    return missing

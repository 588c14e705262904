#!/usr/bin/env python
"""Write the README's table of scenario parameters from the schema (src/planner/config/parameters.py).

    .venv/bin/python scripts/readme_parameters.py           # rewrites README.md between the markers
    .venv/bin/python scripts/readme_parameters.py --check   # exit 1 if README.md is not up to date

Edit the schema's field descriptions and metadata (unit, source), then run this; never edit the table by hand.
tests/test_readme_parameters.py fails when the two differ.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.config.parameters import with_table

README = Path(__file__).resolve().parent.parent / "README.md"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only say whether README.md is up to date")
    args = ap.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = with_table(text)
    if args.check:
        if new != text:
            print("README.md's parameter table differs from the schema: run python scripts/readme_parameters.py")
            return 1
        return 0
    if new != text:
        README.write_text(new, encoding="utf-8")
        print(f"wrote the parameter table into {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

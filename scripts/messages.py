#!/usr/bin/env python
"""Check the message codes the source uses against the catalogs (issue 26, item 2).

    .venv/bin/python scripts/messages.py           # list what is wrong; exit 1 if anything is
    .venv/bin/python scripts/messages.py --list    # also every code used, with where

The codes are the msgids of src/planner/messages/locale/{en,zh}/LC_MESSAGES/planner.po (messages) and labels.po
(labels of columns, tiers, modalities, values: looked up by name, tests/test_labels.py); add a new code to both
files (the English text, the Chinese text, the same {fields}). tests/test_messages.py runs the same check.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from planner.messages.extract import codes_in_source, problems

ROOTS = [Path(__file__).resolve().parent.parent / d for d in ("src", "app")]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--list", action="store_true", help="print every code used and where")
    args = ap.parse_args(argv)
    if args.list:
        for code, where in sorted(codes_in_source(ROOTS).items()):
            print(f"{code}  {', '.join(where)}")
    found = problems(ROOTS)
    for p in found:
        print(p)
    if not found:
        print(f"{len(codes_in_source(ROOTS))} codes, each in every catalog")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

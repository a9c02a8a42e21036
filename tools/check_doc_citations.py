#!/usr/bin/env python3
"""Check that every documentation citation in the addons points to an existing section.

The addons' docstrings and comments cite these pages as ``docs/<file>.md`` optionally followed by
sections: ``§5``, ``§2-§4`` (a range) or ``§2, §10`` (a list). Every cited file must exist under
``docs/`` and every cited section must be a heading ``## §N <title>`` of that file.

Usage: tools/check_doc_citations.py [--list]
    --list   also print, per section, the places that cite it
Exit status 1 when a citation points nowhere.
"""

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# The addons: every folder of the repository root that holds a manifest.
ADDONS = sorted(path.parent for path in ROOT.glob("*/__manifest__.py"))

SECTION = r"§\d+(?:\s*-\s*§?\d+)?"
CITATION = re.compile(rf"docs/([a-z-]+\.md)((?:\s*{SECTION})(?:\s*,\s*{SECTION})*)?")
HEADING = re.compile(r"^## §(\d+) \S", re.MULTILINE)


def sections(spec):
    """The section numbers a citation's tail names: '§2-§4, §7' → [2, 3, 4, 7]."""
    numbers = []
    for part in re.findall(SECTION, spec or ""):
        bounds = [int(n) for n in re.findall(r"\d+", part)]
        numbers.extend(range(bounds[0], bounds[-1] + 1))
    return numbers


def main():
    headings = {}
    for page in DOCS.glob("*.md"):
        numbers = [int(n) for n in HEADING.findall(page.read_text(encoding="utf-8"))]
        if numbers != list(range(1, len(numbers) + 1)):
            print(f"{page.name}: sections are not numbered 1..n in order: {numbers}")
        headings[page.name] = set(numbers)

    cited = defaultdict(list)
    errors = []
    for path in sorted(path for addon in ADDONS for path in addon.rglob("*")):
        if not path.is_file() or path.suffix not in {".py", ".xml", ".csv", ".po", ".rst", ".txt"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in CITATION.finditer(text):
            where = f"{path.relative_to(DOCS.parent)}:{text.count(chr(10), 0, match.start()) + 1}"
            page, numbers = match.group(1), sections(match.group(2))
            if page not in headings:
                errors.append(f"{where}: {match.group(0)!r}: docs/{page} does not exist")
                continue
            cited[page, None].append(where)
            for number in numbers:
                if number not in headings[page]:
                    errors.append(f"{where}: {match.group(0)!r}: docs/{page} has no section §{number}")
                cited[page, number].append(where)

    if "--list" in sys.argv:
        for (page, number), places in sorted(cited.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
            label = f"docs/{page}" + (f" §{number}" if number else "")
            print(f"{label}: {len(places)}")
            for place in places:
                print(f"    {place}")
    uncited = sorted(
        f"docs/{page} §{number}" for page, numbers in headings.items() for number in numbers
        if (page, number) not in cited
    )
    if uncited:
        print("Sections no code cites (fine, for information):", ", ".join(uncited))
    for error in errors:
        print(error)
    total = sum(len(places) for (page, number), places in cited.items() if number is None)
    print(f"{total} citations checked, {len(errors)} pointing nowhere.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

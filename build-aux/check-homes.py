#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks that the library keeps every concept in one home.

- every function declared in a public header hn-NAME.h is defined in hn-NAME.c or hn-NAME-*.c
  (in the same folder as the header);
- a private header hn-NAME-private.h declares only functions defined in hn-NAME.c or
  hn-NAME-*.c;
- no C file of the library or of its Python extension is over 1,200 lines.

Run from the source root: build-aux/check-homes.py [SOURCE_ROOT]
"""
import pathlib
import re
import sys

MAX_LINES = 1200
root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
lib = root / "hypernodes"
folders = [lib, lib / "executors", lib / "python"]

decl_re = re.compile(r"^(?:[A-Za-z_][\w \*]*?[\s\*])?(_?hn_\w+)\s*\(", re.M)
def_re = re.compile(r"^(_?hn_\w+)\s*\(", re.M)


def declared(header):
    text = header.read_text()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    # drop the bodies of inline functions and structs: only declarations are looked at
    flat, depth = [], 0
    for ch in text:
        if ch == "{":
            depth += 1
            flat.append(";")
        elif ch == "}":
            depth -= 1
        elif depth == 0:
            flat.append(ch)
    text = "".join(flat)
    names = set()
    for statement in text.split(";"):
        statement = statement.strip()
        if statement.startswith("#") or "typedef" in statement or "{" in statement:
            continue
        m = re.search(r"(?:^|[\s\*])(_?hn_\w+)\s*\(", statement)
        if m and not re.search(r"\(\s*\*", statement[: m.start()]):
            names.add(m.group(1))
    return names


definitions = {}
for folder in folders:
    for c in sorted(folder.glob("*.c")):
        for name in def_re.findall(c.read_text()):
            definitions.setdefault(name, []).append(c)

problems = []
for folder in folders:
    for header in sorted(folder.glob("hn-*.h")):
        stem = header.name[:-2]
        private = stem.endswith("-private")
        if private:
            stem = stem[: -len("-private")]
        if stem in ("hn-types", "hn-version-macros", "hn-tsan"):
            continue
        for name in sorted(declared(header)):
            homes = definitions.get(name, [])
            if not homes:
                continue  # a macro or an inline function
            for home in homes:
                # hn-NAME-PART.c, unless hn-NAME-PART.h makes it the home of another type
                part_of = home.name == stem + ".c" or (
                    home.name.startswith(stem + "-")
                    and not (folder / (home.name[:-2] + ".h")).exists())
                if home.parent != folder or not part_of:
                    problems.append(f"{header.relative_to(root)}: {name} is defined in "
                                    f"{home.relative_to(root)}")

for folder in folders:
    for c in sorted(folder.glob("*.c")):
        n = len(c.read_text().splitlines())
        if n > MAX_LINES:
            problems.append(f"{c.relative_to(root)}: {n} lines (at most {MAX_LINES})")

for p in problems:
    print(p)
sys.exit(1 if problems else 0)

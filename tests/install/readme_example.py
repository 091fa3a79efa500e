# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs the Python example of README.md (the first ```python block of its "## Python" section)
and checks what it prints against the results its comments give.

    python readme_example.py README.md
"""

import ast
import contextlib
import io
import re
import sys


def example(readme):
    text = open(readme, encoding="utf-8").read()
    section = text[text.index("\n## Python\n"):]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def main():
    code = example(sys.argv[1])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md (Python example)", "exec"), {"__name__": "__main__"})
    printed = out.getvalue().splitlines()
    # every print(...)  # {...} line: what it printed must be that dictionary
    expected = [m.group(1) for m in re.finditer(r"^print\(.*?\)\s+# (\{.*?\})", code, re.M)]
    if len(printed) < len(expected):
        sys.exit(f"readme_example.py: the example printed {printed!r}")
    for line, want in zip(printed, expected):
        if ast.literal_eval(line) != ast.literal_eval(want):
            sys.exit(f"readme_example.py: printed {line}, the README says {want}")
    print("\n".join(printed))
    print("README example: ok")


main()

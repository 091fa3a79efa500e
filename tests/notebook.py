# SPDX-License-Identifier: LGPL-2.1-or-later
"""Executes a notebook with a real Jupyter kernel and checks it.

    python notebook.py NOTEBOOK

Every cell must run without an error, and the cells tagged "picture" must produce an SVG. The
kernel is this Python's (ipykernel), with this process's environment: run it through the build
tree's environment (meson's test env, or `meson devenv`). The notebook file is not changed.
"""

import os
import sys
import tempfile

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient


def main():
    path = sys.argv[1]
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("outputs"):
            sys.exit(f"{path}: keep the outputs out of the repository (clear them)")
    with tempfile.TemporaryDirectory() as sockets:
        # the kernel talks over Unix sockets (in a directory of its own), not TCP
        manager = KernelManager(kernel_name="python3", transport="ipc",
                                ip=os.path.join(sockets, "kernel"))
        client = NotebookClient(notebook, km=manager, timeout=300,
                                resources={"metadata": {"path": "."}})
        client.execute()  # raises CellExecutionError, with the cell and traceback, on an error

    n_code = 0
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        n_code += 1
        for output in cell.outputs:
            if output.output_type == "error":
                sys.exit(f"{path}: cell {index} failed: {output.ename}: {output.evalue}")
        if "picture" in cell.metadata.get("tags", []):
            svgs = [o for o in cell.outputs
                    if o.output_type in ("execute_result", "display_data")
                    and "image/svg+xml" in o.get("data", {})]
            if not svgs or "<svg" not in svgs[0]["data"]["image/svg+xml"]:
                sys.exit(f"{path}: cell {index} shows no SVG picture: {cell.outputs!r}")
    print(f"{path}: {n_code} code cells ran")


main()

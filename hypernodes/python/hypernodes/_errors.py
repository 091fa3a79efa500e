# SPDX-License-Identifier: LGPL-2.1-or-later
"""GError domains and codes of libhypernodes, for errors raised in Python glue."""

import json
import re
import sys

PIPELINE_DOMAIN = "hn-pipeline-error-quark"
NODE_DOMAIN = "hn-node-error-quark"
EXECUTOR_DOMAIN = "hn-executor-error-quark"

NODE_FAILED = 0
NODE_INVALID_RESULT = 1

ENGINE_MISSING = 0
NOT_SHIPPABLE = 1
ENGINE_FAILED = 2
RUNNER_CONFLICT = 3
INVALID_CONFIG = 4


class HnError(Exception):
    """An error that reaches C as a GError of @domain and @code (a node failure also says which
    node and item)."""

    def __init__(self, domain, code, message, node=None, item=None):
        super().__init__(message)
        self.domain = domain
        self.code = code
        self.message = message
        self.node = node
        self.item = item


def install_hint(packages):
    """How to get @packages (pip requirement strings) on Debian 12, for an ENGINE_MISSING message.

    Debian's own Python refuses pip installs outside a virtualenv, and the virtualenv must see
    Debian's python3-gi: hence --system-site-packages, and that Python for the program.
    """
    quoted = " ".join(f"'{p}'" if "[" in p else p for p in packages)
    return (f"install it in a virtualenv that sees the system's PyGObject: python3 -m venv "
            f"--system-site-packages ~/.venv-hn && ~/.venv-hn/bin/pip install {quoted}; then "
            f"run the program with ~/.venv-hn/bin/python, or from C set the executor's "
            f"\"python\" property or $HN_PYTHON to ~/.venv-hn/bin/python (this Python is "
            f"{sys.executable})")


# A node failure inside an engine UDF travels through the engine's own exception (across
# processes on Ray) as a marked JSON payload in the message, and is recovered here. The payload
# is the GError of the library's invocation path, which names the node and the item already.
_MARK = "HN-NODE-FAILURE"
_FIND = re.compile(_MARK + r"(\{.*?\})" + _MARK)


class NodeFailure(Exception):
    def __init__(self, domain, code, message, node=None, item=None):
        self.info = {"domain": domain, "code": code, "message": message, "node": node,
                     "item": item}
        super().__init__(f"{_MARK}{json.dumps(self.info)}{_MARK}")

    def __reduce__(self):
        i = self.info
        return (NodeFailure, (i["domain"], i["code"], i["message"], i["node"], i["item"]))


def recover_node_failure(exc):
    """The HnError for the first node failure mentioned by @exc (or its causes), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        match = _FIND.search(str(exc))
        if match:
            info = json.loads(match.group(1))
            return HnError(info["domain"], info["code"], info["message"], info.get("node"),
                           info.get("item"))
        exc = exc.__cause__ or exc.__context__
    return None

#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The seed's text-processing example, in Python on DaftExecutor (runner "local", or "ray" with
an address as first argument)."""

import re
import sys

from hypernodes import node, Pipeline
from hypernodes.backend import LocalBackend
from hypernodes.config import RuntimeConfig
from hypernodes.daft_executor import DaftExecutor


@node(output_name="cleaned")
def clean(text: str) -> str:
    return re.sub(r"[^\w\s]", " ", text.lower()).strip()


@node(output_name="words")
def tokenize(cleaned: str) -> list:
    return cleaned.split()


@node(output_name=("word_count", "longest_word"))
def measure(words: list):
    return len(words), max(words, key=len, default="")


def main():
    runner = "ray" if len(sys.argv) > 1 else "local"
    executor = DaftExecutor(runner=runner, ray_address=sys.argv[1] if len(sys.argv) > 1 else None)
    pipeline = Pipeline(nodes=[clean, tokenize, measure]).with_config(
        RuntimeConfig(backend=LocalBackend(), executor=executor))

    texts = ["Hello, GLib world!", "Daft runs the nodes as UDFs.",
             "Pipelines: plain functions, named ports."]
    results = pipeline.map({"text": texts}, ["text"], output_name=["word_count", "longest_word"])
    for i, r in enumerate(results):
        print(f"document {i}: {r['word_count']} words, longest “{r['longest_word']}”")
    assert [r["word_count"] for r in results] == [3, 6, 5]


if __name__ == "__main__":
    main()

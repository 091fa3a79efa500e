# SPDX-License-Identifier: LGPL-2.1-or-later
"""Engine glue: one module per engine executor, each with run(executor, pipeline, items, inputs,
outputs) returning the a{sv} of a run or the aa{sv} of a map."""

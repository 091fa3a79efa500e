#!/usr/bin/env python3
"""Runs every benchmark side by side in one run and prints a table of ratios against the targets.

    python3 bench/run.py [--build-dir _build] [--json bench/results.json] [--quick]

The C cases run in their own processes (hn-bench), so peak memory is per case. The peer
libraries (pipefunc, Apache Hamilton, upstream hypernodes) run in the project virtualenv
(.venv-bench, made by bench/setup-venv.sh); hypernodes' own Python figures run with the system
Python (python3-gi) in the build tree's environment, as `meson devenv` gives it.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_lines(cmd, env=None):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def build_env(build_dir):
    """The environment that runs programs against the build tree (hn_build_env in meson.build),
    as `meson devenv` makes it from this one: a child of it prints its environment. (Not
    `meson devenv --dump`: its `$NAME` references would leave a bare separator where NAME is
    unset, and so the working directory on LD_LIBRARY_PATH and PYTHONPATH.)"""
    out = subprocess.run(["meson", "devenv", "-C", build_dir, sys.executable, "-c",
                          "import json, os; print(json.dumps(dict(os.environ)))"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.splitlines()[-1])  # after anything meson says


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem_kib = int(line.split()[1])
    glib = subprocess.run(["pkg-config", "--modversion", "glib-2.0"], capture_output=True,
                          text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(mem_kib / 2**20, 1),
            "os": platform.platform(), "glib": glib,
            "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "_build"))
    parser.add_argument("--json", default=os.path.join(ROOT, "bench", "results.json"))
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    args = parser.parse_args()

    bench = os.path.join(args.build_dir, "bench", "hn-bench")
    map_items = 20000 if args.quick else 1000000
    chain_reps = 20 if args.quick else 200
    cpu_items = 100 if args.quick else 400
    rows = []

    print("running C cases ...", file=sys.stderr)
    rows += run_lines([bench, "chain", "1000", str(chain_reps)])
    rows += run_lines([bench, "nested", "1000", str(chain_reps)])
    rows += run_lines([bench, "cache", "100", "20" if args.quick else "200"])
    rows += run_lines([bench, "progress", str(map_items)])
    rows += run_lines([bench, "map-hand", str(map_items)])
    rows += run_lines([bench, "map", "sequential", str(map_items)])
    rows += run_lines([bench, "map", "thread-pool", str(map_items)])
    rows += run_lines([bench, "cpu-map", str(cpu_items)])
    rows += run_lines([bench, "cpu-fanout"])
    rows += run_lines([bench, "async", "1000", "100"])
    rows += run_lines([bench, "cancel", "100000"])

    print("running hypernodes through PyGObject ...", file=sys.stderr)
    env = build_env(args.build_dir)
    # the introspected API as it is: without the Python package, whose PyGObject override of Hn
    # (gi/overrides/Hn.py) would replace it
    typelib_only = dict(env)
    typelib_only.pop("PYTHONPATH", None)
    if "PYTHONPATH" in os.environ:
        typelib_only["PYTHONPATH"] = os.environ["PYTHONPATH"]
    rows += run_lines(["/usr/bin/python3", "bench/hn_python.py",
                       "--map-items", "10000" if args.quick else "100000"], env=typelib_only)

    # The Python face (@node, Pipeline.run/map) against pipefunc and upstream hypernodes on the
    # shapes of their own benchmarks: a 100-node chain run and a 10,000-item three-node map.
    print("running the Python face ...", file=sys.stderr)
    face = ["--chain-nodes", "100", "--map-items", "2000" if args.quick else "10000"]
    rows += [dict(r, set="face") for r in
             run_lines(["/usr/bin/python3", "bench/python_face.py"] + face, env=env)]

    venv_python = os.path.join(ROOT, ".venv-bench", "bin", "python")
    if os.path.exists(venv_python):
        print("running peer libraries ...", file=sys.stderr)
        rows += run_lines([venv_python, "bench/peers.py"] + (["--quick"] if args.quick else []))
        rows += [dict(r, set="face") for r in
                 run_lines([venv_python, "bench/peers.py", "--library", "pipefunc",
                            "--library", "hypernodes"] + face)]
    else:
        print("no .venv-bench: run bench/setup-venv.sh for the peer libraries", file=sys.stderr)

    report(rows, machine(), args.json)


def find(rows, case, **match):
    for r in rows:
        if r.get("case") == case and all(r.get(k) == v for k, v in match.items()):
            return r
    return None


def report(rows, mach, json_path):
    table = []

    def add(name, figure, target, met, detail=""):
        table.append({"benchmark": name, "figure": figure, "target": target,
                      "met": met, "detail": detail})

    chain = find(rows, "chain")
    overhead = chain["hn_seconds"] / chain["hand_seconds"] - 1
    add("1. per-node overhead, chain of 1000 (sequential vs hand loop)",
        f"+{overhead:.0%} ({chain['hn_ns_per_node']:.0f} vs {chain['hand_ns_per_node']:.0f} ns/node)",
        "<= +25%", overhead <= 0.25)

    nested = find(rows, "nested")
    if nested:
        add("1b. nested pipeline node vs the same node flat, chain of 1000",
            f"{nested['ns_per_nested_call']:.0f} ns per nested call "
            f"({nested['nested_seconds'] * 1e3:.2f} vs {nested['flat_seconds'] * 1e3:.2f} ms)",
            "< 1 us", nested["ns_per_nested_call"] < 1000)

    cache = find(rows, "cache")
    if cache:
        add("1c. memory-cache hit, small input, per node",
            f"{cache['memory_hit_ns'] / 1000:.2f} us", "< 2 us", cache["memory_hit_ns"] < 2000)
        add("1d. disk-cache hit, small input, per node",
            f"{cache['disk_hit_ns'] / 1000:.1f} us", "< 50 us", cache["disk_hit_ns"] < 50000)
    progress = find(rows, "progress")
    if progress:
        over = progress["progress_seconds"] / progress["plain_seconds"] - 1
        add(f"1e. map of {progress['items']:,} items with the progress callback",
            f"{over:+.1%} ({progress['progress_seconds']:.2f} s vs "
            f"{progress['plain_seconds']:.2f} s)", "< +5%", over < 0.05)

    hand = find(rows, "map-hand")
    for ex in ("sequential", "thread-pool"):
        m = find(rows, "map", executor=ex)
        ratio = m["seconds"] / hand["seconds"]
        add(f"2. map of {m['items']:,} items, 3 nodes, {ex} vs hand loop",
            f"{ratio:.2f}x ({m['seconds']:.2f} s vs {hand['seconds']:.2f} s)", "<= 1.5x",
            ratio <= 1.5,
            f"peak RSS {m['peak_rss_kib'] / 1024:.0f} MiB vs {hand['peak_rss_kib'] / 1024:.0f} MiB")

    for case, label in (("cpu-map", "map of 1 ms items"), ("cpu-fanout", "fan-out of 64 1 ms nodes")):
        c = find(rows, case)
        add(f"3. CPU-bound {label}, thread pool vs sequential",
            f"{c['speedup']:.2f}x on {c['cores']} cores", ">= 1.8x on 2 cores",
            c["speedup"] >= 1.8 if c["cores"] >= 2 else None)

    peers = [r for r in rows if r.get("case") == "peer-chain" and "ns_per_node" in r
             and r.get("set") != "face"]
    if peers:
        fastest = min(peers, key=lambda r: r["ns_per_node"])
        ratio = fastest["ns_per_node"] / chain["hn_ns_per_node"]
        add("4. per-node time, chain: fastest peer vs hypernodes (C nodes)",
            f"{ratio:.0f}x less ({fastest['library']} {fastest['mode']}: "
            f"{fastest['ns_per_node']:.0f} ns/node)", ">= 20x", ratio >= 20)
        hp = find(rows, "hn-python-chain")
        if hp:
            ratio_py = fastest["ns_per_node"] / hp["ns_per_node"]
            add("4b. same, hypernodes with Python nodes through PyGObject",
                f"{ratio_py:.1f}x less ({hp['ns_per_node']:.0f} ns/node)", "(for reference)", None)
        for r in sorted(peers, key=lambda r: r["ns_per_node"]):
            add(f"    peer chain: {r['library']} {r.get('version', '')} {r['mode']}",
                f"{r['ns_per_node']:.0f} ns/node (N={r['nodes']})", "", None)
        for r in rows:
            if r.get("case") == "peer-map" and "us_per_item" in r:
                add(f"    peer map: {r['library']} {r['mode']}",
                    f"{r['us_per_item']:.1f} us/item ({r['items']:,} items)", "", None)
    else:
        add("4. peers", "not run (no .venv-bench)", ">= 20x", False)

    face = [r for r in rows if r.get("set") == "face" and "error" not in r and "skipped" not in r]
    for case, unit, key, target, label in (
            ("peer-chain", "ns/node", "ns_per_node", 10, "chain of 100 nodes, per node"),
            ("peer-map", "us/item", "us_per_item", 5, "map of 10,000 items, 3 nodes, per item")):
        ours = [r for r in face if r["case"] == case and r["library"] == "hypernodes-glib"]
        theirs = [r for r in face if r["case"] == case and r["library"] != "hypernodes-glib"]
        if not ours or not theirs:
            add(f"7. Python face, {label}", "not run", f">= {target}x less", False)
            continue
        best = min(ours, key=lambda r: r[key])
        fastest = min(theirs, key=lambda r: r[key])
        ratio = fastest[key] / best[key]
        add(f"7. Python face (@node), {label}: fastest of pipefunc and upstream hypernodes "
            "vs hypernodes",
            f"{ratio:.0f}x less ({best[key]:.2f} {unit} {best['mode']} vs "
            f"{fastest['library']} {fastest['mode']} {fastest[key]:.2f} {unit})",
            f">= {target}x less", ratio >= target)
        for r in sorted(ours + theirs, key=lambda r: r[key]):
            add(f"    {r['library']} {r['mode']}", f"{r[key]:.2f} {unit}", "", None)

    for r in rows:
        if r.get("case") == "hn-python-map":
            add(f"    hypernodes map, Python nodes, {r['mode']}",
                f"{r['us_per_item']:.1f} us/item ({r['items']:,} items)", "", None)

    a = find(rows, "async")
    add("5. async: 1000 nodes x 10 ms timeout, max-concurrency 100",
        f"{a['seconds'] * 1000:.0f} ms (serial: {a['serial_seconds'] * 1000:.0f} ms)",
        "close to 100 ms", a["seconds"] < 0.2)

    for c in (r for r in rows if r.get("case") == "cancel"):
        add(f"6. cancel a running map of {c['items']:,} items, {c['executor']}",
            f"{c['latency_ms']:.0f} ms to return G_IO_ERROR_CANCELLED", "<= 100 ms",
            c["latency_ms"] <= 100)

    print(f"\nMachine: {mach['cpu']}, {mach['cores']} cores, {mach['memory_gib']} GiB, "
          f"GLib {mach['glib']}, {mach['date']}\n")
    print("| benchmark | figure | target | met |")
    print("|---|---|---|---|")
    for t in table:
        met = "" if t["met"] is None else ("yes" if t["met"] else "NO")
        figure = t["figure"] + (f"; {t['detail']}" if t["detail"] else "")
        print(f"| {t['benchmark']} | {figure} | {t['target']} | {met} |")

    with open(json_path, "w") as f:
        json.dump({"machine": mach, "table": table, "raw": rows}, f, indent=2)
    print(f"\nwritten: {os.path.relpath(json_path, ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()

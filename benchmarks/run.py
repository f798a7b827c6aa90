"""`make bench`: the book's engines against micrograd and autograd, and how
the book's costs grow.

    python -m benchmarks.run [--quick] [--skip-book]
        [--cases neuron,scalar_mlp,...] [--rounds N] [--strict]

The cases, one module each: ``neuron``, ``scalar_mlp``, ``vector_mlp``
(twice: with glibc's default malloc, and as ``vector_mlp_tuned`` with
``GLIBC_TUNABLES`` set), ``jax`` (in ``benchmarks/.venv``, see
``jax_peer``), ``scaling``, ``panels`` (the live panels in JupyterLab),
``page_load`` (each chapter of the built book on a simulated slow phone), and
``book`` for the book itself (its ``widgets`` and its build, measured as two
cases).  Every case checks its answers before anything is
timed.  Within a case the compared
callables are interleaved round by round in one process, garbage collection
on, and medians are reported; the goals are ratios measured within one run,
because the machine is shared and absolute times drift by tens of percent
from run to run.

Each case runs in a fresh worker process (``--worker``), as pyperf does, so
that no case inherits another's heap.  This matters for the array case: how
glibc's malloc hands out and returns large blocks depends on what the
process allocated before, and the same vectorized gradient measured 1.3x,
2.1x or 3.9x the numpy forward pass depending only on which case had run
earlier in the same process.  A fresh process is the state a user's own
script starts from.

Prints a Markdown table and writes ``benchmarks/results.json`` (a partial run,
with ``--quick``, ``--skip-book`` or ``--cases``, writes
``benchmarks/results-partial.json`` instead, so it never replaces the full
one).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
PARTIAL = ROOT / "benchmarks" / "results-partial.json"
# The peers that only the benchmarks need (benchmarks/requirements.txt).
JAX_PYTHON = ROOT / "benchmarks" / ".venv" / "bin" / "python"
CASES = (
    "neuron",
    "scalar_mlp",
    "vector_mlp",
    "vector_mlp_tuned",
    "jax",
    "scaling",
    "widgets",
    "panels",
    "page_load",
    "book",
)

# name: (goal, how the measured value is read from the results)
# The neuron's goal is a guard against a slow engine, not a target to tune the
# engine's readable code for (the ratio's own spread between runs is wide).
GOALS: dict[str, tuple[float, Callable[[dict], float]]] = {
    "neuron gradient: gradbook Var / micrograd": (
        0.5,
        lambda r: r["neuron"]["gradbook Var / micrograd"],
    ),
    # The model written once, on floats, against the least Python can do:
    # its argument checks must stay cheap.
    "neuron on floats: circuits.neuron / inline float expression": (
        3.0,
        lambda r: r["neuron"]["ratio to plain float evaluation"][
            "circuits.neuron on floats"
        ],
    ),
    # Recorded once, run as generated Python: near the arithmetic itself.
    "neuron gradient: compile_grad / inline float evaluation": (
        5.0,
        lambda r: r["neuron"]["compile_grad / plain float evaluation"],
    ),
    "scalar MLP step: gradbook Var / micrograd": (
        0.35,
        lambda r: r["scalar_mlp"]["gradbook Var / micrograd"],
    ),
    "vector MLP gradient: gradbook Var / autograd": (
        1.0,
        lambda r: r["vector_mlp"]["gradbook Var / autograd"],
    ),
    "vector MLP gradient: compile_grad / numpy by hand": (
        1.0,
        lambda r: r["vector_mlp"][
            "compile_grad / numpy forward + backward by hand"
        ],
    ),
    "digits network: hvp / one gradient": (
        4.0,
        lambda r: r["vector_mlp"]["hvp / one gradient (grad_bp)"],
    ),
    "book: rebuild / clean build": (
        0.2,
        lambda r: r["book"]["rebuild / clean build"],
    ),
    # What a reader waits for in JupyterLab: from a key press on a live
    # panel's slider to its new image (benchmarks/panels.py).
    "live panel in JupyterLab, slowest median (ms)": (
        100.0,
        lambda r: max(r["panels"]["median (ms)"].values()),
    ),
    "live panel in JupyterLab, slowest p90 (ms)": (
        150.0,
        lambda r: max(r["panels"]["p90 (ms)"].values()),
    ),
    # A chapter of the built book on a simulated slow phone
    # (benchmarks/page_load.py).
    "chapter on a slow phone: first paint, slowest (ms)": (
        2500.0,
        lambda r: _slowest(r, "first paint (ms)"),
    ),
    "chapter on a slow phone: scrubber usable, slowest (ms)": (
        4000.0,
        lambda r: _slowest(r, "scrubber usable (ms)"),
    ),
    "chapter on a slow phone: own transfer, largest (MB)": (
        1.5,
        lambda r: _slowest(r, "own transfer (MB)"),
    ),
}


def _slowest(results: dict, key: str) -> float:
    """The largest ``key`` among the chapters of the page-load case (a
    chapter without a scrubber has no "scrubber usable")."""
    pages = results["page_load"]["pages"].values()
    return max(page[key] for page in pages if page[key] is not None)


# Not goals, but what the theory predicts: growth exponents of the gradient's
# cost in n.
EXPECTED_GROWTH = {
    "forward (dual numbers, n passes)": 2.0,
    "reverse (backprop, one pass)": 1.0,
}
GROWTH_TOLERANCE = 0.3


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": (
            f"{platform.python_implementation()} {platform.python_version()}"
        ),
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS"),
        "load average at start": _load(),
    }


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _git() -> dict[str, Any]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD"),
        "uncommitted changes": bool(git("status", "--porcelain")),
    }


def case_rounds(name: str, rounds: int) -> int:
    """The rounds one case runs, from the base ``rounds``: the quick neuron
    gets twice as many, the slow scalar MLP and widgets half (at least 3);
    the book is built once each way."""
    special = {
        "neuron": 2 * rounds,
        "panels": 1,
        "page_load": 3,
        "scalar_mlp": max(3, rounds // 2),
        "widgets": max(3, rounds // 2),
        "book": 1,
    }
    return special.get(name, rounds)


def _measure(
    name: str, rounds: int, quick: bool
) -> tuple[dict, tuple[str, ...]]:
    """Run one case for ``rounds`` rounds; returns its results and the
    distributions it imports."""
    if name == "neuron":
        from benchmarks import neuron

        return neuron.measure(rounds), neuron.IMPORTS
    if name == "scalar_mlp":
        from benchmarks import scalar_mlp

        return scalar_mlp.measure(rounds), scalar_mlp.IMPORTS
    if name in ("vector_mlp", "vector_mlp_tuned"):
        from benchmarks import vector_mlp

        return vector_mlp.measure(rounds), vector_mlp.IMPORTS
    if name == "jax":
        from benchmarks import jax_peer

        return jax_peer.measure(rounds), jax_peer.IMPORTS
    if name == "scaling":
        from benchmarks import scaling

        sizes = (1, 10, 100, 300) if quick else scaling.SIZES
        return scaling.measure(rounds, sizes), scaling.IMPORTS
    if name == "panels":
        from benchmarks import panels

        return panels.measure(), panels.IMPORTS
    if name == "page_load":
        from benchmarks import page_load

        return page_load.measure(rounds), page_load.IMPORTS
    from benchmarks import book

    if name == "widgets":
        return book.measure_widgets(rounds), book.WIDGET_IMPORTS
    return book.measure_build(), book.BUILD_IMPORTS


def _worker(name: str, rounds: int, quick: bool, output: Path) -> None:
    """Measure one case in this process and write its results (and versions)
    to ``output``."""
    results, imports = _measure(name, rounds, quick)
    results["rounds"] = rounds
    versions = {d: _version(d) for d in imports} | {
        "python": platform.python_version()
    }
    output.write_text(json.dumps({"results": results, "versions": versions}))


def _in_fresh_process(name: str, rounds: int, quick: bool) -> dict:
    """Run one case in a new Python process; its results and versions.

    ``vector_mlp_tuned`` runs with ``GLIBC_TUNABLES`` set, and ``jax`` with
    the Python of ``benchmarks/.venv`` (gradbook's ``src/`` on its path).
    """
    env, python = dict(os.environ), sys.executable
    if name == "vector_mlp_tuned":
        from benchmarks.vector_mlp import TUNED_MALLOC

        env["GLIBC_TUNABLES"] = TUNED_MALLOC
    if name == "jax":
        python = str(JAX_PYTHON)
        env["PYTHONPATH"] = str(ROOT / "src")
    with tempfile.TemporaryDirectory(prefix="gradbook-bench-") as tmp:
        output = Path(tmp) / f"{name}.json"
        command = [
            python,
            "-m",
            "benchmarks.run",
            "--worker",
            name,
            "--rounds",
            str(rounds),
        ]
        subprocess.run(
            [
                *command,
                *(["--quick"] if quick else []),
                "--output",
                str(output),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )
        return json.loads(output.read_text())


def goals(results: dict) -> dict[str, dict[str, Any]]:
    """Each goal whose case ran: measured value, goal, and whether it holds."""
    out = {}
    for name, (goal, read) in GOALS.items():
        try:
            value = read(results)
        except KeyError:
            continue
        out[name] = {"measured": value, "goal": goal, "met": value <= goal}
    return out


def table(results: dict) -> str:
    """The results as Markdown tables (the README quotes them)."""
    lines = ["| goal | measured | goal | met |", "| --- | --- | --- | --- |"]
    for name, g in results["goals"].items():
        mark = "<" if "(ms)" in name else "<="
        met = "yes" if g["met"] else "NO"
        lines.append(
            f"| {name} | {g['measured']:.4g} | {mark} {g['goal']:g} | {met} |"
        )
    if "neuron" in results:
        n = results["neuron"]
        lines += [
            "",
            "| neuron gradient, 5 arguments | µs | × plain float evaluation "
            "| × circuits.neuron on floats |",
            "| --- | --- | --- | --- |",
        ]
        for engine, us in n["microseconds per gradient"].items():
            plain = n["ratio to plain float evaluation"][engine]
            ratio = n["ratio to float evaluation"][engine]
            lines.append(
                f"| {engine} | {us:.2f} | {plain:.1f} | {ratio:.1f} |"
            )
        lines += ["", n["note"]] if "note" in n else []
    if "scalar_mlp" in results:
        s = results["scalar_mlp"]
        micro = s["milliseconds per step"]["micrograd"]
        lines += [
            "",
            "| scalar MLP step, 2-16-16-1, 100 points | ms | × micrograd |",
            "| --- | --- | --- |",
        ]
        for engine, ms in s["milliseconds per step"].items():
            lines.append(f"| {engine} | {ms:.0f} | {ms / micro:.2f} |")
    for case, malloc in (
        ("vector_mlp", "glibc's default malloc"),
        ("vector_mlp_tuned", "GLIBC_TUNABLES set"),
    ):
        if case not in results:
            continue
        v = results[case]
        lines += [
            "",
            f"| MLP gradient, 1797×64 → 128 → 10, {malloc} | ms "
            "| × numpy forward | minor page faults per call |",
            "| --- | --- | --- | --- |",
        ]
        for version, ms in v["milliseconds"].items():
            ratio = v["ratio to numpy forward"][version]
            faults = v["per call"][version]["minor page faults"]
            lines.append(
                f"| {version} | {ms:.2f} | {ratio:.2f} | {faults:.0f} |"
            )
    if "jax" in results:
        j = results["jax"]
        lines += [
            "",
            "| JAX, in its own process | × that process's floor |",
            "| --- | --- |",
        ]
        for what, floor in (
            ("neuron", "neuron, ratio to plain float evaluation"),
            ("vector MLP", "vector MLP, ratio to numpy forward"),
        ):
            for engine, ratio in j[floor].items():
                lines.append(f"| {what}: {engine} | {ratio:.2f} |")
    if "scaling" in results:
        s = results["scaling"]
        cells = " | ".join(f"n = {n}" for n in s["n"])
        lines += [
            "",
            "| gradient of a sum of n squares (ms) "
            f"| {cells} | time ~ n^k, k = | expected |",
        ]
        lines.append("| --- " * (len(s["n"]) + 3) + "|")
        for mode, ms in s["milliseconds"].items():
            row = " | ".join(f"{t:.3g}" for t in ms)
            k = s["growth exponent (n >= 10)"][mode]
            lines.append(
                f"| {mode} | {row} | {k:.2f} | {EXPECTED_GROWTH[mode]:g} |"
            )
        large = {k: v for k, v in s.items() if k.startswith("reverse at n")}
        for name, ms in large.items():
            lines += ["", f"| {name} | ms |", "| --- | --- |"]
            lines += [f"| {mode} | {t:.1f} |" for mode, t in ms.items()]
        k = s.get("reverse growth exponent (n = 100 to 10000)")
        if k is not None:
            lines += ["", f"Reverse mode from n = 100 to 10^4: n^{k:.2f}."]
    if "panels" in results:
        p = results["panels"]
        lines += [
            "",
            "| live panel in JupyterLab, key press to image (ms) "
            "| slider | median | p90 |",
            "| --- | --- | --- | --- |",
        ]
        for chapter, ms in p["median (ms)"].items():
            slider, p90 = p["slider moved"][chapter], p["p90 (ms)"][chapter]
            lines.append(
                f"| chapter {chapter} | {slider} | {ms:.0f} | {p90:.0f} |"
            )
    if "page_load" in results:
        conditions = results["page_load"]["conditions"]
        lines += [
            "",
            f"| a chapter on a slow phone ({conditions['download_mbit_s']:g} "
            f"Mbit/s, {conditions['rtt_ms']} ms RTT, CPU "
            f"×{conditions['cpu_slowdown']}) | first paint (ms) "
            "| scrubber usable (ms) | own transfer (MB) | all (MB) |",
            "| --- | --- | --- | --- | --- |",
        ]
        for page, r in results["page_load"]["pages"].items():
            lines.append(
                f"| {page} | {r['first paint (ms)']} "
                f"| {r['scrubber usable (ms)']} "
                f"| {r['own transfer (MB)']:.2f} "
                f"| {r['all transfer (MB)']:.2f} |"
            )
    if "widgets" in results:
        moves = results["widgets"]["live panel, one slider move (ms)"]
        slider = results["widgets"]["slider moved"]
        lines += [
            "",
            "| in the kernel (ms) | slider | live panel, one move |",
            "| --- | --- | --- |",
        ]
        for name, ms in moves.items():
            lines.append(f"| {name} | {slider[name]} | {ms:.0f} |")
    if "book" in results:
        b = results["book"]
        clean = b["clean build (s)"]
        rebuild = b["rebuild, nothing changed (s)"]
        lines += [
            "",
            "| book build | seconds |",
            "| --- | --- |",
            f"| clean (executes every notebook) | {clean:.0f} |",
            f"| rebuild, nothing changed | {rebuild:.1f} |",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=15,
        help="timing rounds per comparison (default 15)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="few rounds, n up to 300, no book build",
    )
    parser.add_argument(
        "--skip-book",
        action="store_true",
        help="skip the book build (minutes)",
    )
    parser.add_argument(
        "--cases", help=f"comma-separated subset of {','.join(CASES)}"
    )
    parser.add_argument(
        "--output", type=Path, help="where to write the JSON results"
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit with status 1 if a goal is not met",
    )
    parser.add_argument(
        "--worker", choices=CASES, help=argparse.SUPPRESS
    )  # one case, in this process
    args = parser.parse_args(argv)
    if args.worker:
        _worker(args.worker, args.rounds, args.quick, args.output)
        return 0
    # One BLAS thread, as `make` sets it: on a shared machine a second thread
    # mostly waits.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

    chosen = (
        list(CASES)
        if args.cases is None
        else [c.strip() for c in args.cases.split(",") if c.strip()]
    )
    unknown = sorted(set(chosen) - set(CASES))
    if unknown:
        parser.error(
            f"unknown case(s) {', '.join(unknown)}; "
            f"choose from {', '.join(CASES)}"
        )
    if args.quick or args.skip_book:
        chosen = [c for c in chosen if c != "book"]
    if "jax" in chosen and not JAX_PYTHON.exists():
        print(f"no {JAX_PYTHON.relative_to(ROOT)}: skipping jax", flush=True)
        chosen.remove("jax")  # the run is then not complete
    rounds = (
        5
        if args.quick and args.rounds == parser.get_default("rounds")
        else args.rounds
    )
    complete = (
        chosen == list(CASES)
        and not args.quick
        and rounds == parser.get_default("rounds")
    )
    output = args.output or (RESULTS if complete else PARTIAL)

    results: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(
            timespec="seconds"
        ),
        "command": " ".join(
            [
                "python -m benchmarks.run",
                *(argv if argv is not None else sys.argv[1:]),
            ]
        ),
        "complete run": complete,
        "machine": _machine(),
        "git": _git(),
        "base rounds (--rounds)": rounds,
        "timing": (
            "each case in a fresh process; medians over interleaved rounds, "
            "garbage collection on, time.perf_counter"
        ),
        "versions": {},
    }
    started = time.perf_counter()
    for name in chosen:
        if name == "book" and output == RESULTS:
            # The appendix, which the build executes, reads this run's
            # numbers and goals so far (the file is written again, whole,
            # at the end).
            so_far = {**results, "goals": goals(results)}
            output.write_text(json.dumps(so_far, indent=2) + "\n")
        print(f"measuring {name} ...", flush=True)
        case_start = time.perf_counter()
        case = _in_fresh_process(name, case_rounds(name, rounds), args.quick)
        results[name], results["versions"][name] = (
            case["results"],
            case["versions"],
        )
        print(
            f"  done in {time.perf_counter() - case_start:.0f} s", flush=True
        )
    results["machine"]["load average at end"] = _load()
    results["seconds for the whole run"] = time.perf_counter() - started
    results["goals"] = goals(results)
    if "scaling" in results:
        exponents = results["scaling"]["growth exponent (n >= 10)"]
        results["scaling"]["as expected (within 0.3)"] = {
            mode: abs(exponents[mode] - k) <= GROWTH_TOLERANCE
            for mode, k in EXPECTED_GROWTH.items()
        }
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print()
    print(table(results))
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    print(f"\nwritten to {shown}")
    missed = [name for name, g in results["goals"].items() if not g["met"]]
    if missed:
        print(f"goals not met: {'; '.join(missed)}")
    return 1 if missed and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())

"""How fast the measure explorer of notebook 03 answers a change, on the sample.

Each control of ``widgets.measure_explorer`` is moved several times; a change
runs the whole callback (step 3's evaluation of the measure with its placebos,
the verdict, the table, the before/after chart and, when the areas change, the
map) as a user waits for it. The first round of values shows each design for
the first time; later rounds come back to designs already seen (the explorer
keeps the maps it drew). Prints a Markdown table of the medians and the slowest
time per kind of change and writes it to ``benchmarks/EXPLORER.md``.

Run: ``python benchmarks/explorer.py`` (about a minute; part of ``make bench``).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from diagnostic_lib import evaluation, loaders, sample, widgets

HERE = Path(__file__).resolve().parent
CHANGES = {
    "window (months)": ("window_months", [6, 9, 12, 18, 12]),
    "lag (months)": ("lag_months", [1, 2, 3, 0]),
    "ring (m)": ("buffer_m", [250, 300, 150, 200]),
    "measure": ("measure_id", ["M03", "M02", "M13", "M01"]),
    "control": ("control", ["similar", "level", "rest"]),
}
ROUNDS = 3
TARGET_S = 1.0


def main() -> str:
    d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    period = evaluation.data_period(d)
    ex = widgets.measure_explorer(
        d.measures, d.incidents, d.sectors, *period, lang="fr", measure_id="M01"
    )
    rows = [
        "| change | first time: median (s) | again: median (s) | slowest (s) | under 1 s |",
        "|---|---|---|---|---|",
    ]
    for label, (key, values) in CHANGES.items():
        first, again = [], []
        for r in range(ROUNDS):
            for v in values:
                t = time.perf_counter()
                ex.controls[key].value = v
                (again if r else first).append(time.perf_counter() - t)
        med1, med2 = statistics.median(first), statistics.median(again)
        worst = max(first + again)
        ok = "yes" if max(med1, med2) < TARGET_S else "no"
        rows.append(f"| {label} | {med1:.2f} | {med2:.2f} | {worst:.2f} | {ok} |")
    table = "\n".join(rows)
    (HERE / "EXPLORER.md").write_text(
        "# Measure explorer: time to answer a change (sample)\n\n"
        "Written by `benchmarks/explorer.py` (`make bench`): the whole callback of "
        f"`widgets.measure_explorer`, {ROUNDS} rounds of each change.\n\n" + table + "\n",
        encoding="utf-8",
    )
    return table


if __name__ == "__main__":
    print(main())

"""Step 3's placebo placements, computed ahead without reading the incidents.

With more incidents than the ``worker_max_incidents`` tunable (a province),
the jobs of step 3 that read the incidents run in this process, so as not to
hold them twice in memory, and the worker process has little to do. Where each
measure's placebo places go (:func:`~.placebo_design.placements`: a zone moved
across the municipality, or the other sectors) reads only the measures and the
sectors. :func:`placements_ahead` computes it, so that the worker can do it
while this process works on the effects (and the relevance and risk, unless
:func:`~.results.start` sent those to the worker before step 2); the effects are
then counted here with it, and are those computed without it
(``tests/test_evaluation_ahead.py``).

Only the placements travel back (a few offsets per measure): the design table's
control areas share their geometry between measures in memory, and written out
one by one they would weigh gigabytes at province scale. The worker does not
build them: a placement reads only the treated area and the ring.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .design import _Areas, windows
from .placebo_design import placements

__all__ = ["READS_INCIDENTS", "placements_ahead"]

READS_INCIDENTS: tuple[str, ...] = ("similar", "level")
"""Controls chosen from the incidents (:func:`~.design.design_areas`): not computed ahead."""


def placements_ahead(
    measures: pd.DataFrame,
    sectors: pd.DataFrame,
    period: tuple[Any, Any],
    groups: Sequence[tuple[Sequence[str], Any]],
    gaps: Sequence[pd.Period],
) -> list[dict[str, Any] | None]:
    """The placebo placements of each group of measures.

    Parameters
    ----------
    measures, sectors : DataFrame
        Canonical tables.
    period : (start, end)
        The data's period (:func:`~.design.data_period`).
    groups : sequence of (measure ids, options)
        The measures evaluated together and their options (``_Options`` of
        :mod:`~.effects`: one group per pre-registered design).
    gaps : sequence of Period
        The trailing months missing from the export (:func:`diagnostic_lib.coverage.gap_months`).

    Returns
    -------
    list
        Per group: for each measure the evaluation will estimate (evaluable, with
        a control), its placement (:meth:`~.placebo_design.PlaceboSource.placement`);
        ``None`` for a group whose control is chosen from the incidents
        (:data:`READS_INCIDENTS`).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from diagnostic_lib import loaders, sample
    >>> from diagnostic_lib.evaluation import data_period
    >>> from diagnostic_lib.evaluation.effects import _Options
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> groups = [(["M01"], _Options()), (["M03"], replace(_Options(), control="similar"))]
    >>> got = placements_ahead(d.measures, d.sectors, data_period(d), groups, [])
    >>> got[0]["M01"][0], got[1]
    ('lattice', None)
    """
    d0, d1 = pd.Timestamp(period[0]), pd.Timestamp(period[1])
    out: list[dict[str, Any] | None] = []
    ids = measures["measure_id"].astype(str)
    areas = None
    for members, opt in groups:
        if opt.control in READS_INCIDENTS:
            out.append(None)
            continue
        win = windows(measures, d0, d1, opt.window_months, opt.lag_months, gaps)
        # the treated areas and rings of the design table (its controls are not needed)
        areas = _Areas(measures, sectors, opt.buffer_m, opt.exclude_other_measures, like=areas)
        geos = _estimated(measures, measures.index[ids.isin([str(m) for m in members])], areas, win)
        widths = areas.width_arr
        out.append(placements(measures, sectors, areas.treated, widths, opt.placebo, geos))
    return out


def _estimated(measures: pd.DataFrame, sel: pd.Index, areas: Any, win: pd.DataFrame) -> dict:
    """The treated areas and rings of the measures whose effects may be estimated.

    Those evaluable by their windows, with a treated area and a control (not a
    municipality-wide measure): a measure whose control turns out empty is not
    estimated, and its placement is not read.
    """
    out = {}
    for i in sel:
        k = areas.ms.pos[i]
        tg, rg = areas.ms.treated[k], areas.ring_arr[k]
        if win.loc[i, "status"] != "evaluable" or tg is None or tg.is_empty:
            continue
        if measures.loc[i, "footprint"] == "municipality":
            continue
        out[i] = {"treated": tg, "buffer": rg if rg is not None and not rg.is_empty else None}
    return out

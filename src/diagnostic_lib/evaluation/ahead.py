"""Step 3's placebo placements, computed ahead without reading the incidents.

With more incidents than the ``worker_max_incidents`` tunable (a province),
the jobs of step 3 that read the incidents run in this process, so as not to
hold them twice in memory, and the worker process has little to do. Where each
measure's placebo places go (:func:`~.placebo_design.placements`: a zone moved
across the municipality, or the other sectors) reads only the measures and the
sectors. :func:`placements_ahead` computes it, so that the worker can do it
while this process works on the relevance and the risk; the effects are then
counted here with it, and are those computed without it
(``tests/test_evaluation_ahead.py``).

Only the placements travel back (a few offsets per measure): the design table's
control areas share their geometry between measures in memory, and written out
one by one they would weigh gigabytes at province scale. The areas are computed
again here, where the effects need them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from .. import measures as measures_mod
from .design import AREAS, _buffer_width, design_areas, windows
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
    treated = None
    out: list[dict[str, Any] | None] = []
    ids = measures["measure_id"].astype(str)
    for members, opt in groups:
        if opt.control in READS_INCIDENTS:
            out.append(None)
            continue
        names = [str(m) for m in members]
        win = windows(measures, d0, d1, opt.window_months, opt.lag_months, gaps)
        design = design_areas(
            measures,
            sectors,
            opt.buffer_m,
            opt.control,
            opt.control_sectors,
            None,
            win,
            opt.exclude_other_measures,
            opt.k_similar,
            ids=names,
        )
        if treated is None:
            treated = measures_mod.treated_area(measures, sectors)
        widths = _buffer_width(measures, opt.buffer_m).to_numpy(dtype="float64")
        geos = _estimated(measures, measures.index[ids.isin(names)], design, win)
        del design
        out.append(placements(measures, sectors, treated, widths, opt.placebo, geos))
    return out


def _estimated(
    measures: pd.DataFrame, sel: pd.Index, design: pd.DataFrame, win: pd.DataFrame
) -> dict[Any, dict]:
    """The areas of the measures whose effects will be estimated: evaluable, with a control."""
    zones: dict[str, dict[str, Any]] = {}
    for mid, zone, geom in zip(
        design["measure_id"].astype(str), design["zone"], design.geometry, strict=True
    ):
        zones.setdefault(mid, {})[zone] = geom
    out = {}
    for i in sel:
        g = zones.get(str(measures.loc[i, "measure_id"]), {})
        if win.loc[i, "status"] == "evaluable" and g.get("control") is not None:
            out[i] = {a: g.get(a) for a in AREAS}
    return out

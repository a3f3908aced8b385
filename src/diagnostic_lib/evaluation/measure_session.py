"""One measure re-evaluated many times: what a window or a lag does not change, kept.

Notebook 03's explorer re-evaluates one measure on every move of a control. Most of
:func:`~diagnostic_lib.evaluation.evaluate_measure`'s work does not depend on the
window or the lag: the data's gap months, the treated areas and rings of a ring
width, the controls of an excluded set, the index of the incidents by place,
category and time, and the placebo places. A :class:`MeasureSession` builds them
once (per ring width and placebo options) and reuses them; one change then only
cuts the windows, counts the months and judges. The results are those of
:func:`~diagnostic_lib.evaluation.evaluate_measure`, to the last digit
(``tests/test_measure_session.py``).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import pandas as pd

from .. import coverage, settings
from .design import CONTROLS, _Areas, _ControlChoice, _design_frame, data_period
from .effects import (
    _DEFAULT_BUFFER_M,
    MeasureResult,
    _Counter,
    _evaluate_core,
    _Options,
)

KEPT: int = 4
"""How many ring widths (areas, index of the incidents, placebos) a session keeps."""


class MeasureSession:
    """Evaluate measures again and again on the same data, keeping what does not change.

    The tables must not be modified while the session is used (the session keeps
    what it derived from them; make a new session for new data).

    Parameters
    ----------
    measures, incidents, sectors : DataFrame
        Canonical tables.
    data_start, data_end : timestamp, optional
        The data's period, ``data_end`` exclusive (default: from the incidents).

    Examples
    --------
    >>> from diagnostic_lib import evaluation, loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> s = MeasureSession(d.measures, d.incidents, d.sectors, *evaluation.data_period(d))
    >>> [int(s.evaluate("M01", window_months=w).effect["window_months"]) for w in (12, 9)]
    [12, 9]
    >>> s.evaluate("M01").effect["verdict"]
    'effective'
    """

    def __init__(
        self,
        measures: pd.DataFrame,
        incidents: pd.DataFrame,
        sectors: pd.DataFrame,
        data_start: Any = None,
        data_end: Any = None,
    ) -> None:
        if data_start is None or data_end is None:
            s, e = data_period(incidents=incidents)
            data_start = s if data_start is None else data_start
            data_end = e if data_end is None else data_end
        self.measures, self.incidents, self.sectors = measures, incidents, sectors
        self.period = (pd.Timestamp(data_start), pd.Timestamp(data_end))
        self._ids = set(measures["measure_id"].astype(str))
        self._gaps: dict[pd.Timestamp, list[pd.Period]] = {}
        self._areas: OrderedDict[tuple, _Areas] = OrderedDict()
        self._counters: OrderedDict[tuple, _Counter] = OrderedDict()

    def evaluate(  # noqa: PLR0913 - the parameters of evaluate_measure
        self,
        measure_id: str,
        window_months: int = settings.default("window_months"),
        lag_months: int = settings.default("lag_months"),
        buffer_m: Any = _DEFAULT_BUFFER_M,
        control: str = settings.default("control"),
        control_sectors: Any = None,
        k_similar: int = settings.default("similar_sectors"),
        exclude_other_measures: bool = settings.default("exclude_other_measures"),
        designs_tried: int = 0,
    ) -> MeasureResult:
        """:func:`~diagnostic_lib.evaluation.evaluate_measure` of one measure, same result.

        Returns
        -------
        MeasureResult
            As :func:`~diagnostic_lib.evaluation.evaluate_measure`.
        """
        if str(measure_id) not in self._ids:
            raise KeyError(f"unknown measure {measure_id!r}")
        opt = _Options(
            window_months,
            lag_months,
            buffer_m,
            control,
            control_sectors,
            k_similar,
            exclude_other_measures,
            design="exploratory" if designs_tried > 0 else "registered",
            designs_tried=max(int(designs_tried), 1),
        )
        eff, design, monthly = _evaluate_core(
            self.measures,
            self.incidents,
            self.sectors,
            self.period,
            opt,
            ids=[str(measure_id)],
            reuse=self,
        )
        row = eff.iloc[0]
        row.attrs = dict(eff.attrs)
        return MeasureResult(row, design.reset_index(drop=True), monthly)

    # -- what _evaluate_core asks of its ``reuse`` -------------------------------------

    def gaps(self, data_end: pd.Timestamp) -> list[pd.Period]:
        """The incidents' gap months up to ``data_end`` (:func:`coverage.gap_months`)."""
        if data_end not in self._gaps:
            self._gaps[data_end] = coverage.gap_months(self.incidents, end=data_end)
        return self._gaps[data_end]

    def design(self, opt: _Options, win: pd.DataFrame, ids: Sequence[str]) -> pd.DataFrame:
        """:func:`design_areas` of ``ids`` with the areas of ``opt``'s ring width kept."""
        if opt.control not in CONTROLS:
            raise ValueError(f"control must be one of {CONTROLS}, got {opt.control!r}")
        key = (_Counter.key(opt)[0], bool(opt.exclude_other_measures))
        areas = self._kept(self._areas, key)
        if areas is None:
            like = next(iter(self._areas.values()), None)  # sectors, treated areas: the same
            args = (self.measures, self.sectors, opt.buffer_m, opt.exclude_other_measures)
            areas = _Areas(*args, like=like)
            self._keep(self._areas, key, areas)
        choose = _ControlChoice(
            opt.control, opt.control_sectors, self.incidents, win, opt.k_similar
        )
        return _design_frame(areas, choose, self.measures, self.sectors, win, ids)

    def counter(
        self, opt: _Options, period: tuple[pd.Timestamp, pd.Timestamp], gaps: Sequence[pd.Period]
    ) -> _Counter:
        """The counter of ``opt``'s ring width and placebo options, set to count ``opt``."""
        key = _Counter.key(opt)
        c = self._kept(self._counters, key)
        if c is None:
            like = next((x for x in self._counters.values() if x._index is not None), None)
            args = (self.measures, self.incidents, self.sectors, opt, period, gaps)
            c = _Counter(*args, like=like)  # the incidents indexed once, whatever the ring
            self._keep(self._counters, key, c)
        c.reset(opt, period, gaps)
        return c

    @staticmethod
    def _kept(store: OrderedDict, key: tuple) -> Any:
        if key in store:
            store.move_to_end(key)
            return store[key]
        return None

    @staticmethod
    def _keep(store: OrderedDict, key: tuple, value: Any) -> None:
        store[key] = value
        while len(store) > KEPT:
            store.popitem(last=False)


__all__ = ["MeasureSession"]

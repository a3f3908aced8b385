"""The whole of step 1 at once: :func:`run` and its result, :class:`Inventory`."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from .grid import GridWarning, grid_counts, make_grid
from .hot_spot_analysis import hot_spots
from .near_repeat import knox_test
from .places import concentration, concentration_table, repeat_locations
from .problem_finding import find_problems
from .scoring import priority
from .survey import perception, perception_gap
from .timing import hour_weekday, seasonality, shift_shares
from .trend import change
from .volume import rates, severity_index

if TYPE_CHECKING:
    from ..loaders import Diagnostic


@dataclass
class Inventory:
    """Every table of step 1, as computed by :func:`run`."""

    rates: pd.DataFrame
    severity: pd.DataFrame
    hour_weekday: pd.DataFrame
    shifts: pd.DataFrame
    seasonality: pd.DataFrame
    change: pd.DataFrame
    change_family: pd.DataFrame
    place_counts: pd.Series
    concentration: dict[str, float]
    concentration_table: pd.DataFrame
    repeat_locations: pd.DataFrame
    hot_spots: pd.DataFrame
    knox: pd.DataFrame
    perception: pd.DataFrame | None
    perception_gap: pd.DataFrame | None
    problems: pd.DataFrame
    priority: pd.DataFrame
    parameters: dict[str, Any] = field(default_factory=dict)


def run(
    diag: Diagnostic,
    cell_size: float | None = None,
    knox_categories: Sequence[str] = ("burglary",),
    permutations: int = 99,
    weights: Mapping[str, float] | None = None,
    seed: int = 12345,
) -> Inventory:
    """Run the whole of step 1 on a loaded diagnosis.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    cell_size : float, optional
        Grid cell size in metres (default: the config's ``grid_cell_m``).
    knox_categories : sequence of str
        Categories for the near-repeat test (break-ins by default).
    permutations : int
        Knox permutations.
    weights : dict, optional
        Priority weights.
    seed : int

    Returns
    -------
    Inventory

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = run(d, permutations=19)
    >>> len(inv.priority) == len(inv.problems) > 0
    True
    """
    cs = float(cell_size if cell_size is not None else diag.config.param("grid_cell_m", 200))
    inc, sec = diag.incidents, diag.sectors
    end = (
        diag.config.period_end + pd.Timedelta(days=1)
        if diag.config.period_end is not None
        else None
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridWarning)
        grid = make_grid(sec, cs)
    pc = grid_counts(inc, grid)
    hs = hot_spots(inc, grid=grid, seed=seed)
    kn = knox_test(
        inc[inc["category"].isin(list(knox_categories))], permutations=permutations, seed=seed
    )
    perc = perception(diag.survey, sec) if diag.survey is not None else None
    gap = perception_gap(diag.survey, inc, sec) if diag.survey is not None else None
    pb = find_problems(
        inc,
        sec,
        diag.weights,
        diag.taxonomy,
        diag.survey,
        diag.places,
        cell_size=cs,
        end=end,
        seed=seed,
    )
    return Inventory(
        rates=rates(inc, sec, by="family", period="year"),
        severity=severity_index(inc, sec, diag.weights),
        hour_weekday=hour_weekday(inc),
        shifts=shift_shares(inc, by="family"),
        seasonality=seasonality(inc, by="family"),
        change=change(inc, by=("sector", "category"), end=end),
        change_family=change(inc, by=("family",), end=end),
        place_counts=pc,
        concentration=concentration(pc),
        concentration_table=concentration_table(pc, lang=diag.lang),
        repeat_locations=repeat_locations(inc, places=diag.places),
        hot_spots=hs,
        knox=kn,
        perception=perc,
        perception_gap=gap,
        problems=pb,
        priority=priority(pb, weights=weights),
        parameters={
            "cell_size_m": cs,
            "knox_categories": list(knox_categories),
            "permutations": permutations,
            "seed": seed,
        },
    )

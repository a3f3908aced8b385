"""The whole of step 1 at once: :func:`run` and its result, :class:`Inventory`."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

import pandas as pd

from .. import _memory, coverage, i18n, settings, workers
from ..cube import Cube
from . import stored
from .counted import cube_key, keyed_cube
from .grid import GridWarning, grid_counts, make_grid
from .hot_spot_analysis import hot_spots
from .near_repeat import doubling_bands, knox_test
from .places import concentration, concentration_table, repeat_locations
from .problem_context import ProblemSearch, _search_frame
from .problem_finding import _find_problems
from .scoring import PRIORITY_COMPONENTS, ranked_with_certainty
from .survey import perception, perception_gap
from .timing import _forget_spread, _hour_weekday, seasonality, shift_shares
from .trend import change
from .volume import rates, severity_index
from .walks import walk_counts

if TYPE_CHECKING:
    from ..config import Config
    from ..loaders import Diagnostic


DISPLAY_COLUMNS: dict[str, tuple[str, ...]] = {
    "problems": (
        "problem_id",
        "kind",
        "title_{lang}",
        "n_incidents",
        "dominant_shift",
        "week_part",
        "peak_hours",
        "trend_label",
    ),
    "cheers": (
        "cheers_community_{lang}",
        "cheers_harm_{lang}",
        "cheers_expectation_{lang}",
        "cheers_events_{lang}",
        "cheers_recurring_{lang}",
        "cheers_similarity_{lang}",
        "sara_stage",
    ),
    "priority": (
        "rank",
        "title_{lang}",
        "score",
        "p_first",
        *PRIORITY_COMPONENTS,
        "missing",
        "status_{lang}",
    ),
    "change_family": (
        "family",
        "last",
        "previous",
        "ratio",
        "p_value",
        "q_value",
        "label_{lang}",
    ),
}
"""The columns of the tables of step 1 shown to people (report, widgets, notebooks), in order.

``problems`` and ``cheers`` are views of :attr:`Inventory.problems` (its
description, its CHEERS fields); ``priority`` is :attr:`Inventory.priority`
(rank, title, score and each component); ``change_family`` is
:attr:`Inventory.change_family`. ``{lang}`` is the language: see
:meth:`Inventory.display_columns`.
"""


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
    walk_counts: pd.DataFrame | None = None
    """Safety-walk observations in each problem's area (:func:`~.walks.walk_counts`),
    by ``problem_id``; ``None`` without a ``[data.walks]`` table."""
    cube: Cube | None = None
    """The count cube the tables of counts were summed from (on the step's grid), for the
    steps and the report to read theirs from; ``None`` when step 1 read the points."""

    @staticmethod
    def display_columns(table: str, lang: str = "fr") -> list[str]:
        """The columns of ``table`` (e.g. ``"priority"``) shown to people, in ``lang``.

        A static method: ``Inventory.display_columns("priority", "en")`` serves
        where only the table is at hand (a widget). See :data:`DISPLAY_COLUMNS`.

        Parameters
        ----------
        table : str
            A key of :data:`DISPLAY_COLUMNS`.
        lang : {"fr", "en"}
            Language.

        Returns
        -------
        list of str

        Examples
        --------
        >>> Inventory.display_columns("priority", "en")[:3]
        ['rank', 'title_en', 'score']
        """
        lang = i18n.check_lang(lang)
        return [c.format(lang=lang) for c in DISPLAY_COLUMNS[table]]


STEP_TUNABLES: tuple[str, ...] = (*(t.name for t in settings.table("inventory")), "alpha")
"""The settings that step 1 reads: its own section of the table, and the significance level."""


def tunables(config: Config, **overrides: Any) -> dict[str, Any]:
    """Every tunable of step 1 as a config sets it (``[parameters]`` of ``diagnostic.toml``).

    Parameters
    ----------
    config : Config
        A loaded config (``diag.config``).
    **overrides
        Values that replace the config's (``None`` leaves the config's value).

    Returns
    -------
    dict
        Setting name → value, for every name of :data:`STEP_TUNABLES`.

    Examples
    --------
    >>> from diagnostic_lib.config import config_from_dict
    >>> cfg = config_from_dict({"parameters": {"grid_cell_m": 150}})
    >>> t = tunables(cfg, knox_permutations=19)
    >>> t["grid_cell_m"], t["knox_permutations"], t["alpha"]
    (150.0, 19, 0.05)
    """
    out = {name: config.param(name) for name in STEP_TUNABLES}
    unknown = set(overrides) - set(out)
    if unknown:
        raise KeyError(f"not tunables of step 1: {sorted(unknown)}")
    out.update({k: v for k, v in overrides.items() if v is not None})
    return out


def _categories(value: str | Sequence[str]) -> list[str]:
    """``"burglary, theft"`` (the config's text) or a sequence of codes, as a list of codes."""
    if isinstance(value, str):
        return [c.strip() for c in value.replace(";", ",").split(",") if c.strip()]
    return list(value)


@_memory.gives_back
def run(
    diag: Diagnostic,
    cell_size: float | None = None,
    knox_categories: Sequence[str] | None = None,
    permutations: int | None = None,
    weights: Mapping[str, float] | None = None,
    seed: int | None = None,
    cube: Cube | bool = True,
) -> Inventory:
    """Run the whole of step 1 on a loaded diagnosis, with the config's tunables.

    Every tunable of step 1 (:data:`STEP_TUNABLES`: grid size, Gi* and Knox
    settings, change windows, problem-finding thresholds, priority weights…) is
    read from ``diag.config.param(name)``, so ``[parameters]`` in
    ``diagnostic.toml`` sets them all; the arguments below, when given,
    override the config.

    Parameters
    ----------
    diag : Diagnostic
        From :func:`diagnostic_lib.loaders.load_diagnostic`.
    cell_size : float, optional
        Grid cell size in metres (default: the config's ``grid_cell_m``).
    knox_categories : sequence of str, optional
        Categories for the near-repeat test (default: the config's
        ``knox_categories``, break-ins).
    permutations : int, optional
        Knox permutations (default: the config's ``knox_permutations``).
    weights : dict, optional
        Priority weights (default: the config's ``priority_weights``).
    seed : int, optional
        Seed of the permutations (default: the config's ``permutation_seed``).
    cube : bool or Cube
        Where the tables of counts (rates, severity index, shifts, seasonality,
        counts per grid cell and their hot spots, the perception gap's crime
        per sector) are summed from: ``True``
        (default) builds the incidents' count cube once on the step's grid
        (:func:`~.counted.incidents_cube`: kept in memory and in the loaders'
        cache entry of the diagnosis, read from there by a re-run; also in
        :attr:`Inventory.cube`);
        a :class:`~diagnostic_lib.cube.Cube` already built on that grid is
        used as it is; ``False`` counts the points. The tables are the same.
        With ``True`` and a diagnosis from the loaders' cache, the whole
        result is kept in its cache entry and read back by a re-run on the
        same content (:mod:`~diagnostic_lib.inventory.stored`).
        The analyses of points (problem finding, near repeat, repeat
        locations, the aoristic hour × weekday, change windows) read the
        incidents.

    Returns
    -------
    Inventory
        Its ``parameters`` hold every tunable used (``parameters["tunables"]``).

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> inv = run(d, permutations=19)
    >>> len(inv.priority) == len(inv.problems) > 0
    True
    """
    t = tunables(
        diag.config,
        grid_cell_m=cell_size,
        knox_categories=knox_categories,
        knox_permutations=permutations,
        priority_weights=weights,
        permutation_seed=seed,
    )
    t["knox_categories"] = _categories(t["knox_categories"])
    entry = getattr(diag, "cache_entry", None)
    if cube is True and entry is not None:  # kept in the loaders' cache entry (see .stored)
        key = stored.result_key(diag, t, extra=_EXTRA)
        found = stored.read(entry, key)
        if found is not None:  # its cube is kept apart and named: the one in memory, else on disk
            inv = found["inventory"]
            inv.cube = keyed_cube(found["cube"], entry=entry)
            if inv.cube is None:  # its folder deleted: counted again
                inv.cube = _counted(diag.incidents, _grid(diag.sectors, t), True, entry)[0]
            return inv
        inv, named = _run(diag, t, cube, entry)
        stored.write(entry, key, {"inventory": dataclasses.replace(inv, cube=None), "cube": named})
        return inv
    return _run(diag, t, cube, entry)[0]


def _grid(sectors: pd.DataFrame, t: Mapping[str, Any]) -> pd.DataFrame:
    """The grid of step 1 (a municipality too large for its cell size only warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GridWarning)
        return make_grid(sectors, float(t["grid_cell_m"]))


_EXTRA = "inventory.run"
"""What else names a stored result (the function that made it)."""


_WORKER_MIN_EVENTS = 5_000
"""Knox events from which the test goes to the worker even if it is not running: its cost
grows with the pairs of close events, and from about this many it takes longer than the
worker's start (12,770 events took 5.5 s in the 100k benchmark data; the sample's 1,752 well
under a second)."""


def _knox(diag: Diagnostic, t: Mapping[str, Any]) -> workers.Pending:
    """The Knox test of step 1, sent to the process's worker (:mod:`diagnostic_lib.workers`).

    It reads the positions and time ranges of the incidents of its categories
    only, so those columns alone travel.
    """
    inc = diag.incidents
    geometry = getattr(inc, "active_geometry_name", None) or "geometry"
    keep = [c for c in (geometry, "occurred_from", "occurred_to") if c in inc.columns]
    events = inc.loc[inc["category"].isin(t["knox_categories"]).to_numpy(), keep]
    worker = workers.worker_for(
        bool(diag.config.param("worker_process")), len(events), at_least=_WORKER_MIN_EVENTS
    )
    return worker.submit(
        knox_test,
        events,
        distance_bands=doubling_bands(t["knox_distance_m"], t["knox_bands"]),
        time_bands=doubling_bands(t["knox_days"], t["knox_bands"]),
        permutations=t["knox_permutations"],
        seed=t["permutation_seed"],
        max_events=t["knox_max_events"],
        max_pairs=t["knox_max_pairs"],
        block_days=t["knox_block_days"],
    )


_WORKER_MIN_INCIDENTS = 20_000
"""Incidents from which the problem search goes to the worker even if it is not running."""


def _problems(diag: Diagnostic, search: ProblemSearch) -> workers.Pending:
    """The problem search of step 1, sent to the process's worker (:mod:`diagnostic_lib.workers`).

    The search reads five columns and the points: it is sent those alone, the text
    as categories and each point as two numbers
    (:func:`~diagnostic_lib.inventory.problem_context._search_frame`, about 40 bytes
    an incident), not the incidents, whose point objects the worker would rebuild
    (1.1 GB at 5M). It therefore goes there at every size, over the config's
    ``worker_max_incidents`` too (that bound is for the jobs that copy the incidents).
    """
    inc = diag.incidents
    worker = workers.worker_for(
        bool(diag.config.param("worker_process")), len(inc), at_least=_WORKER_MIN_INCIDENTS
    )
    return worker.submit(
        _find_problems,
        _search_frame(inc) if worker.enabled else inc,  # here, the incidents as they are
        diag.sectors,
        diag.weights,
        diag.taxonomy,
        diag.survey,
        diag.places,
        search=search,
    )


def _run(
    diag: Diagnostic, t: dict[str, Any], cube: Cube | bool, entry: Any
) -> tuple[Inventory, str | None]:
    """Step 1 with its tunables resolved (see :func:`run`), and the name of its cube.

    The name (:func:`~.counted.cube_key`, ``None`` when the cube was given or not used) is
    what a re-run reads the cube back by, without making the grid again.
    """
    inc, sec = diag.incidents, diag.sectors
    # one end for every window of the step: the config's, else the data's last whole month
    end = (
        diag.config.period_end + pd.Timedelta(days=1)
        if diag.config.period_end is not None
        else coverage.data_end(inc)
    )
    # in the worker while the tables are made here; whichever the worker has not begun
    # when this process needs it is taken back and run here (workers.Pending.result)
    search = ProblemSearch.from_config(diag.config, end=end, **_search_overrides(t))
    found = _problems(diag, search)
    knox = _knox(diag, t)
    cs = float(t["grid_cell_m"])
    grid = _grid(sec, t)
    counted, named = _counted(inc, grid, cube, entry)
    pc = grid_counts(counted, grid)
    hs = hot_spots(
        counted,
        grid=grid,
        neighbourhood=t["hot_spot_neighbourhood"],
        permutations=t["hot_spot_permutations"],
        seed=t["permutation_seed"],
    )
    perc, gap = _perception(diag, t, counted)
    # the search spreads the incidents in the worker: nothing here reads this spread again
    how = _hour_weekday(inc, keep=not found.in_worker)
    level = t["interval_level"]
    trend = {
        "end": end,
        "months": t["change_months"],
        "min_events": t["change_min_events"],
        "alpha": t["alpha"],
    }
    inv = Inventory(
        rates=rates(
            counted,
            sec,
            by="family",
            period="year",
            level=level,
            denominators=diag.config.denominators,
        ),
        severity=severity_index(counted, sec, diag.weights, level=level),
        hour_weekday=how,
        shifts=shift_shares(counted, by="family", level=level),
        seasonality=seasonality(counted, by="family"),
        change=change(inc, by=("sector", "category"), **trend),
        change_family=change(inc, by=("family",), **trend),
        place_counts=pc,
        concentration=concentration(pc),
        concentration_table=concentration_table(pc, lang=diag.lang),
        repeat_locations=repeat_locations(
            inc,
            top=t["repeat_top"],
            min_count=t["repeat_min_count"],
            places=diag.places,
            facility_distance=t["repeat_facility_m"],
        ),
        hot_spots=hs,
        knox=knox.result(),
        perception=perc,
        perception_gap=gap,
        problems=(pb := found.result()),  # collected after the tables made here
        priority=_with_certainty(pb, t),
        parameters={
            "cell_size_m": cs,
            "knox_categories": list(t["knox_categories"]),
            "permutations": t["knox_permutations"],
            "seed": t["permutation_seed"],
            "tunables": t,
        },
        walk_counts=(
            walk_counts(pb, walks, t["walk_reach_m"])
            if (walks := getattr(diag, "walks", None)) is not None
            else None
        ),
        cube=counted if isinstance(counted, Cube) else None,
    )
    _forget_spread()  # step 1's spreads are done: nothing after it reads them
    return inv, named


def _with_certainty(problems: pd.DataFrame, t: Mapping[str, Any]) -> pd.DataFrame:
    """The ranking, with each ranked problem's chance of first place and rank interval."""
    return ranked_with_certainty(
        problems,
        weights=t["priority_weights"],
        min_events=t["min_problem_events"],
        seed=int(t["permutation_seed"]),
    )


def _counted(
    inc: pd.DataFrame, grid: pd.DataFrame, cube: Cube | bool, entry: Any = None
) -> tuple[pd.DataFrame | Cube, str | None]:
    """What the tables of counts read, and the cube's name.

    The incidents' cube on ``grid`` and its name (:func:`~.counted.cube_key`); or the
    cube given, or the points, and ``None``.
    """
    if isinstance(cube, Cube) or not cube:
        return (cube if isinstance(cube, Cube) else inc), None
    named = cube_key(inc, grid)
    return cast(Cube, keyed_cube(named, inc, grid, entry)), named


def _perception(
    diag: Diagnostic, t: Mapping[str, Any], counted: pd.DataFrame | Cube
) -> tuple[pd.DataFrame | None, pd.DataFrame | None]:
    """The perception table and the perception gap (``None`` without a survey).

    ``counted``: the incidents, or their count cube (the gap counts incidents per sector).
    """
    if diag.survey is None:
        return None, None
    level, unsafe = t["interval_level"], t["unsafe_at_most"]
    perc = perception(diag.survey, diag.sectors, level=level, unsafe_at_most=unsafe)
    gap = perception_gap(diag.survey, counted, diag.sectors, level=level, unsafe_at_most=unsafe)
    return perc, gap


def _search_overrides(t: Mapping[str, Any]) -> dict[str, Any]:
    """The problem search's fields that :func:`run`'s arguments may have overridden."""
    return {"cell_size": float(t["grid_cell_m"]), "seed": t["permutation_seed"]}

"""A whole diagnosis loaded at once: :func:`load_diagnostic` and the :class:`Diagnostic` it returns.

:func:`load_diagnostic` reads a ``diagnostic.toml``, loads the sectors first
(to assign incidents to sectors and check positions), then the partners (to
check the measures' partner ids), the incidents, the measures, the survey and
the places, and combines every file's ledger into one. Every step of the
diagnosis takes the :class:`Diagnostic` it returns (typed ``diag: Diagnostic``).

Examples
--------
>>> from diagnostic_lib import sample
>>> d = load_diagnostic(sample.sample_dir() / "diagnostic.toml")
>>> d.lang, d.measures is not None, d.ledger.is_balanced()
('fr', True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from os import PathLike
from typing import Any

import numpy as np
import pandas as pd

from .. import taxonomy as taxonomy_mod
from ..config import Config, load_config
from ..errors import DataError
from ..ledger import Ledger
from .incidents import load_incidents
from .measures import load_measures
from .partners import load_partners
from .places import load_places
from .sectors import load_sectors
from .survey import load_survey


@dataclass
class Diagnostic:
    """One municipality's whole data set, loaded and checked.

    Attributes
    ----------
    config : Config
        The parsed ``diagnostic.toml``.
    sectors, incidents, measures, survey, partners, places : DataFrame or None
        Canonical tables (``None`` when the config has no such file).
    ledger : Ledger
        The combined ledger of every file.
    taxonomy, weights : DataFrame
        The category taxonomy and severity weights in use.
    """

    config: Config
    sectors: pd.DataFrame
    incidents: pd.DataFrame
    measures: pd.DataFrame | None
    survey: pd.DataFrame | None
    partners: pd.DataFrame | None
    places: pd.DataFrame | None
    ledger: Ledger
    taxonomy: pd.DataFrame
    weights: pd.DataFrame

    @property
    def lang(self) -> str:
        """The report language of the config."""
        return self.config.language

    @property
    def boundary(self):
        """The municipality's outline (union of the sectors)."""
        import shapely

        return shapely.union_all(np.asarray(self.sectors.geometry.array))


def load_diagnostic(config_path: str | PathLike[str] | Config, *, now: Any = None) -> Diagnostic:
    """Load one municipality's whole set from its ``diagnostic.toml``.

    Loads the sectors first (to assign incidents to sectors and check their
    positions), then partners (to check the measures' partner ids), incidents,
    measures, survey and places, and combines every ledger.

    Parameters
    ----------
    config_path : path or Config
        The config file (or an already-loaded :class:`~diagnostic_lib.config.Config`).
    now : timestamp, optional
        Reference "now" for dates in the future.

    Returns
    -------
    Diagnostic

    Raises
    ------
    ConfigError, DataError
        The config or a file cannot be used at all (sectors and incidents are
        required).

    Examples
    --------
    >>> from diagnostic_lib import sample
    >>> d = load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> d.ledger.is_balanced(), len(d.sectors) >= 8
    (True, True)
    """
    cfg = config_path if isinstance(config_path, Config) else load_config(config_path)
    tax = taxonomy_mod.load_taxonomy(cfg.taxonomy_path)
    weights = taxonomy_mod.load_severity_weights(cfg.severity_path, tax)
    ledger = Ledger()
    for needed in ("sectors", "incidents"):
        if needed not in cfg.data:
            raise DataError(
                f"{cfg.path}: the config has no [data.{needed}] entry; "
                "sectors and incidents are required"
            )

    def spec(t: str):
        s = cfg.data[t]
        return str(s.path), s.preset, s.columns, s.options

    p, pre, cols, opt = spec("sectors")
    sectors, led = load_sectors(
        p,
        preset=pre,
        columns=cols,
        crs=cfg.crs,
        **_pick(opt, ("source_crs", "encoding", "sep", "layer")),
    )
    ledger.extend(led)
    if len(sectors) == 0:
        raise DataError(f"{p}: no usable sector polygon / aucun secteur utilisable")
    partners = None
    if "partners" in cfg.data:
        p, pre, cols, opt = spec("partners")
        partners, led = load_partners(
            p, preset=pre, columns=cols, sectors=sectors, **_pick(opt, ("encoding", "sep", "sheet"))
        )
        ledger.extend(led)
    p, pre, cols, opt = spec("incidents")
    period = (cfg.period_start, cfg.period_end) if (cfg.period_start or cfg.period_end) else None
    incidents, led = load_incidents(
        p,
        preset=pre,
        columns=cols,
        sectors=sectors,
        crs=cfg.crs,
        taxonomy=tax,
        period=period,
        now=now,
        outside=str(cfg.param("outside")),
        snap_tolerance=float(cfg.param("snap_tolerance_m")),
        **_pick(
            opt,
            (
                "source_crs",
                "duplicates",
                "date_only",
                "precision",
                "encoding",
                "sep",
                "sheet",
                "layer",
            ),
        ),
    )
    ledger.extend(led)
    measures = survey = places = None
    if "measures" in cfg.data:
        p, pre, cols, opt = spec("measures")
        measures, led = load_measures(
            p,
            preset=pre,
            columns=cols,
            crs=cfg.crs,
            taxonomy=tax,
            sectors=sectors,
            partners=partners,
            **_pick(opt, ("source_crs", "encoding", "sep", "sheet", "layer")),
        )
        ledger.extend(led)
    if "survey" in cfg.data:
        p, pre, cols, opt = spec("survey")
        survey, led = load_survey(
            p, preset=pre, columns=cols, sectors=sectors, **_pick(opt, ("encoding", "sep", "sheet"))
        )
        ledger.extend(led)
    if "places" in cfg.data:
        p, pre, cols, opt = spec("places")
        places, led = load_places(
            p,
            preset=pre,
            columns=cols,
            crs=cfg.crs,
            **_pick(opt, ("source_crs", "encoding", "sep", "layer")),
        )
        ledger.extend(led)
    return Diagnostic(
        cfg, sectors, incidents, measures, survey, partners, places, ledger, tax, weights
    )


def _pick(opts: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: opts[k] for k in keys if k in opts}

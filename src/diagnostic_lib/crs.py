"""Coordinate reference systems: the analysis CRS must measure distances in metres.

Every distance and area of the diagnosis (grid cells, rings, densities) is
computed in one projected CRS, by default EPSG:32188 (NAD83 / MTM zone 8,
Québec). This module holds the checks that the config and the loaders share.

Examples
--------
>>> from diagnostic_lib import crs
>>> crs.check_metric_crs("EPSG:32188").name
'NAD83 / MTM zone 8'
"""

from __future__ import annotations

from typing import Any

from .errors import CRSError


def check_metric_crs(crs: Any, where: str = "crs") -> Any:
    """Refuse a CRS in which distances are not in metres.

    Parameters
    ----------
    crs : str or pyproj.CRS
        The analysis CRS.
    where : str
        Context for the error message.

    Returns
    -------
    pyproj.CRS

    Raises
    ------
    CRSError
        The CRS is unknown, geographic (degrees) or not in metres.

    Examples
    --------
    >>> check_metric_crs("EPSG:32188").name
    'NAD83 / MTM zone 8'
    >>> check_metric_crs("EPSG:4326")
    Traceback (most recent call last):
    ...
    diagnostic_lib.errors.CRSError: crs: EPSG:4326 is geographic (degrees); distances need ...
    """
    from pyproj import CRS
    from pyproj.exceptions import CRSError as ProjError

    try:
        c = CRS.from_user_input(crs)
    except ProjError:
        raise CRSError(f"{where}: unknown CRS {crs!r}") from None
    if c.is_geographic:
        raise CRSError(
            f"{where}: {crs} is geographic (degrees); distances need a projected CRS in metres, "
            "e.g. EPSG:32188 (NAD83 / MTM zone 8) / ce SCR est géographique (degrés) : "
            "il faut un SCR projeté en mètres"
        )
    units = {a.unit_name for a in c.axis_info}
    if units and not units <= {"metre", "meter"}:
        raise CRSError(f"{where}: {crs} is not in metres (units: {sorted(units)})")
    return c

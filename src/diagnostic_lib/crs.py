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

import numpy as np

from .errors import CRSError, bilingual


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
        raise CRSError(f"{where}: {bilingual('crs.error.unknown', crs=crs)}") from None
    if c.is_geographic:
        raise CRSError(f"{where}: {bilingual('crs.error.geographic', crs=crs)}")
    units = {a.unit_name for a in c.axis_info}
    if units and not units <= {"metre", "meter"}:
        message = bilingual("crs.error.not_metres", crs=crs, units=", ".join(sorted(units)))
        raise CRSError(f"{where}: {message}")
    return c


def extent_problem(
    bounds: tuple[float, float, float, float], crs: Any, reference: Any = None
) -> str | None:
    """What is wrong with coordinates of extent ``bounds`` read in ``crs``, in one code.

    Positions are checked against the CRS's area of use (pyproj), so that a file
    read in the wrong CRS is an error that says why, not a 0.0035 m² town:

    - ``degrees_in_metric``: the values look like longitudes and latitudes but the
      CRS is in metres;
    - ``metres_in_degrees``: the values are far outside ±180/±90 but the CRS is in
      degrees (a GeoJSON without a ``crs`` member is read as WGS84);
    - ``xy_swapped`` / ``latlon_swapped``: the values fit the area of use once the
      two coordinates are exchanged;
    - ``outside_area_of_use``: none of the above, but the extent lies outside it;
    - ``None``: nothing to say (or no area of use known).

    Parameters
    ----------
    bounds : (xmin, ymin, xmax, ymax)
        Extent of the coordinates as written in the file.
    crs : CRS-like
        The CRS the file declares (or that was assumed).
    reference : (xmin, ymin, xmax, ymax), optional
        Where the coordinates should lie, in ``crs`` (e.g. the sectors' extent):
        checked instead of the CRS's area of use, which for WGS84 is the whole Earth.

    Returns
    -------
    str or None

    Examples
    --------
    >>> extent_problem((286000, 5055000, 292000, 5060000), "EPSG:32188") is None
    True
    >>> extent_problem((-73.8, 45.6, -73.7, 45.7), "EPSG:32188")
    'degrees_in_metric'
    >>> extent_problem((5055000, 286000, 5060000, 292000), "EPSG:32188")
    'xy_swapped'
    >>> extent_problem((286000, 5055000, 292000, 5060000), "EPSG:4326")
    'metres_in_degrees'
    >>> extent_problem((45.6, -73.8, 45.7, -73.7), "EPSG:4326", reference=(-74, 45, -73, 46))
    'latlon_swapped'
    """
    from pyproj import CRS, Transformer

    x0, y0, x1, y1 = (float(v) for v in bounds)
    if not all(np.isfinite([x0, y0, x1, y1])):
        return None
    c = CRS.from_user_input(crs)
    aou = c.area_of_use
    degrees_like = max(abs(x0), abs(x1)) <= 180 and max(abs(y0), abs(y1)) <= 90
    if c.is_geographic:
        if not degrees_like:
            if max(abs(y0), abs(y1)) <= 180 and max(abs(x0), abs(x1)) <= 90:
                return "latlon_swapped"
            return "metres_in_degrees"
    elif degrees_like and (
        aou is None
        or (x0 >= aou.west - 1 and x1 <= aou.east + 1)
        and (y0 >= aou.south - 1 and y1 <= aou.north + 1)
    ):  # longitudes and latitudes of a place this CRS is for (small made-up numbers are not)
        return "degrees_in_metric"
    if reference is not None:
        box = tuple(float(v) for v in reference)
    elif aou is None:
        return None
    elif c.is_geographic:
        box = (aou.west, aou.south, aou.east, aou.north)
    else:
        tr = Transformer.from_crs(c.geodetic_crs, c, always_xy=True)
        box = tr.transform_bounds(aou.west, aou.south, aou.east, aou.north, densify_pts=21)
    slack_x, slack_y = 0.1 * (box[2] - box[0]), 0.1 * (box[3] - box[1])

    def inside(a0: float, b0: float, a1: float, b1: float) -> bool:
        return (
            a0 >= box[0] - slack_x
            and a1 <= box[2] + slack_x
            and b0 >= box[1] - slack_y
            and b1 <= box[3] + slack_y
        )

    if inside(x0, y0, x1, y1):
        return None
    if inside(y0, x0, y1, x1):
        return "latlon_swapped" if c.is_geographic else "xy_swapped"
    return "outside_area_of_use"


def describe(crs: Any) -> str:
    """A CRS as a reader can look it up: its name and its EPSG code.

    Examples
    --------
    >>> describe("EPSG:32188")
    'NAD83 / MTM zone 8 (EPSG:32188)'
    """
    from pyproj import CRS

    try:
        c = CRS.from_user_input(crs)
    except Exception:
        return str(crs)
    code = c.to_epsg()
    return f"{c.name} (EPSG:{code})" if code else c.name

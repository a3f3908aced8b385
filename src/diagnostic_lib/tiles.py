"""Background tiles for the maps: the source of ``[maps] tiles``, its tiles, a basemap image.

None by default: a map has tiles only when ``diagnostic.toml`` names a tile
source (``[maps] tiles``), as an `xyzservices <https://xyzservices.readthedocs.io>`_
name (``"OpenStreetMap.Mapnik"``, whose attribution it knows) or as a URL
template with ``{z}``, ``{x}`` and ``{y}`` (and its ``attribution``)::

    [maps]
    tiles = "https://tile.example.org/{z}/{x}/{y}.png"
    attribution = "© OpenStreetMap contributors"

A ``file://`` template reads tiles from a folder (offline). :func:`basemap`
fetches the tiles over a map's extent and resamples them into the map's CRS
(pyproj, nearest pixel): no GDAL, no contextily. Every failure to reach or
read a tile is a :class:`TileError`; the maps then draw without tiles.

Examples
--------
>>> s = tile_source("https://tile.example.org/{z}/{x}/{y}.png", "© Example")
>>> tile_url(s, 12, 1207, 1466)
'https://tile.example.org/12/1207/1466.png'
>>> tile_index(-73.57, 45.50, 12)
(1210, 1465)
"""

from __future__ import annotations

import io
import math
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import __version__

TILE_SIZE = 256
"""Pixels a side of a tile (Web Mercator XYZ tiles)."""
MAX_TILES = 48
"""Most tiles fetched for one map (the zoom is lowered until the extent needs no more)."""
TIMEOUT_S = 5.0
"""Seconds to wait for one tile."""
USER_AGENT = f"diagnostic_lib/{__version__} (local security self-diagnosis maps)"
"""What the tile requests say they come from (tile servers ask for one)."""

_CACHE: dict[str, bytes] = {}
_CACHE_SIZE = 512


class TileError(OSError):
    """A tile could not be fetched or read."""


@dataclass(frozen=True)
class TileSource:
    """Where tiles come from, and what the maps must say about them.

    Attributes
    ----------
    url : str
        Template with ``{z}``, ``{x}``, ``{y}`` (``{s}``: a subdomain, ``{r}``: a
        resolution suffix, both filled in).
    attribution : str
        The text written on every map drawn over these tiles.
    name : str
        The provider's name (the URL's host when given as a URL).
    max_zoom : int
        Deepest zoom level the source serves.
    """

    url: str
    attribution: str
    name: str = ""
    max_zoom: int = 19


def _is_template(text: str) -> bool:
    return all(k in text for k in ("{z}", "{x}", "{y}"))


def tile_source(tiles: str, attribution: str | None = None, max_zoom: int | None = None):
    """The tile source named by ``[maps] tiles``.

    Parameters
    ----------
    tiles : str
        An xyzservices provider name (``"OpenStreetMap.Mapnik"``, ``"OpenStreetMap.France"``)
        or a URL template with ``{z}``, ``{x}`` and ``{y}``.
    attribution : str, optional
        The attribution to write on the maps: required with a URL template; with a
        provider name it replaces the provider's own.
    max_zoom : int, optional
        Deepest zoom level (default: the provider's, else 19).

    Returns
    -------
    TileSource

    Raises
    ------
    ValueError
        A URL template without attribution, a name that is no provider, a provider
        that needs a key, or a name given while xyzservices is not installed.

    Examples
    --------
    >>> tile_source("OpenStreetMap.Mapnik").url
    'https://tile.openstreetmap.org/{z}/{x}/{y}.png'
    >>> tile_source("https://t.example.org/{z}/{x}/{y}.png")
    Traceback (most recent call last):
    ...
    ValueError: tiles_attribution
    """
    text = str(tiles).strip()
    if _is_template(text):
        if not attribution or not str(attribution).strip():
            raise ValueError("tiles_attribution")
        host = text.split("://", 1)[-1].split("/", 1)[0]
        return TileSource(text, str(attribution).strip(), host, int(max_zoom or 19))
    try:
        import xyzservices
    except ImportError:
        raise ValueError("tiles_no_xyzservices") from None
    try:
        provider = xyzservices.providers.query_name(text)
    except ValueError:
        raise ValueError("tiles_unknown") from None
    if provider.requires_token():
        raise ValueError("tiles_token")
    return TileSource(
        provider.build_url(fill_subdomain=True, scale_factor=""),
        str(attribution).strip()
        if attribution
        else str(provider.get("attribution", "")).replace("(C)", "©"),
        provider.name,
        int(max_zoom or provider.get("max_zoom", 19)),
    )


def tile_url(source: TileSource, z: int, x: int, y: int) -> str:
    """The URL of one tile.

    Examples
    --------
    >>> tile_url(TileSource("https://{s}.t.org/{z}/{x}/{y}{r}.png", "©"), 3, 1, 2)
    'https://a.t.org/3/1/2.png'
    """
    return (
        source.url.replace("{s}", "a")
        .replace("{r}", "")
        .replace("{z}", str(int(z)))
        .replace("{x}", str(int(x)))
        .replace("{y}", str(int(y)))
    )


def fetch_tile(source: TileSource, z: int, x: int, y: int, timeout: float = TIMEOUT_S) -> bytes:
    """The bytes of one tile (kept in memory: a tile is fetched once a session).

    Raises
    ------
    TileError
        The tile cannot be reached (no network, a server or a file that is not
        there) or is empty.

    Examples
    --------
    >>> fetch_tile(TileSource("file:///nonexistent/{z}/{x}/{y}.png", "©"), 0, 0, 0)
    Traceback (most recent call last):
    ...
    diagnostic_lib.tiles.TileError: file:///nonexistent/0/0/0.png: ...
    """
    url = tile_url(source, z, x, y)
    if url in _CACHE:
        return _CACHE[url]
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts, bad schemes
        raise TileError(f"{url}: {exc}") from None
    if not data:
        raise TileError(f"{url}: empty")
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[url] = data
    return data


def _decode(data: bytes, url: str = "") -> np.ndarray:
    """A tile's pixels as RGB floats in [0, 1] (``TILE_SIZE`` square)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            rgb = im.convert("RGB")
            if rgb.size != (TILE_SIZE, TILE_SIZE):
                rgb = rgb.resize((TILE_SIZE, TILE_SIZE))
            return np.asarray(rgb, dtype="float32") / 255.0
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise TileError(f"{url}: not an image ({exc})") from None


def _pixels(lon, lat, z: int) -> tuple[np.ndarray, np.ndarray]:
    """Global Web Mercator pixel coordinates of longitudes and latitudes at zoom ``z``."""
    n = TILE_SIZE * 2.0**z
    lat = np.clip(np.asarray(lat, dtype="float64"), -85.05112878, 85.05112878)
    x = (np.asarray(lon, dtype="float64") + 180.0) / 360.0 * n
    phi = np.radians(lat)
    y = (1.0 - np.log(np.tan(phi) + 1.0 / np.cos(phi)) / math.pi) / 2.0 * n
    return x, y


def tile_index(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The ``(x, y)`` of the tile holding a point at zoom ``z``.

    Examples
    --------
    >>> tile_index(0.0, 0.0, 1)
    (1, 1)
    """
    x, y = _pixels(lon, lat, z)
    return int(x // TILE_SIZE), int(y // TILE_SIZE)


def reachable(source: TileSource, lon: float, lat: float, timeout: float = TIMEOUT_S) -> bool:
    """Whether the source serves a readable tile over a point (one request, at zoom 12).

    Examples
    --------
    >>> reachable(TileSource("file:///nonexistent/{z}/{x}/{y}.png", "©"), -73.6, 45.5)
    False
    """
    z = min(12, source.max_zoom)
    try:
        x, y = tile_index(lon, lat, z)
        _decode(fetch_tile(source, z, x, y, timeout), tile_url(source, z, x, y))
    except TileError:
        return False
    return True


def _zoom(lon0: float, lat0: float, lon1: float, lat1: float, width_px: int, max_zoom: int) -> int:
    """The zoom whose pixels match the map's, lowered until at most :data:`MAX_TILES` tiles."""
    span = max(lon1 - lon0, 1e-9)
    z = int(np.clip(math.ceil(math.log2(width_px * 360.0 / (span * TILE_SIZE))), 0, max_zoom))
    while z > 0:
        x0, y1 = tile_index(lon0, lat0, z)
        x1, y0 = tile_index(lon1, lat1, z)
        if (x1 - x0 + 1) * (y1 - y0 + 1) <= MAX_TILES:
            break
        z -= 1
    return z


def basemap(
    source: TileSource,
    bounds: tuple[float, float, float, float],
    crs: Any,
    shape: tuple[int, int] = (600, 700),
    *,
    fetch: Callable[..., bytes] | None = None,
) -> np.ndarray:
    """The tiles over an extent, resampled into the map's CRS.

    Parameters
    ----------
    source : TileSource
        Where the tiles come from.
    bounds : (float, float, float, float)
        ``xmin, ymin, xmax, ymax`` of the map, in ``crs``.
    crs : pyproj CRS or str
        The map's CRS.
    shape : (int, int)
        ``(rows, columns)`` of the image returned.
    fetch : callable, optional
        ``fetch(source, z, x, y) -> bytes`` (default :func:`fetch_tile`).

    Returns
    -------
    numpy.ndarray
        ``rows × columns × 4`` RGBA floats, the first row at ``ymax`` (as
        ``imshow`` draws it); transparent where no tile covers the map.

    Raises
    ------
    TileError
        A tile cannot be fetched or read.

    Examples
    --------
    >>> import io
    >>> from PIL import Image
    >>> def grey(source, z, x, y):
    ...     buf = io.BytesIO(); Image.new("RGB", (256, 256), (128, 128, 128)).save(buf, "PNG")
    ...     return buf.getvalue()
    >>> img = basemap(TileSource("x/{z}/{x}/{y}", "©"), (296000, 5040000, 300000, 5043000),
    ...               "EPSG:32188", (30, 40), fetch=grey)
    >>> img.shape, round(float(img[15, 20, 0]), 2), float(img[15, 20, 3])
    ((30, 40, 4), 0.5, 1.0)
    """
    from pyproj import Transformer

    fetch = fetch or fetch_tile
    rows, cols = int(shape[0]), int(shape[1])
    x0, y0, x1, y1 = (float(v) for v in bounds)
    to_lonlat = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    xs = x0 + (np.arange(cols) + 0.5) * (x1 - x0) / cols
    ys = y1 - (np.arange(rows) + 0.5) * (y1 - y0) / rows
    gx, gy = np.meshgrid(xs, ys)
    lon, lat = to_lonlat.transform(gx, gy)
    z = _zoom(
        float(lon.min()),
        float(lat.min()),
        float(lon.max()),
        float(lat.max()),
        cols,
        source.max_zoom,
    )
    px, py = _pixels(lon, lat, z)
    tx, ty = (px // TILE_SIZE).astype(int), (py // TILE_SIZE).astype(int)
    out = np.zeros((rows, cols, 4), dtype="float32")
    last = 2**z - 1
    for x in range(int(tx.min()), int(tx.max()) + 1):
        for y in range(int(ty.min()), int(ty.max()) + 1):
            hit = (tx == x) & (ty == y)
            if not hit.any() or not (0 <= x <= last and 0 <= y <= last):
                continue
            tile = _decode(fetch(source, z, x, y), tile_url(source, z, x, y))
            ix = np.clip((px[hit] - x * TILE_SIZE).astype(int), 0, TILE_SIZE - 1)
            iy = np.clip((py[hit] - y * TILE_SIZE).astype(int), 0, TILE_SIZE - 1)
            out[hit, :3] = tile[iy, ix]
            out[hit, 3] = 1.0
    return out


def reachable_tiles(diag: Any) -> TileSource | None:
    """The configured tile source if it serves a tile over the sectors, else ``None``.

    One request: an unreachable source (no network, a server down) gives maps
    without tiles, never a failure. Made once per report, and once at the top
    of a notebook.

    Parameters
    ----------
    diag : Diagnostic
        The diagnosis (its config's ``[maps] tiles`` and its sectors).

    Returns
    -------
    TileSource or None

    Examples
    --------
    >>> from diagnostic_lib import loaders, sample
    >>> d = loaders.load_diagnostic(sample.sample_dir() / "diagnostic.toml")
    >>> reachable_tiles(d) is None  # no [maps] tiles: no tiles, no request
    True
    """
    source = diag.config.tiles
    sectors = diag.sectors
    if source is None or sectors is None or not len(sectors) or sectors.crs is None:
        return None
    b = sectors.to_crs(4326).total_bounds
    lon, lat = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return source if reachable(source, lon, lat) else None

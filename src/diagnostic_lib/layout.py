"""A layout check of a drawn figure: texts that overlap, legends over data, cut labels.

:func:`layout_problems` draws a matplotlib figure and reads the rendered
bounding boxes of its texts, legends and data, the way a reader sees them. It
reports:

``overlap``
    two texts whose boxes overlap (titles, subtitles, axis and tick labels,
    annotations, labels written on a map, legend entries);
``legend_covers``
    a legend box over plotted data (points, line vertices, the vertices of
    polygons and bars) or over a text of the axes;
``cut``
    a text that runs past the edge of the figure;
``ellipsis``
    a text shortened with "…" (a name cut by the library where the full name
    was available).

Layers that are context rather than data (sector outlines, a colour-zone
background, the cells of a grid that are not significant) are marked with
:func:`background` and not tested for ``legend_covers``. Overlaps smaller than
``tolerance`` pixels (in width or height) are ignored.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots(figsize=(4, 3))
>>> _ = ax.set_title("Titre")
>>> _ = ax.text(0.5, 1.0, "Sous-titre", transform=ax.transAxes, ha="center")
>>> layout_problems(fig)[["kind", "text", "other"]].values.tolist()
[['overlap', 'Titre', 'Sous-titre']]
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

BACKGROUND_GID = "layout:background"
"""``gid`` of the artists that are context, not data (see :func:`background`)."""

COLUMNS = ("kind", "text", "other")
"""Columns of :func:`layout_problems`."""

ELLIPSIS = "…"
"""The character the library writes where it shortens a text."""


def background(artist):
    """Mark an artist as context (not data): a legend may lie over it.

    Parameters
    ----------
    artist : matplotlib.artist.Artist
        A layer (sector outlines, a colour-zone background…).

    Returns
    -------
    matplotlib.artist.Artist
        The same artist.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> background(ax.axhspan(0, 1)).get_gid()
    'layout:background'
    """
    artist.set_gid(BACKGROUND_GID)
    return artist


def _is_background(artist) -> bool:
    return artist.get_gid() == BACKGROUND_GID


def _shown(text) -> bool:
    return bool(text.get_visible() and text.get_text().strip())


def _in_view(axis, label, which: int) -> bool:
    """A tick label whose tick lies within the axis' view (the others are not drawn)."""
    lo, hi = sorted(axis.get_view_interval())
    v = label.get_position()[which]
    span = max(hi - lo, 1e-12)
    try:
        return bool(lo - 1e-6 * span <= float(v) <= hi + 1e-6 * span)
    except (TypeError, ValueError):
        return True


def _axes_texts(ax) -> Iterator[object]:
    """The texts an axes shows: titles, axis and tick labels, texts and annotations."""
    yield ax.title
    for name in ("_left_title", "_right_title"):
        t = getattr(ax, name, None)
        if t is not None:
            yield t
    if ax.axison:  # an axes drawn without its axes (a map, a network) shows no tick label
        for axis, which in ((ax.xaxis, 0), (ax.yaxis, 1)):
            yield axis.label
            if axis.get_visible():
                for label in [*axis.get_majorticklabels(), *axis.get_minorticklabels()]:
                    if _in_view(axis, label, which):
                        yield label
    yield from ax.texts


def _legends(fig) -> list[object]:
    out = [ax.get_legend() for ax in fig.axes]
    return [leg for leg in [*out, *fig.legends] if leg is not None and leg.get_visible()]


def _legend_texts(legend) -> list[object]:
    return [legend.get_title(), *legend.get_texts()]


def _texts(fig) -> list[tuple[object, object | None]]:
    """Every shown text of a figure, with the legend it belongs to (``None`` if none)."""
    items: list[tuple[object, object | None]] = [(t, None) for t in fig.texts]
    for ax in fig.axes:
        if ax.get_visible():
            items.extend((t, None) for t in _axes_texts(ax))
    for leg in _legends(fig):
        items.extend((t, leg) for t in _legend_texts(leg))
    seen: set[int] = set()
    out = []
    for t, leg in items:
        if _shown(t) and id(t) not in seen:
            seen.add(id(t))
            out.append((t, leg))
    return out


def text_box(text, renderer) -> np.ndarray:
    """The box of a text alone, ``x0, y0, x1, y1`` (pixels): an annotation's line left out.

    Parameters
    ----------
    text : matplotlib.text.Text
        A text or an annotation, drawn.
    renderer : matplotlib.backend_bases.RendererBase
        The figure's renderer.

    Returns
    -------
    numpy.ndarray

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> a = ax.annotate("A", (0, 0), xytext=(0.5, 0.5), arrowprops={"arrowstyle": "-"})
    >>> fig.canvas.draw()
    >>> r = fig.canvas.get_renderer()
    >>> bool(text_box(a, r)[0] > a.get_window_extent(r).x0)
    True
    """
    from matplotlib.text import Text

    return np.asarray(Text.get_window_extent(text, renderer).extents, dtype="float64")


def _boxes(artists, renderer) -> np.ndarray:
    """Window extents as an ``(n, 4)`` array of ``x0, y0, x1, y1`` (pixels)."""
    if not artists:
        return np.empty((0, 4))
    return np.array([text_box(a, renderer) for a in artists], dtype="float64")


def _overlaps(boxes: np.ndarray, tolerance: float) -> list[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, whose boxes overlap by more than ``tolerance`` both ways."""
    if len(boxes) < 2:
        return []
    x0, y0, x1, y1 = boxes.T
    w = np.minimum(x1[:, None], x1[None, :]) - np.maximum(x0[:, None], x0[None, :])
    h = np.minimum(y1[:, None], y1[None, :]) - np.maximum(y0[:, None], y0[None, :])
    hit = np.triu((w > tolerance) & (h > tolerance), k=1)
    return [(int(i), int(j)) for i, j in zip(*np.nonzero(hit), strict=True)]


def _finite(xy: np.ndarray) -> np.ndarray:
    xy = np.asarray(xy, dtype="float64").reshape(-1, 2)
    return xy[np.isfinite(xy).all(axis=1)]


def _collection_points(coll) -> np.ndarray:
    """Display coordinates of a collection: its markers' centres, or its paths' vertices."""
    offsets = np.asarray(coll.get_offsets(), dtype="float64").reshape(-1, 2)
    paths = coll.get_paths()
    markers = len(offsets) > 1 or (len(offsets) == 1 and np.any(offsets != 0))
    if markers:
        return coll.get_offset_transform().transform(_finite(offsets))
    if not paths:
        return np.empty((0, 2))
    verts = np.concatenate([np.asarray(p.vertices).reshape(-1, 2) for p in paths])
    return coll.get_transform().transform(_finite(verts))


def _data_points(ax, renderer) -> Iterator[tuple[object, np.ndarray]]:
    """Each data artist of an axes and the display coordinates of its points that show.

    A point outside the axes is not drawn (clipped) unless its artist is not clipped.
    """
    frame = ax.get_window_extent(renderer).extents
    for artist, pts in _raw_points(ax):
        if artist.get_clip_on() and len(pts):
            x0, y0, x1, y1 = frame
            keep = (pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)
            pts = pts[keep]
        yield artist, pts


def _raw_points(ax) -> Iterator[tuple[object, np.ndarray]]:
    from matplotlib.collections import QuadMesh

    for line in ax.lines:
        if line.get_visible() and not _is_background(line):
            yield line, line.get_transform().transform(_finite(line.get_xydata()))
    for coll in ax.collections:
        if coll.get_visible() and not _is_background(coll) and not isinstance(coll, QuadMesh):
            yield coll, _collection_points(coll)
    for patch in ax.patches:
        if patch.get_visible() and not _is_background(patch):
            verts = patch.get_path().vertices
            yield patch, patch.get_transform().transform(_finite(verts))


def _name(artist) -> str:
    """What a reader would call an artist: its label, its text or its kind."""
    get_text = getattr(artist, "get_text", None)
    if get_text is not None:
        return str(get_text())
    label = str(artist.get_label() or "")
    return label if label and not label.startswith("_") else type(artist).__name__


def _legend_name(legend) -> str:
    title = legend.get_title().get_text()
    if title:
        return title
    texts = [t.get_text() for t in legend.get_texts()]
    return texts[0] if texts else "legend"


def _inside(points: np.ndarray, box: np.ndarray, tolerance: float) -> bool:
    if not len(points):
        return False
    x0, y0, x1, y1 = box
    p = points
    return bool(
        (
            (p[:, 0] > x0 + tolerance)
            & (p[:, 0] < x1 - tolerance)
            & (p[:, 1] > y0 + tolerance)
            & (p[:, 1] < y1 - tolerance)
        ).any()
    )


def _legend_cover(fig, texts, renderer, tolerance: float) -> list[tuple[str, str, str]]:
    rows = []
    for leg in _legends(fig):
        box = leg.get_window_extent(renderer).extents
        axes = [leg.axes] if leg.axes is not None else fig.axes
        for ax in axes:
            for artist, pts in _data_points(ax, renderer):
                if _inside(pts, box, tolerance):
                    rows.append(("legend_covers", _legend_name(leg), _name(artist)))
        others = [t for t, owner in texts if owner is None and (leg.axes is None or t.axes in axes)]
        for t, tb in zip(others, _boxes(others, renderer), strict=True):
            if _overlaps(np.vstack([box, tb]), tolerance):
                rows.append(("legend_covers", _legend_name(leg), t.get_text()))
    return rows


def layout_problems(fig, *, tolerance: float = 2.0) -> pd.DataFrame:
    """What a reader would see as badly laid out in a figure.

    The figure is drawn (``fig.canvas.draw()``), then the rendered boxes of its
    texts, legends and data are compared.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Any figure (a chart or a static map).
    tolerance : float
        Overlaps and overhangs up to this many pixels are ignored.

    Returns
    -------
    DataFrame
        One row a problem: ``kind`` (``overlap``, ``legend_covers``, ``cut``,
        ``ellipsis``), ``text`` (the text or legend concerned) and ``other``
        (the text or artist it collides with; empty for ``cut`` and
        ``ellipsis``). Empty when the figure is well laid out.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3))
    >>> _ = ax.scatter([0.05, 0.95], [0.95, 0.05], label="points")
    >>> _ = ax.legend(loc="upper left")
    >>> layout_problems(fig)["kind"].tolist()
    ['legend_covers']
    >>> _ = ax.legend(loc="upper right")
    >>> layout_problems(fig).empty
    True
    """
    if not hasattr(fig.canvas, "get_renderer"):  # a figure closed by pyplot
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = _texts(fig)
    artists = [t for t, _ in texts]
    boxes = _boxes(artists, renderer)
    rows: list[tuple[str, str, str]] = []
    owners = [owner for _, owner in texts]
    for i, j in _overlaps(boxes, tolerance):
        if (owners[i] is None) != (owners[j] is None):
            continue  # a legend over a text: said once, by _legend_cover
        rows.append(("overlap", artists[i].get_text(), artists[j].get_text()))
    rows.extend(_legend_cover(fig, texts, renderer, tolerance))
    fx0, fy0, fx1, fy1 = fig.bbox.extents
    for t, b in zip(artists, boxes, strict=True):
        x0, y0, x1, y1 = b
        if (
            x0 < fx0 - tolerance
            or y0 < fy0 - tolerance
            or x1 > fx1 + tolerance
            or y1 > fy1 + tolerance
        ):
            rows.append(("cut", t.get_text(), ""))
        if ELLIPSIS in t.get_text():
            rows.append(("ellipsis", t.get_text(), ""))
    return pd.DataFrame(rows, columns=list(COLUMNS)).drop_duplicates(ignore_index=True)

"""Labels placed where they do not cover each other: :func:`place_labels`.

A label that would overlap a text already on the axes (another label, a
sector name, a note) or a legend is moved, in steps of a few points around
its anchor, to the first free place, and tied to its anchor by a thin line.
The figure's layout is computed first (``fig.draw_without_rendering()``) so
that the boxes measured are the ones a reader sees; offsets are in points, so
they hold at any resolution.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> from diagnostic_lib import layout
>>> fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
>>> _ = ax.set_xlim(0, 10); _ = ax.set_ylim(0, 10)
>>> texts = place_labels(ax, [(5, 5, "S06"), (5.01, 5, "S09"), (5.02, 5, "S07")])
>>> [t.get_text() for t in texts], layout.layout_problems(fig).empty
(['S06', 'S09', 'S07'], True)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import formatting as fmt
from . import i18n, layout, style

SHOWN_AT_MOST: int = 60
"""Most measures, sectors or problems a chart or map of the report names one by one; above,
it keeps the first ones in its own order and says how many it leaves out (the workbook
holds them all)."""

RADII: tuple[float, ...] = (0.0, 7.0, 12.0, 18.0, 25.0, 33.0, 42.0, 52.0, 64.0)
"""Distances (points) from its anchor at which a label is tried, nearest first."""
DIRECTIONS = 16
"""Directions tried at each distance."""
GAP = 1.5
"""Free space (points) kept around a label."""


def _first_free(
    b: np.ndarray, offsets: np.ndarray, frame: np.ndarray, taken: list[np.ndarray]
) -> np.ndarray | None:
    """The first offset that moves box ``b`` inside ``frame`` and off every ``taken`` box.

    Every offset is tried at once (one array operation per label); boxes that
    only touch do not overlap.
    """
    cand = b[None, :] + np.concatenate([offsets, offsets], axis=1)
    inside = (cand[:, 0] >= frame[0]) & (cand[:, 1] >= frame[1])
    inside &= (cand[:, 2] <= frame[2]) & (cand[:, 3] <= frame[3])
    if len(taken) and inside.any():
        t = np.asarray(taken, dtype="float64").reshape(-1, 4)
        c = cand[inside]
        hit = (
            (c[:, None, 0] < t[None, :, 2])
            & (t[None, :, 0] < c[:, None, 2])
            & (c[:, None, 1] < t[None, :, 3])
            & (t[None, :, 1] < c[:, None, 3])
        ).any(axis=1)
        ok = np.flatnonzero(inside)[~hit]
    else:
        ok = np.flatnonzero(inside)
    return offsets[ok[0]] if len(ok) else None


def _candidates(dpi: float, min_radius: float) -> np.ndarray:
    """Offsets (pixels) around an anchor, nearest first, none nearer than ``min_radius``."""
    out = [(0.0, 0.0)] if min_radius <= 0 else []
    for r in [r for r in RADII[1:] if r >= min_radius] or [min_radius]:
        a = np.linspace(0, 2 * np.pi, DIRECTIONS, endpoint=False) + np.pi / 2
        out.extend(zip(r * np.cos(a), r * np.sin(a), strict=True))
    return np.asarray(out) * dpi / 72.0


def _obstacles(ax, renderer) -> list[np.ndarray]:
    boxes = [layout.text_box(t, renderer) for t in ax.texts if t.get_visible()]
    leg = ax.get_legend()
    if leg is not None:
        boxes.append(leg.get_window_extent(renderer).extents)
    return [np.asarray(b, dtype="float64") for b in boxes]


def place_labels(  # noqa: PLR0913 -- the options of the placement, all keyword
    ax,
    labels: Sequence[tuple],
    *,
    leader: bool = True,
    min_radius: float = 0.0,
    avoid: Sequence[tuple[float, float]] = (),
    avoid_radius: float = 4.0,
    skip_crowded: bool = False,
    free_anchor: bool = False,
    most: int | None = None,
    **text_kwargs,
) -> list:
    """Write labels at data points, each moved off the texts it would cover.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose limits are set.
    labels : sequence of (x, y, text) or (x, y, text, dict)
        Anchors in data coordinates and their texts, in order of importance
        (the first ones keep their place); the dict, when given, holds keywords
        of that label alone (its ``bbox``, ``color``…).
    leader : bool
        Draw a thin line from a moved label to its anchor.
    min_radius : float
        Nearest place tried (points from the anchor): above zero, a label never
        covers its own marker.
    avoid : sequence of (x, y)
        Points (data coordinates, such as markers) that no label may cover.
    avoid_radius : float
        Half the side (points) of the square kept free around each point of ``avoid``.
    skip_crowded : bool
        Leave out a label that finds no free place (``None`` in the list
        returned) rather than write it over another.
    free_anchor : bool
        Also leave out a label whose anchor lies under a text already written
        (its marker would be hidden).
    most : int, optional
        Write at most this many labels (the first that find a place; ``None``
        for the others).
    **text_kwargs
        Passed to :meth:`~matplotlib.axes.Axes.annotate` (``fontsize``, ``bbox``,
        ``zorder``…); labels are centred on their place.

    Returns
    -------
    list of matplotlib.text.Annotation
        One per label, in order (``None`` for a label left out, with ``skip_crowded``).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3))
    >>> _ = ax.set_xlim(0, 10); _ = ax.set_ylim(0, 10)
    >>> a, b = place_labels(ax, [(5, 5, "A"), (5, 5, "B")])
    >>> a.xyann, b.xyann != (0.0, 0.0)
    ((0.0, 0.0), True)
    >>> c, = place_labels(ax, [(5, 5, "C")], avoid=[(5, 5)])
    >>> c.xyann != (0.0, 0.0)
    True
    >>> place_labels(ax, [(5, 5, "D" * 200)], skip_crowded=True)
    [None]
    >>> place_labels(ax, [(5, 5, "E")], free_anchor=True)  # under "A"
    [None]
    >>> [t is None for t in place_labels(ax, [(2, 2, "F"), (8, 8, "G")], most=1)]
    [False, True]
    """
    fig = ax.figure
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    taken = _obstacles(ax, renderer)
    written = list(taken)
    if len(avoid):
        r = avoid_radius * fig.dpi / 72.0
        pts = ax.transData.transform(np.asarray(avoid, dtype="float64").reshape(-1, 2))
        taken.extend(np.array([x - r, y - r, x + r, y + r]) for x, y in pts)
    frame = np.asarray(ax.get_window_extent(renderer).extents, dtype="float64")
    offsets = _candidates(fig.dpi, min_radius)
    gap = GAP * fig.dpi / 72.0
    kwargs = {"ha": "center", "va": "center", **text_kwargs}
    out = []
    for x, y, text, *own in labels:
        kw = {**kwargs, **(own[0] if own else {})}
        if most is not None and sum(t is not None for t in out) >= most:
            out.append(None)
            continue
        if free_anchor:
            ax_, ay_ = ax.transData.transform((x, y))
            if any(t[0] <= ax_ <= t[2] and t[1] <= ay_ <= t[3] for t in written):
                out.append(None)
                continue
        probe = ax.text(x, y, text, **kw)
        b = np.asarray(probe.get_window_extent(renderer).extents, dtype="float64")
        probe.remove()
        b = b + np.array([-gap, -gap, gap, gap])
        chosen = _first_free(b, offsets, frame, taken)
        if chosen is None:
            if skip_crowded:
                out.append(None)
                continue
            chosen = offsets[0]
        dx, dy = (float(v) for v in chosen * 72.0 / fig.dpi)
        moved = leader and bool(np.hypot(dx, dy) > max(min_radius, 0.0) + 1e-9)
        line = {"arrowstyle": "-", "color": style.BOX_EDGE, "lw": 0.6} if moved else None
        out.append(
            ax.annotate(
                text, (x, y), xytext=(dx, dy), textcoords="offset points", arrowprops=line, **kw
            )
        )
        taken.append(b + np.array([chosen[0], chosen[1], chosen[0], chosen[1]]))
    return out


def wrap(text: str, width: int) -> str:
    """A label in full, on lines of at most ``width`` characters (never cut with "…").

    Parameters
    ----------
    text : str
        The label.
    width : int
        Longest line (a longer word stays whole).

    Returns
    -------
    str

    Examples
    --------
    >>> print(wrap("M02  Patrouille à pied sur la rue Saint-Joseph", 24))
    M02  Patrouille à pied
    sur la rue Saint-Joseph
    """
    import textwrap

    return textwrap.fill(
        str(text), width, break_long_words=False, break_on_hyphens=False, drop_whitespace=True
    )


def sector_names(sectors) -> list[str]:
    """What a reader calls each sector: its name, or its id when it has no name.

    Parameters
    ----------
    sectors : DataFrame
        Canonical sectors (``sector_id``, optional ``name``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> sector_names(pd.DataFrame({"sector_id": ["S01", "S02"], "name": ["Gare", None]}))
    ['Gare', 'S02']
    """
    ids = [str(v) for v in sectors["sector_id"]]
    if "name" not in sectors.columns:
        return ids
    names = sectors["name"].astype(object).where(sectors["name"].notna(), None)
    return [
        str(n).strip() if n is not None and str(n).strip() else i
        for i, n in zip(ids, names, strict=True)
    ]


def left_out_title(title: str, left_out: int, kind: str, lang: str) -> str:
    r"""``title``, and on a second line how many ``kind`` the chart leaves out (when any).

    ``kind``: ``measures``, ``sectors`` or ``problems`` (label ``charts.left_out.<kind>``).

    Examples
    --------
    >>> left_out_title("Chronologie", 0, "measures", "fr")
    'Chronologie'
    >>> left_out_title("Timeline", 1074, "measures", "en")
    'Timeline\n(measures not shown: 1,074; see the workbook)'
    """
    if left_out <= 0:
        return title
    note = i18n.t(f"charts.left_out.{kind}", lang, n=fmt.integer(left_out, lang))
    return f"{title}\n{note}"

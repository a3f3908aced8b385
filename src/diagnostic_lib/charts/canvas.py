"""What every chart shares: a figure with a constrained layout.

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> fig, ax = _fig((4.0, 3.0))
>>> fig.get_size_inches().tolist()
[4.0, 3.0]
"""

from __future__ import annotations


def _legend(ax, *, outside: bool = False, **kwargs):
    """``ax.legend(**kwargs)`` when something is labelled (``None`` otherwise: no data).

    ``outside``: a legend of the figure, under the axes, where it can cover no data
    (the figure needs a constrained layout).
    """
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    if outside:
        kwargs = {"loc": "outside lower center", "frameon": False, **kwargs}
        return ax.figure.legend(handles, labels, **kwargs)
    return ax.legend(**kwargs)


def _fig(figsize=(8.0, 4.5), margins: dict[str, float] | None = None):
    """A figure and its axes: a constrained layout, or fixed ``margins`` (figure fractions).

    Fixed margins are for charts redrawn at each change of a widget: a constrained
    layout measures every text before drawing, which is about half of the render time.
    """
    import matplotlib.pyplot as plt

    if margins is None:
        return plt.subplots(figsize=figsize, layout="constrained")
    fig, ax = plt.subplots(figsize=figsize)
    fig.subplots_adjust(**margins)
    return fig, ax


MONTH_TICK_STEPS = (1, 2, 3, 6, 12, 24)
"""Spacing, in months, of the date ticks of a monthly chart (the smallest giving ≤ 9 ticks)."""


def _month_ticks(ax, months) -> None:
    """Fixed date ticks on the month starts of a monthly axis, labelled ``YYYY-MM``.

    Matplotlib's automatic date locator walks a recurrence rule at every draw;
    monthly data only need month starts. Every ``k``-th month (``k`` from
    :data:`MONTH_TICK_STEPS`, aligned on January) is ticked; with a step of a
    year or more the label is the year alone.

    Examples
    --------
    >>> import pandas as pd
    >>> fig, ax = _fig((4.0, 3.0))
    >>> months = pd.date_range("2022-01-01", periods=48, freq="MS")
    >>> _ = ax.plot(months, range(48))
    >>> _month_ticks(ax, months)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['2022-01', '2022-07', '2023-01', '2023-07', '2024-01', '2024-07', '2025-01', '2025-07']
    """
    import matplotlib.dates as mdates
    import pandas as pd
    from matplotlib.ticker import NullLocator

    m = pd.DatetimeIndex(months)
    if not len(m):
        return
    span = pd.date_range(m.min(), m.max(), freq="MS")
    step = next((k for k in MONTH_TICK_STEPS if len(span) / k <= 9), MONTH_TICK_STEPS[-1])
    ticks = span[(span.month - 1) % min(step, 12) == 0]
    if step > 12:
        ticks = ticks[(ticks.year - ticks.year.min()) % (step // 12) == 0]
    labels = [t.strftime("%Y" if step >= 12 else "%Y-%m") for t in ticks]
    ax.set_xticks(mdates.date2num(ticks.to_pydatetime()), labels)
    ax.xaxis.set_minor_locator(NullLocator())

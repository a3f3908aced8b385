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

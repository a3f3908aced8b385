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


def _fig(figsize=(8.0, 4.5)):
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=figsize, layout="constrained")

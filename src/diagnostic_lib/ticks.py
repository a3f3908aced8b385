"""Axis tick labels in the reader's language.

Matplotlib writes its tick labels with a decimal point and no thousands separator
("0.2", "1000"), and a logarithmic axis in powers of ten ("10⁰"), whatever the
language of the chart. :func:`locale_ticks` keeps matplotlib's choice of ticks and
of decimals, and writes each label with the project's number formatter
(:mod:`diagnostic_lib.formatting`): "0,2" and "1 000" in French, "0.2" and "1,000"
in English, and a logarithmic axis in plain numbers ("1", "10", "100").

Examples
--------
>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import matplotlib.pyplot as plt
>>> fig, ax = plt.subplots()
>>> _ = ax.plot([0.0, 0.5, 1.0], [0.0, 1500.0, 3000.0])
>>> locale_ticks(fig, "fr")
>>> fig.canvas.draw()
>>> [t.get_text() for t in ax.get_xticklabels()][:3]
['−0,2', '0,0', '0,2']
>>> plt.close(fig)
"""

from __future__ import annotations

import re
from typing import Any

from matplotlib import ticker

from . import formatting as fmt

_PLAIN = re.compile(r"^[−-]?\d+(\.\d+)?$")
_POWER = re.compile(r"^(?:(\d+(?:\.\d+)?)\\times\s*)?10\^\{?(−|-)?(\d+)\}?$")


class LocaleFormatter(ticker.Formatter):
    """A matplotlib formatter writing another formatter's labels in ``lang``.

    Labels that are plain numbers are written again by :func:`~.formatting.decimal`
    with as many decimals as matplotlib chose; powers of ten of a logarithmic axis
    become plain numbers; anything else (text, an offset) is kept.

    Parameters
    ----------
    inner : matplotlib.ticker.Formatter
        Matplotlib's formatter (it chooses the decimals).
    lang : {"fr", "en"}
    """

    def __init__(self, inner: ticker.Formatter, lang: str) -> None:
        self.inner = inner
        self.lang = lang

    def set_axis(self, axis: Any) -> None:  # noqa: D102 - matplotlib's interface
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: Any) -> None:  # noqa: D102 - matplotlib's interface
        super().set_locs(locs)
        self.inner.set_locs(locs)

    def get_offset(self) -> str:  # noqa: D102 - matplotlib's interface
        return self.inner.get_offset()

    def __call__(self, x: float, pos: int | None = None) -> str:
        """The label of the tick at ``x``."""
        return localize(self.inner(x, pos), self.lang)


def localize(text: str, lang: str) -> str:
    r"""A tick label written by matplotlib, in ``lang`` (unchanged when not a number).

    Examples
    --------
    >>> localize("0.25", "fr"), localize("1000", "fr"), localize("−1.5", "en")
    ('0,25', '1\xa0000', '−1.5')
    >>> localize(r"$\mathdefault{10^{2}}$", "fr"), localize(r"$\mathdefault{10^{-1}}$", "fr")
    ('100', '0,1')
    >>> minor = r"$\mathdefault{2\times10^{1}}$", r"$\mathdefault{3\times10^{-1}}$"
    >>> localize(minor[0], "en"), localize(minor[1], "fr")
    ('20', '0,3')
    >>> localize("mar.", "fr")
    'mar.'
    """
    plain = text.strip()
    if _PLAIN.match(plain):
        negative = plain[0] in "−-"
        digits = len(plain.split(".")[1]) if "." in plain else 0
        value = float(plain.lstrip("−-"))
        out = fmt.decimal(value, lang, digits)
        return f"−{out}" if negative and value != 0 else out
    inner = re.sub(r"\\mathdefault\{(.*)\}", r"\1", plain.strip("$")) if plain[:1] == "$" else ""
    power = _POWER.match(inner.replace(" ", ""))
    if power:  # 10^k, or c×10^k (a minor tick of a short logarithmic axis)
        coefficient, sign, exponent = power.group(1) or "1", power.group(2), int(power.group(3))
        exponent = -exponent if sign else exponent
        decimals = len(coefficient.split(".")[1]) if "." in coefficient else 0
        value = float(coefficient) * 10.0**exponent
        return fmt.decimal(value, lang, max(0, decimals - exponent))
    return text


def locale_ticks(fig: Any, lang: str) -> None:
    """Write the numeric tick labels of every axis of ``fig`` (colour bars too) in ``lang``.

    Only matplotlib's own number formatters are replaced (a chart's own labels, dates
    and fixed texts are left as they are); calling it twice changes nothing more.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    lang : {"fr", "en"}

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0.5, 1.5], [0, 1])
    >>> locale_ticks(fig, "fr")
    >>> type(ax.xaxis.get_major_formatter()).__name__
    'LocaleFormatter'
    >>> plt.close(fig)
    """
    own = (ticker.ScalarFormatter, ticker.LogFormatter)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for get, put in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                current = get()
                if isinstance(current, own) and not isinstance(current, LocaleFormatter):
                    put(LocaleFormatter(current, lang))

r"""Numbers, percentages, rates, intervals and dates as people read them, in French or English.

This is the one formatter of the library: every number a user reads (report,
tables shown in notebooks, widgets, chart labels, sentences) goes through it,
so that "15 850", "0,65" and "65 %" are written the same way everywhere. The
separators and the percent pattern come from the Unicode CLDR through Babel,
for Canadian French (``fr_CA``) and Canadian English (``en_CA``); they are
looked up once, and each value is then formatted with plain string operations
(fast enough for whole tables).

A missing or non-finite value is written :data:`MISSING` (an em dash), never
``nan`` or ``<NA>``.

Examples
--------
>>> from diagnostic_lib import formatting as fmt
>>> fmt.integer(15850, "fr"), fmt.integer(15850, "en")
('15\xa0850', '15,850')
>>> fmt.decimal(0.6543, "fr"), fmt.decimal(0.6543, "en")
('0,65', '0.65')
>>> fmt.percent(0.253, "fr"), fmt.percent(0.253, "en")
('25\xa0%', '25%')
>>> fmt.interval(0.8, 1.25, "fr")
'[0,80\xa0; 1,25]'
>>> fmt.decimal(float("nan"), "en")
'—'
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from babel import Locale
from babel import numbers as _babel

from . import i18n

MISSING = "—"
"""What a missing value reads as, in both languages."""

PROTECTED = "x"
"""A count hidden only so that a small one cannot be worked out by subtraction (complementary
suppression): it may be large, so it never reads "< k"."""

TINY = 1e-6
"""Below this (in absolute value) :func:`number` writes a bound, not digits."""

LOCALES: dict[str, str] = {"fr": "fr_CA", "en": "en_CA"}
"""The CLDR locale behind each language of the library."""


@dataclass(frozen=True)
class _Symbols:
    decimal: str
    group: str
    percent_space: str  # between the number and "%" ("" in English)
    list_sep: str  # between the two ends of an interval


@functools.cache
def _symbols(lang: str) -> _Symbols:
    if lang not in LOCALES:
        raise ValueError(f"language must be one of {sorted(LOCALES)}, got {lang!r}")
    loc = LOCALES[lang]
    pattern = Locale.parse(loc).percent_formats[None].pattern  # "#,##0 %" / "#,##0%"
    space = pattern[pattern.rfind("0") + 1 : pattern.find("%")]
    return _Symbols(
        decimal=_babel.get_decimal_symbol(loc),
        group=_babel.get_group_symbol(loc),
        percent_space=space,
        list_sep="\xa0; " if lang == "fr" else ", ",
    )


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def _fixed(value: float, lang: str, digits: int, group: bool = True) -> str:
    sym = _symbols(lang)
    text = f"{value:,.{digits}f}" if group else f"{value:.{digits}f}"
    if text.startswith("-") and float(text.replace(",", "")) == 0:
        text = text[1:]  # no "-0,00"
    return text.replace(",", "\0").replace(".", sym.decimal).replace("\0", sym.group)


def integer(value: Any, lang: str = "fr") -> str:
    """A whole number with the language's thousands separator.

    Parameters
    ----------
    value : number
        Rounded to the nearest integer.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> integer(1234567.4, "en"), integer(None, "fr")
    ('1,234,567', '—')
    """
    if _missing(value):
        return MISSING
    return _fixed(round(float(value)), lang, 0)


def decimal(value: Any, lang: str = "fr", digits: int = 2) -> str:
    r"""A number with a fixed number of decimals.

    Parameters
    ----------
    value : number
        The value.
    lang : {"fr", "en"}
        Language.
    digits : int
        Decimals shown.

    Returns
    -------
    str

    Examples
    --------
    >>> decimal(1234.5, "fr", 1), decimal(1234.5, "en", 1)
    ('1\xa0234,5', '1,234.5')
    """
    if _missing(value):
        return MISSING
    return _fixed(float(value), lang, digits)


def number(value: Any, lang: str = "fr") -> str:
    r"""A number in its most readable form: whole numbers without decimals, others with two.

    Values under 0.01 in absolute value keep two significant digits, so that a
    small p-value or rate does not read as zero; below one millionth a value reads
    as a bound ("< 0,000001"), never as zero.

    Parameters
    ----------
    value : number
        The value.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> number(15850.0, "fr"), number(2.345, "en"), number(0.00042, "fr")
    ('15\xa0850', '2.35', '0,00042')
    >>> number(3.2e-53, "fr"), number(-4e-9, "en")
    ('< 0,000001', '> -0.000001')
    """
    if _missing(value):
        return MISSING
    v = float(value)
    if v.is_integer():
        return _fixed(v, lang, 0)
    if abs(v) < TINY:
        bound = _fixed(TINY, lang, 6)
        return f"< {bound}" if v > 0 else f"> -{bound}"
    if abs(v) < 0.01:
        exponent = math.floor(math.log10(abs(v)))
        return _fixed(v, lang, min(-exponent + 1, 12), group=False)
    return _fixed(v, lang, 2 if abs(v) < 1e6 else 0)


def compact(value: Any, lang: str = "fr") -> str:
    """A number with only the decimals it needs (``2.5``, ``200``, ``0.33``), as ``:g`` would.

    For scale bars, axis ticks and ring widths: no trailing zeros, no thousands
    separator below 10,000.

    Parameters
    ----------
    value : number
        The value.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> compact(2.5, "fr"), compact(200.0, "en"), compact(0.33, "fr")
    ('2,5', '200', '0,33')
    """
    if _missing(value):
        return MISSING
    text = f"{float(value):g}"
    digits = len(text.split(".")[1]) if "." in text and "e" not in text else 0
    return _fixed(float(value), lang, digits, group=abs(float(value)) >= 10_000)


def percent(share: Any, lang: str = "fr", digits: int = 0) -> str:
    r"""A share (0–1) as a percentage.

    Parameters
    ----------
    share : number
        A proportion: 0.25 is "25 %".
    lang : {"fr", "en"}
        Language.
    digits : int
        Decimals shown.

    Returns
    -------
    str

    Examples
    --------
    >>> percent(0.1234, "fr", 1), percent(0.1234, "en", 1)
    ('12,3\xa0%', '12.3%')

    A share that is not zero never reads 0 %, nor one short of all 100 %:

    >>> percent(0.0006, "en"), percent(0.9996, "en"), percent(0.0, "en"), percent(1.0, "en")
    ('<\xa01%', '>\xa099%', '0%', '100%')
    """
    if _missing(share):
        return MISSING
    value, step = 100.0 * float(share), 10.0**-digits
    sign = _symbols(lang).percent_space + "%"
    if 0.0 < value < step / 2:  # 8 cells of 12,544 are not "0 %" of the places
        return "<\u00a0" + _fixed(step, lang, digits) + sign  # never "<" alone at a line's end
    if 100.0 - step / 2 <= value < 100.0:
        return ">\u00a0" + _fixed(100.0 - step, lang, digits) + sign
    return _fixed(value, lang, digits) + sign


def signed_percent(change: Any, lang: str = "fr", digits: int = 0) -> str:
    r"""A relative change (0.12 = +12 %) with its sign always shown.

    Parameters
    ----------
    change : number
        A relative change.
    lang : {"fr", "en"}
        Language.
    digits : int
        Decimals shown.

    Returns
    -------
    str

    Examples
    --------
    >>> signed_percent(0.12, "en"), signed_percent(-0.05, "fr")
    ('+12%', '-5\xa0%')
    """
    text = percent(change, lang, digits)
    if text == MISSING or text.startswith("-") or float(change) == 0:
        return text
    return "+" + text


def rate(value: Any, lang: str = "fr", digits: int = 1) -> str:
    """A rate (per 1,000 residents, per month…) with one decimal by default.

    Parameters
    ----------
    value : number
        The rate.
    lang : {"fr", "en"}
        Language.
    digits : int
        Decimals shown.

    Returns
    -------
    str

    Examples
    --------
    >>> rate(12.345, "fr"), rate(12.345, "en", 2)
    ('12,3', '12.35')
    """
    return decimal(value, lang, digits)


def interval(
    lo: Any, hi: Any, lang: str = "fr", digits: int | None = None, *, as_percent: bool = False
) -> str:
    """A confidence interval, ``[lo ; hi]`` in French and ``[lo, hi]`` in English.

    Parameters
    ----------
    lo, hi : number
        The bounds.
    lang : {"fr", "en"}
        Language.
    digits : int, optional
        Decimals shown (default 2, or 0 for percentages).
    as_percent : bool
        The bounds are shares, shown as percentages.

    Returns
    -------
    str

    Examples
    --------
    >>> interval(0.2, 0.45, "en", as_percent=True)
    '[20%, 45%]'
    """
    if as_percent:
        one = functools.partial(percent, lang=lang, digits=0 if digits is None else digits)
    else:
        one = functools.partial(decimal, lang=lang, digits=2 if digits is None else digits)
    return f"[{one(lo)}{_symbols(lang).list_sep}{one(hi)}]"


def pvalue(p: Any, lang: str = "fr", symbol: str = "p") -> str:
    """A p-value (or q-value) as reported: ``p < 0,001`` under a thousandth, else two digits.

    Never in scientific notation: under a thousandth only the bound is written.

    Parameters
    ----------
    p : number
        The p-value.
    lang : {"fr", "en"}
        Language.
    symbol : str
        The letter written before it (``"q"`` for a false-discovery-rate q-value).

    Returns
    -------
    str

    Examples
    --------
    >>> pvalue(0.0000151, "fr"), pvalue(0.0432, "en"), pvalue(0.5, "en")
    ('p < 0,001', 'p = 0.043', 'p = 0.50')
    >>> pvalue(1.51e-05, "fr", symbol="q")
    'q < 0,001'
    """
    return f"{symbol} {pvalue_cell(p, lang, equals=True)}"


def pvalue_cell(p: Any, lang: str = "fr", equals: bool = False) -> str:
    """A p-value or q-value in a table cell: ``< 0,001`` under a thousandth, else two digits.

    Parameters
    ----------
    p : number
        The p-value.
    lang : {"fr", "en"}
        Language.
    equals : bool
        Write ``= `` before a value that is not a bound (as in a sentence).

    Returns
    -------
    str

    Examples
    --------
    >>> pvalue_cell(9.6e-06, "fr"), pvalue_cell(0.0432, "fr"), pvalue_cell(float("nan"), "en")
    ('< 0,001', '0,043', '—')
    """
    if _missing(p):
        return f"= {MISSING}" if equals else MISSING
    v = float(p)
    if v < 0.001:
        return f"< {_fixed(0.001, lang, 3)}"
    digits = 3 if v < 0.1 else 2
    text = _fixed(v, lang, digits)
    return f"= {text}" if equals else text


def months(n: Any, lang: str = "fr") -> str:
    r"""A number of months with its word, singular or plural ("1 month", "12 months", "1 mois").

    Parameters
    ----------
    n : int
        The number of months.
    lang : {"fr", "en"}
        Language.

    Returns
    -------
    str

    Examples
    --------
    >>> months(1, "en"), months(12, "en"), months(1, "fr"), months(1500, "fr")
    ('1 month', '12 months', '1 mois', '1\xa0500 mois')
    """
    if _missing(n):
        return MISSING
    key = "unit.month.one" if abs(float(n)) == 1 else "unit.month.many"
    return i18n.t(key, lang, n=integer(n, lang))


def span(n_months: Any, lang: str = "fr") -> str:
    r"""A length of time given in months: in years when it is a whole number of them.

    Examples
    --------
    >>> span(48, "fr"), span(12, "fr"), span(3, "fr"), span(18, "en"), span(12, "en")
    ('4 ans', '1 an', '3 mois', '18 months', '1 year')
    """
    if _missing(n_months):
        return MISSING
    n = int(round(float(n_months)))
    if n and n % 12 == 0:
        return i18n.t("unit.year", lang, n=integer(n // 12, lang))
    return months(n, lang)


def date(value: Any, lang: str = "fr") -> str:
    """A calendar day, ISO 8601 (``2025-06-01``) in both languages.

    Parameters
    ----------
    value : timestamp-like
        The day (a time of day is dropped).
    lang : {"fr", "en"}
        Language (the ISO form is the same in both; kept for symmetry).

    Returns
    -------
    str

    Examples
    --------
    >>> date("2025-06-01 13:45"), date(None)
    ('2025-06-01', '—')
    """
    _symbols(lang)
    if value is None or pd.isna(value):
        return MISSING
    return pd.Timestamp(value).strftime("%Y-%m-%d")


_KINDS: dict[str, Callable[..., str]] = {
    "compact": compact,
    "integer": integer,
    "decimal": decimal,
    "number": number,
    "percent": percent,
    "signed_percent": signed_percent,
    "rate": rate,
    "date": date,
    "pvalue": pvalue_cell,
}


def formatter(kind: str = "number", lang: str = "fr", **options: Any) -> Callable[[Any], str]:
    """A one-argument formatter, for ``DataFrame.to_html(formatters=…)`` or ``Styler.format``.

    Parameters
    ----------
    kind : {"integer", "decimal", "number", "percent", "signed_percent", "rate", "date", "pvalue"}
        Which function of this module.
    lang : {"fr", "en"}
        Language.
    **options
        Passed on (``digits=…``).

    Returns
    -------
    callable

    Examples
    --------
    >>> f = formatter("decimal", "fr", digits=1)
    >>> [f(v) for v in (1.25, float("nan"))]
    ['1,2', '—']
    """
    func = _KINDS[kind]
    return functools.partial(func, lang=lang, **options)


def column(values: Any, kind: str = "number", lang: str = "fr", **options: Any) -> pd.Series:
    """Format a whole column (index preserved).

    Parameters
    ----------
    values : Series or array-like
        The values.
    kind : str
        As for :func:`formatter`.
    lang : {"fr", "en"}
        Language.
    **options
        Passed on (``digits=…``).

    Returns
    -------
    Series of str

    Examples
    --------
    >>> column(pd.Series([1500, None]), "integer", "en").tolist()
    ['1,500', '—']
    """
    s = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    f = formatter(kind, lang, **options)
    return pd.Series([f(v) for v in s.to_numpy(dtype=object)], index=s.index, dtype=object)

"""Small text helpers shared by the loaders (private to the library).

Labels and codes in exports are matched ignoring case, accents and punctuation
(:func:`norm_key`); values are read as stripped text (:func:`as_text`), list
cells are split on ``;`` or ``|`` (:func:`split_list`), and costly per-value
work is done once per distinct value (:func:`map_distinct`).

Examples
--------
>>> norm_key("Méfait / vandalisme")
'mefait vandalisme'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm_key(text: object) -> str:
    """Lower-case, accent-free, punctuation-free key for matching labels.

    Parameters
    ----------
    text : object
        Any value (read as ``str``).

    Returns
    -------
    str
        Words of letters and digits separated by single spaces.

    Examples
    --------
    >>> norm_key("Vol dans / sur véhicule à moteur")
    'vol dans sur vehicule a moteur'
    >>> norm_key("  Méfait ")
    'mefait'
    """
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", s).strip()


def factorize(values: Any) -> tuple[np.ndarray, Any]:
    """``pd.factorize(values, use_na_sentinel=False)``, Arrow text encoded in one piece.

    pandas encodes Arrow text chunk by chunk and then merges the chunks'
    dictionaries, which costs more than the encoding itself on a column read in
    many blocks (0.29 s against 0.09 s for a million dates). Text with no missing
    value is joined first and encoded once; anything else goes to pandas. Codes
    follow the order of first appearance, as pandas' do.

    Examples
    --------
    >>> codes, uniq = factorize(pd.Series(["b", "a", "b"], dtype="str"))
    >>> codes.tolist(), list(uniq)
    ([0, 1, 0], ['b', 'a'])
    """
    import pyarrow as pa

    arr = getattr(getattr(values, "array", None), "_pa_array", None)
    if (
        arr is None
        or arr.null_count
        or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type))
    ):
        return pd.factorize(values, use_na_sentinel=False)
    encoded = arr.combine_chunks().dictionary_encode()
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
    return codes, pd.Index(pd.array(encoded.dictionary, dtype="str"))


def norm_keys(values: pd.Series) -> pd.Series:
    """:func:`norm_key` over a Series, computed once per distinct value.

    Parameters
    ----------
    values : pandas.Series
        Any values (read with :func:`as_text`).

    Returns
    -------
    pandas.Series of str
        Aligned with ``values``.

    Examples
    --------
    >>> norm_keys(pd.Series(["Bar", "BAR ", None])).tolist()
    ['bar', 'bar', '']
    """
    s = as_text(values)
    codes, uniq = factorize(s)
    keys = np.asarray([norm_key(u) for u in uniq], dtype=object)
    return pd.Series(keys[codes] if len(keys) else [], index=s.index, dtype="str")


def map_distinct(values: Any, func: Callable[[Any], Any]) -> np.ndarray:
    """``func`` applied once per distinct value of ``values`` (object array out, same order).

    Missing values are passed to ``func`` too (as they are).

    Parameters
    ----------
    values : array-like
        The values.
    func : callable
        One value → its result.

    Returns
    -------
    numpy.ndarray of object

    Examples
    --------
    >>> map_distinct(pd.Series(["a", "b", "a"]), str.upper).tolist()
    ['A', 'B', 'A']
    """
    if not isinstance(values, pd.Series):
        values = np.asarray(values, dtype=object)
    codes, uniq = factorize(values)
    mapped = np.empty(len(uniq), dtype=object)
    mapped[:] = [func(u) for u in uniq]
    return mapped[codes] if len(codes) else np.empty(0, dtype=object)


def as_objects(values: Any) -> np.ndarray:
    """Values as an object array in which equal values are one and the same object.

    ``Series.to_numpy(dtype=object)`` of a text column makes one string per row;
    a column of a few distinct codes then costs some 60 bytes a row instead of a
    pointer. The result compares equal element by element.

    Parameters
    ----------
    values : array-like
        Hashable values.

    Returns
    -------
    numpy.ndarray of object

    Examples
    --------
    >>> a = as_objects(pd.Series(["theft", "theft", ""], dtype="str"))
    >>> a.tolist(), a[0] is a[1]
    (['theft', 'theft', ''], True)
    """
    codes, uniq = factorize(values)
    if not len(codes):
        return np.empty(0, dtype=object)
    return np.asarray(uniq, dtype=object)[codes]


def as_text(values: pd.Series) -> pd.Series:
    """Any Series as stripped text; missing values become ``""``.

    In a float column, whole numbers lose their ``.0`` (``1.0`` → ``"1"``), as ids
    exported from spreadsheets and GIS files often are floats; datetimes read
    ``YYYY-MM-DD HH:MM:SS``; other values are read with ``str``.

    Parameters
    ----------
    values : pandas.Series
        Any dtype.

    Returns
    -------
    pandas.Series of str
        Aligned with ``values``.

    Examples
    --------
    >>> as_text(pd.Series([1.0, None, 2.5])).tolist()
    ['1', '', '2.5']
    >>> as_text(pd.Series([" a ", None, 7])).tolist()
    ['a', '', '7']
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.dt.strftime("%Y-%m-%d %H:%M:%S")
        return out.fillna("").astype("str")
    if pd.api.types.is_float_dtype(values):
        arr = values.to_numpy(dtype="float64", na_value=np.nan)
        whole = np.isfinite(arr) & (np.floor(arr) == arr) & (np.abs(arr) < 1e15)
        out = pd.Series(values.astype("str").to_numpy(), index=values.index, dtype="str")
        out[whole] = pd.Series(arr[whole].astype("int64").astype(str), index=values.index[whole])
        out[~np.isfinite(arr)] = ""
        return out
    if pd.api.types.is_integer_dtype(values) or pd.api.types.is_bool_dtype(values):
        return values.astype("str").fillna("").astype("str")
    s = values.astype("str").fillna("")
    s = s.where(~values.isna().to_numpy(), "")
    return s.str.strip()


def arrow_text(values: pd.Series) -> Any:
    """:func:`as_text` as an Arrow string array, for Arrow's vectorised text functions.

    Parameters
    ----------
    values : pandas.Series
        Any dtype (read with :func:`as_text`).

    Returns
    -------
    pyarrow.Array or pyarrow.ChunkedArray of strings, without nulls.

    Examples
    --------
    >>> arrow_text(pd.Series([" a", None, 3])).to_pylist()
    ['a', '', '3']
    """
    return as_arrow(as_text(values))


def as_arrow(text: pd.Series) -> Any:
    """A text Series (as :func:`as_text` gives) as an Arrow string array, nulls as ``""``.

    A column that pandas already keeps in Arrow is handed over as it is (no
    Python string per row, no copy); any other is converted once.

    Examples
    --------
    >>> as_arrow(pd.Series(["a", "b"], dtype="str")).to_pylist()
    ['a', 'b']
    """
    import pyarrow as pa

    arr = text.array
    if hasattr(arr, "__arrow_array__"):
        got = arr.__arrow_array__()
        if pa.types.is_string(got.type) or pa.types.is_large_string(got.type):
            return got.fill_null("") if got.null_count else got
    return pa.array(text.to_numpy(dtype=object, na_value=""), type=pa.string())


def str_array(values: Any) -> Any:
    """``pd.array(values, dtype="str")``, built by Arrow when the values are all text.

    The same array (missing values as missing), without pandas' check of every
    value in Python: five times faster on millions of rows. Values that are not
    all text (numbers, booleans) go through pandas, which writes them as text.

    Examples
    --------
    >>> list(str_array(np.array(["a", None, "b"], dtype=object)))
    ['a', nan, 'b']
    >>> list(str_array(np.array([1, "a"], dtype=object)))
    ['1', 'a']
    """
    import pyarrow as pa

    try:
        arr = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pd.array(np.asarray(values, dtype=object), dtype="str")
    return pd.array(arr, dtype="str")


def str_take(names: Any, codes: np.ndarray) -> Any:
    """``str_array(names[codes])``, each name made text once (Arrow repeats it).

    For a long column of a few distinct values (ids, levels, notes) given as
    positions into them: no Python object per row.

    Examples
    --------
    >>> list(str_take(np.array(["a", None, 3], dtype=object), np.array([2, 0, 0, 1])))
    ['3', 'a', 'a', nan]
    """
    import pyarrow as pa

    text = str_array(names)
    return pd.array(text.__arrow_array__().take(pa.array(codes)), dtype="str")


def ranked_codes(codes: np.ndarray, names: Any) -> tuple[np.ndarray, np.ndarray]:
    """Codes renumbered in the order of their names' text, and the names in that order.

    A missing value's code (-1) stays -1.

    Examples
    --------
    >>> codes, names = ranked_codes(np.array([0, 1, -1, 0]), np.array(["b", "a"], dtype=object))
    >>> codes.tolist(), names.tolist()
    ([1, 0, -1, 1], ['a', 'b'])
    """
    names = np.asarray(names, dtype=object)
    order = np.argsort(names.astype(str), kind="stable")
    rank = np.empty(len(order), dtype="int64")
    rank[order] = np.arange(len(order))
    return np.r_[rank, -1][codes], names[order]


def all_distinct(values: pd.Series, where: np.ndarray | None = None) -> bool:
    """Whether no two values are equal (missing values are equal to each other).

    ``not values[where].duplicated().any()``. Arrow text is filtered and hashed by
    Arrow (``pyarrow.compute.unique``: 1.2 s for 5M ids in no order, against 4.2 s
    to factorise them and 0.5 s to filter them in pandas); other values are
    factorised.

    Parameters
    ----------
    values : Series
        The values.
    where : ndarray of bool, optional
        Only the values where it is true (default: all).

    Examples
    --------
    >>> all_distinct(pd.Series(["a", "b", None])), all_distinct(pd.Series(["a", None, None]))
    (True, False)
    >>> all_distinct(pd.Series(["a", "a", "b"], dtype="str"), where=np.array([True, False, True]))
    True
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arr = getattr(values.array, "_pa_array", None)
    if arr is not None and (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        if where is not None and not np.all(where):
            arr = arr.filter(pa.array(np.asarray(where, dtype=bool)))
        if _strictly_increasing(arr):  # ids exported in order: one comparison a row, no hash
            return True
        return len(pc.unique(arr)) == len(arr)
    kept = values if where is None else values[np.asarray(where, dtype=bool)]
    return len(pd.factorize(kept, use_na_sentinel=False)[1]) == len(kept)


def _strictly_increasing(arr: Any) -> bool:
    """Whether Arrow text with no missing value has each value above the one before it.

    Values in strictly increasing order are all distinct; exports are often in
    the order of their ids, and comparing neighbours costs far less than hashing
    (3 ms against 100–300 ms for a million ids). ``False`` says nothing.
    """
    import pyarrow.compute as pc

    if len(arr) < 2 or arr.null_count:
        return False
    if hasattr(arr, "combine_chunks"):
        arr = arr.combine_chunks()
    return bool(pc.all(pc.less(arr.slice(0, len(arr) - 1), arr.slice(1))).as_py())


def text_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of a text key (-1 for a missing value) and the text of each code.

    Values are factorised as they are (Arrow text where it lies), then their
    distinct values written as text (two values with the same text, ``1`` and
    ``"1"``, are one code). Used by the cube's keys and coverage's sectors.

    Examples
    --------
    >>> codes, names = text_codes(pd.Series(["b", None, 1, "1", "b"], dtype=object))
    >>> codes.tolist(), names.tolist()
    ([0, -1, 1, 1, 0], ['b', '1'])
    """
    codes, uniq = pd.factorize(values, use_na_sentinel=True)
    text = np.asarray(pd.Index(uniq, dtype=object).astype("str"), dtype=object)
    merged, names = pd.factorize(text)
    if not len(merged):  # every value missing
        return np.full(len(codes), -1, dtype="int64"), np.asarray(names, dtype=object)
    codes = np.where(codes >= 0, merged[np.maximum(codes, 0)], -1)
    return codes.astype("int64"), np.asarray(names, dtype=object)


def split_list(values: pd.Series) -> pd.Series:
    """Split ``;``- or ``|``-separated text into tuples of stripped, non-empty items.

    Commas do not separate items (labels such as "Vitesse, circulation" have them).

    Parameters
    ----------
    values : pandas.Series
        List cells.

    Returns
    -------
    pandas.Series of tuple
        Aligned with ``values``; an empty cell gives ``()``.

    Examples
    --------
    >>> split_list(pd.Series(["P01; P02", "", "a|b"])).tolist()
    [('P01', 'P02'), (), ('a', 'b')]
    """
    s = as_text(values)
    uniq = pd.unique(s.to_numpy())
    mapping = {u: tuple(x.strip() for x in re.split(r"[;|]", u) if x.strip()) for u in uniq}
    return pd.Series([mapping[v] for v in s.to_numpy()], index=values.index, dtype=object)

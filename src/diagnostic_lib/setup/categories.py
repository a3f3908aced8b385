"""The categories table that ``init`` writes: every source label, its code or the closest one.

``categories.csv`` (columns ``source_label, code, count, suggestion``) lists
every distinct category label of the incidents, most frequent first: a label
the taxonomy knows has its code; one it does not has an empty code and the
closest code as ``suggestion``
(:func:`~diagnostic_lib.taxonomy.unmatched_categories`). The analyst fills in
the empty codes; the config reads the table back through ``[taxonomy]
categories`` (rows with an empty code are left out).

Examples
--------
>>> import pandas as pd
>>> category_table(pd.Series({"Vol dans véhicule": 5, "Méfait": 3})).values.tolist()
[['Vol dans véhicule', '', 5, 'theft_from_vehicle'], ['Méfait', 'mischief', 3, '']]
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import taxonomy as taxonomy_mod
from .._text import norm_key

CATEGORY_COLUMNS = ("source_label", "code", "count", "suggestion")
"""Columns of ``categories.csv``."""


def category_table(counts: Any, taxonomy: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every label with its count, its code when the taxonomy has one, else the closest code.

    Parameters
    ----------
    counts : pandas.Series or dict
        Label → rows (e.g. :func:`~diagnostic_lib.setup.inspection.category_counts`,
        added up over several files).
    taxonomy : DataFrame, optional
        Default: the packaged taxonomy.

    Returns
    -------
    pandas.DataFrame
        :data:`CATEGORY_COLUMNS`, most frequent first (then by label); ``code``
        and ``suggestion`` are ``""`` when there is none.

    Examples
    --------
    >>> t = category_table({"Anti-social behaviour": 7, "Burglary": 9})
    >>> t[["source_label", "code", "count"]].values.tolist()
    [['Burglary', 'burglary', 9], ['Anti-social behaviour', '', 7]]
    """
    tax = taxonomy_mod.load_taxonomy() if taxonomy is None else taxonomy
    s = pd.Series(counts, dtype="int64")
    s.index = [str(k).strip() for k in s.index]
    s = s[s.index != ""].groupby(level=0, sort=False).sum()
    labels = list(s.index)
    codes = taxonomy_mod.lookup_categories(pd.Series(labels, dtype="str"), tax).tolist()
    unmatched = [lab for lab, code in zip(labels, codes, strict=True) if not code]
    found = taxonomy_mod.unmatched_categories(pd.Series(unmatched, dtype="str"), tax)
    close = {
        norm_key(v): (sug[0] if sug else "")
        for v, sug in zip(found["value"], found["suggestions"], strict=True)
    }
    suggestions = [
        "" if code else close.get(norm_key(lab), "")
        for lab, code in zip(labels, codes, strict=True)
    ]
    out = pd.DataFrame(
        {
            "source_label": pd.Series(labels, dtype="str"),
            "code": pd.Series(codes, dtype="str"),
            "count": s.to_numpy(dtype="int64"),
            "suggestion": pd.Series(suggestions, dtype="str"),
        }
    )
    out = out.sort_values(["count", "source_label"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)[list(CATEGORY_COLUMNS)]

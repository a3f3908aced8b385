r"""A library table as a person reads it in a notebook.

The tables of the library keep code names (``n_incidents``, ``fraud_cyber``,
``not_evaluable``) so that code can use them; a notebook cell showing one to an
analyst or a trainee shows :func:`readable_table` of it instead: headers and codes
in words of the language, numbers written by the project's formatter (``1 234,50``
in French), a missing value as "—". The words are the workbook's
(:func:`diagnostic_lib.xlsx.readable_frame`): a notebook, the report and its
workbook say the same thing.

Examples
--------
>>> import pandas as pd
>>> t = pd.DataFrame({"family": ["violent"], "rate": [1234.5], "gap": [True]})
>>> readable_table(t, "gaps", "fr").data.values.tolist()
[['Crimes contre la personne', '1\xa0234,50', 'Oui']]
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .. import formatting as fmt
from ..spreadsheet import SUPPRESSED_COLUMN
from ..xlsx import readable_frame


def readable_table(
    frame: pd.DataFrame,
    table: str,
    lang: str = "fr",
    vocabularies: Mapping[str, Mapping[str, str]] | None = None,
):
    """``frame`` with headers, codes and numbers in words of ``lang``, for a notebook.

    Parameters
    ----------
    frame : DataFrame
        A table of the library (code names), e.g. ``inv.problems[inv.display_columns(
        "problems", LANG)]``.
    table : str
        Its name in the workbook (``"problems"``, ``"step3_effects"``…): it picks the
        headers proper to that table.
    lang : {"fr", "en"}
    vocabularies : dict, optional
        Words of codes the catalogue does not hold (the categories of a local
        taxonomy: :func:`diagnostic_lib.taxonomy.category_words`).

    Returns
    -------
    pandas.io.formats.style.Styler
        Shown as a table by Jupyter; its ``data`` is the table as text.

    Examples
    --------
    >>> t = pd.DataFrame({"verdict": ["too_little_history"], "n_incidents": [15896]})
    >>> readable_table(t, "step3_effects", "en").data.values.tolist()
    [['Too little history', '15,896']]
    """
    shown, _ = readable_frame(frame, table, lang, vocabularies)
    shown = shown.drop(columns=[SUPPRESSED_COLUMN], errors="ignore")
    out = pd.DataFrame(index=shown.index)
    for col in shown.columns:
        values = shown[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[col] = [fmt.date(v) for v in values]
        elif values.map(lambda v: isinstance(v, pd.Timestamp)).any():
            out[col] = [fmt.date(v) if isinstance(v, pd.Timestamp) else v for v in values]
            out[col] = out[col].where(values.notna(), fmt.MISSING)
        elif pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
            out[col] = values.astype(object).where(values.notna(), fmt.MISSING)
        elif pd.api.types.is_integer_dtype(values):
            out[col] = [fmt.integer(v, lang) for v in values]
        else:
            out[col] = [fmt.number(v, lang) for v in values]
    return out.style.hide(axis="index")

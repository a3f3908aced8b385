r"""A library table as a person reads it in a notebook.

The tables of the library keep code names (``n_incidents``, ``fraud_cyber``,
``not_evaluable``) so that code can use them; a notebook cell showing one to an
analyst or a trainee shows :func:`readable_table` of it instead: headers and codes
in words of the language (the workbook's, :func:`diagnostic_lib.xlsx.readable_frame`),
cells as the report's tables write them (:func:`~.document.cells_text`: ``1 234,50``
in French, a missing value "—"). A table already in words (step 2's
:func:`diagnostic_lib.measures.for_display`) goes through :func:`shown_table`.

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

from ..spreadsheet import SUPPRESSED_COLUMN
from ..xlsx import readable_frame
from .document import cells_text


def shown_table(frame: pd.DataFrame, lang: str = "fr"):
    r"""A table already in words, its cells written as the report's tables write them.

    Parameters
    ----------
    frame : DataFrame
    lang : {"fr", "en"}

    Returns
    -------
    pandas.io.formats.style.Styler
        Shown as a table by Jupyter (no index); its ``data`` is the table as text.

    Examples
    --------
    >>> t = pd.DataFrame({"Coût annuel ($)": [85000.0, float("nan")]})
    >>> shown_table(t, "fr").data.iloc[:, 0].tolist()
    ['85\xa0000', '—']
    """
    return cells_text(frame, lang)[0].style.hide(axis="index")


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
        taxonomy: :func:`diagnostic_lib.report.workbook.category_words`).

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
    return shown_table(shown.drop(columns=[SUPPRESSED_COLUMN], errors="ignore"), lang)

r"""The analyst's corrections to what ``init`` guessed, and a first check of the config written.

What the ``init`` wizard of notebook 05
(:func:`diagnostic_lib.widgets.init_wizard`) lets the analyst change, as plain
functions on the guesses of :func:`~.config_file.guess_files`:

- :func:`preview`: the first rows of a file as read, and :func:`describe`: what
  was guessed in it, in one language;
- :func:`apply_corrections`: other columns for the canonical fields, another
  source CRS, other codes for category labels (the dates and positions are
  guessed again from the sample, :func:`~.inspection.with_fields`);
- :func:`check_config`: the config loaded as ``validate`` loads it, and the
  ledger's summary (or why it cannot be loaded).

Examples
--------
>>> import tempfile, pathlib
>>> from diagnostic_lib.setup.config_file import guess_files
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "e.csv").write_text("date,categorie\n2024-01-02,Vol dans véhicule\n")
>>> g = guess_files({"incidents": ["e.csv"]}, base=d)
>>> g["categories"][["source_label", "code", "suggestion"]].values.tolist()
[['Vol dans véhicule', '', 'theft_from_vehicle']]
>>> fixed = apply_corrections(g, categories={"Vol dans véhicule": "theft_from_vehicle"})
>>> fixed["categories"]["code"].tolist(), g["categories"]["code"].tolist()
(['theft_from_vehicle'], [''])
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Any

import pandas as pd

from .. import formatting as fmt
from .. import i18n
from ..errors import ConfigError, DataError
from ..loaders import load_diagnostic
from ..loaders.presets import GENERIC_FIELDS
from .config_file import position_label
from .inspection import with_fields

PREVIEW_ROWS = 5
"""Rows of each file shown by :func:`preview`."""

CRS_CHOICES: tuple[str, ...] = (
    "EPSG:4326",
    "EPSG:32188",
    "EPSG:2950",
    "EPSG:32187",
    "EPSG:32189",
    "EPSG:32198",
    "EPSG:3857",
)
"""Source CRSs offered for positions (each with a ``setup.crs.<code>`` label): WGS84
longitude/latitude, MTM zone 8 (NAD83 and NAD83 CSRS), MTM zones 7 and 9, Québec
Lambert, Web Mercator."""


def table_fields(table: str) -> list[str]:
    """The canonical fields a file of ``table`` can map, in the loaders' order.

    Examples
    --------
    >>> table_fields("incidents")[:3]
    ['incident_id', 'occurred_from', 'occurred_from_time']
    """
    return list(GENERIC_FIELDS.get(table, {}))


def preview(info: Mapping[str, Any], rows: int = PREVIEW_ROWS) -> pd.DataFrame:
    r"""The first rows of a file as read (text, as the loaders see it).

    Parameters
    ----------
    info : dict
        From :func:`~.inspection.inspect_file`.
    rows : int
        Rows shown.

    Returns
    -------
    pandas.DataFrame
        The first ``rows`` rows of the sample, every column as found.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from diagnostic_lib.setup.inspection import inspect_file
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = p.write_text("date;categorie\n02/01/2024;Vol\n03/01/2024;Méfait\n")
    >>> preview(inspect_file(p), 1).values.tolist()
    [['02/01/2024', 'Vol']]
    """
    return info["sample"]["frame"].head(rows).reset_index(drop=True)


def describe(info: Mapping[str, Any], lang: str = "fr") -> list[str]:
    r"""What was guessed in a file, as sentences in one language (the file, dates, positions).

    Parameters
    ----------
    info : dict
        From :func:`~.inspection.inspect_file` (or corrected).
    lang : {"fr", "en"}

    Returns
    -------
    list of str

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from diagnostic_lib.setup.inspection import inspect_file
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = p.write_text("Month,Crime type,Longitude,Latitude\n2024-01,Burglary,-73.6,45.5\n")
    >>> for line in describe(inspect_file(p), "en"):
    ...     print(line)
    File e.csv (incidents): format csv, encoding utf-8, separator ','; 1 row(s) read to guess.
    Dates: column Month, written as '2024-01' (precision: month: each date covers its month); 100% of the sample readable.
    Positions: longitude and latitude (degrees, EPSG:4326), columns Longitude and Latitude.
    """  # noqa: E501 - the doctest's output lines are as printed
    out = [
        i18n.t(
            "setup.wizard.file",
            lang,
            file=info["path"].name,
            table=info["table"],
            format=info["format"],
            encoding=info["encoding"] or "—",
            sep=repr(info["sep"]) if info["sep"] else "—",
            n=fmt.integer(info["rows_sampled"], lang),
        )
    ]
    dates = info["dates"]
    if dates is not None:
        precision = i18n.t(f"setup.toml.precision.{dates['precision']}", lang)
        out.append(
            i18n.t(
                "setup.toml.dates",
                lang,
                column=dates["column"],
                example=repr(dates["example"]),
                precision=precision,
                share=fmt.percent(dates["share"], lang),
            )
        )
    elif info["table"] == "incidents":
        out.append(i18n.t("setup.wizard.no_dates", lang))
    if info["table"] in ("incidents", "sectors", "measures", "places"):
        key, values = position_label(info["positions"], info["fields"])
        out.append(i18n.t(key, lang, **values))
    return out


def apply_corrections(
    guesses: Mapping[str, Any],
    *,
    columns: Mapping[str, Mapping[str, str]] | None = None,
    source_crs: Mapping[str, str] | None = None,
    categories: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    r"""The guesses with the analyst's corrections (the guesses given are not changed).

    Parameters
    ----------
    guesses : dict
        From :func:`~.config_file.guess_files`.
    columns : dict, optional
        Table → {canonical field → column}; ``""`` (or ``None``) takes the field's
        column away from ``[data.<table>.columns]`` (the loaders still find a
        column by its usual name). A field the analyst sets is no longer "found
        from the values"; the dates and positions are guessed again from the sample.
    source_crs : dict, optional
        Table → CRS of its positions (e.g. ``"EPSG:4326"``), written as
        ``source_crs``; ``""`` keeps the guess.
    categories : dict, optional
        Source label → taxonomy code, written in ``categories.csv`` (which wins over
        the taxonomy's own aliases); ``""``: no code from the table (a label the
        taxonomy does not know is then classed ``other``).

    Returns
    -------
    dict
        The corrected guesses, for :func:`~.config_file.write_guesses`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from diagnostic_lib.setup.config_file import guess_files
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "e.csv").write_text("date,category,X,Y\n2024-01-02,Vol,288301,5056128\n")
    >>> g = guess_files({"incidents": ["e.csv"]}, base=d)
    >>> fixed = apply_corrections(g, columns={"incidents": {"y": ""}},
    ...                           source_crs={"incidents": "EPSG:2950"})
    >>> "y" in fixed["infos"]["incidents"][0]["fields"]
    False
    >>> fixed = apply_corrections(g, source_crs={"incidents": "EPSG:2950"})
    >>> fixed["infos"]["incidents"][0]["positions"]["crs"]
    'EPSG:2950'
    """
    infos = {t: list(v) for t, v in guesses["infos"].items()}
    for table, roles in (columns or {}).items():
        fixed = []
        for info in infos.get(table, []):
            fields = dict(info["fields"])
            for field, column in roles.items():
                if column:
                    fields[field] = str(column)
                else:
                    fields.pop(field, None)
            by_values = [f for f in info["by_values"] if f not in roles]
            fixed.append(with_fields(info, fields, by_values))
        infos[table] = fixed
    for table, crs in (source_crs or {}).items():
        if not crs:
            continue
        infos[table] = [
            info
            if info["positions"] is None
            else {**info, "positions": {**info["positions"], "crs": str(crs), "chosen": True}}
            for info in infos.get(table, [])
        ]
    cats = guesses["categories"].copy()
    if categories:
        given = {str(k): str(v or "") for k, v in categories.items()}
        known = cats["source_label"].isin(given)
        cats.loc[known, "code"] = cats.loc[known, "source_label"].map(given)
        cats.loc[known & (cats["code"] != ""), "suggestion"] = ""
    return {**guesses, "infos": infos, "categories": cats}


def check_config(path: str | PathLike[str], lang: str = "fr") -> tuple[bool, str]:
    """Load a config as ``validate`` does; the ledger's summary, or why it cannot be loaded.

    Parameters
    ----------
    path : path
        The ``diagnostic.toml``.
    lang : {"fr", "en"}
        Language of the summary.

    Returns
    -------
    (bool, str)
        Whether every file loaded, and the ledger's summary
        (:meth:`~diagnostic_lib.ledger.Ledger.summary`) or the error message
        (e.g. no sectors yet: the config needs a sectors file or ``grid_m``).

    Examples
    --------
    >>> from diagnostic_lib import sample
    >>> ok, text = check_config(sample.sample_dir() / "diagnostic.toml", "en")
    >>> ok, text.splitlines()[0]
    (True, 'Data-quality ledger')
    """
    try:
        d = load_diagnostic(path)
    except (ConfigError, DataError) as exc:
        return False, str(exc)
    return True, d.ledger.summary(lang)

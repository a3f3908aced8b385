"""Exceptions raised by diagnostic_lib, and how their messages are written.

A file or a configuration that cannot be used at all raises one of these, with
a message that names the file, says what is wrong and what to do. Messages meant for the
people who prepare the data come from the label catalogue (``*.error.*`` keys)
in English then French (:func:`bilingual`); row-level problems never raise:
they go to the :class:`~diagnostic_lib.ledger.Ledger`.

Examples
--------
>>> from diagnostic_lib.errors import DataError
>>> issubclass(DataError, Exception)
True
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from . import i18n

if TYPE_CHECKING:
    import pandas as pd


class DataError(Exception):
    """A file or table that cannot be used at all.

    The message names the file and what is wrong (e.g. a required column
    missing after mapping, with the columns that were found). Row-level
    problems are never raised: they go to the :class:`~diagnostic_lib.ledger.Ledger`.
    """


class ConfigError(DataError):
    """A configuration file (``diagnostic.toml``) that cannot be used."""


class CRSError(DataError):
    """A coordinate reference system unsuitable for the analysis.

    For instance geographic degrees, where distances in metres are needed.
    """


def bilingual(key: str, /, **values: object) -> str:
    """An error message from the label catalogue, in English then French.

    Parameters
    ----------
    key : str
        A label key (e.g. ``"loaders.error.empty_file"``).
    **values
        Values for the label's placeholders.

    Returns
    -------
    str
        ``"<English> / <French>"``.

    Examples
    --------
    >>> print(bilingual("loaders.error.empty_file"))
    the file is empty: export the table again, with its header line / le fichier est vide : ...
    """
    return f"{i18n.t(key, 'en', **values)} / {i18n.t(key, 'fr', **values)}"


def unreadable(exc: BaseException, kind: str) -> str:
    r"""Why a TOML or CSV file could not be read, in English then French, with what to do.

    Only the useful part of the exception is kept (the line and column of a
    syntax error): never its class name nor its raw text.

    Parameters
    ----------
    exc : BaseException
        What reading the file raised: an ``OSError``, a ``UnicodeDecodeError``,
        or the TOML or CSV parser's error.
    kind : {"toml", "csv", "json"}
        The file's format (a JSON syntax error is the caller's to word).

    Returns
    -------
    str
        ``"<English> / <French>"`` (see :func:`bilingual`).

    Examples
    --------
    >>> import tomllib
    >>> try:
    ...     tomllib.loads('name = "Rivière"\ncrs = \n')
    ... except tomllib.TOMLDecodeError as exc:
    ...     print(unreadable(exc, "toml"))
    invalid TOML at line 2, column 7: correct that line (text between double quotes "…", ...
    """
    if isinstance(exc, FileNotFoundError):
        return bilingual("errors.file_not_found")
    if isinstance(exc, IsADirectoryError):
        return bilingual("errors.is_folder")
    if isinstance(exc, OSError):
        return bilingual("errors.cannot_open")
    if isinstance(exc, UnicodeError):
        return bilingual("errors.not_utf8")
    # tomllib: "... (at line 3, column 5)"; pandas: "Expected 4 fields in line 3, saw 5"
    found = re.search(r"\bline (\d+)(?:, column (\d+))?", str(exc))
    if found is None or (kind == "toml" and found[2] is None):
        return bilingual(f"errors.{kind}_invalid")
    return bilingual(f"errors.{kind}_syntax", line=found[1], column=found[2])


def distinct_ids(table: pd.DataFrame | None, what: tuple[str, str]) -> None:
    """Refuse a table in which one ``problem_id`` is twice (the ranks of the problems).

    :func:`~diagnostic_lib.measures.problem_coverage` and
    :func:`~diagnostic_lib.evaluation.relevance` look each problem's rank (score) up by its id: a
    repeated id would give a problem two ranks (a priority table joined with itself,
    two put end to end, or ids that collided). A clear error, not pandas' deep in a
    look-up. (A register may repeat a problem: its pairs are then repeated.)
    ``what`` names the table in English and in French.

    Examples
    --------
    >>> import pandas as pd
    >>> table = ("the priority table", "la table des priorités")
    >>> distinct_ids(pd.DataFrame({"problem_id": ["P1", "P2"]}), table)
    >>> try:
    ...     distinct_ids(pd.DataFrame({"problem_id": ["P1", "P1"]}), table)
    ... except ValueError as e:
    ...     print(str(e).split(" / ")[0])
    the priority table: problem ids must be distinct; repeated: P1
    """
    if table is None or "problem_id" not in table.columns:
        return
    ids = table["problem_id"]
    twice = ids[ids.duplicated()]
    if len(twice):
        shown = ", ".join(sorted({str(v) for v in twice})[:10])
        en, fr = what
        raise ValueError(
            f"{en}: problem ids must be distinct; repeated: {shown} / "
            f"{fr} : les identifiants de problèmes doivent être distincts ; répétés : {shown}"
        )

"""Exceptions raised by diagnostic_lib, and how their messages are written.

A file or a configuration that cannot be used at all raises one of these, with
a message that names the file and says what is wrong. Messages meant for the
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

from . import i18n


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
    >>> bilingual("loaders.error.file_not_found")
    'file not found / fichier introuvable'
    """
    return f"{i18n.t(key, 'en', **values)} / {i18n.t(key, 'fr', **values)}"

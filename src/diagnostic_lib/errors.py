"""Exceptions raised by diagnostic_lib.

Examples
--------
>>> from diagnostic_lib.errors import DataError
>>> issubclass(DataError, Exception)
True
"""

from __future__ import annotations


class DataError(Exception):
    """A file or table that cannot be used at all.

    The message names the file and what is wrong (e.g. a required column
    missing after mapping, with the columns that were found). Row-level
    problems are never raised: they go to the :class:`~diagnostic_lib.ledger.Ledger`.
    """


class ConfigError(DataError):
    """A configuration file (``diagnostic.toml``) that cannot be used."""


class CRSError(DataError):
    """A coordinate reference system unsuitable for the analysis (e.g. geographic
    degrees where distances in metres are needed)."""

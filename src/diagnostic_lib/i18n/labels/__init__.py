"""The label catalogue, one file per part of the library (merged by :mod:`diagnostic_lib.i18n`)."""

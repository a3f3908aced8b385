"""The method notes of the report (:data:`METHOD_NOTES`), from the label catalogue.

Each note is one label ``report.method.<topic>`` of
``i18n/labels/report.py``; see docs/methods.md for the formulas.
"""

from __future__ import annotations

from ... import i18n
from .context import SectionContext

METHOD_TOPICS: tuple[str, ...] = (
    "data",
    "rates",
    "severity",
    "change",
    "concentration",
    "hot_spots",
    "near_repeat",
    "problems",
    "priority",
    "evaluation",
    "strategies",
    "confidentiality",
)
"""The topics of the method notes, in the order of the report."""

METHOD_NOTES: list[tuple[str, str]] = [
    (i18n.t(f"report.method.{topic}", "fr"), i18n.t(f"report.method.{topic}", "en"))
    for topic in METHOD_TOPICS
]
"""The method notes as (French, English) pairs, in the order of the report."""


def _section_methods(ctx: SectionContext) -> None:
    ctx.doc.heading(ctx.t("report.methods.heading"))
    ctx.doc.bullets([ctx.t(f"report.method.{topic}") for topic in METHOD_TOPICS])

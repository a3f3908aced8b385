"""Labels of the report: headings, sentences, captions."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {}
"""Label key → (French, English)."""

"""Labels of maps and charts: titles, legends, sources."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {}
"""Label key → (French, English)."""

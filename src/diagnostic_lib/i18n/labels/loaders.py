"""Labels of the loaders' messages."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {}
"""Label key → (French, English)."""

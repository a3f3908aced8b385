"""Labels of step 1 (inventory): problems, hot spots, timing, concentration."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {}
"""Label key → (French, English)."""

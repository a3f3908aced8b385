"""Labels of step 4 (strategy): responses, evidence, the action plan."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {}
"""Label key → (French, English)."""

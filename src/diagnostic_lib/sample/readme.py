"""The sample's README: a Jinja2 template (``README.md.j2``) rendered with the ground truth.

The text (French, then English: the files, the sectors, the town's story for trainers, the
measures' planted effects, the raw export's defects and, at scale 1, the counts of this
realisation) lives in the template next to this module; :func:`_readme` only gathers the
values it shows.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import TYPE_CHECKING

from .constants import LICENCE, TOWN_NAME

if TYPE_CHECKING:
    import jinja2

_TEMPLATE = "README.md.j2"


@functools.cache
def _template() -> jinja2.Template:
    """The README template (read once from the package)."""
    import jinja2  # only needed to write the sample: not imported with the package

    env = jinja2.Environment(
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters["thousands"] = lambda v: f"{v:,}"
    env.filters["round0"] = lambda v: f"{v:.0f}"
    text = resources.files(__package__).joinpath(_TEMPLATE).read_text(encoding="utf-8")
    return env.from_string(text)


def _readme(gt: dict, realised: dict | None, defects: dict, seed: int, scale: int) -> str:
    """The sample's README (French, then English), with the planted ground truth."""
    return _template().render(
        town_name=TOWN_NAME,
        licence=LICENCE,
        seed=seed,
        scale=scale,
        population=gt["town"]["population"],
        sectors=gt["town"]["sectors"],
        bar_strip_events=gt["problems"]["bar_strip"]["expected_events"],
        cybercrime_partner=gt["cybercrime_partner"],
        measures=gt["measures"],
        defects=defects,
        realised=realised,
    )

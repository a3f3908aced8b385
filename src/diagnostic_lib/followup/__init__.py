"""The follow-up a year after a diagnosis: was the plan carried out, what became of its problems.

=================  ==============================================================
file               what it holds
=================  ==============================================================
``objectives.py``  :func:`objective_status` (each action's SMART objective in the
                   new data: count, interval, met / not met / not measurable),
                   :func:`objective_label`, :data:`OBJECTIVE_STATUSES`
``effects.py``     :func:`action_effects` (each action's effect by its
                   pre-registered design only; not judged when not carried out
                   as planned), :func:`effect_label`, :data:`EFFECT_STATUSES`
``review.py``      :func:`review` (fidelity, problem fates, objectives and
                   effects, one row per action) and :class:`Review`
=================  ==============================================================

The fidelity of each action is :func:`diagnostic_lib.strategy.fidelity`; the
fate of each problem :func:`diagnostic_lib.inventory.problem_fates`.

Examples
--------
>>> from diagnostic_lib import followup
>>> followup.OBJECTIVE_STATUSES
('met', 'not_met', 'not_measurable')
"""

from __future__ import annotations

from .effects import EFFECT_STATUSES, action_effects, effect_label
from .objectives import OBJECTIVE_STATUSES, objective_label, objective_status
from .review import Review, review

__all__ = [
    "EFFECT_STATUSES",
    "OBJECTIVE_STATUSES",
    "Review",
    "action_effects",
    "effect_label",
    "objective_label",
    "objective_status",
    "review",
]

"""Stage gates that other apps add when they load, and the panels they add to the compound page.

Programmes sits below funding and governance, so it never imports them. A gate that needs their
records (leaving consultation on a passed owners' vote, handing over after the residents'
evaluation) is registered here by that app's `AppConfig.ready`, and so is a panel of the compound
page (its funding, its governance). A registered gate receives the result of programmes' own
check for the stage (a pass when programmes has none) and returns the final result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from renovation.models import User

    from .models import Compound, Project


@dataclass(frozen=True)
class GateResult:
    problems: list[str] = field(default_factory=list)
    evidence: str = ""

    @property
    def allowed(self) -> bool:
        return not self.problems


GateCheck = Callable[["Project", GateResult], GateResult]
CompoundPanel = Callable[..., Any]

_gates: dict[str, GateCheck] = {}
_panels: dict[str, CompoundPanel] = {}
_hooks: dict[str, Callable[..., Any]] = {}


def register_gate(stage: str, check: GateCheck) -> None:
    """Make `check(project, own_result)` decide the gate into `stage` (one per stage)."""
    _gates[stage] = check


def registered_gate(stage: str) -> GateCheck | None:
    return _gates.get(stage)


def register_compound_panel(name: str, build: CompoundPanel) -> None:
    """Add `build(user=..., compound=...)` to the compound page as `<name>_panel`."""
    _panels[name] = build


def compound_panels(*, user: User, compound: Compound) -> dict[str, Any]:
    return {f"{name}_panel": build(user=user, compound=compound) for name, build in _panels.items()}


def register_hook(name: str, function: Callable[..., Any]) -> None:
    """A step a higher app performs for programmes: "historical_money" books a historical
    record's money, "money_sub_type_choices" lists funding's sub-types for its form."""
    _hooks[name] = function


def hook(name: str) -> Callable[..., Any] | None:
    return _hooks.get(name)

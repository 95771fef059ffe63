"""The governance seam: no mechanism tests a governance name.

Governance names (budget structures, planning owners, metrics, structures, SLA and sanction
levels, lead definitions, preset names) are read only by sim/params.py (validation),
sim/presets.py and sim/governance.py, which turns them into levers. Every other module under sim/
and everything in agents/ reads the levers of `sim.governance.Governance`, never the
`params.governance` group: no comparison with a governance level as a string literal, no
`match` on one, no `params.governance` access and no attribute or string naming a governance
parameter that is not also a lever.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from sim import governance, presets
from sim.params import GovernanceParams

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {"sim/governance.py", "sim/presets.py", "sim/params.py"}
MODULES = sorted(
    str(p.relative_to(ROOT)) for p in [*ROOT.glob("sim/*.py"), *ROOT.glob("agents/*.py")]
    if str(p.relative_to(ROOT)) not in ALLOWED)

LEVELS = frozenset(
    level for f in dataclasses.fields(GovernanceParams) for level in f.metadata.get("choices") or ()
) | frozenset(presets.names())
LEVER_NAMES = frozenset(
    f.name for cls in (governance.Governance, governance.PlannerRule, governance.Visibility,
                       governance.Monitoring) for f in dataclasses.fields(cls))
# Governance parameters that are not levers: reading one means deciding on a governance name.
# ('sanctions' is left out: people count their sanctions in an attribute of that name.)
RAW_FIELDS = frozenset(f.name for f in dataclasses.fields(GovernanceParams)) - LEVER_NAMES - {
    "sanctions"}


def violations(source: str) -> list[str]:
    """Places in `source` where a governance name is tested or the raw group is read."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Constant) and sub.value in LEVELS:
                    found.append(f"{line}: compares with {sub.value!r}: {ast.unparse(node)}")
        elif isinstance(node, ast.MatchValue):
            if isinstance(node.value, ast.Constant) and node.value.value in LEVELS:
                found.append(f"{line}: matches {node.value.value!r}")
        elif isinstance(node, ast.Attribute):
            if node.attr in RAW_FIELDS:
                found.append(f"{line}: reads governance parameter .{node.attr}")
            owner = node.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(
                owner, "id", "")
            if node.attr == "governance" and owner_name == "params":
                found.append(f"{line}: reads the params.governance group")
        elif isinstance(node, ast.Constant) and node.value in RAW_FIELDS | {"governance"}:
            found.append(f"{line}: names governance parameter {node.value!r}")
    return found


def test_the_scan_covers_the_mechanisms() -> None:
    for module in ("sim/model.py", "sim/funnel.py", "sim/planning.py", "sim/plan.py",
                   "sim/forecast.py", "sim/programmes.py", "sim/budget.py", "sim/customers.py",
                   "sim/metrics.py", "agents/sales_rep.py", "agents/leaders.py",
                   "agents/learning.py", "agents/trust.py"):
        assert module in MODULES
    assert {"joint", "shared_pool", "merged", "marketing_led", "agreed", "siloed"} <= LEVELS
    assert {"planning_owner", "budget_structure", "lead_definition", "structure"} <= RAW_FIELDS


@pytest.mark.parametrize("module", MODULES)
def test_no_mechanism_tests_a_governance_name(module: str) -> None:
    found = violations((ROOT / module).read_text(encoding="utf-8"))
    assert not found, f"{module} decides on governance names:\n" + "\n".join(found)


@pytest.mark.parametrize("snippet", [
    'if g.planning_owner == "joint":\n    pass',
    'if params.governance.cadence_weeks > 4:\n    pass',
    'x = self.params.governance',
    'if structure in ("cro", "merged"):\n    pass',
    'ok = "shared_pool" != pool',
    'match owner:\n    case "marketing_led":\n        pass',
    'v = getattr(p, "budget_structure")',
    'if lead_definition is not None and level == "agreed":\n    pass',
])
def test_the_scan_catches_governance_names(snippet: str) -> None:
    assert violations(snippet)


@pytest.mark.parametrize("snippet", [
    "if rep.department == MARKETING_DEPT:\n    pass",
    "if self.governance.handoff_gate and self.governance.cadence_weeks > 4:\n    pass",
    'plans = OBJECTIVES["marketing"]',
    'role = self.leaders["cro"]',
])
def test_the_scan_lets_levers_through(snippet: str) -> None:
    assert not violations(snippet)

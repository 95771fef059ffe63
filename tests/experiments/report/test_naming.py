"""--baseline by a short name: any unambiguous name picks the arm; an ambiguous or unknown one is
one line that lists the names to use."""

from __future__ import annotations

import pytest

from experiments.errors import UsageError
from experiments.report.naming import resolve_arm
from experiments.report.style import arm_looks

FACTORIAL = {
    f"preset={p}, governance.budget_structure={b}": {"preset": p,
                                                     "governance.budget_structure": b}
    for p in ("finance_led", "joint") for b in ("separate", "shared_pool")
}
LOOKS = arm_looks(FACTORIAL)


@pytest.mark.parametrize(("wanted", "expected"), [
    ("finance_led,separate", "preset=finance_led, governance.budget_structure=separate"),
    ("joint shared pool", "preset=joint, governance.budget_structure=shared_pool"),
    ("shared_pool/joint", "preset=joint, governance.budget_structure=shared_pool"),
    ("Finance-led (shared pool)", "preset=finance_led, governance.budget_structure=shared_pool"),
    ("preset=joint, governance.budget_structure=separate",
     "preset=joint, governance.budget_structure=separate"),
])
def test_a_short_unambiguous_name_picks_the_arm(wanted: str, expected: str) -> None:
    assert resolve_arm(wanted, FACTORIAL, LOOKS) == expected


def test_an_ambiguous_or_unknown_name_lists_the_names_to_use() -> None:
    with pytest.raises(UsageError, match=r"--baseline finance_led: fits 2 arms \('finance-led "
                                         r"\(separate\)', 'finance-led \(shared pool\)'\); name "
                                         r"one, e.g. --baseline finance_led,separate"):
        resolve_arm("finance_led", FACTORIAL, LOOKS)
    with pytest.raises(UsageError, match="not an arm of this experiment; arms are "
                                         "'finance-led \\(separate\\)'"):
        resolve_arm("cro", FACTORIAL, LOOKS)
    one = {f"preset={p}": {"preset": p} for p in ("finance_led", "joint", "cro")}
    assert resolve_arm("finance_led", one, arm_looks(one)) == "preset=finance_led"
    assert resolve_arm("CRO", one, arm_looks(one)) == "preset=cro"

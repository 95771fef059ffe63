"""`alignsim presets`: the named presets and what each sets."""

from __future__ import annotations

import argparse

from sim import presets


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "presets", help="list the governance presets and what they set",
        description="List every named preset (the Kotler relationship types and the "
                    "planning-owner arms) with a line on what it models and the parameters it "
                    "sets. Any preset takes overrides: alignsim run --preset joint --set "
                    "governance.budget_structure=shared_pool.")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    for name in presets.names():
        print(f"{name}\n  {presets.describe(name)}")
        for key, value in presets.settings(name).items():
            print(f"    {key} = {value}")
        print()
    print("Any preset combines with overrides, e.g. "
          "--set governance.budget_structure=shared_pool --set governance.cadence_weeks=4")
    print("On a firm (--params FILE), a preset replaces the firm's governance and keeps the "
          "rest; `current` keeps the firm's own governance (docs/calibration.md).")
    return 0

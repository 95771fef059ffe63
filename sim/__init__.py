"""alignsim's model core: parameters, the Mesa model of the firm, and single runs."""

from sim import presets
from sim.model import AlignmentModel
from sim.params import ParamError, Params
from sim.simulate import RunResult, run

__all__ = ["AlignmentModel", "ParamError", "Params", "RunResult", "presets", "run"]

"""planner: where China's next CT, MRI, DR and mobile imaging units go, within a budget."""

from planner.api import InfeasibleError, Planner, solve_file
from planner.errors import InputError, InputErrors, PlannerError

__version__ = "0.1.0"
__all__ = ["Planner", "solve_file", "PlannerError", "InputError", "InputErrors", "InfeasibleError"]

"""A local Linky gateway simulator for the tests, the demo and the benchmark."""

from __future__ import annotations

from .app import DEFAULT_PDL, DEFAULT_TOKEN, Call, Fault, Simulator
from .household import Household
from .testing import RunningSimulator, start_simulator

__all__ = [
    "DEFAULT_PDL",
    "DEFAULT_TOKEN",
    "Call",
    "Fault",
    "Household",
    "RunningSimulator",
    "Simulator",
    "start_simulator",
]

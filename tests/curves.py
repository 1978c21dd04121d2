"""Load curves and off-peak ranges shared by the pure tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from hypothesis import strategies as st

from custom_components.enedis_gateway.linky.history import day_minutes, local_midnight
from custom_components.enedis_gateway.linky.models import LoadCurvePoint
from custom_components.enedis_gateway.linky.offpeak import OffpeakRange

# Up to four ranges anywhere on the clock, wrapping midnight or not, overlapping or not.
OFFPEAK_RANGES = st.lists(
    st.tuples(st.integers(0, 1439), st.integers(1, 1440))
    .filter(lambda pair: pair[0] != pair[1])
    .map(lambda pair: OffpeakRange(start=pair[0], end=pair[1])),
    min_size=0,
    max_size=4,
).map(tuple)


def day_points(
    day: date, watts: Callable[[int], float] = lambda _: 600.0, minutes: int = 30
) -> list[LoadCurvePoint]:
    """Return the intervals of a whole Paris-local day, watts given by interval index."""
    start = local_midnight(day)
    return [
        LoadCurvePoint(
            start=start + timedelta(minutes=minutes * index),
            minutes=minutes,
            watts=watts(index),
        )
        for index in range(day_minutes(day) // minutes)
    ]

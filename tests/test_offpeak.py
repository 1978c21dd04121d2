"""Tests of the off-peak ranges: parsing and formatting."""

from __future__ import annotations

from hypothesis import given
import pytest

from custom_components.enedis_gateway.linky.offpeak import (
    OffpeakRange,
    format_offpeak,
    parse_offpeak,
)

from .curves import OFFPEAK_RANGES


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, ()),
        ("", ()),
        ("   ", ()),
        ("HC (22H00-6H00)", ((1320, 360),)),
        ("HC (1H30-8H00;12H30-14H00)", ((90, 480), (750, 840))),
        ("HC (22h36-6h36)", ((1356, 396),)),
        ("HC (0H38-6H38)", ((38, 398),)),
        ("hc(22H00-6H00)", ((1320, 360),)),
        ("(22H00-6H00)", ((1320, 360),)),
        ("22h00-06h00;12h30-14h00", ((1320, 360), (750, 840))),
        ("22:00-06:00", ((1320, 360),)),
        ("22H00-06:00", ((1320, 360),)),
        (" 22h00 - 06h00 , 12h30-14h00 ", ((1320, 360), (750, 840))),
        ("22h-6h", ((1320, 360),)),
        ("22-6", ((1320, 360),)),
        ("22h00-06h00;", ((1320, 360),)),
        ("0h00-24h00", ((0, 1440),)),
        ("22h00-0h00", ((1320, 1440),)),
        ("22h00-24h00", ((1320, 1440),)),
        ("24h00-6h00", ((0, 360),)),
        ("02h00-02h01", ((120, 121),)),
        ("23h59-00h01", ((1439, 1),)),
    ],
)
def test_parse_valid(text: str | None, expected: tuple[tuple[int, int], ...]) -> None:
    assert parse_offpeak(text) == tuple(
        OffpeakRange(start=start, end=end) for start, end in expected
    )


@pytest.mark.parametrize(
    "text",
    [
        "22h00-22h00",
        "0h00-0h00",
        "6h-6h00",
        "25h00-06h00",
        "22h00-25h00",
        "22h60-06h00",
        "24h30-06h00",
        "garbage",
        "HC",
        "HC ()",
        ";",
        "22h00",
        "22h00-",
        "-06h00",
        "22h00-06h00;xx",
        "22h00-06h00-08h00",
        "22h5-6h",
        "22h000-6h",
        "123h-6h",
        "22h00 06h00",
        "HC (22H00-6H00",
        "-1h-6h",
    ],
)
def test_parse_invalid(text: str) -> None:
    with pytest.raises(ValueError, match="off-peak"):
        parse_offpeak(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("HC (22H00-6H00)", "22h00-06h00"),
        ("HC (1H30-8H00;12H30-14H00)", "01h30-08h00;12h30-14h00"),
        ("HC (0H38-6H38)", "00h38-06h38"),
        ("22:00-0:00", "22h00-24h00"),
        ("0h-24h", "00h00-24h00"),
    ],
)
def test_format(text: str, expected: str) -> None:
    formatted = format_offpeak(parse_offpeak(text))
    assert formatted == expected
    assert parse_offpeak(formatted) == parse_offpeak(text)


@pytest.mark.parametrize(
    ("start", "end"), [(0, 0), (600, 600), (-1, 60), (1440, 60), (0, 1441)]
)
def test_range_bounds(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="off-peak range"):
        OffpeakRange(start=start, end=end)


@given(ranges=OFFPEAK_RANGES)
def test_format_parse_round_trip(ranges: tuple[OffpeakRange, ...]) -> None:
    assert parse_offpeak(format_offpeak(ranges)) == ranges

"""
Tempo colours and EcoWatt signals of the simulator, on MyElectricalData v1 and v2.

It follows ../shared/GATEWAYS.md sections B and C. The Tempo calendar is a pure
function of the season: 300 blue days (301 in a 366-day season), 43 white and 22 red;
red only on weekdays from 1 November to 31 March, never more than five in a row
(weekends included in the run, stricter than the rule); white never on a Sunday, so
every Sunday is blue. The colour of day D is published at 10:40 Paris on D-1; before
that no route answers it. EcoWatt is a pure function of the day too: level 1 most
days, some 2 and a few 3 from November to March, served up to three days ahead.

Every Tempo request goes to the Tempo call log (`Simulator.tempo_calls`), every EcoWatt
request to the call log (type ECOWATT), and
never into the original protocols' per-token quota; v2 EcoWatt calls need the account's
Bearer secret and count in its no-cache bucket, as the v2 server does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
import functools
import math
import random
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .common import ECOWATT, MED, MED2, PARIS, TEMPO, days_between, parse_date
from .med2 import PREFIX, ReplyError, failure_reply, invalid_reply, reply_timestamp

if TYPE_CHECKING:
    from .app import Simulator

BLUE = "BLUE"
WHITE = "WHITE"
RED = "RED"
WHITE_DAYS = 43
RED_DAYS = 22
SEASON_START_MONTH = 9
RED_MONTHS = frozenset({11, 12, 1, 2, 3})
# Where the white days go: the heating season, around the red days.
WHITE_MONTHS = frozenset({10, 11, 12, 1, 2, 3, 4, 5})
MAX_RED_RUN = 5
SATURDAY = 5
SUNDAY = 6
PUBLICATION = time(10, 40)
# The simulator's first Tempo season and first EcoWatt day: our choice, not the API's.
HISTORY_START = date(2014, 9, 1)
ECOWATT_START = date(2022, 9, 1)
ECOWATT_AHEAD_DAYS = 3
WEEK_BACK_DAYS = 6
FORECAST_DAYS = range(1, 8)
DEFAULT_FORECAST_DAYS = 4
ECOWATT_MESSAGES = {
    1: "Pas d\u2019alerte.",  # RTE's typographic apostrophe
    2: "Système électrique tendu. Les écogestes sont les bienvenus.",
    3: "Système électrique très tendu. Coupures inévitables sans écogestes.",
}
_ONE_DAY = timedelta(days=1)


def season_start(day: date) -> date:
    """Return 1 September of the Tempo season containing day."""
    year = day.year if day.month >= SEASON_START_MONTH else day.year - 1
    return date(year, SEASON_START_MONTH, 1)


def _cold(day: date) -> float:
    """Return 1 in mid-January down to 0 in mid-July: how likely a day is costly."""
    angle = 2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25
    return (1 + math.cos(angle)) / 2


def _run_through(chosen: set[int], index: int) -> int:
    """Return the length of the run of chosen indexes index would join."""
    left, right = index - 1, index + 1
    while left in chosen:
        left -= 1
    while right in chosen:
        right += 1
    return right - left - 1


@functools.cache
def season_colors(start: date) -> Mapping[date, str]:
    """Return the colour of every day of the season starting on start (1 September)."""
    if start != season_start(start):
        raise ValueError(f"{start} does not start a Tempo season")
    rng = random.Random(f"tempo-{start.isoformat()}")
    days = list(days_between(start, date(start.year + 1, SEASON_START_MONTH, 1)))
    colors = dict.fromkeys(days, BLUE)
    # Red: the coldest weekdays of November to March, plus noise. A run counts the
    # weekdays in a row, so Friday and the next Monday are neighbours.
    weekdays = [
        day for day in days if day.month in RED_MONTHS and day.weekday() < SATURDAY
    ]
    red_scores = [_cold(day) + rng.random() for day in weekdays]
    chosen: set[int] = set()
    for index in sorted(range(len(weekdays)), key=red_scores.__getitem__, reverse=True):
        if len(chosen) == RED_DAYS:
            break
        if _run_through(chosen, index) <= MAX_RED_RUN:
            chosen.add(index)
    for index in chosen:
        colors[weekdays[index]] = RED
    # White: Monday to Saturday of the heating season, colder days first.
    candidates = [
        day
        for day in days
        if day.month in WHITE_MONTHS and day.weekday() != SUNDAY and colors[day] == BLUE
    ]
    white_scores = {day: _cold(day) + 1.5 * rng.random() for day in candidates}
    ranked = sorted(candidates, key=white_scores.__getitem__, reverse=True)
    for day in ranked[:WHITE_DAYS]:
        colors[day] = WHITE
    return MappingProxyType(colors)


def tempo_color(day: date) -> str:
    """Return the colour of a day, published or not."""
    return season_colors(season_start(day))[day]


def publication(day: date) -> datetime:
    """Return when the colour of a day is published: 10:40 Paris the day before."""
    return datetime.combine(day - _ONE_DAY, PUBLICATION, PARIS)


def published(day: date, now: datetime) -> bool:
    """Return True when the gateways know the colour of the day at now."""
    return day >= HISTORY_START and now >= publication(day)


@dataclass(frozen=True, kw_only=True, slots=True)
class Signal:
    """RTE's EcoWatt signal of a day: its level and its 24 hourly values."""

    day: date
    level: int
    hours: tuple[int, ...]

    @property
    def message(self) -> str:
        """Return RTE's text for the level."""
        return ECOWATT_MESSAGES[self.level]


def ecowatt_signal(day: date) -> Signal:
    """Return the EcoWatt signal of a day: mostly green, tense winter peaks."""
    rng = random.Random(f"ecowatt-{day.isoformat()}")
    draw = rng.random()
    level = 1
    if day.month in RED_MONTHS:
        level = 3 if draw < 0.03 else 2 if draw < 0.15 else 1
    # Night hours are often carbon-free (0); every other hour is green at least.
    hours = [0 if hour < 6 and rng.random() < 0.5 else 1 for hour in range(24)]
    if level > 1:
        for hour in (8, 9, 10, 11, 18, 19, 20):
            hours[hour] = 2
        for hour in rng.sample((9, 10, 19, 20), 2):
            hours[hour] = level
    return Signal(day=day, level=level, hours=tuple(hours))


def ecowatt_available(day: date, now: datetime) -> bool:
    """Return True when RTE has published the signal of the day at now."""
    today = now.astimezone(PARIS).date()
    return ECOWATT_START <= day <= today + timedelta(days=ECOWATT_AHEAD_DAYS)


def _naive_utc(instant: datetime) -> str:
    """Return an instant the way the v2 server writes its timestamps: naive UTC."""
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat()


def _periode(day: date) -> datetime:
    """Return the v2 periode of a day: its Paris midnight as a naive UTC datetime."""
    midnight = datetime.combine(day, time(), PARIS)
    return midnight.astimezone(UTC).replace(tzinfo=None)


def forecast_days(now: datetime, days: int) -> list[date]:
    """
    Return the days GET /ecowatt/forecast?days= serves at now.

    Inferred from the v2 server's code, not checked live: it keeps the periodes in
    [UTC today 00:00, UTC today + days 00:00), and a periode is Paris midnight as
    naive UTC (the evening before), so today's signal is left out (except between
    Paris and UTC midnight) and days=1 gives tomorrow, as its documentation says.
    """
    low = datetime.combine(now.astimezone(UTC).date(), time())
    high = low + timedelta(days=days)
    today = now.astimezone(PARIS).date()
    candidates = days_between(today - _ONE_DAY, today + timedelta(days=days + 1))
    return [
        day
        for day in candidates
        if low <= _periode(day) < high and ecowatt_available(day, now)
    ]


def _tempo_item(day: date, color: str) -> dict[str, Any]:
    """Return a day as the v2 Tempo routes list it."""
    stamp = _naive_utc(publication(day))
    return {
        "date": day.isoformat(),
        "color": color,
        "updated_at": stamp,
        "rte_updated_date": stamp,
    }


def _ecowatt_item(signal: Signal, now: datetime) -> dict[str, Any]:
    """Return a signal as the v2 EcoWatt routes list it."""
    generated = _naive_utc(
        min(now, datetime.combine(signal.day - _ONE_DAY, time(17), PARIS))
    )
    return {
        "id": signal.day.toordinal() - ECOWATT_START.toordinal() + 1,
        "periode": _periode(signal.day).isoformat(),
        "generation_datetime": generated,
        "created_at": generated,
        "updated_at": generated,
        "dvalue": signal.level,
        "message": signal.message,
        "values": list(signal.hours),
        "hdebut": 0,
        "hfin": 23,
    }


def _envelope(data: Any, now: datetime) -> dict[str, Any]:
    """Return a v2 success."""
    return {
        "success": True,
        "data": data,
        "error": None,
        "timestamp": reply_timestamp(now),
    }


def _bad_path_date(name: str) -> ReplyError:
    """Return FastAPI's 422 for a path date that does not parse (v1: unverified)."""
    detail = [
        {
            "type": "date_parsing",
            "loc": ["path", name],
            "msg": "Input should be a valid date",
        }
    ]
    return ReplyError(422, {"detail": detail}, "error:422")


class TempoApi:
    """The Tempo and EcoWatt routes of a Simulator: v1 at the root, v2 under /api."""

    def __init__(self, sim: Simulator) -> None:
        """Add the routes; build it before Med2Api, whose catch-all ends /api."""
        self._sim = sim
        router = sim.app.router
        router.add_get("/rte/tempo/{start}/{end}", self._v1_tempo)
        router.add_get("/rte/ecowatt/{start}/{end}", self._v1_ecowatt)
        router.add_get(f"{PREFIX}/tempo/days", self._days)
        router.add_get(f"{PREFIX}/tempo/today", self._today)
        router.add_get(f"{PREFIX}/tempo/week", self._week)
        router.add_get(f"{PREFIX}/ecowatt/forecast", self._forecast)

    def colors(self, start: date, end: date, now: datetime) -> dict[date, str]:
        """Return the colours published at now of the days of [start, end), in order."""
        # Nothing after tomorrow is ever published: no need to walk further.
        last = now.astimezone(PARIS).date() + timedelta(days=2)
        days = days_between(max(start, HISTORY_START), min(end, last))
        return {day: tempo_color(day) for day in days if published(day, now)}

    def signals(self, start: date, end: date, now: datetime) -> list[Signal]:
        """Return the EcoWatt signals available at now of the days of [start, end)."""
        last = now.astimezone(PARIS).date() + timedelta(days=ECOWATT_AHEAD_DAYS + 1)
        days = days_between(max(start, ECOWATT_START), min(end, last))
        return [ecowatt_signal(day) for day in days if ecowatt_available(day, now)]

    # v1, public: no Authorization header.

    async def _v1_tempo(self, request: web.Request) -> web.Response:
        """
        Answer GET /rte/tempo/{start}/{end}: {"YYYY-MM-DD": "BLUE", ...}.

        Our choice where GATEWAYS.md says unverified: end is exclusive.
        """
        return self._v1(request, TEMPO)

    async def _v1_ecowatt(self, request: web.Request) -> web.Response:
        """
        Answer GET /rte/ecowatt/{start}/{end}, each signal keyed by its eve.

        Our choice: the bounds select the signal days (the detail's), end exclusive.
        """
        return self._v1(request, ECOWATT)

    def _v1(self, request: web.Request, kind: str) -> web.Response:
        """Answer a v1 route: the days of [start, end) as an object."""
        now = self._sim.now()
        start = parse_date(request.match_info["start"])
        end = parse_date(request.match_info["end"])
        if start is None or end is None:
            answer = _bad_path_date("start" if start is None else "end")
            self._sim.record_call(now, MED, kind, "", start, end, answer.call_status)
            return web.json_response(answer.body, status=answer.status)
        body: dict[str, Any]
        if kind == TEMPO:
            body = {
                day.isoformat(): color
                for day, color in self.colors(start, end, now).items()
            }
        else:
            body = {
                (signal.day - _ONE_DAY).isoformat(): {
                    "value": signal.level,
                    "message": signal.message,
                    "detail": {
                        f"{signal.day.isoformat()} {hour:02d}:00:00": value
                        for hour, value in enumerate(signal.hours)
                    },
                }
                for signal in self.signals(start, end, now)
            }
        self._sim.record_call(now, MED, kind, "", start, end, "ok")
        return web.json_response(body)

    # v2: Tempo is public and not counted; EcoWatt needs the secret and is counted.

    async def _days(self, request: web.Request) -> web.Response:
        """
        Answer GET /tempo/days?start_date&end_date: the published days, sorted.

        The bounds are inclusive and optional (the whole history, up to tomorrow).
        GATEWAYS.md reads that the server ignores them; we honour them, as its newer
        code does. A date that does not parse is a business error, INVALID_DATE.
        """
        now = self._sim.now()
        # The server skips an empty bound, as a missing one.
        texts = [request.query.get(name) or None for name in ("start_date", "end_date")]
        start, end = (parse_date(text) for text in texts)
        bad = [
            text
            for text, day in zip(texts, (start, end), strict=True)
            if text and not day
        ]
        if bad:
            answer = failure_reply(
                "INVALID_DATE", f"Invalid date format: {bad[0]!r}", now
            )
            return self._v2_reply(now, TEMPO, start, end, answer)
        last = end or now.astimezone(PARIS).date() + _ONE_DAY
        colors = self.colors(start or HISTORY_START, last + _ONE_DAY, now)
        data = [_tempo_item(day, color) for day, color in colors.items()]
        return self._v2_reply(now, TEMPO, start, end, _envelope(data, now))

    async def _today(self, request: web.Request) -> web.Response:
        """Answer GET /tempo/today: today in UTC, as the server computes it."""
        now = self._sim.now()
        today = now.astimezone(UTC).date()
        colors = self.colors(today, today + _ONE_DAY, now)
        if today not in colors:
            answer = failure_reply(
                "NOT_FOUND", "TEMPO data not available for today", now
            )
            return self._v2_reply(now, TEMPO, None, None, answer)
        body = _envelope(_tempo_item(today, colors[today]), now)
        return self._v2_reply(now, TEMPO, None, None, body)

    async def _week(self, request: web.Request) -> web.Response:
        """Answer GET /tempo/week: UTC today - 6 days to tomorrow, published only."""
        now = self._sim.now()
        today = now.astimezone(UTC).date()
        start = today - timedelta(days=WEEK_BACK_DAYS)
        colors = self.colors(start, today + timedelta(days=2), now)
        data = [_tempo_item(day, color) for day, color in colors.items()]
        return self._v2_reply(now, TEMPO, None, None, _envelope(data, now))

    async def _forecast(self, request: web.Request) -> web.Response:
        """Answer GET /ecowatt/forecast?days=1..7 (default 4); see forecast_days."""
        now = self._sim.now()
        try:
            days = self._admit_forecast(request, now)
        except ReplyError as answer:
            return self._v2_reply(now, ECOWATT, None, None, answer)
        data = [
            _ecowatt_item(ecowatt_signal(day), now) for day in forecast_days(now, days)
        ]
        return self._v2_reply(now, ECOWATT, None, None, _envelope(data, now))

    def _admit_forecast(self, request: web.Request, now: datetime) -> int:
        """Check the secret, the days and the account's quota, in the server's order."""
        med2 = self._sim.med2
        # The v2 front-end's own check and counter: the same 401s, the same bucket.
        med2.check_token(request.headers.get("Authorization"))
        days = self._forecast_days_query(request)
        if not med2.count(False, now):
            count = med2.counts.get((now.astimezone(UTC).date(), False), 0)
            limit = self._sim.no_cache_limit
            detail = f"Rate limit exceeded: {count}/{limit} requests today"
            raise ReplyError(429, {"detail": detail}, "quota")
        return days

    @staticmethod
    def _forecast_days_query(request: web.Request) -> int:
        """Return the days query parameter, or raise FastAPI's 422."""
        text = request.query.get("days")
        if text is None:
            return DEFAULT_FORECAST_DAYS
        try:
            days = int(text)
        except ValueError:
            raise invalid_reply("days", "Input should be a valid integer") from None
        if days not in FORECAST_DAYS:
            raise invalid_reply("days", "Input should be between 1 and 7")
        return days

    def _v2_reply(
        self,
        now: datetime,
        kind: str,
        start: date | None,
        end: date | None,
        answer: dict[str, Any] | ReplyError,
    ) -> web.Response:
        """Log a v2 call and send its answer: a success body or an error."""
        if isinstance(answer, ReplyError):
            status, body, call_status = answer.status, answer.body, answer.call_status
        else:
            status, body, call_status = 200, answer, "ok"
        self._sim.record_call(now, MED2, kind, "", start, end, call_status)
        return web.json_response(body, status=status)

"""Run the gateway simulator until interrupted: python -m simulator --port 8099."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from .app import DEFAULT_PDL, DEFAULT_TOKEN, Simulator
from .household import Household
from .testing import start_simulator


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m simulator", description="Run a local Linky gateway simulator."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--production", action="store_true", help="add solar panels")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--pdl", default=DEFAULT_PDL)
    parser.add_argument(
        "--daily-limit", type=int, default=50, help="original protocols, per Paris day"
    )
    parser.add_argument(
        "--no-cache-limit", type=int, default=50, help="v2 API, per UTC day"
    )
    parser.add_argument(
        "--cached-limit",
        type=int,
        default=1000,
        help="v2 API with use_cache, per UTC day",
    )
    parser.add_argument("--publish-hour", type=int, default=8)
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    sim = Simulator(
        Household(args.seed, production=args.production),
        token=args.token,
        pdls=(args.pdl,),
        daily_limit=args.daily_limit,
        no_cache_limit=args.no_cache_limit,
        cached_limit=args.cached_limit,
        publish_hour=args.publish_hour,
    )
    running = await start_simulator(sim, args.host, args.port)
    sys.stdout.write(
        f"myelectricaldata URL: {running.base_url}\n"
        f"enedis_gateway URL:   {running.api_url}\n"
        f"myelectricaldata_v2 URL (new API): {running.api_url}\n"
        f"token: {args.token}\n"
        f"PDL:   {args.pdl}\n"
    )
    sys.stdout.flush()
    try:
        await asyncio.Event().wait()
    finally:
        await running.close()


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and serve forever."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(_arguments(argv)))


if __name__ == "__main__":
    main()

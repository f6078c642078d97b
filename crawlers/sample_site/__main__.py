"""``python -m crawlers.sample_site [--host H] [--port N] [--sources-file PATH]``: serve the sample site."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from crawlers.sample_site import serve, sources_toml


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m crawlers.sample_site",
        description="Serve kaisei's offline sample site (our own pages and feeds in the real sources' formats).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on; 0 picks a free one (default 8765)")
    parser.add_argument("--sources-file", type=Path, default=None,
                        help="also write a sources file pointing every built-in source here")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with serve(args.host, args.port) as base:
            if args.sources_file:
                args.sources_file.write_text(sources_toml(base), encoding="utf-8")
                print(f"sources file: {args.sources_file}", flush=True)
            print(f"serving the sample site at {base}/ (Ctrl-C to stop)", flush=True)
            try:
                stop.wait()
            except KeyboardInterrupt:
                pass
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

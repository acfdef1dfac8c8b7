"""The data folder's own Prefect server process (flows/local_server.py starts it):

    python -m flows.server_process --host HOST --port PORT

It is `prefect server start` itself, run in this process, with Python's cyclic garbage collector kept off
the objects the server makes as it starts.

A server holds a great many objects for its whole life: its modules, the API's models and routes, the
database layer's: some 360,000 objects once its API answers. The collector's full passes go over all of
them and free next to nothing:
- While the server starts, eight passes took 1.3 s.
- Later, one pass took 350 ms, during which no request was answered. It fell in the middle of an ingest's
  flow run, which took 1.86 s where the others of the series took 1.41-1.45 s.

So the collector is off until the API answers. Then what the server holds is set aside from its passes
(gc.freeze) and it is on again. Measured on 2026-12-01:
- A start of a stopped server took 2.82-2.85 s against 3.41-3.43 s, and a first start 7.2-7.6 s against
  7.8-8.5 s.
- The server's resident memory is 7 MB more (202 against 195 MB): the few objects its start leaves behind
  for the collector stay.
"""
from __future__ import annotations

import argparse
import gc
import sys
import threading
import time
import urllib.request

# Far longer than `ooh` waits for a server to answer (OOH_PREFECT_STARTUP_TIMEOUT, 90 s by default); a server
# still starting then has its collector back on, unfrozen.
READY_WAIT_SECONDS = 600


def command(host: str, port: int) -> list[str]:
    """The command that starts such a server (flows/local_server.py; benchmarks/ingest_overhead.py)."""
    return [sys.executable, "-m", "flows.server_process", "--host", host, "--port", str(port)]


def main(argv: list[str] | None = None) -> None:
    gc.disable()
    parser = argparse.ArgumentParser(prog="python -m flows.server_process")
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", required=True, type=int)
    args = parser.parse_args(argv)
    threading.Thread(target=_collect_when_up, args=(f"http://{args.host}:{args.port}/api/health",),
                     name="collect-when-up", daemon=True).start()

    from prefect.cli import app

    sys.argv = ["prefect", "server", "start", "--host", args.host, "--port", str(args.port)]
    app()


def _collect_when_up(health_url: str) -> None:
    deadline = time.monotonic() + READY_WAIT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(health_url, timeout=2) as answer:
                if answer.status == 200:
                    gc.freeze()
                    print(f"ooh: the started server's {gc.get_freeze_count():,} objects are set aside from "
                          "garbage collection", flush=True)
                    break
        except OSError:  # not listening yet
            pass
        time.sleep(0.25)
    gc.enable()


if __name__ == "__main__":
    main()

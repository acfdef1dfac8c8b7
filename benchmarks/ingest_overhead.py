"""What orchestration costs: a whole-corpus ingest as a Prefect flow, next to the same pipeline called without
Prefect and to bare lxml parsing of the same bytes; and the ingest's peak memory, on the corpus and on the
corpus replicated ten times.

    python benchmarks/ingest_overhead.py [CORPUS_DIR ...] [--repeat N] [--no-memory]

Everything is measured in one run of this script, and only the ratios mean something (these machines are
noisy). The flow runs as users run it, `ooh ingest` in a subprocess, against one Prefect server this
script starts on loopback as `ooh server start` does (or the one PREFECT_API_URL names); its time is what Prefect logs, from
"Beginning flow run" to the flow's "Finished in state". Each ingest writes a new warehouse.

Peak memory is the largest proportional resident size (PSS) of the ingest's whole process tree (the command
and its parse workers; not the Prefect server), sampled every 20 ms in runs of their own (sampling takes
CPU from the run, so the timed runs are not sampled). The replicated corpus is ten copies of each page,
each with one byte changed (a space near the end becomes a tab), so that every copy is a distinct page.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows.batch import stage_inputs  # noqa: E402
from flows.copies import find_copies, hash_same_sized, stage_copies  # noqa: E402
from flows.parse_pool import shutdown, stage_in_workers, start_in_background  # noqa: E402
from flows.server_process import command as server_command  # noqa: E402
from flows.settings import load_settings  # noqa: E402
from flows.sources import list_local_pages  # noqa: E402
from parsers import PARSER_VERSION  # noqa: E402
from warehouse.load import save_load  # noqa: E402
from warehouse.load_report import read_load_report  # noqa: E402
from warehouse.publish import last_published, prepare, publishing  # noqa: E402
from warehouse.staging import remove_batches  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpus"
DEFAULT_CORPUS = [SHARED / "seed", SHARED / "real" / "ooh-2010-11", SHARED / "real" / "ooh-current"]
OOH = str(Path(sys.executable).with_name("ooh"))
TARGET_PLAIN, TARGET_LXML, TARGET_MEMORY = 1.5, 2.5, 1.5
_LOG_TIME = re.compile(r"^(\d\d:\d\d:\d\d\.\d{3}) \| \w+\s*\| Flow run '[^']*' - (Beginning flow run|Finished in state)")


def copy_corpus(dirs: list[Path], target: Path, copies: int = 1) -> int:
    """The corpus's files under one folder (an ingest reads one source); with copies > 1, each page also
    as copies-1 variants with one byte changed."""
    count = 0
    for folder in dirs:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            relative = path.relative_to(folder.parent)
            for copy in range(copies):
                out = target / f"copy{copy}" / relative
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(data if copy == 0 else _one_byte_changed(data, copy))
                count += 1
    return count


def _one_byte_changed(data: bytes, copy: int) -> bytes:
    position, seen = len(data), 0
    while seen < copy:
        position = data.rfind(b" ", 0, position)
        if position < 0:  # too few spaces: a byte more at the end instead
            return data + b"\n" * copy
        seen += 1
    return data[:position] + b"\t" + data[position + 1:]


def time_lxml(files: list[Path]) -> float:
    pages = [p.read_bytes() for p in files]
    started = time.perf_counter()
    for data in pages:
        lxml.html.fromstring(data)
    return time.perf_counter() - started


def time_plain(source: Path, scratch: Path, batch_size: int, workers: int) -> float:
    """The flow's pipeline with the same functions, batches and worker processes, called without Prefect:
    start the parse workers, list the pages, find the copies, parse and stage the batches and the copies,
    check the warehouse, load, link, check quality, publish, read what the load changed (the run's summary). The flow's time leaves out
    what `ooh ingest` does before the flow begins (starting the workers among it): this one counts it."""
    warehouse, staging = scratch / "plain.duckdb", scratch / "plain-staging"
    for path in (warehouse, Path(f"{warehouse}.prev")):
        path.unlink(missing_ok=True)
    started = time.perf_counter()
    start_in_background(workers)  # as `ooh ingest` does before its flow begins
    refs = list_local_pages(source)
    copies = find_copies(refs, hash_same_sized(refs))
    to_parse = [ref for no, ref in enumerate(refs) if no not in copies]
    batches = [to_parse[i: i + batch_size] for i in range(0, len(to_parse), batch_size)]
    with ThreadPoolExecutor(workers) as pool:
        staged = [s.path for s in pool.map(lambda b: stage_in_workers(b, staging, workers), batches)]
    if copies:
        staged.append(stage_copies(list(copies.values()), staged, staging))
    prepared = prepare(str(warehouse), report=lambda _: None)
    with publishing(str(warehouse), based_on=prepared.basis, what="ingest") as con:
        con.execute("SET memory_limit = ?", [load_settings().load_memory])
        summary = save_load(con, staged, source=str(source), parser_version=PARSER_VERSION)
    remove_batches(staged)
    written = last_published(str(warehouse))
    read_load_report(str(warehouse), summary.load_id, written.current if written else None)  # the summary's
    shutdown()  # the flow starts its workers afresh: so does each run here
    return time.perf_counter() - started


def time_serial_parse(source: Path, scratch: Path, batch_size: int) -> float:
    """Parsing and staging alone, one batch after another in this process: the one-core cost of the work."""
    refs = list_local_pages(source)
    started = time.perf_counter()
    staged = [stage_inputs(refs[i: i + batch_size], scratch / "serial-staging").path
              for i in range(0, len(refs), batch_size)]
    elapsed = time.perf_counter() - started
    remove_batches(staged)
    return elapsed


def run_flow(source: Path, data_dir: Path, env: dict, sample_memory: bool = False,
             fresh: bool = True) -> tuple[float, int, str]:
    """`ooh ingest` of a source into a new warehouse (with fresh=False, into the one data_dir holds):
    (seconds Prefect logs for the flow, peak bytes of the process tree if sampled, the summary line).
    Sampling reads /proc fifty times a second, which takes CPU from the run: timed runs are not sampled."""
    if fresh:
        shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([OOH, "ingest", "--source", str(source)], env={**env, "OOH_DATA_DIR": str(data_dir)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
    peak = 0
    output: list[str] = []
    import threading

    reader = threading.Thread(target=lambda: output.extend(proc.stdout), daemon=True)
    reader.start()
    while proc.poll() is None:
        if sample_memory:
            peak = max(peak, tree_memory(proc.pid))
        time.sleep(0.02)
    reader.join()
    if proc.returncode != 0:
        raise SystemExit(f"ooh ingest failed ({proc.returncode}):\n{''.join(output[-20:])}")
    marks = dict((m.group(2), m.group(1)) for m in map(_LOG_TIME.match, output) if m)
    begun, finished = (datetime.strptime(marks[k], "%H:%M:%S.%f") for k in ("Beginning flow run", "Finished in state"))
    seconds = (finished - begun).total_seconds() % 86400
    loaded = next((line.strip() for line in output if line.startswith(("Loaded ", "Nothing new "))), "")
    return seconds, peak, loaded


def peak_memory(corpus: list[Path], scratch: Path, env: dict, copies: int) -> tuple[int, int, float, str]:
    """An ingest of the corpus `copies` times over (distinct copies) into a new warehouse, its process tree's
    memory sampled: (peak bytes, files, seconds inside the flow, summary line)."""
    source = scratch / f"memory{copies}"
    files = copy_corpus(corpus, source, copies=copies)
    seconds, peak, loaded = run_flow(source, scratch / f"memory{copies}-data", env, sample_memory=True)
    shutil.rmtree(source, ignore_errors=True)
    return peak, files, seconds, loaded


def tree_memory(root: int) -> int:
    """Proportional resident bytes (PSS: pages shared between processes, such as those the parse workers
    share with the process they were forked from, are divided among them) of a process and all its
    descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit():
                stat = (entry / "stat").read_bytes()
                children.setdefault(int(stat.rsplit(b")", 1)[1].split()[1]), []).append(int(entry.name))
        except OSError:
            continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total


def start_server(home: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_UI_ENABLED": "false"}
    # `prefect server start` as `ooh server start` runs it
    server = subprocess.Popen(server_command("127.0.0.1", port), env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/api"
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return server, url
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            break
        time.sleep(0.5)
    server.kill()
    raise SystemExit("the Prefect server did not start")


def stop_server(server: subprocess.Popen | None) -> None:
    if server is not None:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()


@contextmanager
def flow_environment(scratch: Path) -> Iterator[dict]:
    """The environment `ooh ingest` runs in here: a Prefect server (PREFECT_API_URL's, else one started in
    `scratch` and stopped after), whose first run has created its tables; no data folder of the caller's."""
    env = {k: v for k, v in os.environ.items() if k not in ("OOH_DATA_DIR", "OOH_WAREHOUSE")}
    server = None
    if "PREFECT_API_URL" not in env:
        server, env["PREFECT_API_URL"] = start_server(scratch / "prefect")
    env["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    try:
        run_flow(ROOT / "fixtures" / "pages", scratch / "warm", env)  # the server's first run creates its tables
        yield env
    finally:
        stop_server(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="*", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement; the best counts")
    parser.add_argument("--no-memory", action="store_true", help="skip the ten-times corpus")
    args = parser.parse_args()
    missing = [d for d in args.corpus if not d.is_dir()]
    if missing:
        print(f"no corpus at {', '.join(map(str, missing))}: pass corpus folders as arguments", file=sys.stderr)
        return 2
    settings = load_settings()
    scratch = Path(tempfile.mkdtemp(prefix="ooh-bench-"))
    try:
        source = scratch / "corpus"
        files = copy_corpus(args.corpus, source)
        with flow_environment(scratch) as env:
            corpus_files = sorted(p for p in source.rglob("*") if p.is_file())
            best = {"lxml": float("inf"), "plain": float("inf"), "serial": float("inf"), "flow": float("inf")}
            loaded, runs = "", []
            for _ in range(args.repeat):
                run = {"lxml": time_lxml(corpus_files),
                       "plain": time_plain(source, scratch, settings.batch_size, settings.workers),
                       "serial": time_serial_parse(source, scratch, settings.batch_size)}
                run["flow"], _, loaded = run_flow(source, scratch / "flow", env)
                runs.append(run)
                best = {key: min(best[key], run[key]) for key in best}
            peak = peak_memory(args.corpus, scratch, env, 1)[0]
            megabytes = sum(p.stat().st_size for p in corpus_files) / 1e6
            print(f"{files} files, {megabytes:.1f} MB; best of {args.repeat}; batches of {settings.batch_size}, "
                  f"{settings.workers} parse workers")
            print(f"  {loaded}")
            print(f"bare lxml.html.fromstring, one core        {best['lxml']:7.2f} s")
            print(f"parse and stage, one core, no Prefect      {best['serial']:7.2f} s")
            print(f"the pipeline without Prefect               {best['plain']:7.2f} s")
            print(f"the flow (Beginning .. Finished in state)  {best['flow']:7.2f} s")
            plain_ratio, lxml_ratio = best["flow"] / best["plain"], best["flow"] / best["lxml"]
            # the verdicts are the best times' ratios; each run's own show how far the machine's load moves them
            for no, run in enumerate(runs, 1):
                print(f"  run {no}: lxml {run['lxml']:.2f} s, pipeline {run['plain']:.2f} s, flow {run['flow']:.2f} s; "
                      f"flow / pipeline {run['flow'] / run['plain']:.2f}, flow / lxml {run['flow'] / run['lxml']:.2f}")
            print(f"flow / pipeline without Prefect: {plain_ratio:.2f} (target <= {TARGET_PLAIN}): "
                  f"{'met' if plain_ratio <= TARGET_PLAIN else 'NOT met'}")
            print(f"flow / bare lxml: {lxml_ratio:.2f} (target <= {TARGET_LXML}): "
                  f"{'met' if lxml_ratio <= TARGET_LXML else 'NOT met'}")
            print(f"peak memory of the corpus ingest: {peak / 2**20:.0f} MiB")
            if not args.no_memory:
                big_peak, big_files, seconds, loaded = peak_memory(args.corpus, scratch, env, 10)
                growth = big_peak / peak
                print(f"peak memory of the ingest of the corpus ten times ({big_files} files): {big_peak / 2**20:.0f} MiB, "
                      f"{growth:.2f} times the corpus's (target <= {TARGET_MEMORY}): "
                      f"{'met' if growth <= TARGET_MEMORY else 'NOT met'}; the flow took {seconds:.1f} s")
                print(f"  {loaded}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

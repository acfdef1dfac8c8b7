"""`ooh`: the command line. Thin: it turns arguments into library calls and errors into one-line messages."""
from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import stat
import sys
import time
from decimal import Decimal
from pathlib import Path

from flows.settings import DEFAULT_SOURCE, SettingsError, configure_prefect, load_settings
from flows.report import fetch_lines, load_lines, plan_lines, stop_line
from warehouse.errors import WarehouseError


def main(argv: list[str] | None = None) -> int:
    # A command's imports (Prefect's above all) make some 130,000 objects that live as long as it does;
    # Python's cyclic collector, run every 700 allocations, went over all of them twice before a flow began
    # (20 and 60 ms) and freed a few dozen. Every 100,000 allocations it skips those passes: a second
    # `ooh ingest` began its flow 0.1 s sooner (medians of 10 alternating runs, 1.23 against 1.34 s). A
    # flow run then sets what the process holds aside from collection (flows/runs.py freeze_imports).
    gc.set_threshold(100_000, 10, 10)
    try:
        settings = load_settings()
    except SettingsError as exc:  # before anything else: every command reads them
        print(f"ooh: {exc}", file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="ooh", description="Occupational Outlook Handbook pages into a DuckDB warehouse.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="parse handbook pages and load the warehouse (a Prefect flow)")
    p.add_argument("--source", default=str(DEFAULT_SOURCE),
                   help="a folder of saved pages (default: the bundled fixtures), 'archive' (what 'ooh fetch' "
                        "archived) or 'warc:FILE'")
    p.add_argument("--warehouse", default=str(settings.warehouse), help="DuckDB file (default: %(default)s)")
    p.add_argument("--batch-size", type=int, default=settings.batch_size, help="pages per parse task")
    p.add_argument("--follow-outside-links", action="store_true",
                   help="read files that links in the source folder lead to outside it (refused by default)")

    p = sub.add_parser("fetch", help="fetch pages into the archive, then parse and load them (a Prefect flow)")
    p.add_argument("kind", choices=("live", "wayback"), help="live: the current handbook; wayback: a past edition")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--edition", help="wayback: the edition, as the catalogue names it: 1998-99 ... 2018-19, "
                                         "then by projection span, 2018-28 ... 2024-34")
    which.add_argument("--all", action="store_true",
                       help="wayback: every edition that has left the site, one after the other (resumable)")
    p.add_argument("--dry-run", action="store_true",
                   help="wayback: print the plan (editions, CDX queries, pages, requests) and fetch no page")
    p.add_argument("--contact", default=settings.contact,
                   help="your e-mail address, sent in the User-Agent as BLS asks (default: $OOH_CONTACT)")
    p.add_argument("--warehouse", default=str(settings.warehouse))
    p.add_argument("--handbook-url", default=settings.handbook_url, help="default: %(default)s")
    p.add_argument("--wayback-url", default=settings.wayback_url, help="default: %(default)s")
    p.add_argument("--delay", type=float, help=f"seconds between requests to one host (default: {settings.delay:g})")
    p.add_argument("--limit", type=int, help="fetch at most this many pages")
    p.add_argument("--no-ingest", action="store_true", help="only fetch into the archive")

    p = sub.add_parser("parse", help="parse one page and show its sections and figures (no warehouse)")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print the parsed page as JSON")

    p = sub.add_parser("query", help="run one read-only statement on the warehouse (the marts: warehouse/DATA_DICTIONARY.md)")
    p.add_argument("sql", help="one SELECT, WITH, DESCRIBE, SHOW, SUMMARIZE or EXPLAIN statement")
    p.add_argument("--warehouse", default=str(settings.warehouse))
    p.add_argument("--format", choices=("table", "csv", "json", "parquet"), default="table")
    p.add_argument("--output", help="write to this file instead of the screen (required for parquet)")
    p.add_argument("--max-rows", metavar="N",
                   help=f"read at most N rows, 0 for all (default: {QUERY_TABLE_ROWS:,} for the table, all otherwise)")
    p.add_argument("--timeout", metavar="SECONDS", help="stop the query after this many seconds (default: none)")
    p.add_argument("--allow-files", action="store_true",
                   help="let the query read local files (read_csv, read_parquet, glob); it still only reads, "
                        "and never downloads")

    p = sub.add_parser("timeline", help="an occupation across editions: jobs, median wage in nominal and constant dollars")
    p.add_argument("title", help="part of an occupation title in any edition, e.g. 'medical records'")
    p.add_argument("--dollars-of", type=int, default=2024, help="the year of the constant dollars (default: %(default)s)")
    p.add_argument("--warehouse", default=str(settings.warehouse))

    p = sub.add_parser("links", help="how the occupations of one edition link to those of an older one, and which do not")
    p.add_argument("--newer", help="edition, e.g. 2024-34 (default: the latest loaded)")
    p.add_argument("--older", help="edition, e.g. 2010-11 (default: the one before --newer)")
    p.add_argument("--warehouse", default=str(settings.warehouse))

    p = sub.add_parser("export", help="write the marts as Parquet files, partitioned by edition, for BI tools")
    p.add_argument("directory", help="a new or empty folder, or one an earlier export wrote (it is updated)")
    p.add_argument("--warehouse", default=str(settings.warehouse))
    p.add_argument("--overwrite", action="store_true",
                   help="write into a folder that holds other things: what is named like an output is replaced, "
                        "nothing else")

    p = sub.add_parser("upgrade", help="bring a warehouse made by an older ooh-warehouse up to this version's schema and views")
    p.add_argument("--warehouse", default=str(settings.warehouse))

    p = sub.add_parser("rollback", help="put the warehouse's previous version back (the current one becomes the previous); "
                                        "refuses while another command is writing the warehouse")
    p.add_argument("--warehouse", default=str(settings.warehouse))

    p = sub.add_parser("server", help="the data folder's own Prefect server, which ingest and fetch start on first "
                                      "use and reuse (unless PREFECT_API_URL names another)")
    p.add_argument("action", choices=("start", "stop", "status"),
                   help="start: start it if it is not running; stop: stop it; status: its URL, pid, uptime and log "
                        "(exit status 1 if it is not running)")

    p = sub.add_parser("report", help="build the warehouse's report: a static site of occupation pages with charts and "
                                      "what changed between editions, that opens from the files with no network")
    p.add_argument("--out", default=str(settings.data_dir / "report"),
                   help="the site's folder: new, empty, or one an earlier report wrote, which is replaced "
                        "(default: %(default)s)")
    p.add_argument("--warehouse", default=str(settings.warehouse))

    p = sub.add_parser("coverage", help="coverage of sections and figures per page class, against the gate's floors")
    p.add_argument("folders", nargs="*", help="folders of pages (default: ../shared/corpus if present, else the fixtures)")
    p.add_argument("--failures", action="store_true", help="list the pages that fail each check")

    p = sub.add_parser("serve", help="run the shipped deployments on a schedule from this machine (Prefect's serve: "
                                     "no work pool), on PREFECT_API_URL's Prefect server or the data folder's own")
    p.add_argument("--only", action="append", metavar="NAME", choices=DEPLOYMENT_NAMES,
                   help=f"serve only this deployment (repeatable): {', '.join(DEPLOYMENT_NAMES)}")
    p.add_argument("--folder", help="the folder daily-folder ingests (default: the bundled fixtures)")
    p.add_argument("--interval", type=float, metavar="SECONDS",
                   help="run the scheduled deployments every SECONDS instead of on their cron schedules (a trial)")

    p = sub.add_parser("deploy", help="register the shipped deployments on a Prefect server for a work pool's workers")
    p.add_argument("--pool", required=True, help="the work pool (a process pool: 'prefect work-pool create NAME "
                                                 "--type process')")
    p.add_argument("--only", action="append", metavar="NAME", choices=DEPLOYMENT_NAMES,
                   help="deploy only this deployment (repeatable)")

    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args, settings)
    except (UserError, WarehouseError, SettingsError) as exc:
        print(f"ooh {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stdout = open(os.devnull, "w")
        return 0
    except Exception as exc:  # a bug: still one line, and the exit code of a failure
        first = (str(exc).splitlines() or [""])[0][:300]
        print(f"ooh {args.command}: unexpected {type(exc).__name__}: {first} (a bug: please report it with the "
              "command that caused it)", file=sys.stderr)
        return 2


class UserError(Exception):
    pass


# flows.deployments.SHIPPED's names, here so that --help needs no Prefect import
DEPLOYMENT_NAMES = ("weekly-live", "wayback-backfill", "daily-folder")
FETCHING = ("weekly-live", "wayback-backfill")


def cmd_ingest(args, settings) -> int:
    from flows.sources import SourceError, list_pages
    from warehouse.publish import prepare

    _check_prefect_api()
    try:  # fail before starting Prefect on a wrong source or a warehouse that cannot take this load (the flow
        # checks again, for runs a deployment starts; here the notes of a recovery are printed as they happen)
        listed = list_pages(args.source, args.warehouse, settings.archive_for(args.warehouse),
                            args.follow_outside_links)
        prepared = prepare(args.warehouse, report=print, wait=settings.lock_wait)
    except (SourceError, WarehouseError) as exc:
        raise UserError(str(exc)) from exc
    if settings.task_runner == "thread" and len(listed) > args.batch_size:
        from flows.parse_pool import start_in_background

        # now, while this process imports Prefect and starts the run (a second or more): the workers' own
        # imports then take no core from the flow, which may find nothing to parse. Not for a source of one
        # batch: the flow parses that in its own process (flows/ingest.py parse_batches)
        start_in_background(settings.workers)
    try:
        _start_prefect(settings)
        from flows.ingest import ingest  # Prefect reads its settings on import
        from flows.runs import command_line_run

        with command_line_run():
            state = ingest(args.source, args.warehouse, args.batch_size, args.follow_outside_links,
                           based_on=tuple(prepared.basis), return_state=True)
    except KeyboardInterrupt:
        raise UserError("interrupted: the published warehouse is whole (the version before this ingest unless it "
                        "had published); run the same command again to load what it had not") from None
    finally:  # workers still starting when the command ends would print tracebacks: let them start and stop
        from flows.parse_pool import shutdown

        shutdown()
    print("\n".join(load_lines(_result(state, "ingest"), args.source, args.warehouse)))
    return 0


def _start_prefect(settings) -> None:
    """Choose the Prefect server, then check that the flow's task runner can be made (dask without
    prefect-dask fails now, in one line, not inside the run)."""
    _choose_server(settings)
    from flows.runs import task_runner  # imports Prefect: only once its API is chosen

    task_runner(settings)


def _choose_server(settings) -> None:
    """Choose the Prefect server the flow reports to: the user's (PREFECT_API_URL), else the data folder's own
    background server (started on first use, flows/local_server.py), else, when OOH_PREFECT_SERVER=temporary
    or the own server cannot start, Prefect's temporary server, which must not outlive this run
    (flows/prefect_server.py). Must run before prefect is imported: Prefect reads its settings then."""
    configure_prefect(settings)
    if os.environ.get("PREFECT_API_URL"):  # the user's own server: nothing to start or look after
        _check_prefect_api()
        return
    from flows.prefect_server import guard_temporary_server, stop_orphaned_servers

    home = Path(os.environ["PREFECT_HOME"])
    for note in stop_orphaned_servers(home):  # before any server opens the SQLite file they hold
        print(note)
    if settings.prefect_server == "local":
        from flows.local_server import ServerError, ensure_server

        try:
            server, started = ensure_server(settings.data_dir, home, settings.server_port,
                                            settings.prefect_startup_timeout)
        except (ServerError, OSError) as exc:  # OSError: a data folder it cannot write its state in
            print(f"{exc}: this run uses Prefect's temporary server instead.", file=sys.stderr)
        else:
            if started:
                print(f"Started Prefect's server for {settings.data_dir} at {server.dashboard} (pid {server.pid}); "
                      "later commands reuse it, 'ooh server stop' stops it.")
            os.environ["PREFECT_API_URL"] = server.url
            return
    guard_temporary_server(home)


def _check_prefect_api() -> None:
    """A PREFECT_API_URL that does not answer is one line, before any work (the flow would only fail later,
    with Prefect's traceback)."""
    url = os.environ.get("PREFECT_API_URL")
    if url:
        from flows.local_server import api_problem

        problem = api_problem(url)
        if problem is not None:
            raise UserError(f"the Prefect API at {url} does not answer ({problem}): start it or unset "
                            "PREFECT_API_URL")


def cmd_server(args, settings) -> int:
    from flows.local_server import ServerError, ensure_server, recorded_server, running_server, stop_server

    configure_prefect(settings)
    data_dir = settings.data_dir
    if args.action == "start":
        try:
            server, started = ensure_server(data_dir, Path(os.environ["PREFECT_HOME"]), settings.server_port,
                                            settings.prefect_startup_timeout)  # a PREFECT_HOME of the user's wins
        except ServerError as exc:
            raise UserError(str(exc)) from exc
        except OSError as exc:
            raise UserError(f"cannot start Prefect's server in {data_dir}: {exc.strerror or exc}") from exc
        print(f"{'Started' if started else 'Already running:'} Prefect's server for {data_dir} at {server.dashboard} "
              f"(API {server.url}, pid {server.pid}; its log: {server.log}).")
    elif args.action == "stop":
        server = stop_server(data_dir)
        print(f"Stopped Prefect's server for {data_dir} (pid {server.pid}, {server.url})." if server
              else f"No Prefect server of {data_dir} was running.")
    else:
        server = running_server(data_dir)
        if server is None:
            starting = recorded_server(data_dir)
            print(f"Prefect's server for {data_dir} (pid {starting.pid}) does not answer at {starting.url} yet: it is "
                  f"starting, or stuck (its log: {starting.log})." if starting else
                  f"No Prefect server of {data_dir} is running ('ooh server start' starts one; ingest and fetch "
                  "start it by themselves).")
            return 1
        print(f"Prefect's server for {data_dir}: running\n  URL:    {server.dashboard} (API {server.url})\n"
              f"  pid:    {server.pid}\n  uptime: {_duration(time.time() - server.started)}\n  log:    {server.log}")
    if os.environ.get("PREFECT_API_URL") and args.action != "stop":
        print(f"PREFECT_API_URL is set ({os.environ['PREFECT_API_URL']}): ingest and fetch report there, not here.")
    return 0


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return (f"{days} d " if days else "") + (f"{hours} h " if days or hours else "") + f"{minutes} min {secs} s"


def _result(state, name: str):
    """A flow run's result, or its failure as one line."""
    from flows.crawl import DiscoveryError
    from flows.http import HardStop
    from flows.sources import SourceError

    if not state.is_failed():
        return state.result()
    try:
        state.result()
    except (WarehouseError, SourceError, HardStop, DiscoveryError) as exc:
        raise UserError(str(exc)) from exc
    except Exception as exc:
        raise UserError(f"the {name} flow failed: {type(exc).__name__}: {str(exc).splitlines()[0]}") from exc
    raise UserError(f"the {name} flow failed")


def cmd_fetch(args, settings) -> int:
    from warehouse.publish import prepare

    if not args.contact or "@" not in args.contact:
        raise UserError("give a contact e-mail address (--contact or OOH_CONTACT): BLS asks automated clients "
                        "to identify themselves with one")
    edition = _wayback_edition(args)
    if args.dry_run:
        return _print_plan(args, settings, edition)
    _check_prefect_api()
    prepare(args.warehouse, report=print, wait=settings.lock_wait)
    _start_prefect(settings)
    from flows.fetch import FetchSummary, fetch
    from flows.runs import command_line_run

    try:
        with command_line_run():
            state = fetch(args.kind, args.warehouse, args.contact, edition=edition,
                          handbook_url=args.handbook_url, wayback_url=args.wayback_url, delay=args.delay,
                          limit=args.limit, then_ingest=not args.no_ingest, return_state=True)
    except KeyboardInterrupt:
        raise UserError("interrupted: what was archived is kept and indexed (by the next run, if not now): run the "
                        "same command again to continue") from None
    stopped = state.result(raise_on_failure=False) if state.is_failed() else None
    summary = stopped if isinstance(stopped, FetchSummary) else _result(state, "fetch")
    print("\n".join(fetch_lines(summary, str(settings.archive_for(args.warehouse)))))
    if summary.load is not None:
        print("\n".join(load_lines(summary.load, "the archive", args.warehouse)))
    if summary.stopped:
        print(f"ooh fetch: {stop_line(summary)}", file=sys.stderr)
        return 2
    return 0


def _wayback_edition(args) -> str | None:
    """The edition parameter of the fetch flow: the one named, 'all', or None for the live handbook."""
    if args.kind == "live":
        if args.edition or args.all or args.dry_run:
            raise UserError("--edition, --all and --dry-run are for 'ooh fetch wayback'")
        return None
    if args.all:
        return "all"
    if not args.edition:
        raise UserError("give the edition to backfill, e.g. --edition 2010-11, or --all")
    from flows.wayback import wayback_editions

    try:
        wayback_editions(args.edition)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    return args.edition


def _print_plan(args, settings, edition: str) -> int:
    """--dry-run: no Prefect, no archive, the warehouse only read."""
    from flows.crawl import DiscoveryError
    from flows.http import HardStop
    from flows.plan import read_plan
    from flows.politeness import host_of, politeness_for
    from flows.wayback import wayback_editions

    politeness = politeness_for(settings, args.contact, [host_of(args.wayback_url)], args.delay)
    try:
        plan = read_plan(wayback_editions(edition), args.wayback_url, Path(args.warehouse), politeness,
                         settings.archive_for(args.warehouse))
    except (DiscoveryError, HardStop) as exc:
        raise UserError(str(exc)) from exc
    print("\n".join(plan_lines(plan)))
    return 0


def _server_api(settings) -> str:
    """Schedules run only on a real Prefect server (the temporary one has no scheduler): PREFECT_API_URL's,
    else the data folder's own (started if it does not run). It must answer. Prefect is configured here
    for the commands that talk to it."""
    url = os.environ.get("PREFECT_API_URL")
    configure_prefect(settings)
    if not url:
        if settings.prefect_server != "local":
            raise UserError("this needs a Prefect server that runs schedules, and OOH_PREFECT_SERVER=temporary has "
                            "none: unset it to use the data folder's own, or set PREFECT_API_URL to one")
        from flows.local_server import ServerError, ensure_server

        try:
            server, started = ensure_server(settings.data_dir, Path(os.environ["PREFECT_HOME"]), settings.server_port,
                                            settings.prefect_startup_timeout)
        except (ServerError, OSError) as exc:
            raise UserError(f"{exc}: start a Prefect server and set PREFECT_API_URL to it") from exc
        if started:
            print(f"Started Prefect's server for {settings.data_dir} at {server.dashboard} (pid {server.pid}); "
                  "'ooh server stop' stops it.")
        os.environ["PREFECT_API_URL"] = url = server.url
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        failure = client.api_healthcheck()
    if failure is not None:
        reason = (str(failure).splitlines() or [type(failure).__name__])[0]
        raise UserError(f"cannot reach the Prefect server at {url} ({reason}): start it, or set PREFECT_API_URL "
                        "to one that runs")
    return url


def cmd_serve(args, settings) -> int:
    if args.interval is not None and not 0 < args.interval < float("inf"):
        raise UserError(f"--interval {args.interval:g}: give a number of seconds above 0")
    if args.folder and not Path(args.folder).is_dir():
        raise UserError(f"no directory at {args.folder}: give --folder a folder of saved pages")
    url = _server_api(settings)
    from prefect import serve

    from flows.deployments import served

    deployments = served(args.only, interval=args.interval, folder=args.folder)
    print(f"Serving {', '.join(d.name for d in deployments)} from {url} (Ctrl-C stops; runs in progress are "
          "cancelled, and the next 'ooh' run there recovers the warehouse)", flush=True)
    if "@" not in settings.contact and any(d.name in FETCHING for d in deployments):
        print("ooh serve: no OOH_CONTACT: the fetch deployments' runs will fail until it is set (BLS asks automated "
              "clients for a contact address)", file=sys.stderr, flush=True)
    try:
        serve(*deployments, print_starting_message=False)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_deploy(args, settings) -> int:
    url = _server_api(settings)
    from prefect import deploy
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    from flows.deployments import deployed

    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(args.pool)
        except ObjectNotFound:
            raise UserError(f"no work pool {args.pool} on the Prefect server at {url}: create it with 'prefect "
                            f"work-pool create {args.pool} --type process'") from None

    ids = deploy(*deployed(args.pool, args.only), work_pool_name=args.pool, build=False, push=False,
                 print_next_steps_message=False, ignore_warnings=True)
    print(f"Deployed {len(ids)} deployments to {url} for the work pool {args.pool}: start a worker with "
          f"'prefect worker start --pool {args.pool}' where this project and its OOH_* settings are.")
    return 0


def cmd_parse(args, settings) -> int:
    from parsers import ParseError, parse_page

    path = Path(args.file)
    try:
        page = parse_page(_read_page_file(path))
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from exc
    except ParseError as exc:
        raise UserError(f"{path}: {exc.reason} [{exc.code}]") from exc
    if args.json:
        print(json.dumps(page.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(f"{page.title} ({page.edition.label} edition, data year {page.edition.base_year}; layout {page.layout}; "
          f"SOC {', '.join(page.soc_codes) or 'not stated'})")
    print(f"\n{len(page.sections)} sections:")
    for section in page.sections:
        first = section.text.split("\n", 1)[0]
        print(f"  [{section.key}] {section.heading or '(heading missing on the page)'} ({len(section.text):,} characters)")
        print(f"      {first[:110]}{'...' if len(first) > 110 else ''}")
    print(f"\n{len(page.figures)} figures:")
    rows = [(f.section, f"{f.kind}/{f.measure}", _show(f.value if f.value is not None else f.text_value), f.unit,
             f.period or "", _show(f.ref_year), f.qualifier or "", f.setting or "", f.raw_text) for f in page.figures]
    _print_table(["section", "figure", "value", "unit", "period", "year", "qualifier", "setting", "as stated"], rows)
    return 0


def _read_page_file(path: Path) -> bytes:
    """The bytes of a regular file, never more than a page can be: a FIFO, a device (/dev/zero) or a
    directory is refused before it is opened, so reading can neither hang nor fill memory."""
    from parsers.decode import MAX_PAGE_BYTES

    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file (a pipe, socket or device)"
        raise UserError(f"cannot read {path}: {kind}; give the path of a saved page")
    with path.open("rb") as handle:
        data = handle.read(MAX_PAGE_BYTES + 1)
    return data


# Rows `ooh query` shows as a table unless told otherwise: a screenful is what a table is for.
QUERY_TABLE_ROWS = 1000


def cmd_query(args, settings) -> int:
    from warehouse.query import read_query

    limits = _query_limits(args)
    if args.output:
        _check_output(Path(args.output), Path(args.warehouse))
    if args.format == "parquet":
        return _query_to_parquet(args, limits)
    result = read_query(args.warehouse, args.sql, **limits)
    if args.output:
        _write_output(args.output, lambda path: _write_rows(args.format, result, path))
    elif args.format == "table":
        _print_table(result.columns, [[_show(v) for v in row] for row in result.rows])
    else:
        _print_rows(args.format, result, sys.stdout)
    if result.truncated:
        print(f"({len(result.rows):,} rows: {_CUT})", file=sys.stderr)
    return 0


def _query_limits(args) -> dict:
    max_rows = _count_option("--max-rows", args.max_rows, QUERY_TABLE_ROWS if args.format == "table" else 0)
    return {"max_rows": max_rows or None, "timeout": _seconds_option("--timeout", args.timeout),
            "allow_files": args.allow_files}


def _query_to_parquet(args, limits: dict) -> int:
    """Queries cannot write files: the command writes the result it read."""
    from warehouse.query import read_query_arrow, write_parquet

    if not args.output:
        raise UserError("give --output FILE for Parquet")
    result = read_query_arrow(args.warehouse, args.sql, **limits)
    _write_output(args.output, lambda path: write_parquet(result.table, path))
    print(f"wrote {result.table.num_rows} rows to {args.output}" + (f" ({_CUT})" if result.truncated else ""),
          file=sys.stderr)
    return 0


def _count_option(name: str, text: str | None, default: int) -> int:
    """A whole number >= 0 given on the command line; parsed here so that a wrong one is one line."""
    if text is None:
        return default
    if not text.isdigit():
        raise UserError(f"{name} {text}: give a whole number of rows (0 for all)")
    return int(text)


def _seconds_option(name: str, text: str | None) -> float | None:
    if text is None:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1
    if not 0 < seconds < float("inf"):
        raise UserError(f"{name} {text}: give a number of seconds above 0")
    return seconds


_CUT = "the query has more rows, cut at --max-rows; --max-rows 0 reads them all"


def _check_output(output: Path, warehouse: Path) -> None:
    """--output never names the warehouse or the files beside it (its versions, lock and log)."""
    output, warehouse = output.expanduser().resolve(), warehouse.expanduser().resolve()
    if output.parent == warehouse.parent and (output.name == warehouse.name or output.name.startswith(warehouse.name + ".")):
        raise UserError(f"--output {output} is one of the warehouse's own files: write somewhere else")


def _write_output(output: str, write) -> None:
    """Write the whole file beside its place, then rename it there: a failed write leaves no half file."""
    target = Path(output)
    if not target.parent.is_dir():
        raise UserError(f"cannot write {output}: there is no folder {target.parent}: give a file in an existing folder")
    scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(scratch)
        os.replace(scratch, target)
    except (OSError, WarehouseError) as exc:
        scratch.unlink(missing_ok=True)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc).splitlines()[0]
        raise UserError(f"cannot write {output}: {reason}: give a file in a folder you can write") from exc


def _write_rows(fmt: str, result, path: Path) -> None:
    with open(path, "w", newline="") as out:
        if fmt == "table":
            _print_table(result.columns, [[_show(v) for v in row] for row in result.rows], out)
        else:
            _print_rows(fmt, result, out)


def _print_rows(fmt: str, result, out) -> None:
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(result.columns)
        writer.writerows(result.rows)
    else:
        out.write(json.dumps([dict(zip(result.columns, row)) for row in result.rows], default=_json_value, indent=2) + "\n")


def _json_value(value):
    """Numbers stay numbers (DuckDB's DECIMAL arrives as Decimal); dates and the rest become text."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)


def cmd_timeline(args, settings) -> int:
    from warehouse.query import TIMELINE_SQL, read_query

    result = read_query(args.warehouse, TIMELINE_SQL.replace("{year}", str(args.dollars_of)), [args.dollars_of, args.title])
    columns, rows = result.columns, result.rows
    if not rows:
        raise UserError(f"no occupation title contains '{args.title}' in {args.warehouse}")
    shown = columns.index("share_continued")  # the columns after it are notes, printed in full below
    _print_table(columns[:shown], [[_show(v) for v in row[:shown]] for row in rows])
    notes = [_timeline_note(dict(zip(columns, row))) for row in rows]
    if any(notes):
        print("\nWhat continued, and the parts that moved (shares of employment, lineage_links has every link):")
        for note in filter(None, notes):
            print(note)
    print("\nSOC codes along the way:")
    for line in dict.fromkeys(f"  {row[0]}, {row[1]}: {row[-1] or 'no SOC code stated'}" for row in rows):
        print(line)  # once each: two statements of one edition merged into one occupation may share it
    if any(row[6] for row in rows):
        print("'hourly x 2080': the page states only an hourly median; the annual figure is derived from it.")
    return 0


def _timeline_note(row: dict) -> str:
    lines = []
    if row["merged_from"]:
        lines.append(f"merged from {len(row['merged_from'])} statements: {'; '.join(row['merged_from'])} "
                     "(jobs and projections are their sums; no median wage is theirs together)")
    if row["share_continued"] is not None and (row["share_continued"] < 0.995 or row["parted_to"]):
        rest = (f"parts went to {row['parted_to']}" if row["parted_to"]
                else "the rest went to codes no loaded page of the next edition states")
        lines.append(f"{_percent(row['share_continued'])} of its employment continued in this line; {rest}")
    if row["drew_from"]:
        lead = "a new occupation, drawn from" if row["edition"] == row["first_edition"] else "also drew parts from"
        lines.append(f"{lead} {row['drew_from']}")
    if not lines:
        return ""
    head = f"  {row['occupation']}, {row['edition']}: "
    return head + ("\n" + " " * len(head)).join(lines)


def _percent(share: float) -> str:
    return f"{100 * share:.0f}%" if share >= 0.005 else "<1%"


def cmd_links(args, settings) -> int:
    from warehouse.db import connect
    from warehouse.identity import link_report

    con = connect(args.warehouse, read_only=True)
    try:
        editions = [row[0] for row in con.execute("SELECT edition FROM editions ORDER BY base_year").fetchall()]
        newer = args.newer or (editions[-1] if editions else None)
        if newer not in editions:
            raise UserError(f"edition {newer} is not in {args.warehouse} (it has: {', '.join(editions) or 'none'})")
        older = args.older or (editions[editions.index(newer) - 1] if editions.index(newer) > 0 else None)
        if older not in editions:
            raise UserError(f"no older edition to link {newer} to in {args.warehouse} (it has: {', '.join(editions)})")
        report = link_report(con, older, newer)
    finally:
        con.close()
    unlinked = report.unlinked
    print(f"{report.continued} of {report.total} occupations of the {newer} edition "
          f"({100 * report.continued / max(report.total, 1):.1f}%) continue or merge an occupation of the {older} "
          f"edition; {len(unlinked)} do not (why, at the end). Shares are of employment: 'of it' of the "
          f"{older} occupation's, 'of this' of what the {newer} one drew from {older}.")
    print(f"\nContinuing lines ({older} -> {newer}), with the parts that moved:")
    for line in report.lines:
        if line.main:
            print(f"  {line.title} <- {'; '.join(line.main)}")
            for part in line.parts:
                print(f"      part: {part}")
    if unlinked:
        print(f"\nNot continuing an occupation of {older}:")
        for title, reason in unlinked:
            print(f"  {title}: {reason}")
    return 0


def cmd_export(args, settings) -> int:
    from warehouse.query import export_marts

    written = export_marts(args.warehouse, args.directory, overwrite=args.overwrite)
    print(f"Exported {len(written)} marts from {args.warehouse} to {Path(args.directory).resolve()} "
          "(manifest.json describes them):")
    _print_table(["mart", "rows", "files"], [(name, f"{rows:,}", where) for name, rows, where in written])
    return 0


def cmd_upgrade(args, settings) -> int:
    from warehouse.db import SCHEMA_VERSION
    from warehouse.publish import prepare

    if not Path(args.warehouse).exists():
        raise UserError(f"no warehouse at {args.warehouse}")
    changed = prepare(args.warehouse, report=print).upgraded
    print(f"{args.warehouse} {'is now' if changed else 'was already'} at schema version {SCHEMA_VERSION} with this "
          f"version's views{'; the version before is kept for ooh rollback' if changed else ''}.")
    return 0


def cmd_rollback(args, settings) -> int:
    from warehouse.publish import publish_rollback

    done = publish_rollback(args.warehouse, report=print)
    print(f"{args.warehouse} is back at {done.restored.label()}. The version it replaced ({done.replaced.label()}) "
          f"is kept as {args.warehouse}.prev: 'ooh rollback' again undoes this.")
    return 0


def cmd_report(args, settings) -> int:
    from warehouse.site import build_site

    # not a flow: it only reads the warehouse, in seconds, and needs no Prefect
    summary = build_site(args.warehouse, args.out, progress=lambda line: print(line, file=sys.stderr))
    print(summary.line())
    return 0


def cmd_coverage(args, settings) -> int:
    from flows.gate import CORPUS_DIRS, measure, read_floors, read_folders
    from flows.sources import SourceError

    folders = args.folders or ([str(d) for d in CORPUS_DIRS] if all(d.is_dir() for d in CORPUS_DIRS)
                               else [str(DEFAULT_SOURCE)])
    try:
        inputs = read_folders(folders)
    except SourceError as exc:
        raise UserError(str(exc)) from exc
    measured, failing = measure(inputs)
    floors = read_floors()
    rejected = [i for i in inputs if i.page is None]
    print(f"{len(inputs)} files in {', '.join(folders)}: {len(inputs) - len(rejected)} parsed, {len(rejected)} rejected")
    for item in rejected:
        print(f"  rejected {item.source_url.rsplit('/', 1)[-1]}: {item.reason} [{item.reason_code}]")
    below = 0
    for cls, checks in measured.items():
        print(f"\n{cls} ({max(n for _, n in checks.values())} pages)")
        rows = []
        for check, (hits, n) in checks.items():
            floor = floors.get(cls, {}).get(check)
            status = "" if floor is None or hits / n >= floor else "BELOW FLOOR"
            below += bool(status)
            rows.append((check, f"{hits}/{n}", f"{100 * hits / n:.1f}%", "" if floor is None else f"{100 * floor:.1f}%", status))
            if args.failures and hits < n:
                rows.extend(("", "", "", "", f"  {name}") for name in failing.get((cls, check), []))
        _print_table(["check", "pages", "share", "floor", ""], rows)
    return 1 if below else 0


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10000:  # counts; years stay bare
        return f"{value:,}"
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:,f}" if abs(value) >= 1000 else f"{value:f}"
    return str(value)


def _print_table(columns: list[str], rows: list, out=None) -> None:
    out = out or sys.stdout
    cells = [[str(c) for c in columns], *[[str(c) for c in row] for row in rows]]
    widths = [min(60, max(len(row[i]) for row in cells)) for i in range(len(columns))]
    for n, row in enumerate(cells):
        print("  ".join(cell[:60].ljust(width) for cell, width in zip(row, widths)).rstrip(), file=out)
        if n == 0:
            print("  ".join("-" * width for width in widths).rstrip(), file=out)
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", file=out)


COMMANDS = {"ingest": cmd_ingest, "fetch": cmd_fetch, "parse": cmd_parse, "query": cmd_query, "timeline": cmd_timeline,
            "links": cmd_links, "export": cmd_export, "upgrade": cmd_upgrade, "rollback": cmd_rollback, "report": cmd_report,
            "coverage": cmd_coverage, "serve": cmd_serve, "deploy": cmd_deploy, "server": cmd_server}

if __name__ == "__main__":
    sys.exit(main())

"""Settings: one validated place (flows/settings.py), read when asked, refused in one line when wrong; and
the writer lock's wait, which a setting bounds and a writer reports while it waits."""
from __future__ import annotations

import os
import threading

import pytest

from conftest import run
from flows.settings import Settings, SettingsError, load_settings, setting_docs
from warehouse.errors import WarehouseError
from warehouse.publish import publishing


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("OOH_"):
            monkeypatch.delenv(name)
    return monkeypatch


def test_defaults_and_the_environment_are_read_when_asked(clean_env, tmp_path):
    settings = load_settings()
    assert (settings.batch_size, settings.workers, settings.lock_wait, settings.delay) == (50, os.cpu_count() or 1, 600, 1.0)
    assert settings.warehouse == settings.data_dir / "ooh.duckdb"
    clean_env.setenv("OOH_DATA_DIR", str(tmp_path))
    clean_env.setenv("OOH_BATCH_SIZE", "7")
    clean_env.setenv("OOH_LOCK_WAIT", "0")
    again = load_settings()  # not frozen at import: a deployment's run sees its own environment
    assert (again.data_dir, again.warehouse, again.batch_size, again.lock_wait) == (
        tmp_path.resolve(), tmp_path.resolve() / "ooh.duckdb", 7, 0)


@pytest.mark.parametrize("name, value, words", [
    ("OOH_BATCH_SIZE", "0", "greater than or equal to 1"),
    ("OOH_WORKERS", "-1", "greater than or equal to 1"),
    ("OOH_DELAY", "-0.5", "greater than or equal to 0"),
    ("OOH_LOCK_WAIT", "soon", "valid number"),
    ("OOH_TIMEOUT", "0", "greater than 0"),
    ("OOH_HANDBOOK_URL", "ftp://bls.gov", "should match pattern"),
])
def test_a_value_out_of_its_limits_is_named_in_one_line(clean_env, name, value, words):
    clean_env.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings()
    message = str(refused.value)
    assert message.startswith(f"{name}={value!r}: ") and words in message and "\n" not in message


def test_the_command_refuses_a_bad_setting_with_exit_status_2(env):
    result = run(["query", "SELECT 1"], {**env, "OOH_BATCH_SIZE": "0"})
    assert result.returncode == 2
    assert result.stderr.startswith("ooh: OOH_BATCH_SIZE='0': input should be greater than or equal to 1")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_every_setting_has_a_default_and_a_description():
    docs = setting_docs()
    assert len(docs) == len(Settings.model_fields) and all(meaning for _, _, meaning in docs)
    assert ("OOH_LOCK_WAIT", "600", docs[[d[0] for d in docs].index("OOH_LOCK_WAIT")][2]) in docs


def test_a_writer_says_whose_lock_it_waits_for_then_gives_up_after_the_wait(tmp_path):
    warehouse = tmp_path / "w.duckdb"
    inside, release = threading.Event(), threading.Event()

    def holder():
        with publishing(warehouse):
            inside.set()
            release.wait(60)

    thread = threading.Thread(target=holder)
    thread.start()
    notes: list[str] = []
    try:
        assert inside.wait(60)
        with pytest.raises(WarehouseError) as gave_up:
            with publishing(warehouse, 0.3, report=notes.append):
                pass
    finally:
        release.set()
        thread.join()
    assert len(notes) == 1  # said once, not at every try
    assert notes[0].startswith("waiting for the writer lock held by ") and f"(pid {os.getpid()}, since " in notes[0]
    assert notes[0].endswith("(up to 0.3 s)")
    assert "another ingest or fetch has been writing" in str(gave_up.value)


def test_the_flow_s_task_runner_is_chosen_and_sized_when_a_run_starts(clean_env):
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    from flows.runs import SettingsTaskRunner

    runner = SettingsTaskRunner()
    clean_env.setenv("OOH_WORKERS", "3")
    assert runner.duplicate()._max_workers == 3  # Prefect duplicates a flow's runner for each run
    clean_env.setenv("OOH_WORKERS", "1")
    assert type(runner.duplicate()) is ThreadPoolTaskRunner and runner.duplicate()._max_workers == 1
    clean_env.setenv("OOH_TASK_RUNNER", "process")
    assert isinstance(runner.duplicate(), ProcessPoolTaskRunner)
    clean_env.setenv("OOH_TASK_RUNNER", "threads")
    with pytest.raises(SettingsError, match="OOH_TASK_RUNNER='threads'"):
        runner.duplicate()


def test_ooh_ingest_says_whose_lock_it_waits_for_and_gives_up_after_ooh_lock_wait(env, tmp_path):
    from conftest import PAGES
    from warehouse.writer_lock import writer_lock

    warehouse = tmp_path / "w.duckdb"
    with writer_lock(warehouse, 0):  # another writer, in this process, for as long as the command runs
        result = run(["ingest", "--source", str(PAGES), "--warehouse", str(warehouse)], {**env, "OOH_LOCK_WAIT": "1.5"})
    assert result.returncode == 2, result.stdout + result.stderr
    waiting = [line for line in result.stdout.splitlines() if line.startswith("waiting for the writer lock held by ")]
    assert len(waiting) == 1 and waiting[0].endswith("(up to 1.5 s)")  # said once, naming the holder
    assert f"(pid {os.getpid()}, since " in waiting[0]
    assert result.stderr.startswith("ooh ingest: another ingest or fetch has been writing ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr

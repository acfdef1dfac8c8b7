"""The flows' parameters, as Prefect sees them: each with a default (a deployment can start a run with
none) and a description (the UI shows it), and limits checked before any work."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

import pytest

if "PREFECT_HOME" not in os.environ:  # never a user's ~/.prefect; removed when the tests end
    os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="ooh-test-prefect-")
    atexit.register(shutil.rmtree, os.environ["PREFECT_HOME"], ignore_errors=True)

from prefect.exceptions import ParameterTypeError  # noqa: E402
from prefect.utilities.callables import parameter_schema  # noqa: E402

from flows.fetch import fetch  # noqa: E402
from flows.ingest import ingest  # noqa: E402


@pytest.mark.parametrize("flow", [ingest, fetch], ids=["ingest", "fetch"])
def test_every_parameter_has_a_default_and_a_description(flow):
    schema = parameter_schema(flow).model_dump_for_openapi()
    assert "required" not in schema
    for name, field in schema["properties"].items():
        assert "default" in field and field.get("description"), name
    assert flow.validate_parameters({})  # what a run with no parameters gets


def test_the_limits_are_in_the_schema_a_server_enforces():
    ingest_schema = parameter_schema(ingest).model_dump_for_openapi()["properties"]
    assert ingest_schema["batch_size"]["anyOf"][0]["minimum"] == 1
    fetch_schema = parameter_schema(fetch).model_dump_for_openapi()["properties"]
    assert fetch_schema["kind"]["enum"] == ["live", "wayback"]
    assert fetch_schema["limit"]["anyOf"][0]["minimum"] == 1 and fetch_schema["delay"]["anyOf"][0]["minimum"] == 0


@pytest.mark.parametrize("flow, parameters", [
    (ingest, {"batch_size": 0}),
    (fetch, {"batch_size": 0}),
    (fetch, {"limit": 0}),
    (fetch, {"delay": -1}),
    (fetch, {"kind": "archive"}),
    (fetch, {"edition": "2010"}),
    (fetch, {"handbook_url": "bls.gov"}),
], ids=lambda value: str(value) if isinstance(value, dict) else value.name)
def test_a_value_out_of_its_limits_is_refused_before_the_run_starts(flow, parameters):
    with pytest.raises(ParameterTypeError):
        flow.validate_parameters(parameters)

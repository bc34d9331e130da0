"""One quiet great_expectations session per process: lazy import, one ephemeral context.

great_expectations takes seconds to import, so it is imported only here and only when
a suite is validated or generated. Analytics are switched off before the import, its
progress bars are disabled in the context's configuration (``progress_bars``) and its
loggers are limited to errors.
"""

from __future__ import annotations

import functools
import logging
import os
import warnings
from collections.abc import Mapping
from typing import Any

import pandas as pd

# COMPLETE: every failing row's index, so failures name the file and lines of each row
# (without GX's query text, which grows with the rows and costs as much to build).
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 20,
    "return_unexpected_index_query": False,
}
SUMMARY_FORMAT = {**RESULT_FORMAT, "result_format": "SUMMARY"}
DATASOURCE = "stairs"
NOISY_LOGGERS = ("great_expectations", "tzlocal", "py.warnings")


@functools.cache
def import_gx():
    """Import great_expectations with analytics off and its log noise silenced."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    for name in NOISY_LOGGERS[:2]:
        logging.getLogger(name).setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import great_expectations as gx
    return gx


@functools.cache
def context():
    """The process's ephemeral GX context, with progress bars disabled."""
    gx = import_gx()
    from great_expectations.data_context.types.base import ProgressBarsConfig

    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return ctx


def _batch_definition(asset_name: str):
    ctx = context()
    try:
        source = ctx.data_sources.get(DATASOURCE)
    except (KeyError, ValueError, LookupError):
        source = ctx.data_sources.add_pandas(DATASOURCE)
    try:
        asset = source.get_asset(asset_name)
    except LookupError:
        asset = source.add_dataframe_asset(asset_name)
    try:
        return asset.get_batch_definition("whole table")
    except (KeyError, LookupError):
        return asset.add_batch_definition_whole_dataframe("whole table")


def validate_frame(
    frame: pd.DataFrame,
    suite: Mapping[str, Any],
    asset_name: str,
    parameters: Mapping[str, Any] | None = None,
) -> dict:
    """Validate ``frame`` against a suite (GX JSON dict) in one call; the result as JSON.

    The suite runs first with GX's SUMMARY format, whose lists stop at the first
    ``partial_unexpected_count`` values; only if an expectation fails does it run again
    with the COMPLETE format, whose full row lists name every failing line. Passing data,
    the usual case, so never build lists of every allowed blank (at 100x data that was
    most of the gate's time).
    """
    expectation_suite = suite_object(suite)
    batch = _batch_definition(asset_name).get_batch(batch_parameters={"dataframe": frame})
    arguments = dict(parameters or {})
    result = _validate(batch, expectation_suite, SUMMARY_FORMAT, arguments)
    if not result.success:
        result = _validate(batch, expectation_suite, RESULT_FORMAT, arguments)
    return result.to_json_dict()


def _validate(batch, expectation_suite, result_format: dict, parameters: dict):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return batch.validate(
            expectation_suite, result_format=result_format, expectation_parameters=parameters
        )


def suite_object(suite: Mapping[str, Any]):
    """A GX ExpectationSuite from its JSON dict."""
    context()
    keys = ("name", "expectations", "meta", "notes")
    return import_gx().ExpectationSuite(**{key: suite[key] for key in keys if key in suite})

"""Test options: chaos tests (many SIGKILLs, minutes) run only with ``--chaos``
(``make chaos``); ``make test`` runs everything else."""

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--chaos", action="store_true", help="also run the tests marked chaos")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--chaos"):
        return
    skip = pytest.mark.skip(reason="chaos test: run with --chaos (make chaos)")
    for item in items:
        if "chaos" in item.keywords:
            item.add_marker(skip)

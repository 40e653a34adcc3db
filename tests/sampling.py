"""Samples drawn from a seed that the run prints and an environment variable replays.

Each sample is named by its variable (CELL_ACCESS_SEED, ACCESSIBILITY_SEED, …): its value, if
set, replays a run; else it is the run's own seed, the same in every xdist worker (the run's
id, chosen once by the process that starts them). The run prints the seeds at its end, and a
failing test names its own.
"""

import os
import random
import uuid

# The samples that take the run's seed.
SAMPLES = ("ACCESSIBILITY_SEED", "CELL_ACCESS_SEED", "ROLLUP_SEED")


def give_the_run_an_id(config):
    """Choose the run's id here rather than let each worker make one up: the workers are given
    it, and the process that prints the summary knows it too."""
    if not hasattr(config, "workerinput") and not config.getoption("testrunuid", None):
        config.option.testrunuid = uuid.uuid4().hex


def run_seed(config, variable):
    """The seed of the sample named ``variable`` in this run."""
    if os.environ.get(variable):
        return os.environ[variable]
    run = getattr(config, "workerinput", {}).get("testrunuid")
    return (run or config.getoption("testrunuid"))[:8]


def deal(items, hands, *seeds):
    """``items`` shuffled by the seeds and dealt round ``hands`` hands, so that the hands
    together hold every item once; the same in every test and worker that deals them."""
    items = list(items)
    random.Random(":".join(map(str, seeds))).shuffle(items)
    return [items[hand::hands] for hand in range(hands)]


def summarize(terminalreporter, config):
    terminalreporter.write_sep("-", "samples of this run (each variable replays its sample)")
    terminalreporter.write_line(
        " ".join(f"{variable}={run_seed(config, variable)}" for variable in SAMPLES)
    )

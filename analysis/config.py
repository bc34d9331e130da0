"""Project configuration as plain values: paths, thresholds and seeds.

Nothing here reads files or creates folders; functions elsewhere do I/O when called.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent

SCHEMA_PATH = PACKAGE_DIR / "schema.yaml"
PUBLISHED_FIGURES_PATH = PACKAGE_DIR / "reference" / "published-figures.csv"

DEFAULT_DATA_DIR = PROJECT_ROOT / "synthetic_data" / "data"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
CHAPTERS_DIR = PROJECT_ROOT / "chapters"
QUARTO_CONFIG = PROJECT_ROOT / "_quarto.yml"
BUILD_DIR = PROJECT_ROOT / "_build"
BOOK_DIR = PROJECT_ROOT / "_book"

# Synthetic data
DEFAULT_SEED = 20180801
N_SITES = 18

# Statistical disclosure control (NHS secondary-care convention)
SDC_SUPPRESS_MAX = 7  # counts 1..7 are suppressed
SDC_ROUND_BASE = 5  # other counts are rounded to the nearest 5
SDC_MIN_N_FOR_MEAN = 8  # means only where n >= 8
SDC_SYMBOL = "*"
# Below national level a share of 0% or 100% of a group smaller than this is not shown
SDC_SMALL_GROUP = 20

# Smallest group a model is fitted to; smaller groups are "not estimated (n too small)"
MIN_N_FOR_MODEL = 30

# Interview themes: a 95% interval is shown only on at least this many interviews
MIN_N_FOR_INTERVAL = 10

# Evidence status: the lines a finding's 95% interval is tested against
MAJORITY_SHARE = 0.5  # "most"
COMMON_THEME_SHARE = 0.25  # a "common" interview theme: at least one interview in four
SOME_THEME_SHARE = 0.10  # a theme "some" describe: at least one interview in ten
COMPLETE_RETURNS_SHARE = 0.9  # administrative returns are patchy below nine cases in ten

# Economics defaults (GBP)
DEFAULT_WTP = 30_000.0
ALTERNATIVE_WTP = 20_000.0
DEFAULT_PSA_DRAWS = 5_000
MIN_PSA_DRAWS = 100
DEFAULT_PSA_SEED = 20180801
# The QALY gain per supported staff member was not measured: these are illustrative
# assumptions of the probabilistic analysis, stated as such in the topic 5 chapter.
DEFAULT_QALY_GAIN_MEAN = 0.01
DEFAULT_QALY_GAIN_SD = 0.01
# Illustrative scale-up (operational staff); replace with local figures.
DEFAULT_STAFF_PER_UNIT = 30
DEFAULT_STAFF_PER_SETTING = 150
# Upper end of the willingness-to-pay range of the acceptability curve (GBP per QALY)
CEAC_MAX_WTP = 60_000.0

# Evaluation years, as labels used in the report (their months are in schema.yaml)
YEARS = (1, 2, 3)
# First month of the COVID-19 pandemic in England (first national lockdown, 23 March 2020)
PANDEMIC_START = "2020-03"
SETTING_TYPES = ("YOI", "STC", "SCH")
NO_SITE_REPORT = ("STC",)  # setting types only ever reported with their group, never alone

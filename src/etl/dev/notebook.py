# %% [markdown]
# # Transform dev notebook
# Cells (`# %%`) wired to the dev session, a Spark Connect server with the transform's s3a and Delta settings:
# start it with `etl up --with dev` (or ETL: Preview Change starts it). Run a cell with Shift+Enter in VS Code's
# Interactive Window (the Jupyter extension), or the whole file as a script:
#     $(etl which python) notebooks/transform_dev.py
# ETL: Open Dev Notebook writes this file once from src/etl/dev/notebook.py: it is yours to edit.

# %% Connect: the project's `etl` package on the path, a session on the dev server
import sys
from pathlib import Path


def project_root() -> Path:
    """The folder holding config/contract.json, above this file (a script) or the working folder (a notebook)."""
    start = Path(globals().get("__file__", Path.cwd() / "notebook.py")).resolve().parent
    return next(p for p in (start, *start.parents) if (p / "config" / "contract.json").is_file())


sys.path.insert(0, str(project_root() / "src"))

from pyspark.errors import AnalysisException  # noqa: E402  (after the path above)

from etl.config import load_settings  # noqa: E402
from etl.dev.inputs import select_inputs  # noqa: E402
from etl.dev.session import dev_session  # noqa: E402
from etl.extract.store import make_client  # noqa: E402
from etl.transform import model  # noqa: E402
from etl.transform.months import classify_months  # noqa: E402
from etl.transform.rules import REJECT_COLUMN, rule_counts  # noqa: E402
from etl.transform.sources import read_trips  # noqa: E402

settings = load_settings()
spark = dev_session(settings)
print(f"Spark {spark.version} at {settings.spark_connect_url}")

# %% A month of the rawzone: the first month of the last extraction run
inputs = select_inputs(make_client(settings), settings.rawzone_bucket)
first = inputs.files[:1]
months, _ = read_trips(spark, first)
(month, raw), = months.items()
print(f"{inputs.described}: {first[0].path}, {raw.count():,} rows")
raw.show(3)

# %% A gold table, as published (Delta)
try:
    fact = spark.read.format("delta").load(f"s3a://{settings.gold_bucket}/{model.FACT}")
    print(f"gold {model.FACT}: {fact.count():,} rows")
    fact.select("trip_key", "pickup_datetime", "trip_distance_mi", "speed_mph", "total_amount").show(3)
except AnalysisException:
    fact = None
    print(f"gold has no {model.FACT} yet: publish one with `etl transform`")

# %% The transform's own functions on that month: classify, then build the fact
classified = classify_months({month: raw}, inputs.sizes, inputs.zone_ids)[month].cache()
rule_counts(classified).orderBy(REJECT_COLUMN).show()
preview_fact = model.fact_trips(model.kept(classified))
print(f"{month[0]:04d}-{month[1]:02d}: {preview_fact.count():,} rows would be published to {model.FACT}")

# %% Compare with gold's rows of that month (ETL: Preview Change does this for every table)
if fact is not None:
    published = fact.where((fact.pickup_year == month[0]) & (fact.pickup_month == month[1]))
    only_now = preview_fact.select("trip_key").exceptAll(published.select("trip_key")).count()
    only_gold = published.select("trip_key").exceptAll(preview_fact.select("trip_key")).count()
    print(f"trip keys only in this preview: {only_now:,}; only in gold: {only_gold:,}")

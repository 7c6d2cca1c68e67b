"""clean_and_transform: rawzone trip files -> cleaned, modelled star schema in gold.

Pure DataFrame functions live in `schema` (conform drifting files to one target
schema), `rules` (named cleaning rules), `model` (fact, dimensions, marts); I/O is at
the edges in `sources` (manifest + s3a reads), `writer` (Delta Lake tables, a month
replaced per commit with replaceWhere), `report` (quality JSON), `lock` (one writer per gold
bucket), `unfinished` (a run that died, told by the next), `watchdog` + `failure` (fail fast, say
why). `job.run_transform` wires them; `python -m etl.transform` is the entry spark-submit runs (see etl.submit).
"""

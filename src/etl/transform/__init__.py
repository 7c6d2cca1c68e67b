"""clean_and_transform: rawzone trip files -> cleaned, modelled star schema in gold.

Pure DataFrame functions live in `schema` (conform drifting files to one target
schema), `rules` (named cleaning rules), `model` (fact, dimensions, marts); I/O is at
the edges in `sources` (manifest + s3a reads), `writer` (per-partition overwrite through
the S3A magic committer) and `report` (quality JSON). `job.run_transform` wires them;
`python -m etl.transform` is the entry spark-submit runs (see etl.submit).
"""

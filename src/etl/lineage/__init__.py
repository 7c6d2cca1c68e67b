"""Lineage of the gold tables as OpenLineage run events (openlineage-python), from the column declarations
of etl.transform.columns: which raw columns each gold column reads, and the line that defines it."""

"""ETL Spark: extract NYC TLC trip files into MinIO and model them with PySpark."""

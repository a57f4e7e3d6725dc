"""Several parts together on small studies (ingestion, models, erasure), without notebooks."""

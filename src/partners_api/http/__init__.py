"""HTTP layer: the FastAPI application, its routes, authentication and error bodies."""

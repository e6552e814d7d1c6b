"""Domain layer: the rules of partners, customers and API keys, free of HTTP."""

"""The clinical core: scales, validation and analysis. Pure Python, no Qt, no SQLAlchemy."""

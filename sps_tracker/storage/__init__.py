"""Storage: SQLAlchemy models, the engine factory, migrations. No Qt."""

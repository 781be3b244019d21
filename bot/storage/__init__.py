"""Storage: SQLAlchemy 2.x ORM models, engines and repositories."""

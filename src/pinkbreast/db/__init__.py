"""Database: typed SQLAlchemy 2.0 models, engine/session helpers, Alembic migrations beside them."""

"""WSGI entry point for servers started by hand: ``gunicorn pinkbreast.wsgi:app``."""

from pinkbreast.web import create_app, logs

logs.configure()
app = create_app()

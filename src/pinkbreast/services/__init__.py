"""Use cases shared by the web app, the API and the command line.

Service functions take keyword-only arguments (``*, session, ...``), own their transaction and
never touch ``flask.request``.
"""

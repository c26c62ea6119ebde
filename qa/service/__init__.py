"""The HTTP layer: the Flask app, JSON API, pages, admission and shedding, the gunicorn runner."""

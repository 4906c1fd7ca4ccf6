"""The service's logging: one JSON line per event on standard error, and nothing of a request's contents. The
service logs request ids, routes, statuses, times and callers only; a traceback (whose message could quote request
text) is cut to its exception type."""
import json
import logging


class NoContents(logging.Filter):
    """Drop exception text and arguments from records of other libraries; keep the exception's type."""

    def filter(self, record):
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.getMessage().split(':')[0]} ({record.exc_info[0].__name__})"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        return True


class JsonLines(logging.Formatter):
    def format(self, record):
        message = record.getMessage()
        if record.name == "mtus_checker.service":  # already a JSON object of safe fields
            return message
        return json.dumps({"logger": record.name, "level": record.levelname, "message": message}, sort_keys=True)


def config(level="INFO"):
    """A logging.config dictionary for uvicorn and the service (uvicorn's access log is replaced by ours)."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "filters": ["no_contents"],
               "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "filters": {"no_contents": {"()": NoContents}},
        "formatters": {"json": {"()": JsonLines}},
        "handlers": {"stderr": handler},
        "loggers": {
            "mtus_checker.service": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            "fastapi": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "sqlalchemy": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
    }

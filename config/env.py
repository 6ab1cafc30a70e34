"""Small, strict parsers for settings read from the environment.

Each helper takes the environment mapping explicitly (``os.environ`` by default) and raises
``ImproperlyConfigured`` naming the variable and the value it could not use, so a typo in a
deployment fails at start-up with a clear message instead of running with a surprising default.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default="", environ=os.environ):
    return environ.get(name, default)


def env_bool(name, default=False, environ=os.environ):
    if name not in environ:
        return default
    value = environ[name].strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={environ[name]!r} is not a boolean: use one of 1/0, true/false, yes/no, on/off."
    )


def env_int(name, default, environ=os.environ, minimum=None):
    if name not in environ:
        return default
    try:
        value = int(environ[name])
    except ValueError:
        raise ImproperlyConfigured(f"{name}={environ[name]!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is too small: it must be at least {minimum}.")
    return value


def env_list(name, default=(), environ=os.environ):
    if name not in environ:
        return list(default)
    return [item.strip() for item in environ[name].split(",") if item.strip()]


DATABASE_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def parse_database_url(url, base_dir=Path(".")):
    """Turn ``postgres://user:pass@host:port/name?opt=v`` or ``sqlite:///path`` into a
    Django ``DATABASES`` entry. Relative SQLite paths are taken from ``base_dir``."""
    parts = urlsplit(url)
    engine = DATABASE_ENGINES.get(parts.scheme)
    if engine is None:
        known = ", ".join(sorted(DATABASE_ENGINES))
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r}: unknown scheme {parts.scheme!r}; use one of {known}."
        )
    if parts.scheme == "sqlite":
        path = unquote(parts.path.removeprefix("/"))
        if not path:
            raise ImproperlyConfigured(
                f"DATABASE_URL={url!r}: give a file, e.g. sqlite:///var/db.sqlite3."
            )
        # sqlite:///var/db.sqlite3 is relative to base_dir, sqlite:////srv/db.sqlite3 absolute.
        return {"ENGINE": engine, "NAME": str(Path(base_dir) / path)}

    name = unquote(parts.path.removeprefix("/"))
    if not name:
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r}: the database name is missing (…/dbname)."
        )
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r}: the port is not a number.") from None
    return {
        "ENGINE": engine,
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }



def env_severity_map(name, default, environ=os.environ):
    """``critical=1,warning=3`` → {"critical": 1, "warning": 3}: label values to SEV numbers."""
    text = environ.get(name, default)
    result = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        label, sep, number = item.partition("=")
        if not sep or not label.strip() or number.strip() not in {"1", "2", "3", "4"}:
            raise ImproperlyConfigured(
                f"{name}={text!r}: {item!r} is not label=severity with a severity 1 to 4 "
                "(e.g. critical=1,warning=3).")
        result[label.strip().lower()] = int(number)
    return result


def env_role_map(name, default="", roles=("viewer", "editor", "admin"), environ=os.environ):
    """``sre-admins=admin,sre=editor`` → {"sre-admins": "admin", "sre": "editor"}: the groups
    of a sign-in provider to this site's roles. A group name may contain ``=`` (the last one
    separates the role), not a comma."""
    text = environ.get(name, default)
    result = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        group, sep, role = item.rpartition("=")
        if not sep or not group.strip() or role.strip() not in roles:
            raise ImproperlyConfigured(
                f"{name}={text!r}: {item!r} is not group=role with a role of "
                f"{', '.join(roles)} (e.g. sre-admins=admin,sre=editor,staff=viewer).")
        result[group.strip()] = role.strip()
    return result

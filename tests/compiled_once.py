"""What every test's app compiles again, compiled once per test process.

Each test builds its own app (``conftest.app``), and with it three things a production worker builds once at
start-up and then keeps: werkzeug's URL builder for each of the portal's rules, Jinja's templates, and
SQLAlchemy's compiled SQL (kept per engine, and each test has its own engine). A sampling profile of the app
tests (py-spy, 108 tests of four modules) put them at about 19 %, a few % and 16 % of the tests' time. The
compiled forms are the same for every app: they depend on the rule, the template source or the statement and the
dialect, not on the app's settings or data. So the test process keeps them:

- URL builders: ``werkzeug.routing.Rule._compile_builder`` generates and compiles a small Python function from
  the rule's parsed parts; the function reads the rule's converters through its ``self`` argument at each call, so
  one function serves every app's copy of the same rule. Memoised on what the generated code is made of.
- Templates: a Jinja bytecode cache in memory (Jinja's own extension point), keyed as Jinja keys it (template
  name and a checksum of its source).
- The SQLite schema: built once into a file (``create_all``, as the fixture did for every test) and copied for each
  test (a file copy instead of some sixty ``CREATE`` statements compiled and run).
- SQL: one compiled-statement cache for the process (the portal's ``portal.db.CompiledCache``, SQLAlchemy's
  ``compiled_cache`` execution option), its keys by value made independent of the dialect *instance* (each engine
  has its own) but not of the dialect's kind, version or parameter style.

None of this changes what a page does or which statements it sends: only how often the same thing is compiled.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from jinja2 import BytecodeCache
from werkzeug.routing import Rule

from portal.db import CompiledCache

# --- URL builders ------------------------------------------------------------------------------------

_builders: dict = {}
_compile_builder = Rule._compile_builder


def _builder_key(rule: Rule, append_unknown: bool):
    defaults = tuple(sorted((key, rule._converters[key].to_url(value) if key in rule._converters else repr(value))
                            for key, value in (rule.defaults or {}).items()))
    return append_unknown, rule.rule, tuple(rule._trace), defaults


def _memoised_compile_builder(self: Rule, append_unknown: bool = True):
    try:
        key = _builder_key(self, append_unknown)
    except Exception:  # a default its converter cannot put in a URL: werkzeug says so itself
        return _compile_builder(self, append_unknown)
    builder = _builders.get(key)
    if builder is None:
        builder = _builders[key] = _compile_builder(self, append_unknown)
    return builder


# --- templates ---------------------------------------------------------------------------------------

class _TemplatesCompiledOnce(BytecodeCache):
    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = _TemplatesCompiledOnce()


# --- SQL ---------------------------------------------------------------------------------------------

class _CompiledSQL(CompiledCache):
    """The portal's compiled cache (found by the statement's key object first), shared by every engine of the
    process. SQLAlchemy's key starts with the dialect instance; by value, here, it starts with what makes dialects
    compile alike."""

    def __init__(self, size: int = 5000) -> None:
        super().__init__(size=size, by_identity=size)

    def _value_key(self, key):
        dialect = key[0]
        kind = (type(dialect), dialect.server_version_info, dialect.paramstyle, dialect.label_length,
                dialect.max_identifier_length)
        return (kind, *key[1:])


_SQL = _CompiledSQL()


# --- the SQLite schema --------------------------------------------------------------------------------

_schema_file: Path | None = None


def sqlite_schema_copy(target: Path) -> None:
    """Put an empty database with the portal's schema at ``target`` (what ``db.create_all()`` builds)."""
    global _schema_file
    if _schema_file is None:
        from sqlalchemy import create_engine

        import portal.models  # noqa: F401  (every table on the metadata)
        from portal.extensions import db

        folder = tempfile.mkdtemp(prefix="bp-schema-")
        atexit.register(shutil.rmtree, folder, True)
        built = Path(folder) / "schema.db"
        engine = create_engine(f"sqlite:///{built}")
        db.metadata.create_all(engine)
        engine.dispose()
        _schema_file = built
    shutil.copyfile(_schema_file, target)


def install() -> None:
    """Memoise the URL builders for the rest of the process (called once, by conftest)."""
    Rule._compile_builder = _memoised_compile_builder


def share(app) -> None:
    """Give a freshly created app the process's templates and compiled SQL (call before its first request)."""
    from portal.extensions import db

    app.jinja_env.bytecode_cache = TEMPLATES
    with app.app_context():
        db.engine.update_execution_options(compiled_cache=_SQL)

"""Development helper, used only before the first release: rebuild 0001 from the models.

After the first release the schema changes only through new, named migrations (``alembic revision
--autogenerate`` against portal.db.alembic_config), never by editing 0001.
"""
import tempfile
from pathlib import Path

from alembic import command

from portal.db import MIGRATIONS, alembic_config

initial = MIGRATIONS / "versions" / "0001_create_initial_schema.py"
later = [p for p in (MIGRATIONS / "versions").glob("*.py") if p != initial]
held = {p: p.read_text() for p in later}
for p in later:
    p.unlink()
initial.unlink(missing_ok=True)
try:
    with tempfile.TemporaryDirectory() as tmp:
        cfg = alembic_config(f"sqlite:///{Path(tmp) / 'empty.db'}")
        command.revision(cfg, message="create initial schema", autogenerate=True, rev_id="0001")
finally:
    for p, text in held.items():
        p.write_text(text)
print(f"rewrote {initial}")

"""What starting the portal costs: every ``flask`` command, task consumer and server worker builds the app first.

pandas and NumPy (a quarter of the start-up: benchmarks/README.md, "Start-up") are imported by the functions that
make frames (recaps, results, tracking, exports), not at start-up: a command such as ``flask backup`` or a consumer
that only sends mail never loads them. A module that imports them at its top again fails here; ruff's
undefined-name check (F821) fails a function that uses ``pd`` without importing it.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_app_factory_and_the_command_line_load_neither_pandas_nor_numpy(tmp_path):
    code = (
        "import sys, portal\n"
        f"app = portal.create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path / 'p.db'}', 'SECRET_KEY': 'k'}},"
        f" instance_path={str(tmp_path / 'instance')!r})\n"
        "assert app.cli.commands\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))\n"
        "import portal.scoring_adapter as adapter\n"
        "from portal.extensions import db\n"
        "with app.app_context():\n"
        "    db.create_all()\n"
        "    frame = adapter.scores_frame([])\n"  # a function that makes a frame imports pandas
        "print(type(frame).__module__.split('.')[0], 'pandas' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "pandas True"]

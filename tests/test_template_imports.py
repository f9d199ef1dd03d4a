"""Templates imported without context (``{% from "x.html" import m %}``) are run once by Jinja and their macros
kept for every later page; one imported with context is run again at each rendering (4 % of the home page).
What the former read must then be a template global, never a variable of the page being rendered: such a name
would be undefined there, and an undefined name renders as nothing or tests false, without an error."""
from __future__ import annotations

import re

from jinja2 import meta, nodes

_IMPORT = re.compile(r'\{%-?\s*(?:from\s+"([^"]+)"\s+import\s+[^%]*?|import\s+"([^"]+)"\s+as\s+\w+[^%]*?)-?%\}')


def imported_without_context(env) -> set[str]:
    names = set()
    for name in env.loader.list_templates():
        if not name.endswith(".html"):
            continue
        source = env.loader.get_source(env, name)[0]
        for match in _IMPORT.finditer(source):
            if "with context" not in match.group(0):
                names.add(match.group(1) or match.group(2))
    return names


def test_templates_imported_without_context_read_only_template_globals(app):
    env = app.jinja_env
    imported = imported_without_context(env)
    assert {"home/_month.html", "elearning/_macros.html", "panels/_macros.html", "_pager.html"} <= imported
    for name in sorted(imported):
        tree = env.parse(env.loader.get_source(env, name)[0])
        own = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}  # its sets, loops, arguments
        needed = meta.find_undeclared_variables(tree) - own - set(env.globals)
        assert not needed, f"{name} is imported without context but reads {sorted(needed)} from the page"


def test_a_page_variable_in_such_a_template_is_found(app):
    """The check above finds a name that comes from a context processor (the signed-in user) or the view."""
    env = app.jinja_env
    tree = env.parse('{% macro card(p) %}{{ panel_title(p) }} {{ current_user.name }} {{ team }}{% endmacro %}')
    own = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    assert meta.find_undeclared_variables(tree) - own - set(env.globals) == {"current_user", "team"}

#!/usr/bin/env bash
# Refresh the English catalogue from the Indonesian source strings, then compile it.
#
#   scripts/update_translations.sh
#
# 1. extract every _() / gettext / ngettext / lazy_gettext / _l string from portal/**.py and
#    templates/**.html (babel.cfg) into portal/translations/messages.pot;
# 2. create (first run) or update portal/translations/en/LC_MESSAGES/messages.po;
# 3. compile messages.mo, which Flask-Babel reads.
#
# New strings arrive in the .po with an empty msgstr: translate them (no fuzzy entries, keep
# every %(name)s placeholder) and run this script again so the .mo matches the .po.
# Indonesian is the source language and needs no catalogue.
set -euo pipefail

cd "$(dirname "$0")/.."
DIR=portal/translations
POT=$DIR/messages.pot
PO=$DIR/en/LC_MESSAGES/messages.po

mkdir -p "$DIR"
pybabel extract -F babel.cfg -k lazy_gettext -k _l \
    --project="bp-portal" --copyright-holder="bp-portal" --msgid-bugs-address="-" \
    --sort-by-file -o "$POT" .

if [ -f "$PO" ]; then
    pybabel update -i "$POT" -d "$DIR" -l en --no-fuzzy-matching --ignore-obsolete
else
    pybabel init -i "$POT" -d "$DIR" -l en
fi

pybabel compile -d "$DIR" --statistics

python - "$PO" <<'PY'
import sys
from babel.messages.pofile import read_po

with open(sys.argv[1], "rb") as fh:
    catalog = read_po(fh)
todo = [m.id for m in catalog if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else (m.string,)))]
if todo:
    print(f"{len(todo)} message(s) still need an English translation:", file=sys.stderr)
    for msgid in todo:
        print("  ", msgid if isinstance(msgid, str) else msgid[0], file=sys.stderr)
PY

#!/usr/bin/env bash
# Refresh the Spanish catalogue from the source strings and list what still needs a translation.
#
#   scripts/translations.sh            update locale/es/LC_MESSAGES/django.po, report
#   scripts/translations.sh --compile  also compile django.mo (run it once nothing is missing)
#
# Exits 1 while any entry is untranslated or fuzzy (Django ignores both at run time), so it can
# gate a commit. Needs the gettext tools (msgfmt, msgattrib): apt-get install gettext.
set -euo pipefail

cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PO=locale/es/LC_MESSAGES/django.po

"$PY" manage.py makemessages -l es \
  --ignore=.venv --ignore=static/vendor --ignore=staticfiles --ignore=bench --ignore=tests \
  --ignore=media --ignore=test-artifacts

msgfmt --check -o /dev/null "$PO"

untranslated=$(msgattrib --untranslated --no-obsolete "$PO" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$PO" | grep -c '^msgid ' || true)
# Both listings repeat the header entry (msgid ""), which is neither.
untranslated=$(( untranslated > 0 ? untranslated - 1 : 0 ))
fuzzy=$(( fuzzy > 0 ? fuzzy - 1 : 0 ))

if [ "$untranslated" -gt 0 ]; then
  echo "== $untranslated untranslated entries in $PO:"
  msgattrib --untranslated --no-obsolete --no-wrap "$PO" | sed -n '/^#: /,$p'
fi
if [ "$fuzzy" -gt 0 ]; then
  echo "== $fuzzy fuzzy entries (check the guess, then delete the '#, fuzzy' line):"
  msgattrib --only-fuzzy --no-obsolete --no-wrap "$PO" | sed -n '/^#: /,$p'
fi

if [ "${1:-}" = "--compile" ]; then
  "$PY" manage.py compilemessages --ignore=.venv -l es
fi

msgfmt --statistics -o /dev/null "$PO"
[ "$untranslated" -eq 0 ] && [ "$fuzzy" -eq 0 ]

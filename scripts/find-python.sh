#!/usr/bin/env bash
# Print the path of a Python interpreter >= 3.12 that really runs, or explain what to install.
# Tries, in order: $PYTHON, python3.12, python3.13, python3, then pyenv's versions folder.
set -u
ok() { "$1" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for name in python3.12 python3.13 python3.14 python3; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
command -v pyenv >/dev/null 2>&1 && pyenv_root=$(pyenv root)
for dir in $(ls -d "$pyenv_root"/versions/3.* 2>/dev/null | sort -V); do
  candidates+=("$dir/bin/python3")
done
for c in "${candidates[@]}"; do
  if ok "$c"; then
    "$c" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
echo "error: no Python >= 3.12 found (tried \$PYTHON, python3.12, python3.13, python3 and $pyenv_root/versions)." >&2
echo "Install one (e.g. 'pyenv install 3.12' or Debian's python3.12) or set PYTHON=/path/to/python3.12." >&2
exit 1

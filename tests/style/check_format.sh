#!/usr/bin/env bash
# Fails, naming the files and lines, when a C++ source differs from what clang-format makes of it
# with the repository's .clang-format (100 columns, Google-based). Fix: clang-format -i FILE...
#   check_format.sh REPOSITORY_ROOT
set -euo pipefail
cd "${1:?usage: check_format.sh REPOSITORY_ROOT}"
if ! command -v clang-format >/dev/null; then
    echo "check_format: clang-format is not installed (packaging/install-deps.sh installs it)" >&2
    exit 1
fi
mapfile -t files < <(find core app ui tests \( -name '*.cpp' -o -name '*.h' \) -not -path 'tests/data/*' | sort)
if ! clang-format --dry-run --Werror "${files[@]}" 2>"${TMPDIR:-/tmp}/check_format.$$"; then
    grep -o '^[^:]*\.\(cpp\|h\)' "${TMPDIR:-/tmp}/check_format.$$" | sort | uniq -c | sed 's/^/  needs clang-format: /' >&2
    head -40 "${TMPDIR:-/tmp}/check_format.$$" >&2
    rm -f "${TMPDIR:-/tmp}/check_format.$$"
    exit 1
fi
rm -f "${TMPDIR:-/tmp}/check_format.$$"
echo "check_format: ${#files[@]} files formatted as .clang-format says"

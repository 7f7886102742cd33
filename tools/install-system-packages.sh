#!/usr/bin/env bash
# Install the system packages the tests need that pip cannot install: PostgreSQL's server
# programs (initdb, pg_ctl), for the scale-out end-to-end test (tests/e2e/test_scale_out.py).
#
# Installs only what is missing, and only as root on a system with apt-get (Debian,
# Ubuntu): `apt-get update`, then Debian's `postgresql`, quietly. Anywhere else it says
# what it skipped and why, and exits 0: the test then runs on SQLite and says so.
# Safe to run again. CI runs it before the tests (.ci/run).
set -euo pipefail

# Where Debian puts PostgreSQL's server programs (they are not on PATH).
POSTGRES_INITDB_GLOB="${POSTGRES_INITDB_GLOB:-/usr/lib/postgresql/*/bin/initdb}"

installed_postgres() {
	# shellcheck disable=SC2086  # the glob must expand
	compgen -G "$POSTGRES_INITDB_GLOB" >/dev/null || command -v initdb >/dev/null
}

if installed_postgres; then
	echo "PostgreSQL: already installed, nothing to do"
	exit 0
fi
if [ "$EUID" -ne 0 ]; then
	echo "PostgreSQL: not installed; skipped: installing system packages needs root" \
		"(run: sudo $0). The scale-out test will use SQLite and say so."
	exit 0
fi
if ! command -v apt-get >/dev/null; then
	echo "PostgreSQL: not installed; skipped: no apt-get here. Install PostgreSQL 14.9 or" \
		"later with this system's package manager; until then the scale-out test uses SQLite."
	exit 0
fi
echo "PostgreSQL: installing Debian's postgresql (apt-get update, then apt-get install)"
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
# Quiet: apt-get's output is shown only if it fails.
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; } \
	>"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "PostgreSQL: apt-get could not install postgresql (its output is above)" >&2
	exit 1
fi
rm -f "$log"
if ! installed_postgres; then
	echo "PostgreSQL: apt-get installed postgresql, but no initdb was found" >&2
	exit 1
fi
# Debian's package also sets up a default cluster (and, where services run, starts it on
# port 5432); the tests never use it: each starts a throw-away cluster of its own.
echo "PostgreSQL: installed"

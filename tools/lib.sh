# Shared by tools/test and tools/demo: find Odoo 19, start PostgreSQL, write an Odoo config.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}

die() { echo "ERROR: $*" >&2; exit 3; }

# Sets ODOO_PYTHON_PATHS (what the interpreter needs on sys.path to import odoo and its
# dependencies) and ADDONS_PATH (Odoo's own addons, then ours).
find_odoo() {
    local probe
    probe=$("$PYTHON" - <<'PY' 2>/dev/null
import os, site, sys
import odoo.release
if odoo.release.version_info[0] != 19:
    sys.exit(1)
import odoo
package = list(odoo.__path__)[0]
source = os.path.dirname(package)
paths = [source] + site.getsitepackages() + [site.getusersitepackages()]
addons = [os.path.join(package, "addons"), os.path.join(source, "addons")]
print(os.pathsep.join(p for p in paths if os.path.isdir(p)))
print(",".join(p for p in addons if os.path.isdir(p)))
PY
    ) || die "Odoo 19 is not importable by '$PYTHON'. Install Odoo 19.0 (see README, Prerequisites) or set PYTHON to an interpreter that imports it."
    ODOO_PYTHON_PATHS=$(sed -n 1p <<<"$probe")
    ADDONS_PATH="$(sed -n 2p <<<"$probe"),$ROOT"
}

# ensure_packages COMMAND:PACKAGE ...: each COMMAND is on the PATH, else its Debian PACKAGE is
# installed with apt-get when running as root; otherwise stops and names what to install.
ensure_packages() {
    local wanted=() entry
    for entry in "$@"; do
        command -v "${entry%%:*}" >/dev/null 2>&1 || wanted+=("${entry#*:}")
    done
    [ ${#wanted[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== installing ${wanted[*]} (apt-get)"
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${wanted[@]}" >/dev/null \
            || die "apt-get could not install ${wanted[*]}"
    else
        die "missing ${wanted[*]}: install them (Debian/Ubuntu: sudo apt-get install ${wanted[*]}) and run again."
    fi
}

# Starts the local PostgreSQL cluster when it is not running, and makes sure the current
# user has a superuser role in it.
ensure_postgres() {
    ensure_packages pg_lsclusters:postgresql pg_isready:postgresql-client
    if ! pg_isready -q 2>/dev/null; then
        command -v pg_lsclusters >/dev/null || die "PostgreSQL is not running and pg_ctlcluster is not available to start it."
        local version cluster
        read -r version cluster _ < <(pg_lsclusters -h | head -n 1)
        [ -n "${version:-}" ] || die "no PostgreSQL cluster found (pg_lsclusters is empty)."
        pg_ctlcluster "$version" "$cluster" start
        for _ in $(seq 1 30); do pg_isready -q && break; sleep 1; done
        pg_isready -q || die "PostgreSQL $version/$cluster did not start."
    fi
    local me
    me=$(id -un)
    if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
        [ "$(id -u)" = 0 ] || die "role '$me' cannot connect to PostgreSQL; create it: sudo -u postgres createuser -s $me"
        su postgres -c "createuser -s $me"
    fi
}

# write_config FILE DB DATA_DIR [extra lines...]
write_config() {
    local file=$1 db=$2 data_dir=$3
    shift 3
    {
        echo "[options]"
        echo "addons_path = $ADDONS_PATH"
        echo "db_name = $db"
        echo "data_dir = $data_dir"
        printf '%s\n' "$@"
    } >"$file"
}

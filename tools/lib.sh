# Shared by tools/test and tools/demo: find Odoo 19 (or build an interpreter for an Odoo source folder),
# start PostgreSQL, write an Odoo config.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-python3}
ODOO_VENV=  # the virtualenv build_odoo_venv made for ODOO_SRC, if any

die() { echo "ERROR: $*" >&2; exit 3; }

# Sets PYTHON (an interpreter that imports Odoo 19), ODOO_PYTHON_PATHS (what it needs on sys.path to
# import odoo and its dependencies) and ADDONS_PATH (Odoo's own addons, then ours). $PYTHON is used when
# it imports Odoo 19 (from ODOO_SRC, when that is set); otherwise, with ODOO_SRC set, an interpreter is
# built for that source folder (build_odoo_venv).
find_odoo() {
    local probe
    if ! probe=$(probe_odoo); then
        [ -n "${ODOO_SRC:-}" ] || die "Odoo 19 is not importable by '$PYTHON'. Set ODOO_SRC to an Odoo 19.0 source folder" \
            "(the one holding odoo/ and requirements.txt) to have an interpreter built for it, or PYTHON to an" \
            "interpreter that imports Odoo 19 (see README, Prerequisites)."
        build_odoo_venv
        probe=$(probe_odoo) || die "the interpreter built for ODOO_SRC=$ODOO_SRC ($PYTHON) does not import its Odoo 19."
    fi
    # shellcheck disable=SC2034  # read by the scripts that source this file
    ODOO_PYTHON_PATHS=$(sed -n 1p <<<"$probe")
    ADDONS_PATH="$(sed -n 2p <<<"$probe"),$ROOT"
}

# Prints the interpreter's paths of Odoo (see find_odoo); fails when $PYTHON does not import Odoo 19,
# or imports it from another folder than ODOO_SRC.
probe_odoo() {
    AFTERSALES_ODOO_SRC=${ODOO_SRC:-} "$PYTHON" - <<'PY' 2>/dev/null
import os, site, sys
import odoo.release
if odoo.release.version_info[0] != 19:
    sys.exit(1)
import odoo
package = list(odoo.__path__)[0]
source = os.path.dirname(package)
wanted = os.environ["AFTERSALES_ODOO_SRC"]
if wanted and os.path.realpath(source) != os.path.realpath(wanted):
    sys.exit(1)
paths = [source] + site.getsitepackages() + [site.getusersitepackages()]
addons = [os.path.join(package, "addons"), os.path.join(source, "addons")]
print(os.pathsep.join(p for p in paths if os.path.isdir(p)))
print(",".join(p for p in addons if os.path.isdir(p)))
PY
}

# Builds (once; kept in the user's cache, outside the checkout) a virtualenv of $PYTHON with the
# requirements.txt of the Odoo source folder ODOO_SRC installed and that folder on its path, then makes
# it PYTHON and ODOO_VENV. Run as root on Debian or Ubuntu, first installs the packages that compiling
# Odoo's requirements needs (psycopg2, python-ldap and rjsmin come as sources).
build_odoo_venv() {
    local src info version headers ensurepip key
    src=$(cd "$ODOO_SRC" 2>/dev/null && pwd -P) || src=
    if [ ! -f "$src/odoo/release.py" ] || [ ! -f "$src/requirements.txt" ]; then
        die "ODOO_SRC=$ODOO_SRC is not an Odoo source folder (one holding odoo/ and requirements.txt)."
    fi
    command -v "$PYTHON" >/dev/null 2>&1 || die "cannot run PYTHON=$PYTHON to build an interpreter for ODOO_SRC=$ODOO_SRC."
    # The interpreter's version (the one of Odoo's range), whether it has its C headers and ensurepip.
    info=$("$PYTHON" - "$src/odoo/release.py" <<'PY'
import importlib.util, os, runpy, sys, sysconfig
release = runpy.run_path(sys.argv[1])
if release["version_info"][0] != 19:
    sys.exit("ERROR: ODOO_SRC holds Odoo %s, not 19.0." % release["version"])
if not release["MIN_PY_VERSION"] <= sys.version_info[:2] <= release["MAX_PY_VERSION"]:
    sys.exit("ERROR: Odoo 19 runs on Python %s to %s, %s is %s: set PYTHON to one of them." % (
        "%d.%d" % release["MIN_PY_VERSION"], "%d.%d" % release["MAX_PY_VERSION"], sys.executable,
        sys.version.split()[0]))
headers = os.path.isfile(os.path.join(sysconfig.get_paths()["include"], "Python.h"))
ensurepip = importlib.util.find_spec("ensurepip") is not None
print("%d.%d" % sys.version_info[:2], int(headers), int(ensurepip), os.path.realpath(sys.executable), sys.version)
PY
    ) || exit 3
    read -r version headers ensurepip _ <<<"$info"
    key=$({ printf '%s\n' "$src" "$info"; cat "$src/requirements.txt"; } | sha256sum | cut -c1-12)
    ODOO_VENV=${XDG_CACHE_HOME:-$HOME/.cache}/aftersales/odoo-venv-$key
    mkdir -p "${ODOO_VENV%/*}"
    (
        # One build at a time; a build that did not finish is started again.
        if command -v flock >/dev/null; then flock 9; fi
        [ -f "$ODOO_VENV/.complete" ] && exit 0
        echo "== building an interpreter for $src: $ODOO_VENV (first run only, a few minutes)"
        local packages=(build-essential libpq-dev libldap2-dev libsasl2-dev)
        [ "$headers" = 1 ] || packages+=("python$version-dev")
        [ "$ensurepip" = 1 ] || packages+=("python$version-venv")
        ensure_debian_packages "${packages[@]}"
        "$PYTHON" -m venv --clear "$ODOO_VENV" || die "cannot create the virtualenv $ODOO_VENV"
        "$ODOO_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' \
            | { read -r site_dir && echo "$src" >"$site_dir/odoo_src.pth"; } || die "cannot put $src on the path of $ODOO_VENV"
        "$ODOO_VENV/bin/python" -m pip install --disable-pip-version-check -r "$src/requirements.txt" \
            >"$ODOO_VENV/pip.log" 2>&1 \
            || { tail -n 40 "$ODOO_VENV/pip.log"; die "cannot install $src/requirements.txt into $ODOO_VENV (above; all of it in $ODOO_VENV/pip.log)"; }
        touch "$ODOO_VENV/.complete"
    ) 9>"$ODOO_VENV.lock" || exit $?
    PYTHON=$ODOO_VENV/bin/python
}

# apt_install PACKAGE...: installs them with apt-get when running as root; otherwise stops and names them.
apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== installing $* (apt-get)"
        if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; }; then
            die "apt-get could not install $*"
        fi
    else
        die "missing $*: install them (Debian/Ubuntu: sudo apt-get install $*) and run again."
    fi
}

# ensure_packages COMMAND:PACKAGE ...: each COMMAND is on the PATH, else its Debian PACKAGE is
# installed (apt_install).
ensure_packages() {
    local wanted=() entry
    for entry in "$@"; do
        command -v "${entry%%:*}" >/dev/null 2>&1 || wanted+=("${entry#*:}")
    done
    [ ${#wanted[@]} -eq 0 ] || apt_install "${wanted[@]}"
}

# ensure_cjk_font: a font with Chinese glyphs, which wkhtmltopdf needs for Chinese PDFs (it draws the text with the
# system's fonts), else Debian's fonts-noto-cjk is installed (apt_install).
ensure_cjk_font() {
    command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null | head -n 1)" ] && return 0
    apt_install fonts-noto-cjk
}

# ensure_debian_packages PACKAGE ...: installs (apt_install) those of the Debian PACKAGEs that dpkg does not
# list as installed; does nothing where there is no dpkg.
ensure_debian_packages() {
    command -v dpkg-query >/dev/null || return 0
    local wanted=() package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q " installed$" || wanted+=("$package")
    done
    [ ${#wanted[@]} -eq 0 ] || apt_install "${wanted[@]}"
}

# The folder of the demo database DB's files and config, outside the checkout (tools/demo, tools/screenshots).
demo_dir() {
    echo "${XDG_DATA_HOME:-$HOME/.local/share}/aftersales/$1"
}

# ensure_demo_db CONFIG DB: creates DB when it does not exist, with the after-sales addons and their demo
# data, admin opening on the After-Sales app. It is made under another name and renamed once complete, so
# that a creation that failed or was interrupted is made again on the next run.
ensure_demo_db() {
    local config=$1 db=$2 draft=${2}_draft
    [ "$(psql -d postgres -tAc "select 1 from pg_database where datname = '$db'")" = 1 ] && return 0
    echo "== creating $db with the after-sales addons and their demo data (a few minutes)"
    "$PYTHON" -m odoo db -c "$config" drop "$draft" >/dev/null 2>&1 || true
    "$PYTHON" -m odoo -c "$config" -d "$draft" -i aftersales_service,aftersales_field_service --with-demo --stop-after-init
    "$PYTHON" -m odoo shell -c "$config" -d "$draft" --no-http --log-level=warn <<'PY'
env.ref("base.user_admin").action_id = env.ref("aftersales_service.action_aftersales_overview").id
env.cr.commit()
PY
    "$PYTHON" -m odoo db -c "$config" rename "$draft" "$db"
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

#!/bin/sh
# The sample "service" started by secret-agent. It shows what the agent delivered without ever printing a value:
# for each file its path, size and a SHA-256 prefix (to compare with what IT published), and for each KEY=VALUE file
# which variable NAMES arrived in the environment.
#
#   app.sh [--dir DIR] [--serve]
#
# DIR defaults to $SECRET_AGENT_DIR, else /run/secrets (the agent removes SECRET_AGENT_* from the app's
# environment, so inside a container the default applies). With --serve it keeps running: USR1 lists the files
# again, TERM/INT exit with $APP_TERM_EXIT_CODE (default 0), like a service shutting down cleanly.
set -eu

dir=${SECRET_AGENT_DIR:-/run/secrets}
serve=false
while [ $# -gt 0 ]; do
    case $1 in
        --dir) dir=${2:?--dir needs a directory}; shift ;;
        --serve) serve=true ;;
        *) echo "app: usage: app.sh [--dir DIR] [--serve]" >&2; exit 64 ;;
    esac
    shift
done

if [ ! -d "$dir" ]; then
    echo "app: no secrets directory $dir" >&2
    exit 66
fi

# The agent publishes atomically (kubelet style): the visible names are symlinks into a hidden ..<timestamp>
# directory. Follow the links and skip the hidden entries (..data, ..lock, .secret-agent) to list what the app sees.
visible_files() {
    find -L "$dir" -mindepth 1 -name '.*' -prune -o -type f "$@" -print | sort
}

list_files() {
    visible_files | while IFS= read -r path; do
        size=$(wc -c < "$path")
        sha=$(sha256sum < "$path" | cut -c1-12)
        echo "app: file ${path#"$dir"/} size=$size sha256=$sha..."
    done
}

# Variable names are taken from the env files themselves; values are never read into this script's output.
list_env_names() {
    visible_files -name '*.env' | while IFS= read -r path; do
        sed -n 's/^[[:space:]]*\(export[[:space:]][[:space:]]*\)\{0,1\}\([A-Za-z_][A-Za-z0-9_]*\)=.*/\2/p' "$path" |
            while IFS= read -r name; do
                # Safe: name matched [A-Za-z_][A-Za-z0-9_]* above.
                eval "present=\${$name+yes}"
                echo "app: env ${path#"$dir"/} $name ${present:-missing}" | sed 's/ yes$/ set/'
            done
    done
}

report() {
    echo "app: secrets in $dir (pid $$)"
    list_files
    list_env_names
    if [ -f "$dir/.secret-agent/receipt.json" ]; then
        echo "app: receipt .secret-agent/receipt.json (which object versions were delivered)"
    fi
}

report
if ! $serve; then
    exit 0
fi

stop() {
    echo "app: received $1, shutting down"
    if [ -n "${sleeper:-}" ]; then kill "$sleeper" 2>/dev/null || true; fi
    exit "${APP_TERM_EXIT_CODE:-0}"
}

trap 'stop TERM' TERM
trap 'stop INT' INT
trap 'echo "app: received USR1, listing again"; report' USR1
echo "app: serving (pid $$)"
while :; do
    # A background sleep and wait, so a signal's trap runs at once instead of after the sleep.
    sleep 1 &
    sleeper=$!
    wait "$sleeper" || true
done

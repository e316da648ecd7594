#!/bin/sh
# The container tests' app. It shows, without printing any value: who it runs as, what it can read (a SHA-256 of
# each delivered file), which files are mapped into its own process (its loader and libc, or none when static),
# and the NAMES of its environment variables. Then it serves: HUP reads the files again, TERM exits 42.
#
#   probe.sh [BUSYBOX]    BUSYBOX runs the tools where the image has no coreutils (busybox-only and scratch images)
bb=${1:-}
dir=/run/secrets

report() {
    for path in "$dir"/*; do
        if $bb test -r "$path"; then
            echo "probe: read ${path#"$dir"/} sha256=$($bb sha256sum < "$path" | $bb cut -c1-64)"
        else
            echo "probe: cannot read ${path#"$dir"/}"
        fi
    done
}

echo "probe: uid=$($bb id -u) gid=$($bb id -g) groups=$($bb id -G) pid=$$"
# Read by the shell itself: a child reading another process's maps needs ptrace access to it, which a process
# that changed its uid (run --user) does not grant (it is not dumpable).
seen=
while read -r line; do
    case $line in
        */*)
            mapped=/${line#*/}
            case " $seen " in
                *" $mapped "*) ;;
                *) seen="$seen $mapped"; echo "probe: maps $mapped" ;;
            esac
            ;;
    esac
done < "/proc/$$/maps"
$bb env | $bb cut -d= -f1 | while read -r name; do echo "probe: env $name"; done
report
trap 'echo "probe: received HUP"; report' HUP
trap 'echo "probe: received TERM"; exit 42' TERM
echo "probe: serving"
while :; do
    $bb sleep 1 &
    wait $!
done

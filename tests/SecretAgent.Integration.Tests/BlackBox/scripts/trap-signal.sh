# Usage: SCRATCH=DIR sh trap-signal.sh SIGNAL [EXIT_CODE] [DELAY]
# Traps SIGNAL: on it, writes DIR/got-SIGNAL, waits DELAY seconds (to check the supervisor keeps waiting) and exits
# with EXIT_CODE. Writes DIR/ready once the trap is in place.
signal=$1 dir=${SCRATCH:?} code=${2:-0} delay=${3:-0}
trap 'touch "$dir/got-$signal"; sleep "$delay"; exit "$code"' "$signal"
touch "$dir/ready"
# sh runs traps between commands: keep the foreground commands short.
i=0
while [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
exit 99

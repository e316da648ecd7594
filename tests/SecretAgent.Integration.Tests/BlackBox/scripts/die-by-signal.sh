# Usage: SCRATCH=DIR sh die-by-signal.sh
# Becomes a process that keeps every default disposition (sleep), after writing DIR/ready.
ulimit -c 0
touch "${SCRATCH:?}/ready"
exec sleep 60

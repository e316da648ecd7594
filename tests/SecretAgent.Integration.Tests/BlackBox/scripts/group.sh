# Usage: SCRATCH=DIR sh group.sh
# Starts a grandchild in the same process group, records its pid in DIR/grandchild, writes DIR/ready and waits.
ulimit -c 0
sleep 60 &
echo $! > "${SCRATCH:?}/grandchild"
touch "$SCRATCH/ready"
wait

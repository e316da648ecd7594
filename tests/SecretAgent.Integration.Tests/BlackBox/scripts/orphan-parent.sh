# Usage: SCRATCH=DIR sh orphan-parent.sh
# Orphans a grandchild and reports its new parent: exits 0 when that is not the agent ($PPID, which is not PID 1 here
# and must not have made itself a subreaper), 1 when the agent adopted it. Kills the grandchild either way.
(sleep 30 & echo $! > "$SCRATCH/orphan")
sleep 0.2
orphan=$(cat "$SCRATCH/orphan")
parent=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$orphan/status")
kill "$orphan"
echo "orphan $orphan re-parented to $parent; agent is $PPID"
[ "$parent" != "$PPID" ]

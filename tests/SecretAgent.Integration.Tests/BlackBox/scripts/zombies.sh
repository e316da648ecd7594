# Usage: sh zombies.sh
# Orphans short-lived grandchildren (they are re-parented to PID 1 and die there), waits, then exits with the number
# of zombies (state Z) left in the PID namespace. Under an init that reaps, that is 0.
for i in 1 2 3 4 5; do
  (sleep 0.1 &)
done
sleep 1
n=0
for stat in /proc/[0-9]*/stat; do
  state=$(sed -E 's/^[0-9]+ \(.*\) (.) .*/\1/' "$stat" 2>/dev/null) || continue
  [ "$state" = Z ] && n=$((n + 1))
done
exit $n

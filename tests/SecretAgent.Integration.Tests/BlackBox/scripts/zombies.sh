# Usage: sh zombies.sh
# Orphans short-lived grandchildren (they are re-parented to PID 1 and die there), then exits with the number of
# zombies (state Z) left in the PID namespace. Under an init that reaps, that is 0.
# No fixed sleeps: each $(...) returns only when its grandchild has exited (the grandchild holds the pipe until
# then), so all five are zombies or already reaped before the first count. The count is retaken until it reaches 0
# or about 1 s passes (an init that never reaps keeps them; the control test's PID 1 lives 3 s).
for i in 1 2 3 4 5; do
  : "$( (true &) )"
done
zombies() {
  # One sed over every stat file: field 3 (after the parenthesised command name) is the state.
  sed -E 's/^[0-9]+ \(.*\) (.) .*/\1/' /proc/[0-9]*/stat 2>/dev/null | grep -c '^Z$'
}
tries=0
n=$(zombies)
while [ "$n" -gt 0 ] && [ $tries -lt 20 ]; do
  sleep 0.05
  tries=$((tries + 1))
  n=$(zombies)
done
exit "$n"

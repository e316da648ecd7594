# Prints the signal mask and ignored set this process inherited.
grep -E '^Sig(Blk|Ign):' /proc/self/status

build/src/core/guest_mem.o: src/core/guest_mem.c src/core/guest_mem.h
src/core/guest_mem.h:

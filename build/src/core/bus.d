build/src/core/bus.o: src/core/bus.c src/core/bus.h
src/core/bus.h:

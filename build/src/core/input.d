build/src/core/input.o: src/core/input.c src/core/input.h
src/core/input.h:

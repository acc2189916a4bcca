build/src/core/console.o: src/core/console.c src/core/console.h
src/core/console.h:

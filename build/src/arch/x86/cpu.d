build/src/arch/x86/cpu.o: src/arch/x86/cpu.c src/arch/x86/cpu.h
src/arch/x86/cpu.h:

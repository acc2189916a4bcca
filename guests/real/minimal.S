/* minimal: the smallest guest. HLT with interrupts off ends the run (status 0). */
#include "mkvm/abi.h"
#include "hc.inc"

	ENTRY
	hlt

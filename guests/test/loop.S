/* loop: never ends; only --timeout or a signal stops it. */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
1:	jmp	1b

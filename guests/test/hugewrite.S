/* hugewrite: HC_WRITE with a length of 0xffffffff from address 0. */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	WRITE	0, 0xffffffff
	EXIT	0			/* never reached */

/* badwrite: HC_WRITE of 256 bytes at 0xfffffff0, which wraps past 4 GiB. */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	WRITE	0xfffffff0, 0x100
	EXIT	0			/* never reached */

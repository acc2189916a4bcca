/* partial: prints a line without its newline, then loops forever.  Only
 * --timeout or a signal ends it; the partial line must still reach stdout. */
#include "mkvm/abi.h"
#include "../real/hc.inc"

	ENTRY
	WRITE	msg, msg_len
1:	jmp	1b
msg:	.ascii	"partial line, no newline"
	.set	msg_len, . - msg

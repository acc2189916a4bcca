/* SPDX-License-Identifier: MIT */
/* What this is. */
#include "user.h"

int main(const char *arg)
{
	(void)arg;
	printf("The 1K OS: \"OS in 1,000 Lines\" ported to 32-bit x86 for Mini-KVM.\n"
	       "Paging, processes in ring 3, system calls (int 0x80), preemptive\n"
	       "round robin on the PIT, interrupt-driven UART and keyboard input,\n"
	       "a virtio-blk driver and a tar file system. Read guests/os1k/.\n");
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* ptwalk tool: placeholder entry until the commands land. */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	FILE *f;
	char line[256];

	(void)argc;
	(void)argv;
	f = fopen("/proc/ptwalk/info", "r");
	if (!f) {
		fprintf(stderr, "ptwalk: /proc/ptwalk/info: module not loaded? (sudo insmod module/ptwalk.ko)\n");
		return 1;
	}
	while (fgets(line, sizeof(line), f))
		fputs(line, stdout);
	fclose(f);
	return 0;
}

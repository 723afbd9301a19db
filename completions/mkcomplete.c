/*
 * mkcomplete SHELL: the completion script for SHELL (bash or zsh) on
 * standard output, from ipwhois's own tables (src/complete.c).  The build
 * runs it; the scripts are not kept in the tree, so they cannot go stale.
 */
#include <err.h>
#include <stdio.h>

#include "ipwhois.h"

int
main(int argc, char **argv)
{
	if (argc != 2)
		errx(2, "usage: mkcomplete bash|zsh");
	if (complete_script(stdout, argv[1]) == -1)
		errx(1, "%s: no such shell, or a table word the script cannot "
		    "hold", argv[1]);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "stdout");
	return 0;
}

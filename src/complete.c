/*
 * Shell completion scripts for bash and zsh, written from the option table
 * (options.c), the format names (logfmt.c), the --by keys and the columns
 * (output.c): the tables the option parser reads, so that what the shell
 * offers cannot drift from what ipwhois takes.  The build runs
 * completions/mkcomplete.c, which calls complete_script(); the binary
 * itself does not carry this file.
 */
#include <stdio.h>
#include <string.h>

#include "ipwhois.h"

/* What the value of an option is, for the shell. */
enum cvalue {
	CV_NONE,	/* no value */
	CV_ANY,		/* a value the shell cannot guess (N, PCRE, URL) */
	CV_WORDS,	/* one of option_word()'s */
	CV_LIST,	/* a comma list of option_word()'s (--fields) */
	CV_FILE,	/* a file name */
};

/* The names in --help that stand for a file. */
static const char *const file_args[] = { "FILE" };

typedef int (*script_fn)(FILE *, const struct optdef *, size_t);

static int	 bash_script(FILE *, const struct optdef *, size_t);
static int	 zsh_script(FILE *, const struct optdef *, size_t);

static const struct {
	const char *shell;
	script_fn write;
} shells[] = {
	{ "bash", bash_script },
	{ "zsh", zsh_script },
};

static enum cvalue
option_value(const struct optdef *o)
{
	if (!option_has_arg(o))
		return CV_NONE;
	if (option_word(o, 0) != NULL)
		return o->kind == OA_FIELDS ? CV_LIST : CV_WORDS;
	for (size_t i = 0; i < nitems(file_args); i++)
		if (o->arg != NULL && strcmp(o->arg, file_args[i]) == 0)
			return CV_FILE;
	return CV_ANY;
}

/*
 * Names and words go into the scripts unquoted: anything but letters,
 * digits and "-_." would be shell syntax, so the table must not hold it.
 */
static int
plain_word(const char *w)
{
	if (*w == '\0')
		return 0;
	for (; *w != '\0'; w++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789-_.", *w) == NULL)
			return 0;
	return 1;
}

/* o's words, sep between them; -1 when one is not a plain word. */
static int
put_words(FILE *fp, const struct optdef *o, const char *sep)
{
	const char *w;

	for (size_t i = 0; (w = option_word(o, i)) != NULL; i++) {
		if (!plain_word(w))
			return -1;
		fprintf(fp, "%s%s", i == 0 ? "" : sep, w);
	}
	return 0;
}

/* "-j|--jobs" or "--rate": the names bash's case matches for o. */
static void
bash_names(FILE *fp, const struct optdef *o)
{
	if (o->letter != 0)
		fprintf(fp, "-%c|", o->letter);
	fprintf(fp, "--%s", o->name);
}

/* One case branch for the options whose values are of kind cv. */
static void
bash_group(FILE *fp, const struct optdef *opts, size_t n, enum cvalue cv,
    const char *body)
{
	int any = 0;

	for (size_t i = 0; i < n; i++) {
		if (option_value(&opts[i]) != cv)
			continue;
		fputs(any++ ? "|" : "\t", fp);
		bash_names(fp, &opts[i]);
	}
	if (any)
		fprintf(fp, ")\n%s\t\t;;\n", body);
}

/* A case branch of its own for an option that takes words. */
static int
bash_words(FILE *fp, const struct optdef *o)
{
	enum cvalue cv = option_value(o);

	if (cv != CV_WORDS && cv != CV_LIST)
		return 0;
	fputs("\t", fp);
	bash_names(fp, o);
	fprintf(fp, ")\n\t\t%s \"", cv == CV_LIST ? "_ipwhois_list" :
	    "_ipwhois_words");
	if (put_words(fp, o, " ") == -1)
		return -1;
	fputs("\"\n\t\t;;\n", fp);
	return 0;
}

static const char bash_head[] =
"# bash completion for ipwhois(1), written by completions/mkcomplete from\n"
"# the tables ipwhois reads its options with.\n"
"\n"
"# The words in $1 that start with $cur, each after $pre.\n"
"_ipwhois_words()\n"
"{\n"
"\tCOMPREPLY=($(compgen -P \"$pre\" -W \"$1\" -- \"$cur\"))\n"
"}\n"
"\n"
"# A comma list: the words in $1 for the part after the last comma.\n"
"_ipwhois_list()\n"
"{\n"
"\tlocal head=\n"
"\n"
"\t[[ $cur == *,* ]] && head=${cur%,*},\n"
"\tCOMPREPLY=($(compgen -P \"$pre$head\" -W \"$1\" -- \"${cur##*,}\"))\n"
"\tcompopt -o nospace 2>/dev/null\n"
"}\n"
"\n"
"_ipwhois_files()\n"
"{\n"
"\tlocal IFS=$'\\n'\n"
"\n"
"\tCOMPREPLY=($(compgen -f -P \"$pre\" -- \"$cur\"))\n"
"\tcompopt -o filenames 2>/dev/null\n"
"}\n"
"\n"
"_ipwhois()\n"
"{\n"
"\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev= pre= i\n"
"\n"
"\tCOMPREPLY=()\n"
"\t((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
"\t# --opt=value: one word, or three when COMP_WORDBREAKS has \"=\".\n"
"\tif [[ $cur == --*=* ]]; then\n"
"\t\tprev=${cur%%=*}\n"
"\t\tpre=$prev=\n"
"\t\tcur=${cur#*=}\n"
"\telif [[ $cur == = && $prev == --* ]]; then\n"
"\t\tcur=\n"
"\telif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
"\t\tprev=${COMP_WORDS[COMP_CWORD - 2]}\n"
"\tfi\n"
"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
"\t\tif [[ ${COMP_WORDS[i]} == -- ]]; then\n"
"\t\t\t_ipwhois_files\n"
"\t\t\treturn\n"
"\t\tfi\n"
"\tdone\n"
"\tcase $prev in\n";

static const char bash_tail[] =
"\t\t;;\n"
"\tesac\n"
"}\n"
"\n"
"complete -F _ipwhois ipwhois\n";

static int
bash_script(FILE *fp, const struct optdef *opts, size_t n)
{
	fputs(bash_head, fp);
	for (size_t i = 0; i < n; i++)
		if (bash_words(fp, &opts[i]) == -1)
			return -1;
	bash_group(fp, opts, n, CV_FILE, "\t\t_ipwhois_files\n");
	/* Nothing to offer, and no file names either. */
	bash_group(fp, opts, n, CV_ANY, "");
	fputs("\t*)\n\t\tcase $cur in\n\t\t-*)\n\t\t\t_ipwhois_words \"", fp);
	for (size_t i = 0; i < n; i++) {
		if (!plain_word(opts[i].name))
			return -1;
		fprintf(fp, "%s--%s", i == 0 ? "" : " ", opts[i].name);
		if (opts[i].letter != 0)
			fprintf(fp, " -%c", opts[i].letter);
	}
	fputs("\"\n\t\t\t;;\n\t\t*)\n\t\t\t_ipwhois_files\n\t\t\t;;\n"
	    "\t\tesac\n", fp);
	fputs(bash_tail, fp);
	return 0;
}

/*
 * Text for an _arguments spec, inside single quotes: "[", "]", ":" and
 * "\\" are _arguments' own, a quote ends the string.
 */
static void
zsh_text(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			fputs("'\\''", fp);
		else if (strchr("[]:\\", *s) != NULL)
			fprintf(fp, "\\%c", *s);
		else
			fputc(*s, fp);
	}
}

/* ":FMT:(a b c)": what follows the value's name in an _arguments spec. */
static int
zsh_action(FILE *fp, const struct optdef *o)
{
	switch (option_value(o)) {
	case CV_NONE:
		return 0;
	case CV_ANY:
		fputs(": ", fp);
		return 0;
	case CV_FILE:
		fputs(":_files", fp);
		return 0;
	case CV_WORDS:
		fputs(":(", fp);
		if (put_words(fp, o, " ") == -1)
			return -1;
		fputs(")", fp);
		return 0;
	case CV_LIST:
		fputs(":_sequence compadd - ", fp);
		return put_words(fp, o, " ");
	}
	return 0;
}

/*
 * One _arguments spec: '*'{-j+,--jobs=}'[help]:N: '.  Every option may be
 * given again (the last one counts, --bootstrap adds up), hence the "*".
 */
static int
zsh_option(FILE *fp, const struct optdef *o)
{
	int arg = option_has_arg(o);

	if (!plain_word(o->name))
		return -1;
	if (o->letter != 0)
		fprintf(fp, "\t'*'{-%c%s,--%s%s}'[", o->letter, arg ? "+" : "",
		    o->name, arg ? "=" : "");
	else
		fprintf(fp, "\t'*--%s%s[", o->name, arg ? "=" : "");
	zsh_text(fp, o->help != NULL ? o->help : "");
	fputs("]", fp);
	if (arg) {
		fputs(":", fp);
		zsh_text(fp, o->arg != NULL ? o->arg : "VALUE");
		if (zsh_action(fp, o) == -1)
			return -1;
	}
	fputs("' \\\n", fp);
	return 0;
}

static int
zsh_script(FILE *fp, const struct optdef *opts, size_t n)
{
	fputs("#compdef ipwhois\n"
	    "# zsh completion for ipwhois(1), written by completions/mkcomplete\n"
	    "# from the tables ipwhois reads its options with.\n"
	    "\n"
	    "_arguments -s -S \\\n", fp);
	for (size_t i = 0; i < n; i++)
		if (zsh_option(fp, &opts[i]) == -1)
			return -1;
	fputs("\t'*:log file:_files'\n", fp);
	return 0;
}

/*
 * The completion script for shell ("bash", "zsh") on fp; -1 for another
 * shell, or a table entry that would not be a plain word in the script.
 */
int
complete_script(FILE *fp, const char *shell)
{
	const struct optdef *opts;
	size_t n;

	opts = options_table(&n);
	for (size_t i = 0; i < nitems(shells); i++)
		if (strcmp(shell, shells[i].shell) == 0)
			return shells[i].write(fp, opts, n);
	return -1;
}

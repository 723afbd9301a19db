/*
 * complete.c: the bash and zsh completion scripts.  The bash script is
 * run for real: bash sources it, sets COMP_WORDS and COMP_CWORD as it does
 * on a TAB, calls _ipwhois and prints COMPREPLY, which must be exactly
 * what ipwhois(1) takes there.  Every option of the table is completed,
 * and so is the value of each, so that a script that drifted from the
 * table fails here.  zsh, when installed, must parse its script, register
 * it for ipwhois through compinit, and offer the same on a
 * pseudo-terminal (tests/zcomplete.zsh).
 */
#include <sys/wait.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ipwhois.h"
#include "testutil.h"

#define MAXWORDS	8
#define EXEC_FAILED	127	/* the child's status when exec failed */

static char dir[] = "/tmp/check_complete.XXXXXX";
static char bash_path[64], zsh_path[64], matches_path[64];

static const char *
testdata(void)
{
	const char *d = getenv("IPWHOIS_TESTDATA");

	return d != NULL ? d : "tests/data";
}

static void
write_script(const char *path, const char *shell)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(complete_script(fp, shell), 0);
	ck_assert_int_eq(fclose(fp), 0);
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(bash_path, sizeof(bash_path), "%s/ipwhois.bash", dir);
	snprintf(zsh_path, sizeof(zsh_path), "%s/_ipwhois", dir);
	snprintf(matches_path, sizeof(matches_path), "%s/matches", dir);
	write_script(bash_path, "bash");
	write_script(zsh_path, "zsh");
}

static void
teardown(void)
{
	unlink(bash_path);
	unlink(zsh_path);
	unlink(matches_path);
	rmdir(dir);
}

/*
 * argv run with its standard output into a string (the caller frees it);
 * its exit status in *status, EXEC_FAILED when it could not be run.
 */
static char *
run(char *const argv[], int *status)
{
	char *out = NULL;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd[2];
	pid_t pid;

	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		execvp(argv[0], argv);
		_exit(EXEC_FAILED);
	}
	close(fd[1]);
	do {
		if (cap - len < 512)
			out = xrealloc(out, cap += 4096);
		r = read(fd[0], out + len, cap - len - 1);
		if (r > 0)
			len += (size_t)r;
	} while (r > 0);
	close(fd[0]);
	out[len] = '\0';
	ck_assert_int_eq(waitpid(pid, status, 0), pid);
	*status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
	return out;
}

/*
 * What the bash script offers for words (words[0] is "ipwhois"), the last
 * one being completed: COMPREPLY, one per line.
 */
static char *
bash_complete(const char *const *words, size_t n)
{
	static const char prog[] =
	    "source \"$1\" || exit 3; COMP_CWORD=$2; shift 2;"
	    " COMP_WORDS=(\"$@\"); _ipwhois;"
	    " for w in \"${COMPREPLY[@]}\"; do printf '%s\\n' \"$w\"; done";
	char *argv[MAXWORDS + 8], cword[16];
	char *out;
	size_t k = 0;
	int st;

	ck_assert_uint_le(n, MAXWORDS);
	snprintf(cword, sizeof(cword), "%zu", n - 1);
	argv[k++] = "bash";
	argv[k++] = "--norc";
	argv[k++] = "--noprofile";
	argv[k++] = "-c";
	argv[k++] = (char *)prog;
	argv[k++] = "bash";
	argv[k++] = bash_path;
	argv[k++] = cword;
	for (size_t i = 0; i < n; i++)
		argv[k++] = (char *)words[i];
	argv[k] = NULL;
	out = run(argv, &st);
	ck_assert_msg(st == 0, "bash exited %d", st);
	return out;
}

/* Words to complete, and what COMPREPLY must be: "$D" is testdata(). */
static const struct {
	const char *words[MAXWORDS];
	const char *want;
} cases[] = {
	/* Options, long and short. */
	{ { "ipwhois", "--pro" }, "--protocol\n--progress\n" },
	{ { "ipwhois", "--no-" }, "--no-cache\n--no-sandbox\n--no-header\n"
	    "--no-progress\n" },
	{ { "ipwhois", "-v", "--out" }, "--output\n--output-format\n" },
	{ { "ipwhois", "--bogus" }, "" },
	/* -f: the format names. */
	{ { "ipwhois", "-f", "co" }, "combined\ncommon\n" },
	{ { "ipwhois", "--format", "apache" }, "apache-error\n" },
	/* --format=c: three words where COMP_WORDBREAKS has "=" ... */
	{ { "ipwhois", "--format", "=", "c" },
	    "combined\ncommon\ncloudfront\ncaddy\n" },
	{ { "ipwhois", "--format", "=" }, "auto\ncombined\ncommon\n"
	    "vhost_combined\nsshd\nsyslog\nw3c\ncloudfront\ngcs\nelb\nalb\n"
	    "s3\nsquid\nhaproxy\ncaddy\ntraefik\njson\napache-error\n"
	    "nginx-error\nfirst-ip\n" },
	/* ... and one where it has not. */
	{ { "ipwhois", "--by=a" }, "--by=asn\n--by=abuse\n" },
	/* --by, -F, --protocol, --client. */
	{ { "ipwhois", "--by", "" }, "ip\nnetwork\nasn\norg\ncountry\nabuse\n" },
	{ { "ipwhois", "-F", "j" }, "jsonl\n" },
	{ { "ipwhois", "--output-format", "" }, "csv\ntsv\njsonl\n" },
	{ { "ipwhois", "--protocol", "w" }, "whois\n" },
	{ { "ipwhois", "--client", "" }, "peer\nxff\n" },
	/* --fields: the part after the last comma. */
	{ { "ipwhois", "--fields", "net" }, "network\nnet_name\nnet_type\n" },
	{ { "ipwhois", "--fields", "ip,hits,a" }, "ip,hits,addresses\n"
	    "ip,hits,asn\nip,hits,as_name\nip,hits,abuse_email\n" },
	{ { "ipwhois", "--fields", "ip," }, "ip,ip\nip,hits\nip,bytes\n"
	    "ip,addresses\nip,first_seen\nip,last_seen\nip,kind\n"
	    "ip,registry\nip,network\nip,net_name\nip,org\nip,country\n"
	    "ip,asn\nip,as_name\nip,abuse_email\nip,net_type\nip,source\n"
	    "ip,status\n" },
	{ { "ipwhois", "--fields=ip,co" }, "--fields=ip,country\n" },
	/* Values nobody can guess: nothing, not file names. */
	{ { "ipwhois", "-j", "" }, "" },
	{ { "ipwhois", "--since", "" }, "" },
	{ { "ipwhois", "--exclude", "$D" }, "" },
	/* Files: the inputs, and the options' FILE. */
	{ { "ipwhois", "$D/sample.l" }, "$D/sample.log\n" },
	{ { "ipwhois", "-o", "$D/sample.l" }, "$D/sample.log\n" },
	{ { "ipwhois", "--db", "$D/sample.l" }, "$D/sample.log\n" },
	{ { "ipwhois", "--cache=$D/sample.l" }, "--cache=$D/sample.log\n" },
	/* After "--", only files, even for what looks like an option. */
	{ { "ipwhois", "--", "$D/sample.l" }, "$D/sample.log\n" },
	{ { "ipwhois", "--", "--pro" }, "" },
	{ { "ipwhois", "-f", "sshd", "--", "-f", "$D/sample.l" },
	    "$D/sample.log\n" },
};

/* s with "$D" replaced by testdata(), in buf. */
static const char *
expand(const char *s, char *buf, size_t len)
{
	const char *d = strstr(s, "$D");
	size_t n = 0;

	buf[0] = '\0';
	while (d != NULL) {
		n += snprintf(buf + n, len - n, "%.*s%s", (int)(d - s), s,
		    testdata());
		s = d + 2;
		d = strstr(s, "$D");
	}
	snprintf(buf + n, len - n, "%s", s);
	return buf;
}

START_TEST(test_bash_case)
{
	char words[MAXWORDS][256], want[1024];
	const char *w[MAXWORDS];
	size_t n;
	char *got;

	for (n = 0; n < MAXWORDS && cases[_i].words[n] != NULL; n++)
		w[n] = expand(cases[_i].words[n], words[n], sizeof(words[n]));
	expand(cases[_i].want, want, sizeof(want));
	got = bash_complete(w, n);
	ck_assert_msg(strcmp(got, want) == 0, "case %d (%s ... %s): got\n%s"
	    "wanted\n%s", _i, w[1], w[n - 1], got, want);
	free(got);
}
END_TEST

/* A line of out is exactly line. */
static int
has_line(const char *out, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = out; (p = strstr(p, line)) != NULL; p++)
		if ((p == out || p[-1] == '\n') && p[n] == '\n')
			return 1;
	return 0;
}

/* Every option of the table completes to itself, long and short. */
START_TEST(test_bash_every_option)
{
	const struct optdef *opts;
	const char *w[2] = { "ipwhois", NULL };
	char name[64];
	size_t n;
	char *got;

	opts = options_table(&n);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "--%s", opts[i].name);
		w[1] = name;
		got = bash_complete(w, 2);
		ck_assert_msg(has_line(got, name), "%s: got %s", name, got);
		free(got);
		if (opts[i].letter == 0)
			continue;
		snprintf(name, sizeof(name), "-%c", opts[i].letter);
		got = bash_complete(w, 2);
		ck_assert_msg(has_line(got, name), "%s: got %s", name, got);
		free(got);
	}
}
END_TEST

/*
 * The value of every option: all its words when it takes words, a file
 * when its value is a FILE, nothing for the others (a number, a pattern).
 */
START_TEST(test_bash_every_value)
{
	const struct optdef *opts;
	const char *w[3] = { "ipwhois", NULL, "" };
	char name[64], want[1024], file[256], wantfile[300];
	const char *word;
	size_t n, len;
	char *got;

	snprintf(file, sizeof(file), "%s/sample.l", testdata());
	snprintf(wantfile, sizeof(wantfile), "%s/sample.log\n", testdata());
	opts = options_table(&n);
	for (size_t i = 0; i < n; i++) {
		if (!option_has_arg(&opts[i]))
			continue;
		snprintf(name, sizeof(name), "--%s", opts[i].name);
		w[1] = name;
		len = 0;
		want[0] = '\0';
		for (size_t k = 0; (word = option_word(&opts[i], k)) != NULL;
		    k++)
			len += snprintf(want + len, sizeof(want) - len, "%s\n",
			    word);
		w[2] = "";
		if (opts[i].arg != NULL && strcmp(opts[i].arg, "FILE") == 0) {
			w[2] = file;
			snprintf(want, sizeof(want), "%s", wantfile);
		}
		got = bash_complete(w, 3);
		ck_assert_msg(strcmp(got, want) == 0, "%s: got\n%swanted\n%s",
		    name, got, want);
		free(got);
	}
}
END_TEST

/* zsh parses its script, and compinit finds it for ipwhois. */
START_TEST(test_zsh)
{
	char *parse[] = { "zsh", "-n", zsh_path, NULL };
	char *load[] = { "zsh", "-f", "-c", "fpath=(\"$1\" $fpath);"
	    " autoload -Uz compinit && compinit -u -D &&"
	    " print -r -- \"${_comps[ipwhois]}\"", "zsh", dir, NULL };
	char *out;
	int st;

	out = run(parse, &st);
	free(out);
	if (st == EXEC_FAILED) {
		printf("skip: zsh not installed: its completion is not "
		    "checked\n");
		return;
	}
	ck_assert_msg(st == 0, "zsh -n %s: status %d", zsh_path, st);
	out = run(load, &st);
	ck_assert_int_eq(st, 0);
	ck_assert_str_eq(out, "_ipwhois\n");
	free(out);
}
END_TEST

/*
 * Command lines for zsh to complete in the scripts' directory (its files:
 * _ipwhois, ipwhois.bash, matches), and what it must offer.
 */
static const struct {
	const char *line;
	const char *want;
} zcases[] = {
	{ "ipwhois -f co", "combined common" },
	{ "ipwhois --format=s", "s3 squid sshd syslog" },
	{ "ipwhois --fields ip,hits,a", "abuse_email addresses as_name asn" },
	{ "ipwhois --by=a", "abuse asn" },
	{ "ipwhois -F ", "csv jsonl tsv" },
	{ "ipwhois --client ", "peer xff" },
	{ "ipwhois --pro", "--progress --protocol" },
	{ "ipwhois --no-", "--no-cache --no-header --no-progress --no-sandbox" },
	{ "ipwhois -j ", "" },
	{ "ipwhois -o ipwhois.b", "ipwhois.bash" },
	{ "ipwhois --db=ipwhois.b", "ipwhois.bash" },
	{ "ipwhois -q ipwhois.b", "ipwhois.bash" },
};

/* The words of line (by spaces) are exactly the table's long options. */
static void
check_all_options(char *line)
{
	const struct optdef *opts;
	char *words[128], *save = NULL;
	size_t n, nw = 0, k;

	opts = options_table(&n);
	for (char *w = strtok_r(line, " ", &save); w != NULL && nw < 128;
	    w = strtok_r(NULL, " ", &save))
		words[nw++] = w;
	ck_assert_msg(nw == n, "zsh offers %zu options, the table has %zu",
	    nw, n);
	for (size_t i = 0; i < n; i++) {
		for (k = 0; k < nw; k++)
			if (strncmp(words[k], "--", 2) == 0 &&
			    strcmp(words[k] + 2, opts[i].name) == 0)
				break;
		ck_assert_msg(k < nw, "zsh does not offer --%s", opts[i].name);
	}
}

/* What zsh offers on a pseudo-terminal, as bash's test above. */
START_TEST(test_zsh_offers)
{
	char *argv[nitems(zcases) + 8], script[256];
	char *out, *line, *next;
	size_t k = 0;
	int st;

	snprintf(script, sizeof(script), "%s/../zcomplete.zsh", testdata());
	argv[k++] = "timeout";
	argv[k++] = "120";
	argv[k++] = "zsh";
	argv[k++] = "-f";
	argv[k++] = script;
	argv[k++] = dir;
	for (size_t i = 0; i < nitems(zcases); i++)
		argv[k++] = (char *)zcases[i].line;
	argv[k++] = "ipwhois --";
	argv[k] = NULL;
	if (system("command -v zsh >/dev/null 2>&1") != 0) {
		printf("skip: zsh not installed: its completion is not "
		    "checked\n");
		return;
	}
	out = run(argv, &st);
	ck_assert_msg(st == 0, "%s: status %d", script, st);
	line = out;
	for (size_t i = 0; i <= nitems(zcases); i++) {
		ck_assert_msg((next = strchr(line, '\n')) != NULL,
		    "zsh answered %zu lines of %zu", i, nitems(zcases) + 1);
		*next++ = '\0';
		if (i == nitems(zcases))
			check_all_options(line);
		else
			ck_assert_msg(strcmp(line, zcases[i].want) == 0,
			    "zsh, '%s': got '%s', wanted '%s'", zcases[i].line,
			    line, zcases[i].want);
		line = next;
	}
	free(out);
}
END_TEST

/* Every option of the table has its spec in the zsh script. */
START_TEST(test_zsh_every_option)
{
	const struct optdef *opts;
	char *text, spec[80];
	size_t n, len;

	text = tu_slurp(zsh_path, &len);
	ck_assert_ptr_nonnull(text);
	ck_assert(strncmp(text, "#compdef ipwhois\n", 17) == 0);
	opts = options_table(&n);
	for (size_t i = 0; i < n; i++) {
		const char *eq = option_has_arg(&opts[i]) ? "=" : "";

		if (opts[i].letter != 0)
			snprintf(spec, sizeof(spec), "'*'{-%c%s,--%s%s}'[",
			    opts[i].letter, *eq ? "+" : "", opts[i].name, eq);
		else
			snprintf(spec, sizeof(spec), "'*--%s%s[",
			    opts[i].name, eq);
		ck_assert_msg(strstr(text, spec) != NULL, "no %s", spec);
	}
	free(text);
}
END_TEST

START_TEST(test_other_shell)
{
	FILE *fp = fopen("/dev/null", "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(complete_script(fp, "fish"), -1);
	ck_assert_int_eq(complete_script(fp, ""), -1);
	fclose(fp);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("complete");
	TCase *tc = tcase_create("complete");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_bash_case, 0, nitems(cases));
	tcase_add_test(tc, test_bash_every_option);
	tcase_add_test(tc, test_bash_every_value);
	tcase_add_test(tc, test_zsh);
	tcase_add_test(tc, test_zsh_offers);
	tcase_add_test(tc, test_zsh_every_option);
	tcase_add_test(tc, test_other_shell);
	suite_add_tcase(s, tc);
	return tu_run(s);
}

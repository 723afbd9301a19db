/*
 * Syslog, and the daemons whose messages name the peer that knocked:
 * OpenSSH, Postfix (smtpd and postscreen), Dovecot, vsftpd, ProFTPD and
 * HAProxy.
 *
 * A line is a header (RFC 3164 "Mar 10 12:00:00 host prog[pid]: ", also
 * without the host; RFC 5424 "<38>1 2019-07-08T17:40:16.95-04:00 host app
 * procid msgid sd "; the RFC 3339 times of rsyslog and of journalctl -o
 * short-iso), then the program's message.  The daemons[] table says
 * which programs name a peer, and each daemon's templates where in the
 * message it is.  Messages hold words the client chose (a user name, an
 * SMTP HELO, an SSH client's version string) before and after the peer:
 * a template anchors on the words the daemon itself writes around the
 * address, never on an address merely found in the text.
 */
#include <string.h>

#include "ipwhois.h"

/* The parts of a syslog line the daemons need. */
struct sysline {
	const char *prog, *prog_end;	/* the program, without its pid */
	const char *msg, *end;		/* its message */
};

/* Which daemons a scanner reads: -f sshd and -f haproxy are syslog
 * limited to their own. */
enum {
	F_SSH = 1,
	F_MAIL = 2,
	F_FTP = 4,
	F_HAPROXY = 8,
	F_ALL = 15,
};

static int
digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
hex_digit(int c)
{
	return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* What a host name, or an address standing for one, is made of. */
static int
name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || digit(c) ||
	    c == '.' || c == '-' || c == '_' || c == ':';
}

/* "Jan".."Dec" at p: 1 to 12, or 0. */
static int
month_at(const char *p)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	for (int m = 0; m < 12; m++)
		if (memcmp(names + 3 * m, p, 3) == 0)
			return m + 1;
	return 0;
}

/*
 * A local time, "YYYY-MM-DDTHH:MM:SS" written from parts of a log's own
 * format, to seconds through ctx's clock, as syslog times are read.
 */
static int64_t
local_time(struct logctx *ctx, const char *year, int mon, const char *day,
    const char *hms)
{
	char iso[19];

	memcpy(iso, year, 4);
	iso[4] = '-';
	iso[5] = (char)('0' + mon / 10);
	iso[6] = (char)('0' + mon % 10);
	iso[7] = '-';
	iso[8] = day[0] == ' ' ? '0' : day[0];
	iso[9] = day[1];
	iso[10] = 'T';
	memcpy(iso + 11, hms, 8);
	return time_iso(iso, sizeof(iso), NULL, &ctx->clock);
}

static const char *
skip_blanks(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

static const char *
token_end(const char *p, const char *end)
{
	const char *sp = memchr(p, ' ', (size_t)(end - p));

	return sp ? sp : end;
}

static int
starts(const char *p, const char *end, const char *s, size_t n)
{
	return (size_t)(end - p) >= n && memcmp(p, s, n) == 0;
}

#define STARTS(p, end, lit)	starts((p), (end), (lit), sizeof(lit) - 1)

/*
 * The address at p, as daemons write one: a dotted quad (what follows
 * it, a port or a word, is the template's business) or an IPv6 address,
 * whose colon may also end the sentence ("from ::1: 11: Bye").  Its end,
 * or NULL.
 */
static const char *
addr_at(const char *p, const char *end, struct ip *ip)
{
	const char *q;

	if ((q = ip_v4_prefix(p, end, ip)) != NULL)
		return q;
	for (q = p; q < end && (hex_digit((unsigned char)*q) || *q == ':' ||
	    *q == '.'); q++)
		;
	if (q < end && *q == '%')	/* a zone: "fe80::1%eth0" */
		for (q++; q < end && name_char((unsigned char)*q) &&
		    *q != ':'; q++)
			;
	if (q - p >= 2 && ip_parse(p, (size_t)(q - p), ip) == 0)
		return q;
	if (q - p >= 3 && q[-1] == ':' && ip_parse(p, (size_t)(q - p - 1),
	    ip) == 0)
		return q - 1;
	return NULL;
}

/*
 * The words around an address in a template are patterns: text, and
 *
 *	#	one or more digits
 *	%	a host name, maybe empty: letters, digits and . - _ :
 *	@	a word in capitals
 *	$	the end of the message (after it, " [preauth]" and blanks)
 *	*	anything, to the end
 *	|	or: alternatives, tried in turn (after the address only)
 *
 * match() is one alternative at p: the end of what it matched, or NULL.
 */
static const char *
match(const char *p, const char *end, const char *pat, const char *pat_end)
{
	for (; pat < pat_end; pat++)
		switch (*pat) {
		case '#':
			if (p == end || !digit((unsigned char)*p))
				return NULL;
			while (p < end && digit((unsigned char)*p))
				p++;
			break;
		case '%':
			while (p < end && name_char((unsigned char)*p))
				p++;
			break;
		case '@':
			if (p == end || *p < 'A' || *p > 'Z')
				return NULL;
			while (p < end && *p >= 'A' && *p <= 'Z')
				p++;
			break;
		case '$':
			/* OpenSSH's privilege-separated child tags its words. */
			if (STARTS(p, end, " [preauth]"))
				p += sizeof(" [preauth]") - 1;
			return skip_blanks(p, end) == end ? end : NULL;
		case '*':
			return end;
		default:
			if (p == end || *p != *pat)
				return NULL;
			p++;
		}
	return p;
}

/* Does one of the '|' alternatives of pat match at p? */
static int
match_any(const char *p, const char *end, const char *pat)
{
	for (;;) {
		const char *bar = strchr(pat, '|');
		const char *stop = bar ? bar : pat + strlen(pat);

		if (match(p, end, pat, stop) != NULL)
			return 1;
		if (bar == NULL)
			return 0;
		pat = bar + 1;
	}
}

/* Which address a template takes when its words match more than once. */
enum pick {
	FIRST,		/* the client's words follow the peer */
	LAST,		/* the client's words come before it */
	ONLY,		/* both: a second match makes the line ambiguous */
};

/*
 * Where the peer is in one message of a daemon: the message starts with
 * prefix; the address follows the first (or last) match of before (from
 * the prefix's end on; '^': right at the prefix's end) after which after
 * matches.
 */
struct tmpl {
	const char *prefix;
	size_t	 prefix_len;
	const char *before, *after;
	enum pick pick;
};

#define T(prefix, before, after, pick) \
	{ prefix, sizeof(prefix) - 1, before, after, pick }
#define T_END	{ NULL, 0, NULL, NULL, FIRST }

/*
 * The candidates of one template in [at, end), at being the prefix's
 * end: FIT_EXACT with the peer in h, FIT_NOCLIENT for an ambiguous line,
 * FIT_NONE when none is there.
 */
static enum fit
candidates(const struct tmpl *t, const char *msg, const char *at,
    const char *end, struct hit *h)
{
	const char *b = t->before, *b_end = b + strlen(b), *q, *a;
	struct ip ip;
	int found = 0;

	if (*b == '^') {
		if ((a = match(at, end, b + 1, b_end)) == NULL ||
		    (q = addr_at(a, end, &h->ip)) == NULL ||
		    !match_any(q, end, t->after))
			return FIT_NONE;
		return FIT_EXACT;
	}
	/* The prefix's last blank may begin before: "Connection closed by". */
	for (q = at > msg ? at - 1 : at; q < end &&
	    (q = memchr(q, *b, (size_t)(end - q))) != NULL; q++) {
		const char *stop;

		if ((a = match(q, end, b, b_end)) == NULL ||
		    (stop = addr_at(a, end, &ip)) == NULL ||
		    !match_any(stop, end, t->after))
			continue;
		found++;
		h->ip = ip;
		if (t->pick == FIRST)
			break;
	}
	if (found == 0)
		return FIT_NONE;
	return t->pick == ONLY && found > 1 ? FIT_NOCLIENT : FIT_EXACT;
}

/* The first template of the list that finds the peer in [msg, end). */
static enum fit
by_template(const struct tmpl *t, const char *msg, const char *end,
    struct hit *h)
{
	for (; t->prefix != NULL; t++) {
		enum fit fit;

		/* Most templates differ from the message at its first byte. */
		if (t->prefix_len > 0 && (msg == end || *msg != *t->prefix ||
		    !starts(msg, end, t->prefix, t->prefix_len)))
			continue;
		if ((fit = candidates(t, msg, msg + t->prefix_len, end, h)) !=
		    FIT_NONE)
			return fit;
	}
	return FIT_NOCLIENT;
}

/* Words before the message proper, each a pattern as in match(). */
static const char *
skip_words(const char *msg, const char *end, const char *const *words)
{
	for (size_t i = 0; words[i] != NULL; i++) {
		const char *q;

		if (msg == end || *msg != *words[i])
			continue;	/* each starts with plain text */
		if ((q = match(msg, end, words[i], words[i] +
		    strlen(words[i]))) != NULL) {
			msg = q;
			i = (size_t)-1;		/* "error: [ID 1 auth.info] " */
		}
	}
	return msg;
}

/*
 * PAM modules, whoever runs them: "pam_unix(sshd:auth): authentication
 * failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=A  user=U", older
 * ones "(pam_unix) authentication failure; ...".  Some services set ruser
 * to the name the client gave, so two rhost= that both fit make the line
 * ambiguous: no client.
 */
#define PAM_TMPL \
	T("pam_", " rhost=", "  user=*| user=*|$", ONLY), \
	T("PAM ", " rhost=", "  user=*| user=*|$", ONLY), \
	T("(pam_unix) ", " rhost=", "  user=*| user=*|$", ONLY), \
	T("authentication failure; ", " rhost=", "  user=*| user=*|$", ONLY)

/*
 * OpenSSH (sshd; sshd-session and sshd-auth since 9.8): every message
 * that names the remote peer.  Its address is ssh_remote_ipaddr(), most
 * often written "ADDR port N"; user names, auth info ("ssh2: RSA
 * SHA256:...", or a hostbased client's own user and host), disconnect
 * reasons and version strings are the client's words.
 */
static const char *const sshd_words[] = {
	"error: ", "fatal: ",
	"[ID # %] ",		/* Solaris: "[ID 800047 auth.info] " */
	NULL,
};

static const struct tmpl sshd_tmpl[] = {
	/* auth_log(): "Failed password for [invalid user ]U from A port P
	 * ssh2[: info]"; "ssh1" and no port in older versions.  The user
	 * may read "x from 10.1.1.1 port 1 ssh2 ...", the info too: the
	 * first address followed by what auth_log() writes after it. */
	T("Failed ", " from ", " port # ssh#$| port # ssh#: *| port #$|$",
	    FIRST),
	T("Accepted ", " from ", " port # ssh#$| port # ssh#: *| port #$|$",
	    FIRST),
	T("Postponed ", " from ", " port # ssh#$| port # ssh#: *", FIRST),
	T("Partial ", " from ", " port # ssh#$| port # ssh#: *", FIRST),
	T("maximum authentication attempts exceeded for ", " from ",
	    " port # ssh#$", FIRST),
	T("Invalid user ", " from ", " port #$|$", FIRST),
	T("User ", " from ", " not allowed because *", FIRST),
	T("ROOT LOGIN REFUSED FROM ", "^", " port #$|$", FIRST),
	/* "Connection from A port P on S port 22": never S. */
	T("Connection from ", "^", " port # on *| port #$|$", FIRST),
	/* The connection id, "[authenticating |invalid ]user U A port P"
	 * or "A port P": the address at the end. */
	T("Connection closed by ", " ", " port #$|$", FIRST),
	T("Connection reset by ", " ", " port #$|$", FIRST),
	T("Disconnected from ", " ", " port #$|$", FIRST),
	T("Disconnecting ", " ", " port #: *", FIRST),
	/* "Received disconnect from A port P:11: reason", before 7.x
	 * "from A: 11: reason": the reason is the client's. */
	T("Received disconnect from ", " ", " port #:#:*|: #:*", FIRST),
	T("Did not receive identification string from ", "^",
	    " port #$|$", FIRST),
	T("Bad protocol version identification '", "' from ", " port #$|$",
	    FIRST),
	T("Protocol major versions differ for ", "^", " port #: *|: *",
	    FIRST),
	T("Unable to negotiate with ", " ", " port #: *", FIRST),
	T("Timeout before authentication for connection from ", "^",
	    " to *", FIRST),
	T("Timeout before authentication for ", " ", " port #$", FIRST),
	T("banner exchange: Connection from ", " ", " port #: *", FIRST),
	T("ssh_dispatch_run_fatal: Connection from ", " ", " port #: *",
	    FIRST),
	/* Host names come from the client's DNS, checked as names by the
	 * resolver: the address in brackets after one. */
	T("reverse mapping checking getaddrinfo for ", "^% [", "] failed*",
	    FIRST),
	T("Address ", "^", " maps to *", FIRST),
	T("Nasty PTR record \"", "\" is set up for ", ", ignoring$", FIRST),
	/* TCP wrappers: "refused connect from user@host (A)". */
	T("refused connect from ", " (", ")$", LAST),
	PAM_TMPL,
	/* auth-pam.c: "PAM: Authentication failure for U from A" (macOS adds
	 * " via S"): the user comes before. */
	T("PAM: ", " from ", "$| via *", LAST),
	T("Starting session: ", " from ", " port # id #$", FIRST),
	T("Close session: ", " from ", " port # id #$", FIRST),
	T("Authentication tried for ", ", ip=", ").$", LAST),
	/* Red Hat's crypto audit: "SSH: Server;Ltype: Kex;Remote: A-P;..." */
	T("SSH: Server;Ltype: ", ";Remote: ", "-#;*", FIRST),
	T_END
};

/*
 * Postfix: smtpd (also as submission/smtpd, smtps/smtpd, or under
 * another instance's name) and postscreen.  smtpd names its client
 * "name[A]", the name being a checked host name or "unknown";
 * postscreen writes "[A]:port".  What follows is the client's: HELO,
 * sender, recipient, commands.  The queue id before most messages
 * ("4F9D195432C: client=", "NOQUEUE: reject: ") is passed over first.
 */
static const struct tmpl postfix_tmpl[] = {
	T("connect from ", "^%[", "]$|]:#$", FIRST),
	T("disconnect from ", "^%[", "]*", FIRST),
	T("client=", "^%[", "]*", FIRST),
	T("lost connection after ", " from %[", "]*", FIRST),
	T("timeout after ", " from %[", "]*", FIRST),
	T("too many errors after ", " from %[", "]*", FIRST),
	T("improper command pipelining after ", " from %[", "]*", FIRST),
	T("SSL_accept error from ", "^%[", "]*", FIRST),
	/* "NOQUEUE: reject: RCPT from name[A]: 554 ...; from=<...> ..." */
	T("reject: ", " from %[", "]*", FIRST),
	T("reject_warning: ", " from %[", "]*", FIRST),
	T("milter-reject: ", " from %[", "]*", FIRST),
	T("hold: ", " from %[", "]*", FIRST),
	T("discard: ", " from %[", "]*", FIRST),
	T("filter: ", " from %[", "]*", FIRST),
	T("redirect: ", " from %[", "]*", FIRST),
	/* "warning: unknown[A]: SASL LOGIN authentication failed: ..." */
	T("warning: ", "^%[", "]: *|]:#: *", FIRST),
	T("warning: hostname ", " does not resolve to address ", "$|: *",
	    FIRST),
	T("warning: ", "^", ": hostname *", FIRST),
	/* "non-SMTP command from", "Connection rate limit exceeded: 31
	 * from", "Illegal address syntax from" */
	T("warning: ", " from %[", "]*", FIRST),
	/* postscreen */
	T("CONNECT from ", "^[", "]:# to *", FIRST),
	T("PASS NEW ", "^[", "]:#$", FIRST),
	T("PASS OLD ", "^[", "]:#$", FIRST),
	T("DISCONNECT ", "^[", "]:#$", FIRST),
	T("WHITELISTED ", "^[", "]:#$", FIRST),
	T("BLACKLISTED ", "^[", "]:#$", FIRST),
	T("ALLOWLISTED ", "^[", "]:#$", FIRST),
	T("DENYLISTED ", "^[", "]:#$", FIRST),
	T("WHITELIST VETO ", "^[", "]:#$", FIRST),
	T("ALLOWLIST VETO ", "^[", "]:#$", FIRST),
	T("DNSBL rank ", " for [", "]:#$", FIRST),
	T("PREGREET ", " from [", "]:#: *", FIRST),
	T("HANGUP ", " from [", "]:# *", FIRST),
	T("COMMAND ", " from [", "]:# *", FIRST),
	T("NON-SMTP COMMAND from ", "^[", "]:# *", FIRST),
	T("BARE NEWLINE from ", "^[", "]:# *", FIRST),
	/* "Anonymous TLS connection established from name[A]: TLSv1.3 ..." */
	T("", " TLS connection established from %[", "]*", FIRST),
	T_END
};

/*
 * Dovecot: its login processes write "user=<U>, method=M, rip=A, lip=S,
 * ..." (the remote and the local address; the user name, before, is the
 * client's); its auth process "DRIVER(U,A[,<session>]): ...", and PAM's
 * lines.  Through syslog the process comes first ("imap-login: Login:
 * ..."); in Dovecot's own log file, and with older versions, it is the
 * program ("imap-login: Info: Login: ...", "dovecot-auth: pam_unix...").
 */
static const char *const dovecot_words[] = {
	"dovecot: ",
	NULL,
};

static const struct tmpl dovecot_tmpl[] = {
	T("imap-login: ", " rip=", ", lip=*", LAST),
	T("pop3-login: ", " rip=", ", lip=*", LAST),
	T("submission-login: ", " rip=", ", lip=*", LAST),
	T("managesieve-login: ", " rip=", ", lip=*", LAST),
	T("auth: pam_", " rhost=", "  user=*| user=*|$", ONLY),
	T("auth", ",", ",<*|): *", LAST),
	T_END
};

static const struct tmpl dovecot_login_tmpl[] = {
	T("", " rip=", ", lip=*", LAST),
	T_END
};

static const struct tmpl dovecot_auth_tmpl[] = {
	PAM_TMPL,
	T("", ",", ",<*|): *", LAST),
	T_END
};

/*
 * vsftpd: '[user] FAIL LOGIN: Client "A"[, "reason"]', 'CONNECT: Client
 * "A"', '[user] OK DOWNLOAD: Client "A", "/file", 12 bytes, ...'.  Until
 * the login succeeds the user is the client's word: a failed login
 * takes the last match, the reason after it being vsftpd's.  The
 * protocol trace (log_ftp_protocol: "FTP command: Client ...") is left
 * out, its user being anyone's before the login.
 */
static const char *const vsftpd_words[] = {
	"[pid #] ",
	NULL,
};

static const struct tmpl vsftpd_tmpl[] = {
	T("CONNECT: Client \"", "^", "\"$", FIRST),
	T("[", "] FAIL LOGIN: Client \"", "\"$|\", \"*", LAST),
	T("[", "] OK @: Client \"", "\"$|\", *", FIRST),
	T("[", "] FAIL @: Client \"", "\"$|\", *", FIRST),
	PAM_TMPL,
	T_END
};

/*
 * ProFTPD: "server (name[A]) - message", older "server (name[A]):
 * message", the server being its own host name or address.
 */
static const struct tmpl proftpd_tmpl[] = {
	T("", "^% (%[", "]) - *|]): *", FIRST),
	T_END
};

/*
 * Postfix puts the queue id before most messages ("4F9D195432C: client=",
 * "NOQUEUE: reject: "): letters and digits, at least one digit, which
 * "warning: " has none of.
 */
static enum fit
postfix_msg(struct logctx *ctx, const char *msg, const char *end,
    struct hit *h)
{
	const char *q = msg;
	int digits = 0;

	(void)ctx;
	while (q < end && q - msg < 24 && (digit((unsigned char)*q) ||
	    (*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z')))
		digits += digit((unsigned char)*q++);
	if (STARTS(msg, end, "NOQUEUE: ") || (digits > 0 && q - msg >= 5 &&
	    STARTS(q, end, ": ")))
		msg = q + 2;
	return by_template(postfix_tmpl, msg, end, h);
}

static enum fit haproxy_msg(struct logctx *, const char *, const char *,
    struct hit *);

/*
 * The daemons whose messages name a peer, by program name ('*': any
 * run of characters, as in "postfix-out/submission/smtpd"): the words
 * passed over at the start of their messages and their templates, or a
 * scanner of their own.
 */
static const struct daemon {
	const char *name;
	unsigned family;
	const char *const *words;
	const struct tmpl *tmpl;
	enum fit (*scan)(struct logctx *, const char *, const char *,
	    struct hit *);
} daemons[] = {
	{ "sshd", F_SSH, sshd_words, sshd_tmpl, NULL },
	{ "sshd-session", F_SSH, sshd_words, sshd_tmpl, NULL },	/* 9.8 */
	{ "sshd-auth", F_SSH, sshd_words, sshd_tmpl, NULL },	/* 10.0 */
	{ "postfix*/smtpd", F_MAIL, NULL, NULL, postfix_msg },
	{ "postfix*/postscreen", F_MAIL, NULL, NULL, postfix_msg },
	{ "dovecot", F_MAIL, dovecot_words, dovecot_tmpl, NULL },
	{ "*-login", F_MAIL, NULL, dovecot_login_tmpl, NULL },
	{ "dovecot-auth", F_MAIL, NULL, dovecot_auth_tmpl, NULL },
	{ "auth", F_MAIL, NULL, dovecot_auth_tmpl, NULL },
	{ "auth-worker*", F_MAIL, NULL, dovecot_auth_tmpl, NULL },
	{ "vsftpd*", F_FTP, vsftpd_words, vsftpd_tmpl, NULL },
	{ "proftpd", F_FTP, NULL, proftpd_tmpl, NULL },
	{ "haproxy", F_HAPROXY, NULL, NULL, haproxy_msg },
};

static int
name_is(const char *p, const char *end, const char *pat)
{
	const char *star = strchr(pat, '*');
	size_t n = (size_t)(end - p), k;

	if (star == NULL)
		return n == strlen(pat) && memcmp(p, pat, n) == 0;
	k = strlen(star + 1);
	return n >= (size_t)(star - pat) + k &&
	    memcmp(p, pat, (size_t)(star - pat)) == 0 &&
	    memcmp(end - k, star + 1, k) == 0;
}

static const struct daemon *
daemon_of(const char *p, const char *end)
{
	for (size_t i = 0; i < sizeof(daemons) / sizeof(daemons[0]); i++)
		if (p < end && (*p == *daemons[i].name ||
		    *daemons[i].name == '*') && name_is(p, end,
		    daemons[i].name))
			return &daemons[i];
	return NULL;
}

/*
 * The tag at p: "prog[pid]:", "prog:", "[prog]" with or without a colon,
 * "prog[pid]" without one (as some loggers write them).  Past it, or NULL
 * when p is not one (a host name, even "2001:db8::1").
 */
static const char *
tag(const char *p, const char *end, struct sysline *sl)
{
	const char *q = p, *name;

	if (q < end && *q == '[') {
		for (name = ++q; q < end && *q != ']' && *q != ' '; q++)
			;
		if (q == end || *q != ']' || q == name)
			return NULL;
		sl->prog_end = q++;
	} else {
		for (name = q; q < end && *q != '[' && *q != ':' && *q != ' ';
		    q++)
			;
		if (q == name || q == end)
			return NULL;
		sl->prog_end = q;
		if (*q == '[') {
			while (++q < end && digit((unsigned char)*q))
				;
			if (q == end || *q != ']' || q == sl->prog_end + 1)
				return NULL;
			q++;
		} else if (*q != ':')
			return NULL;
	}
	if (q < end && *q == ':')
		q++;
	if (q < end && *q != ' ')
		return NULL;
	sl->prog = name;
	return q;
}

/* After the time: " [host] tag: message". */
static int
after_time(const char *p, const char *end, struct sysline *sl)
{
	const char *q;

	if (p == end || *p != ' ')
		return -1;
	p = skip_blanks(p, end);
	if ((q = tag(p, end, sl)) == NULL) {
		p = token_end(p, end);
		if (p == end || (q = tag(p + 1, end, sl)) == NULL)
			return -1;
	}
	sl->msg = skip_blanks(q, end);
	sl->end = end;
	return 0;
}

/* One field of an RFC 5424 header and the blank after it: the field's
 * end, or NULL. */
static const char *
field(const char *p, const char *end, const char **next)
{
	const char *q = token_end(p, end);

	if (q == p || q == end)
		return NULL;
	*next = q + 1;
	return q;
}

/* Past one "[id key="value" ...]" of RFC 5424 structured data: a quoted
 * value may hold "]", and a backslash escapes in it. */
static const char *
sd_element(const char *p, const char *end)
{
	for (p++; p < end && *p != ']'; p++) {
		if (*p != '"')
			continue;
		while (++p < end && *p != '"')
			if (*p == '\\')
				p++;
	}
	return p < end ? p + 1 : NULL;
}

/* RFC 5424 after "<PRI>1 ": "TIME HOST APP PROCID MSGID SD [MSG]". */
static int
header_5424(struct logctx *ctx, const char *p, const char *end,
    int64_t *when, struct sysline *sl)
{
	const char *next;
	size_t used = 0;

	if (p < end && *p == '-')
		used = 1;		/* no time */
	else if ((*when = time_iso(p, (size_t)(end - p), &used,
	    &ctx->clock)) == 0)
		return -1;
	if (end - p <= (ptrdiff_t)used || p[used] != ' ' ||
	    field(p + used + 1, end, &next) == NULL)	/* host */
		return -1;
	sl->prog = next;
	if ((sl->prog_end = field(next, end, &next)) == NULL ||
	    field(next, end, &next) == NULL ||		/* procid */
	    field(next, end, &next) == NULL)		/* msgid */
		return -1;
	if (sl->prog_end - sl->prog == 1 && *sl->prog == '-')
		sl->prog_end = sl->prog;		/* no app name */
	if (next < end && *next == '-')
		next++;
	else if (next == end || *next != '[')
		return -1;
	while (next < end && *next == '[')
		if ((next = sd_element(next, end)) == NULL)
			return -1;
	if (next < end && *next++ != ' ')
		return -1;
	if (STARTS(next, end, "\xef\xbb\xbf"))		/* a UTF-8 BOM */
		next += 3;
	sl->msg = next;
	sl->end = end;
	return 0;
}

/*
 * vsftpd's own log file: "Fri Jan 19 12:20:33 2007 [pid 27202] msg", a
 * ctime(3) local time.
 */
static int
header_vsftpd(struct logctx *ctx, const char *p, const char *end,
    int64_t *when, struct sysline *sl)
{
	static const char prog[] = "vsftpd";
	int mon;

	if (end - p < 30 || p[3] != ' ' || p[7] != ' ' || p[10] != ' ' ||
	    p[13] != ':' || p[16] != ':' || p[19] != ' ' || p[24] != ' ' ||
	    memcmp(p + 25, "[pid ", 5) != 0 || (mon = month_at(p + 4)) == 0 ||
	    (*when = local_time(ctx, p + 20, mon, p + 8, p + 11)) == 0)
		return -1;
	sl->prog = prog;
	sl->prog_end = prog + sizeof(prog) - 1;
	sl->msg = p + 25;
	sl->end = end;
	return 0;
}

/*
 * The header of a syslog line into *sl, its time into *when (0: none).
 * 0, or -1 when the line is not syslog.
 */
static int
header(struct logctx *ctx, const char *p, const char *end, int64_t *when,
    struct sysline *sl)
{
	size_t used = 0, n;

	*when = 0;
	if (p < end && *p == '<') {		/* a priority, "<38>" */
		const char *q = p + 1;

		while (q < end && digit((unsigned char)*q) && q - p < 4)
			q++;
		if (q == p + 1 || q == end || *q != '>')
			return -1;
		p = q + 1;
		if (STARTS(p, end, "1 "))
			return header_5424(ctx, p + 2, end, when, sl);
	}
	n = (size_t)(end - p);
	if (n >= 15 && p[3] == ' ' &&
	    (*when = time_syslog(p, n, &ctx->clock, &used)) != 0) {
		/* journalctl -o short-precise: "Mar 10 12:00:00.123456" */
		if (used < n && p[used] == '.')
			for (used++; used < n && digit((unsigned char)p[used]);
			    used++)
				;
	} else if (n >= 19 && p[4] == '-') {
		if ((*when = time_iso(p, n, &used, &ctx->clock)) == 0)
			return -1;
	} else
		return header_vsftpd(ctx, p, end, when, sl);
	return after_time(p + used, end, sl);
}

/*
 * One syslog line: the peer its daemon names, if one of families'.
 * FIT_NONE: not syslog; FIT_NOCLIENT: another program, or a message
 * naming no peer.
 */
static enum fit
syslog_line(struct logctx *ctx, const char *p, const char *end,
    struct hit *h, unsigned families)
{
	static const char repeated[] = "message repeated # times: [ ";
	const struct daemon *d;
	struct sysline sl;
	const char *q;
	int64_t when;
	enum fit fit;

	if (header(ctx, p, end, &when, &sl) == -1) {
		/* journalctl's own lines: "-- Boot 2f5c... --" */
		if (STARTS(p, end, "-- ") && end - p >= 6 &&
		    memcmp(end - 3, " --", 3) == 0)
			return FIT_NOCLIENT;
		return FIT_NONE;
	}
	/*
	 * Another program's line is in the syslog format, but not exactly
	 * in a format limited to some daemons (haproxy), for detection.
	 */
	if ((d = daemon_of(sl.prog, sl.prog_end)) == NULL ||
	    !(d->family & families))
		return ctx->strict && families != F_ALL ? FIT_NONE :
		    FIT_NOCLIENT;
	/* rsyslog's "message repeated 5 times: [ Failed password ...]" */
	if (sl.msg < sl.end && *sl.msg == 'm' && (q = match(sl.msg, sl.end,
	    repeated, repeated + sizeof(repeated) - 1)) != NULL &&
	    sl.end[-1] == ']') {
		sl.msg = q;
		sl.end--;
	}
	h->when = when;
	if (d->scan != NULL)
		fit = d->scan(ctx, sl.msg, sl.end, h);
	else
		fit = by_template(d->tmpl, d->words ? skip_words(sl.msg,
		    sl.end, d->words) : sl.msg, sl.end, h);
	if (fit <= FIT_NOCLIENT)
		h->when = 0;
	return fit;
}

/* Syslog from any of the daemons[]. */
enum fit
scan_syslog(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	return syslog_line(ctx, p, end, h, F_ALL);
}

/* Syslog, OpenSSH's lines only: the others name no client. */
enum fit
scan_sshd(struct logctx *ctx, const char *p, const char *end, struct hit *h)
{
	return syslog_line(ctx, p, end, h, F_SSH);
}

/* HAProxy ----------------------------------------------------------------*/

/*
 * HAProxy's "client_ip:client_port": the port always follows the last
 * colon, and an IPv6 client is written bare ("2001:db8::1:4321").
 */
static int
hap_client(const char *p, const char *end, struct ip *ip)
{
	const char *colon = end;

	while (colon > p && colon[-1] != ':')
		colon--;
	if (colon == p || colon == end || end - colon > 5)
		return -1;
	for (const char *d = colon; d < end; d++)
		if (!digit((unsigned char)*d))
			return -1;
	return ip_parse(p, (size_t)(colon - 1 - p), ip);
}

/*
 * The accept date "[06/Feb/2009:12:14:14.655]" at p: HAProxy's local
 * time, no zone, read like a syslog time through ctx's clock.  Past the
 * ']', or NULL.
 */
static const char *
hap_date(struct logctx *ctx, const char *p, const char *end, int64_t *when)
{
	int mon;

	if (end - p < 22 || p[0] != '[' || p[3] != '/' || p[7] != '/' ||
	    p[12] != ':' || (mon = month_at(p + 4)) == 0 ||
	    (*when = local_time(ctx, p + 8, mon, p + 1, p + 13)) == 0)
		return NULL;
	p += 21;
	if (p < end && *p == '.')
		while (++p < end && digit((unsigned char)*p))
			;
	return p < end && *p == ']' ? p + 1 : NULL;
}

/* The timers field ("0/0/1/0/2", "-1/-1/1", "+2606" with logasap): how
 * many slashes, or -1 when the token is not one. */
static int
hap_timers(const char *p, const char *end)
{
	int slashes = 0;

	for (int want = 1; p < end; p++) {
		if (*p == '/') {
			if (want)
				return -1;
			slashes++;
			want = 1;
		} else if (digit((unsigned char)*p))
			want = 0;
		else if ((*p != '-' && *p != '+') || !want)
			return -1;
	}
	return slashes;
}

/*
 * After the accept date of httplog and tcplog: "frontend backend/server
 * timers [status] bytes_read ...".  The bytes follow the status of an
 * HTTP line (five timers), the timers of a TCP one (three).  A field
 * between server and timers (a custom log-format) is allowed.
 */
static enum fit
hap_fields(const char *p, const char *end, struct hit *h)
{
	const char *tok = p, *stop;
	int slashes = -1;

	for (int i = 0; i < 4 && slashes < 0; i++) {
		if (tok >= end || *tok != ' ')
			return FIT_PARTIAL;
		stop = token_end(++tok, end);
		if (i == 1 && memchr(tok, '/', (size_t)(stop - tok)) == NULL)
			return FIT_PARTIAL;		/* backend/server */
		if (i >= 2)
			slashes = hap_timers(tok, stop);
		tok = stop;
	}
	if (slashes == 4) {			/* the status: "200", "-1" */
		if (end - tok < 3 || tok[0] != ' ')
			return FIT_PARTIAL;
		tok = token_end(tok + 1, end);
	} else if (slashes != 2)
		return FIT_PARTIAL;
	if (end - tok < 2 || tok[0] != ' ')
		return FIT_PARTIAL;
	tok += tok[1] == '+' ? 2 : 1;		/* logasap */
	if ((stop = scan_size(tok, end, h)) == NULL || (stop < end &&
	    *stop != ' ')) {
		h->has_bytes = 0;
		return FIT_PARTIAL;
	}
	return FIT_EXACT;
}

/* httplog and tcplog: "C:P [accept_date] ..." at p, the client's token
 * ending at tok_end. */
static enum fit
hap_log(struct logctx *ctx, const char *p, const char *tok_end,
    const char *end, struct hit *h)
{
	const char *q;
	int64_t when;

	if (hap_client(p, tok_end, &h->ip) == -1)
		return FIT_NONE;
	if (end - tok_end < 2 || tok_end[0] != ' ' ||
	    (q = hap_date(ctx, tok_end + 1, end, &when)) == NULL)
		return FIT_PARTIAL;		/* a custom log-format */
	h->when = when;
	return hap_fields(q, end, h);
}

/*
 * A message of HAProxy: httplog or tcplog ("C:P [date] ..."), the
 * default format ("Connect from C:P to S:P (frontend/mode)"), or clf
 * ("C - - [date] ..."); anything else (a unix socket or "-" client,
 * "Proxy www started.", "Server app/s1 is DOWN") names no client.
 */
static enum fit
haproxy_msg(struct logctx *ctx, const char *msg, const char *end,
    struct hit *h)
{
	const char *tok_end;
	enum fit fit;

	if (STARTS(msg, end, "Connect from ")) {
		msg += sizeof("Connect from ") - 1;
		tok_end = token_end(msg, end);
		if (hap_client(msg, tok_end, &h->ip) == -1 ||
		    !STARTS(tok_end, end, " to "))
			return FIT_NOCLIENT;
		return FIT_EXACT;
	}
	tok_end = token_end(msg, end);
	if ((fit = hap_log(ctx, msg, tok_end, end, h)) != FIT_NONE)
		return fit;
	if (ip_parse(msg, (size_t)(tok_end - msg), &h->ip) == 0 &&
	    STARTS(tok_end, end, " - ") &&
	    (fit = scan_clf(ctx, msg, end, h)) >= FIT_PARTIAL)
		return fit;
	return FIT_NOCLIENT;
}

/*
 * HAProxy's lines, through syslog or written raw ("log stdout format
 * raw": the message alone, httplog and tcplog only).
 */
enum fit
scan_haproxy(struct logctx *ctx, const char *p, const char *end,
    struct hit *h)
{
	enum fit fit = syslog_line(ctx, p, end, h, F_HAPROXY);

	if (fit != FIT_NONE || p == end || (!hex_digit((unsigned char)*p) &&
	    *p != ':'))
		return fit;
	h->when = 0;
	fit = hap_log(ctx, p, token_end(p, end), end, h);
	return fit == FIT_EXACT ? fit : FIT_NONE;
}

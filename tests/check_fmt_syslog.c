/*
 * fmt_syslog.c: syslog headers, the daemons that name their peers, and
 * HAProxy.  Lines are written after each daemon's documented messages;
 * the peer must be the address the daemon wrote, never one the client
 * put in its own words (user names, HELO, version strings, auth info).
 *
 * main() sets TZ=UTC (syslog times are local time); year-less times take
 * their year from a reference of 2024-03-28 12:00 UTC.  Lines are copied
 * to the end of a readable page (tu_guarded), so an over-read faults.
 *
 * With the real-data folder at hand ($IPWHOIS_REALDATA, default
 * ../shared/realdata), fail2ban's annotated sshd corpus, two real
 * auth.logs and Beats' samples are read too.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"
#include "testutil.h"

#define NO_BYTES	TU_NO_BYTES

/* Times the lines below use. */
#define H	"Mar 27 13:06:56 gate "
#define T0	1711544816	/* 2024-03-27T13:06:56Z */
#define T0_PLUS1 1711541216	/* the same wall time at +01:00 */

/*
 * One line: how it fits, and for a client its address, time and size
 * (NO_BYTES: none).  who: the daemon's kind, for the formats limited to
 * one ('S' OpenSSH, 'H' HAProxy, 'M' mail, 'F' FTP, 0 other or none).
 */
struct line_case {
	enum logfmt fmt;
	char	 who;
	const char *line;
	enum fit fit;
	const char *ip;
	int64_t	 when, bytes;
};

#define CLIENT(fmt, who, line, ip, when) \
	{ fmt, who, line, FIT_EXACT, ip, when, NO_BYTES }
#define NOCLIENT(fmt, who, line) \
	{ fmt, who, line, FIT_NOCLIENT, NULL, 0, 0 }
#define REJECT(fmt, line) \
	{ fmt, 0, line, FIT_NONE, NULL, 0, 0 }
#define SSHD(line, ip)	CLIENT(FMT_SYSLOG, 'S', H line, ip, T0)
#define MAIL(line, ip)	CLIENT(FMT_SYSLOG, 'M', H line, ip, T0)
#define FTP(line, ip)	CLIENT(FMT_SYSLOG, 'F', H line, ip, T0)
#define HAP(line, ip, bytes) \
	{ FMT_SYSLOG, 'H', H line, FIT_EXACT, ip, T0, bytes }

static const struct line_case cases[] = {
	/* OpenSSH: auth_log(), "METHOD for [invalid user ]U from A port P
	 * ssh2[: info]" */
	SSHD("sshd[1201]: Invalid user admin from 198.51.100.77 port 40212",
	    "198.51.100.77"),
	SSHD("sshd[1201]: Invalid user admin from 198.51.100.77",
	    "198.51.100.77"),
	SSHD("sshd[1201]: Invalid user  from 198.51.100.78 port 34916",
	    "198.51.100.78"),
	SSHD("sshd[1201]: Failed password for invalid user admin from "
	    "198.51.100.77 port 40212 ssh2", "198.51.100.77"),
	SSHD("sshd[1201]: Failed password for root from 2001:db8::dead:beef "
	    "port 22 ssh2", "2001:db8::dead:beef"),
	SSHD("sshd[1201]: Failed password for root from ::ffff:192.0.2.7 "
	    "port 22 ssh2", "192.0.2.7"),
	SSHD("sshd[1201]: Failed none for invalid user x from 192.0.2.2 port "
	    "1 ssh2", "192.0.2.2"),
	SSHD("sshd[1201]: Failed keyboard-interactive/pam for invalid user x "
	    "from 192.0.2.3 port 33723 ssh2", "192.0.2.3"),
	SSHD("sshd[1201]: Failed password for root from 192.0.2.4 port 22",
	    "192.0.2.4"),
	SSHD("sshd[1400]: Accepted publickey for alice from 192.0.2.1 port "
	    "50022 ssh2: ED25519 SHA256:Zm9vYmFyYmF6cXV4", "192.0.2.1"),
	SSHD("sshd[1400]: Accepted publickey for vagrant from 10.0.2.2 port "
	    "63673 ssh2: RSA 39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84",
	    "10.0.2.2"),
	SSHD("sshd[1400]: Accepted hostbased for bob from 192.0.2.8 port "
	    "51000 ssh2: ED25519 SHA256:abc, client user \"10.1.1.1\", client "
	    "host \"10.2.2.2 port 3 ssh2\"", "192.0.2.8"),
	SSHD("sshd[1400]: Postponed publickey for git from 192.0.2.5 port "
	    "57904 ssh2 [preauth]", "192.0.2.5"),
	SSHD("sshd[1201]: error: maximum authentication attempts exceeded for "
	    "invalid user x from 192.0.2.9 port 4 ssh2 [preauth]",
	    "192.0.2.9"),
	SSHD("sshd[1201]: ROOT LOGIN REFUSED FROM 192.0.2.26 port 22",
	    "192.0.2.26"),
	SSHD("sshd[1201]: User root from 192.0.2.27 not allowed because not "
	    "listed in AllowUsers", "192.0.2.27"),
	/* The connection, and the connection id "[authenticating |invalid
	 * ]user U A port P": never the local address after "on". */
	SSHD("sshd[1201]: Connection from 203.0.113.5 port 61663 on "
	    "192.0.2.254 port 22 rdomain \"\"", "203.0.113.5"),
	SSHD("sshd[1201]: Connection from 203.0.113.5 port 61663",
	    "203.0.113.5"),
	SSHD("sshd[1201]: Connection closed by 203.0.113.6 port 22 [preauth]",
	    "203.0.113.6"),
	SSHD("sshd[1201]: Connection closed by 203.0.113.6 [preauth]",
	    "203.0.113.6"),
	SSHD("sshd[1201]: Connection closed by authenticating user root "
	    "203.0.113.6 port 22 [preauth]", "203.0.113.6"),
	SSHD("sshd[1201]: Connection reset by 203.0.113.8 port 9 [preauth]",
	    "203.0.113.8"),
	SSHD("sshd[1201]: Disconnected from user alice 192.0.2.1 port 50022",
	    "192.0.2.1"),
	SSHD("sshd[1201]: Disconnecting invalid user admin 192.0.2.117 port "
	    "44004: Change of username or service not allowed: "
	    "(admin,ssh-connection) -> (10.9.9.9,ssh-connection) [preauth]",
	    "192.0.2.117"),
	SSHD("sshd[1201]: Received disconnect from 192.0.2.10 port 50022:11: "
	    "disconnected by user", "192.0.2.10"),
	SSHD("sshd[1201]: Received disconnect from 198.51.100.34: 11: Bye Bye "
	    "[preauth]", "198.51.100.34"),
	SSHD("sshd[1201]: Received disconnect from 2001:db8::5: 11: Bye",
	    "2001:db8::5"),
	SSHD("sshd[1201]: Did not receive identification string from "
	    "192.0.2.12 port 41000", "192.0.2.12"),
	SSHD("sshd[1201]: Did not receive identification string from "
	    "192.0.2.12", "192.0.2.12"),
	SSHD("sshd[1201]: Protocol major versions differ for 192.0.2.14 port "
	    "6: SSH-2.0-OpenSSH_9.6 vs. SSH-1.5-x", "192.0.2.14"),
	SSHD("sshd[1201]: fatal: Unable to negotiate with 192.0.2.15 port 7: "
	    "no matching cipher found. Their offer: aes128-cbc [preauth]",
	    "192.0.2.15"),
	SSHD("sshd[1201]: fatal: Timeout before authentication for 192.0.2.16 "
	    "port 8", "192.0.2.16"),
	SSHD("sshd[1201]: Timeout before authentication for connection from "
	    "192.0.2.16 to 192.0.2.254, pid = 29098", "192.0.2.16"),
	SSHD("sshd[1201]: banner exchange: Connection from 192.0.2.17 port 9: "
	    "invalid format", "192.0.2.17"),
	SSHD("sshd[1201]: ssh_dispatch_run_fatal: Connection from "
	    "authenticating user root 192.0.2.18 port 10: message "
	    "authentication code incorrect [preauth]", "192.0.2.18"),
	/* Names from the client's DNS, holding addresses of their own. */
	SSHD("sshd[1201]: reverse mapping checking getaddrinfo for "
	    "10.0.0.1.example.net [192.0.2.19] failed - POSSIBLE BREAK-IN "
	    "ATTEMPT!", "192.0.2.19"),
	SSHD("sshd[1201]: reverse mapping checking getaddrinfo for "
	    "192-0-2-20.hinet-ip.example.net [198.51.100.20] failed.",
	    "198.51.100.20"),
	SSHD("sshd[1201]: Address 192.0.2.20 maps to 10-0-0-1.example, but "
	    "this does not map back to the address - POSSIBLE BREAK-IN "
	    "ATTEMPT!", "192.0.2.20"),
	SSHD("sshd[1201]: Nasty PTR record \"10.0.0.1\" is set up for "
	    "192.0.2.21, ignoring", "192.0.2.21"),
	SSHD("sshd[1201]: refused connect from x@10.0.0.1 (192.0.2.22)",
	    "192.0.2.22"),
	SSHD("sshd[1201]: pam_unix(sshd:auth): authentication failure; "
	    "logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.23  user=root",
	    "192.0.2.23"),
	SSHD("sshd[1201]: pam_unix(sshd:auth): authentication failure; "
	    "logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.23",
	    "192.0.2.23"),
	SSHD("sshd[1201]: PAM 2 more authentication failures; logname= uid=0 "
	    "euid=0 tty=ssh ruser= rhost=192.0.2.24  user=root", "192.0.2.24"),
	SSHD("sshd[1201]: error: PAM: Authentication failure for x from "
	    "10.0.0.1 from 192.0.2.25", "192.0.2.25"),
	SSHD("sshd[1201]: error: PAM: authentication error for james from "
	    "192.0.2.25 via 192.0.2.254", "192.0.2.25"),
	SSHD("sshd[1201]: Starting session: shell on pts/0 for alice from "
	    "192.0.2.28 port 50 id 0", "192.0.2.28"),
	SSHD("sshd[1201]: message repeated 3 times: [ Failed password for "
	    "root from 192.0.2.29 port 22 ssh2]", "192.0.2.29"),
	SSHD("sshd[1201]: [ID 800047 auth.info] Failed keyboard-interactive "
	    "for <invalid username> from 192.0.2.30 port 42742 ssh2",
	    "192.0.2.30"),
	SSHD("sshd[1201]: SSH: Server;Ltype: Kex;Remote: 192.0.2.33-1780;Enc: "
	    "aes128-ctr [preauth]", "192.0.2.33"),
	/* The client's words: a user name, auth info, a disconnect reason,
	 * a version string, holding addresses and OpenSSH's own phrases. */
	SSHD("sshd[1201]: Failed password for invalid user x from 10.10.1.2 "
	    "port 55555 ssh2 from 192.0.2.31 port 58946 ssh2", "192.0.2.31"),
	SSHD("sshd[1201]: Failed password for invalid user x from 192.0.2.32 "
	    "port 58946 ssh2: from 10.10.1.2 port 55555 ssh2", "192.0.2.32"),
	SSHD("sshd[1201]: Failed password for invalid user from 10.10.1.1 "
	    "from 192.0.2.31 port 58946 ssh2", "192.0.2.31"),
	SSHD("sshd[1201]: Failed password for invalid user 10.9.9.9 from "
	    "2001:db8:4::1 port 33001 ssh2", "2001:db8:4::1"),
	SSHD("sshd[1201]: Invalid user x from 10.0.0.1 port 1 from 192.0.2.34 "
	    "port 2", "192.0.2.34"),
	SSHD("sshd[1201]: Connection closed by invalid user x 10.0.0.1 port 1 "
	    "192.0.2.35 port 2 [preauth]", "192.0.2.35"),
	SSHD("sshd[1201]: Connection closed by authenticating user x 10.0.0.1 "
	    "port 1 [preauth] 192.0.2.35 port 2 [preauth]", "192.0.2.35"),
	SSHD("sshd[1201]: Received disconnect from 192.0.2.11 port 1:11: from "
	    "10.1.1.1 port 2:11: x [preauth]", "192.0.2.11"),
	SSHD("sshd[1201]: Bad protocol version identification 'SSH-2.0' from "
	    "10.0.0.9 port 1' from 192.0.2.13 port 5", "192.0.2.13"),
	SSHD("sshd[1201]: Failed password for user from 192.0.2.36 port 20000 "
	    "ssh1: ruser from 10.1.2.3", "192.0.2.36"),
	/* OpenSSH's messages without a peer, and other programs' lines. */
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[812]: Server listening on 0.0.0.0 "
	    "port 22."),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[812]: Server listening on :: port "
	    "22."),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: Found matching RSA key: "
	    "39:33:99:e9:a0:dc:f2:33:a3:e5:72:3b:7c:3a:56:84"),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: pam_unix(sshd:session): session "
	    "opened for user root(uid=0) by (uid=0)"),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: pam_unix(sshd:auth): "
	    "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
	    "rhost=scanner.example  user=root"),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: Disconnecting: Too many "
	    "authentication failures [preauth]"),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: error: kex_exchange_"
	    "identification: Connection closed by remote host"),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: Received SIGHUP; restarting."),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: Connection closed by 999.1.2.3 "
	    "port 22"),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: User root from example.com not "
	    "allowed because not in any group"),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]: error: PAM: authentication "
	    "error for james from example.com via 192.0.2.254"),
	NOCLIENT(FMT_SYSLOG, 'S', H "sshd[1]:"),
	NOCLIENT(FMT_SYSLOG, 0, H "sudo: pam_unix(sudo:auth): authentication "
	    "failure; logname= uid=1000 euid=0 tty=/dev/pts/0 ruser=u "
	    "rhost=192.0.2.99  user=u"),
	NOCLIENT(FMT_SYSLOG, 0, H "sudo:    alice : TTY=pts/0 ; PWD=/home/"
	    "alice ; USER=root ; COMMAND=/usr/bin/ssh -b 192.0.2.200 "
	    "backup@192.0.2.201"),
	NOCLIENT(FMT_SYSLOG, 0, H "CRON[1301]: (root) CMD (rsync -a /srv/ "
	    "rsync://192.0.2.202/srv from 192.0.2.203 port 873)"),
	NOCLIENT(FMT_SYSLOG, 0, H "systemd[1]: Started ssh.service - OpenBSD "
	    "Secure Shell server (192.0.2.99 port 22)."),
	NOCLIENT(FMT_SYSLOG, 0, H "kernel: [ 12.345] IN=eth0 SRC=192.0.2.98 "
	    "DST=192.0.2.1 PROTO=TCP SPT=4444 DPT=22"),

	/* Headers: without a host, tags with and without pid or colon,
	 * an address as the host, RFC 3339, journalctl, RFC 5424. */
	CLIENT(FMT_SYSLOG, 'S', "Mar 27 13:06:56 sshd[5]: Failed password "
	    "for root from 192.0.2.40 port 22 ssh2", "192.0.2.40", T0),
	CLIENT(FMT_SYSLOG, 'S', "Mar 27 13:06:56 gate sshd: Failed password "
	    "for root from 192.0.2.40 port 22 ssh2", "192.0.2.40", T0),
	CLIENT(FMT_SYSLOG, 'S', "Mar 27 13:06:56 [sshd]: User root from "
	    "192.0.2.41 not allowed because not listed in AllowUsers",
	    "192.0.2.41", T0),
	CLIENT(FMT_SYSLOG, 'S', "Mar 27 13:06:56 [sshd] User root from "
	    "192.0.2.41 not allowed because not listed in AllowUsers",
	    "192.0.2.41", T0),
	CLIENT(FMT_SYSLOG, 'S', "Mar 27 13:06:56 192.0.2.250 sshd[1]: Failed "
	    "password for root from 192.0.2.42 port 22 ssh2", "192.0.2.42",
	    T0),
	CLIENT(FMT_SYSLOG, 'S', "Mar 27 13:06:56 2001:db8::250 sshd[1]: "
	    "Failed password for root from 192.0.2.42 port 22 ssh2",
	    "192.0.2.42", T0),
	CLIENT(FMT_SYSLOG, 'S', "Mar  7 13:06:56 gate sshd-session[1571]: "
	    "Failed password for root from 192.0.2.43 port 56502 ssh2",
	    "192.0.2.43", 1709816816),
	CLIENT(FMT_SYSLOG, 'S', "Mar 7 13:06:56 gate sshd-auth[15]: Invalid "
	    "user x from 192.0.2.43 port 4", "192.0.2.43", 1709816816),
	CLIENT(FMT_SYSLOG, 'S', "2024-03-27T13:06:56.123456+01:00 gate "
	    "sshd[1]: Failed password for root from 192.0.2.44 port 22 ssh2",
	    "192.0.2.44", T0_PLUS1),
	CLIENT(FMT_SYSLOG, 'S', "2024-03-27T13:06:56+0100 gate sshd[1]: "
	    "Failed password for root from 192.0.2.44 port 22 ssh2",
	    "192.0.2.44", T0_PLUS1),
	CLIENT(FMT_SYSLOG, 'S', "2024-03-27T13:06:56Z gate sshd[1]: "
	    "Connection closed by 2001:db8::1 port 22 [preauth]",
	    "2001:db8::1", T0),
	CLIENT(FMT_SYSLOG, 'S', "2024-03-27 13:06:56 gate sshd[1]: "
	    "Connection closed by 192.0.2.45 port 22", "192.0.2.45", T0),
	CLIENT(FMT_SYSLOG, 'S', "Mar 27 13:06:56.123456 gate sshd[1]: "
	    "Connection closed by 192.0.2.45 port 22", "192.0.2.45", T0),
	CLIENT(FMT_SYSLOG, 'S', "<38>Mar 27 13:06:56 gate sshd[1]: "
	    "Connection closed by 192.0.2.45 port 22", "192.0.2.45", T0),
	CLIENT(FMT_SYSLOG, 'S', "<38>1 2024-03-27T13:06:56.95-04:00 "
	    "gate.example.com sshd 579 - - Failed password for root from "
	    "192.0.2.46 port 22 ssh2", "192.0.2.46", 1711559216),
	CLIENT(FMT_SYSLOG, 'S', "<38>1 2024-03-27T13:06:56Z gate sshd 579 ID47 "
	    "[timeQuality tzKnown=\"1\"][x@1 v=\"a]\\\"[b\"] \xef\xbb\xbf"
	    "Failed password for root from 192.0.2.47 port 22 ssh2",
	    "192.0.2.47", T0),
	CLIENT(FMT_SYSLOG, 'S', "<38>1 - gate sshd - - - Connection closed by "
	    "192.0.2.48 port 22", "192.0.2.48", 0),
	/* A year-less time after the reference is of the year before. */
	CLIENT(FMT_SYSLOG, 'S', "Dec 31 23:59:59 gate sshd[1]: Connection "
	    "closed by 192.0.2.49 port 22", "192.0.2.49", 1704067199),
	CLIENT(FMT_SYSLOG, 'S', "Mar 29 00:00:00 gate sshd[1]: Connection "
	    "closed by 192.0.2.49 port 22", "192.0.2.49", 1711670400),
	CLIENT(FMT_SYSLOG, 'S', "Mar 30 00:00:00 gate sshd[1]: Connection "
	    "closed by 192.0.2.49 port 22", "192.0.2.49", 1680134400),
	NOCLIENT(FMT_SYSLOG, 0, H "rsyslogd: -- MARK --"),
	NOCLIENT(FMT_SYSLOG, 0, "-- Boot 0f2b1c2d3e4f --"),
	NOCLIENT(FMT_SYSLOG, 0, "<38>1 2024-03-27T13:06:56Z gate - - - - "
	    "Connection closed by 192.0.2.48 port 22"),
	REJECT(FMT_SYSLOG, "192.0.2.1 - - [27/Mar/2024:13:06:56 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\""),
	REJECT(FMT_SYSLOG, "garbage"),
	NOCLIENT(FMT_SYSLOG, 0, ""),
	REJECT(FMT_SYSLOG, "Mar 27 13:06:56"),
	REJECT(FMT_SYSLOG, "Mar 27 13:06:56 "),
	REJECT(FMT_SYSLOG, "Mar 27 13:06:56 gate"),
	REJECT(FMT_SYSLOG, "Mar 27 13:06:56 gate sshd[x]: Connection closed "
	    "by 192.0.2.1 port 22"),
	REJECT(FMT_SYSLOG, "Foo 27 13:06:56 gate sshd[1]: Connection closed "
	    "by 192.0.2.1 port 22"),
	REJECT(FMT_SYSLOG, "Mar 27 25:06:56 gate sshd[1]: Connection closed "
	    "by 192.0.2.1 port 22"),
	REJECT(FMT_SYSLOG, "2024-13-27T13:06:56Z gate sshd[1]: Connection "
	    "closed by 192.0.2.1 port 22"),
	REJECT(FMT_SYSLOG, "2024-03-27T13:06:56Z"),
	REJECT(FMT_SYSLOG, "<38>1 2024-03-27T13:06:56Z gate sshd"),
	REJECT(FMT_SYSLOG, "<38>1 2024-03-27T13:06:56Z gate sshd 1 - x y"),
	REJECT(FMT_SYSLOG, "<38>1 2024-03-27T13:06:56Z gate sshd 1 - [x"),
	REJECT(FMT_SYSLOG, "<3800>Mar 27 13:06:56 gate sshd[1]: x"),
	REJECT(FMT_SYSLOG, "<38"),
	REJECT(FMT_SYSLOG, "[Wed Mar 27 13:06:56 2024] [error] [client "
	    "192.0.2.1] File does not exist: /srv/x"),

	/* Postfix smtpd: "name[A]"; HELO, sender and recipient are the
	 * client's. */
	MAIL("postfix/smtpd[2001]: connect from mail.example.org[192.0.2.50]",
	    "192.0.2.50"),
	MAIL("postfix/smtpd[2001]: connect from unknown[2001:db8::50]",
	    "2001:db8::50"),
	MAIL("postfix/smtpd[2001]: connect from unknown[192.0.2.51]:41234",
	    "192.0.2.51"),
	MAIL("postfix/smtpd[2001]: connect from 10-0-0-1.example[192.0.2.51]",
	    "192.0.2.51"),
	MAIL("postfix/smtpd[2001]: disconnect from unknown[192.0.2.52] ehlo=1 "
	    "auth=0/1 quit=1 commands=2/3", "192.0.2.52"),
	MAIL("postfix/smtpd[2001]: lost connection after AUTH from "
	    "unknown[192.0.2.53]", "192.0.2.53"),
	MAIL("postfix/smtpd[2001]: timeout after END-OF-MESSAGE from "
	    "unknown[192.0.2.53]", "192.0.2.53"),
	MAIL("postfix/smtpd[2001]: NOQUEUE: reject: RCPT from "
	    "1-2-3-4.dyn.example[192.0.2.54]: 554 5.7.1 <a@example.org>: "
	    "Relay access denied; from=<x@[10.0.0.1]> to=<a@example.org> "
	    "proto=ESMTP helo=<[10.0.0.2]>", "192.0.2.54"),
	MAIL("postfix/smtpd[2001]: 4F9D195432C: reject: RCPT from "
	    "unknown[192.0.2.71]: 450 4.7.1 Client host rejected; from=<x> "
	    "to=<y> proto=ESMTP helo=<connect from a[10.0.0.1]>",
	    "192.0.2.71"),
	MAIL("postfix/submission/smtpd[2002]: warning: unknown[192.0.2.55]: "
	    "SASL LOGIN authentication failed: UGFzc3dvcmQ6", "192.0.2.55"),
	MAIL("postfix/smtps/smtpd[2003]: 4F9D195432C: client=mail.example.org"
	    "[192.0.2.56], sasl_method=PLAIN, sasl_username=bob",
	    "192.0.2.56"),
	MAIL("postfix/smtpd[2003]: 3Ld0FX3wBqz9sWv: client=unknown"
	    "[192.0.2.56]", "192.0.2.56"),
	MAIL("postfix-out/smtpd[2004]: warning: hostname x.example does not "
	    "resolve to address 192.0.2.57: Name or service not known",
	    "192.0.2.57"),
	MAIL("postfix/smtpd[2004]: warning: 192.0.2.57: hostname x.example "
	    "verification failed: Name or service not known", "192.0.2.57"),
	MAIL("postfix/smtpd[2004]: warning: non-SMTP command from "
	    "unknown[192.0.2.58]: GET / HTTP/1.1", "192.0.2.58"),
	MAIL("postfix/smtpd[2004]: warning: Connection rate limit exceeded: "
	    "31 from unknown[192.0.2.58] for service smtp", "192.0.2.58"),
	MAIL("postfix/smtpd[2004]: improper command pipelining after CONNECT "
	    "from unknown[192.0.2.59]: EHLO [10.0.0.1]\\r\\n", "192.0.2.59"),
	MAIL("postfix/smtpd[2004]: Anonymous TLS connection established from "
	    "unknown[192.0.2.60]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 "
	    "(256/256 bits)", "192.0.2.60"),
	/* postscreen: "[A]:port"; never the local "to [S]:25" */
	MAIL("postfix/postscreen[3001]: CONNECT from [192.0.2.61]:50001 to "
	    "[192.0.2.1]:25", "192.0.2.61"),
	MAIL("postfix/postscreen[3001]: PASS NEW [192.0.2.62]:50002",
	    "192.0.2.62"),
	MAIL("postfix/postscreen[3001]: PASS OLD [192.0.2.62]:50002",
	    "192.0.2.62"),
	MAIL("postfix/postscreen[3001]: DNSBL rank 3 for [192.0.2.63]:50003",
	    "192.0.2.63"),
	MAIL("postfix/postscreen[3001]: PREGREET 11 after 0.13 from "
	    "[192.0.2.64]:50004: EHLO [10.0.0.1]\\r\\n", "192.0.2.64"),
	MAIL("postfix/postscreen[3001]: HANGUP after 0.7 from [192.0.2.65]:"
	    "50005 in tests before SMTP handshake", "192.0.2.65"),
	MAIL("postfix/postscreen[3001]: DISCONNECT [2001:db8::66]:50006",
	    "2001:db8::66"),
	MAIL("postfix/postscreen[3001]: NOQUEUE: reject: RCPT from "
	    "[192.0.2.67]:50007: 550 5.7.1 Service unavailable; client "
	    "[10.0.0.1] blocked using zen.example; from=<a@b>, to=<c@d>, "
	    "proto=ESMTP, helo=<x>", "192.0.2.67"),
	NOCLIENT(FMT_SYSLOG, 'M', H "postfix/smtpd[1]: warning: TLS library "
	    "problem: error:0A000126:SSL routines::unexpected eof"),
	NOCLIENT(FMT_SYSLOG, 'M', H "postfix/postscreen[1]: cache "
	    "btree:/var/lib/postfix/postscreen_cache full cleanup: "
	    "retained=0 dropped=0 entries"),
	NOCLIENT(FMT_SYSLOG, 0, H "postfix/smtp[1]: 4F9D195432C: "
	    "to=<a@example.org>, relay=mx.example.org[192.0.2.70]:25, "
	    "delay=1, status=sent (250 2.0.0 Ok)"),
	NOCLIENT(FMT_SYSLOG, 0, H "postfix/cleanup[1]: 4F9D195432C: warning: "
	    "header Subject: hi from unknown[192.0.2.72]; from=<a@b>"),

	/* Dovecot: "rip=A, lip=S" (never S); the user name comes before. */
	MAIL("dovecot: imap-login: Login: user=<bob>, method=PLAIN, "
	    "rip=192.0.2.80, lip=192.0.2.1, mpid=4242, TLS, session=<Abc>",
	    "192.0.2.80"),
	MAIL("dovecot[442]: pop3-login: Disconnected (auth failed, 1 attempts "
	    "in 2 secs): user=<x, rip=10.0.0.1, lip=10.0.0.2>, method=PLAIN, "
	    "rip=192.0.2.81, lip=192.0.2.1, session=<Xyz>", "192.0.2.81"),
	MAIL("dovecot: imap-login: Aborted login (no auth attempts in 0 "
	    "secs): user=<>, rip=2001:db8::82, lip=2001:db8::1, session=<q>",
	    "2001:db8::82"),
	MAIL("dovecot: auth: pam_unix(dovecot:auth): authentication failure; "
	    "logname= uid=0 euid=0 tty=dovecot ruser=bob rhost=192.0.2.83  "
	    "user=bob", "192.0.2.83"),
	MAIL("dovecot: auth-worker(1234): pam(bob,192.0.2.85,<Ks8a>): "
	    "pam_authenticate() failed: Authentication failure (password "
	    "mismatch?)", "192.0.2.85"),
	MAIL("dovecot: auth: passwd-file(x,10.0.0.1): y,192.0.2.86): unknown "
	    "user", "192.0.2.86"),
	MAIL("dovecot-auth: pam_unix(dovecot:auth): authentication failure; "
	    "logname= uid=0 euid=0 tty=dovecot ruser=rhost=10.0.0.1 "
	    "rhost=192.0.2.88", "192.0.2.88"),
	CLIENT(FMT_SYSLOG, 'M', "Mar 27 13:06:56 imap-login: Info: Login: "
	    "user=<bob>, method=PLAIN, rip=192.0.2.87, lip=192.0.2.1, mpid=1, "
	    "session=<a>", "192.0.2.87", T0),
	CLIENT(FMT_SYSLOG, 'M', "2024-03-27 13:06:56 auth-worker(default): "
	    "Info: pam(bob,192.0.2.89): pam_authenticate() failed",
	    "192.0.2.89", T0),
	/* ruser and user are both the client's: two rhost= that fit. */
	NOCLIENT(FMT_SYSLOG, 'M', H "dovecot: auth: pam_unix(dovecot:auth): "
	    "authentication failure; logname= uid=0 euid=0 tty=dovecot "
	    "ruser=x rhost=10.0.0.1  user=y rhost=192.0.2.84  user=x "
	    "rhost=10.0.0.1  user=y"),
	NOCLIENT(FMT_SYSLOG, 'M', H "dovecot: master: Dovecot v2.3.19 "
	    "(b3ad6004dc) starting up for imap, pop3"),
	NOCLIENT(FMT_SYSLOG, 'M', H "dovecot: imap(bob)<123><abc>: "
	    "Disconnected: Logged out in=50 out=500"),

	/* vsftpd: the user is the client's until it has logged in. */
	FTP("vsftpd[2210]: CONNECT: Client \"::ffff:192.0.2.90\"",
	    "192.0.2.90"),
	FTP("vsftpd[2210]: [bob] FAIL LOGIN: Client \"192.0.2.91\"",
	    "192.0.2.91"),
	FTP("vsftpd[2210]: [x] FAIL LOGIN: Client \"10.0.0.1\", \"y] FAIL "
	    "LOGIN: Client \"192.0.2.92\"", "192.0.2.92"),
	FTP("vsftpd[2210]: [guest] FAIL LOGIN: Client \"192.0.2.92\", \"User "
	    "is not in the allow user list.\"", "192.0.2.92"),
	FTP("vsftpd[2210]: [ftp] OK LOGIN: Client \"192.0.2.93\", anon "
	    "password \"Client \\\"10.0.0.1\\\"\"", "192.0.2.93"),
	FTP("vsftpd[2210]: [bob] OK DOWNLOAD: Client \"2001:db8::94\", "
	    "\"/home/bob/a.txt\", 1234 bytes, 56.78Kbyte/sec", "2001:db8::94"),
	FTP("vsftpd[2210]: [pid 2211] [bob] OK UPLOAD: Client \"192.0.2.95\", "
	    "\"/home/bob/b.txt\", 10 bytes, 1.00Kbyte/sec", "192.0.2.95"),
	FTP("vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= "
	    "uid=0 euid=0 tty=ftp ruser=bob rhost=192.0.2.96", "192.0.2.96"),
	FTP("vsftpd(pam_unix)[15522]: authentication failure; logname= uid=0 "
	    "euid=0 tty= ruser= rhost=192.0.2.96 user=bob", "192.0.2.96"),
	CLIENT(FMT_SYSLOG, 'F', "Wed Mar 27 13:06:56 2024 [pid 27202] "
	    "[anonymous] FAIL LOGIN: Client \"192.0.2.97\"", "192.0.2.97", T0),
	CLIENT(FMT_SYSLOG, 'F', "Thu Mar  7 13:06:56 2024 [pid 27202] "
	    "CONNECT: Client \"192.0.2.97\"", "192.0.2.97", 1709816816),
	NOCLIENT(FMT_SYSLOG, 'F', H "vsftpd[1]: [x] FTP command: Client "
	    "\"192.0.2.98\", \"PASS <password>\""),
	REJECT(FMT_SYSLOG, "Wed Mar 27 13:06:56 2024 [error] x"),

	/* ProFTPD: "server (name[A]) - message": never the server. */
	FTP("proftpd[3001]: gate.example.org (scanner.example[192.0.2.100]) - "
	    "USER admin: no such user found from scanner.example "
	    "[192.0.2.100] to 192.0.2.1:21", "192.0.2.100"),
	FTP("proftpd[3001]: 192.0.2.1 (::ffff:192.0.2.101[::ffff:192.0.2.101])"
	    " - Maximum login attempts (3) exceeded", "192.0.2.101"),
	FTP("proftpd[3001]: ::ffff:192.0.2.1 (2001:db8::102[2001:db8::102]) - "
	    "FTP session opened.", "2001:db8::102"),
	FTP("proftpd[3001]: gate.example.org (x.example[192.0.2.103]) - USER "
	    "gate (evil[10.0.0.1]) - x: no such user found from x.example "
	    "[192.0.2.103] to 192.0.2.1:21", "192.0.2.103"),
	FTP("proftpd[3001] gate.example.org (x.example[192.0.2.104]): USER "
	    "bob (Login failed): Incorrect password.", "192.0.2.104"),
	NOCLIENT(FMT_SYSLOG, 'F', H "proftpd[3001]: gate.example.org - "
	    "ProFTPD 1.3.8 (stable) (built Thu Jan 1 2024) standalone mode "
	    "STARTUP"),

	/* HAProxy: httplog, tcplog, the default format, clf; a bare IPv6
	 * client with its port after the last colon. */
	HAP("haproxy[14389]: 192.0.2.110:33317 [27/Mar/2024:13:06:56.655] "
	    "http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 "
	    "0/0 {1wt.eu} {} \"GET /index.html HTTP/1.1\"", "192.0.2.110",
	    2750),
	HAP("haproxy[760]: 2001:db8::111:58430 [27/Mar/2024:13:06:56.608] "
	    "main main/<NOSRV> -1/-1/-1/-1/0 401 248 - - PR-- 0/0/0/0/0 0/0 "
	    "\"GET / HTTP/1.1\"", "2001:db8::111", 248),
	HAP("haproxy[1540]: ::ffff:192.0.2.112:54241 [27/Mar/2024:13:06:56.698]"
	    " https~ traefik/kube02 0/0/1/7/227 206 +1601821 - - ---- "
	    "33/15/1/0/0 0/0 \"GET /a.jpg HTTP/1.1\"", "192.0.2.112",
	    1601821),
	HAP("haproxy[25457]: 192.0.2.113:40962 [27/Mar/2024:13:06:56.285] "
	    "main app/<NOSRV> -1/-1/1 212 SC 1/1/0/0/0 0/0", "192.0.2.113",
	    212),
	HAP("haproxy[1]: 192.0.2.117:1234 [27/Mar/2024:13:06:56.000] fe~ "
	    "be/s host.example 0/0/1/17/18 302 291 - - ---- 1/1/0/0/0 0/0 "
	    "\"GET / HTTP/1.1\"", "192.0.2.117", 291),
	HAP("haproxy[24551]: Connect from 192.0.2.114:40780 to 192.0.2.1:5000 "
	    "(www/HTTP)", "192.0.2.114", NO_BYTES),
	HAP("haproxy[24551]: Connect from 2001:db8::114:40780 to "
	    "2001:db8::1:5000 (www/TCP)", "2001:db8::114", NO_BYTES),
	{ FMT_SYSLOG, 'H', H "haproxy[14389]: 192.0.2.115 - - "
	    "[27/Mar/2024:13:06:56 +0100] \"GET / HTTP/1.1\" 200 2750 \"\" "
	    "\"\" 33317 655 \"http-in\" \"static\" \"srv1\" 10 0 30 69 109 "
	    "---- 1 1 1 1 0 0 0 \"\" \"\"", FIT_EXACT, "192.0.2.115",
	    T0_PLUS1, 2750 },
	{ FMT_SYSLOG, 'H', "Mar 27 13:06:56 192.0.2.250 haproxy[1]: "
	    "192.0.2.116:1 [27/Mar/2024:13:06:55.000] fe be/s 0/0/0/0/0 200 10 "
	    "- - ---- 0/0/0/0/0 0/0 \"GET / HTTP/1.1\"", FIT_EXACT,
	    "192.0.2.116", T0 - 1, 10 },
	/* A log-format of one's own: the client, the rest unknown. */
	{ FMT_SYSLOG, 'H', H "haproxy[1]: 192.0.2.118:1234 whatever comes "
	    "next", FIT_PARTIAL, "192.0.2.118", T0, NO_BYTES },
	{ FMT_SYSLOG, 'H', H "haproxy[1]: 192.0.2.118:1234 "
	    "[27/Mar/2024:13:06:56.000] fe be/s 0/0/0/0/0 200 x", FIT_PARTIAL,
	    "192.0.2.118", T0, NO_BYTES },
	{ FMT_SYSLOG, 'H', "<134>1 2024-03-27T13:06:56.000000+00:00 gate "
	    "haproxy 14389 - - 192.0.2.120:1 [27/Mar/2024:13:06:56.655] fe "
	    "be/s 0/0/0/0/1 200 99 - - ---- 0/0/0/0/0 0/0 \"GET / HTTP/1.1\"",
	    FIT_EXACT, "192.0.2.120", T0, 99 },
	NOCLIENT(FMT_SYSLOG, 'H', H "haproxy[5089]: -:22222 "
	    "[27/Mar/2024:13:06:56.222] www-https~ myapp/node2 0/0/0/18/18 200 "
	    "200 - - ---- 222/222/2/0/0 0/0 \"OPTIONS / HTTP/1.1\""),
	NOCLIENT(FMT_SYSLOG, 'H', H "haproxy[5089]: unix:1 "
	    "[27/Mar/2024:13:06:56.222] stats stats/<STATS> 0/0/0/0/0 200 9 - "
	    "- LR-- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\""),
	NOCLIENT(FMT_SYSLOG, 'H', H "haproxy[1]: Proxy www started."),
	NOCLIENT(FMT_SYSLOG, 'H', H "haproxy[1]: Server app/s1 is DOWN, "
	    "reason: Layer4 connection problem, info: \"Connection refused\", "
	    "check duration: 0ms. 0 active and 0 backup servers left."),
	NOCLIENT(FMT_SYSLOG, 'H', H "haproxy[1]: backend app has no server "
	    "available!"),
	NOCLIENT(FMT_SYSLOG, 'H', H "haproxy[1]: Connect from -:1 to "
	    "192.0.2.1:80 (www/HTTP)"),
	/* Written raw ("log stdout format raw"): -f haproxy alone. */
	{ FMT_HAPROXY, 'H', "192.0.2.119:33317 [27/Mar/2024:13:06:56.655] "
	    "http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 "
	    "0/0 \"GET / HTTP/1.1\"", FIT_EXACT, "192.0.2.119", T0, 2750 },
	{ FMT_HAPROXY, 'H', "2001:db8::119:33317 [27/Mar/2024:13:06:56.655] "
	    "main app/<NOSRV> -1/-1/1 212 SC 1/1/0/0/0 0/0", FIT_EXACT,
	    "2001:db8::119", T0, 212 },
	{ FMT_SYSLOG, 'H', "192.0.2.119:33317 [27/Mar/2024:13:06:56.655] "
	    "http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 "
	    "0/0 \"GET / HTTP/1.1\"", FIT_NONE, NULL, 0, 0 },
	REJECT(FMT_HAPROXY, "192.0.2.119:33317 whatever"),
	REJECT(FMT_HAPROXY, "192.0.2.1 - - [27/Mar/2024:13:06:56 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\""),
	REJECT(FMT_HAPROXY, "-:22222 [27/Mar/2024:13:06:56.222] fe be/s "
	    "0/0/0/0/0 200 1 - - ---- 0/0/0/0/0 0/0"),
};

/* lc read as fmt must fit so; ip NULL: name no client.  crlf: a CR after. */
static void
check_case(const struct line_case *lc, enum logfmt fmt, enum fit fit,
    const char *ip, int crlf)
{
	struct tu_want w = { fit, ip, lc->when, lc->bytes };

	tu_check_fresh(fmt, 0, lc->line, crlf, &w);
}

START_TEST(test_line)
{
	const struct line_case *lc = &cases[_i];

	check_case(lc, lc->fmt, lc->fit, lc->ip, 0);
}
END_TEST

/* The same with a CR before the newline. */
START_TEST(test_line_crlf)
{
	for (size_t i = 0; i < nitems(cases); i++)
		check_case(&cases[i], cases[i].fmt, cases[i].fit, cases[i].ip,
		    1);
}
END_TEST

/*
 * -f sshd and -f haproxy are syslog limited to one daemon: its lines
 * read as with -f syslog, the other programs' name no client, and what
 * is not syslog stays rejected (but for HAProxy's raw lines, which are
 * not syslog: see the cases of -f haproxy).
 */
START_TEST(test_limited)
{
	static const struct {
		enum logfmt fmt;
		char	 who;
	} limited[] = { { FMT_SSHD, 'S' }, { FMT_HAPROXY, 'H' } };

	for (size_t c = 0; c < nitems(cases); c++) {
		const struct line_case *lc = &cases[c];

		if (lc->fmt != FMT_SYSLOG || (lc->fit == FIT_NONE &&
		    lc->who != 0))
			continue;
		for (size_t i = 0; i < nitems(limited); i++) {
			int same = lc->who == limited[i].who ||
			    lc->fit == FIT_NONE;

			check_case(lc, limited[i].fmt, same ? lc->fit :
			    FIT_NOCLIENT, same ? lc->ip : NULL, 0);
		}
	}
}
END_TEST

/* Does [p, end) hold ip as written canonically ("::ffff:" and all)? */
static int
holds(const char *p, const char *end, const struct ip *ip)
{
	char text[IP_STRLEN];
	size_t n = ip_format(ip, text);

	return memmem(p, (size_t)(end - p), text, n) != NULL;
}

/* A client only where the cut line still holds one. */
static void
cut_holds(size_t k, int fit, const struct hit *h, const void *arg)
{
	const struct line_case *lc = arg;

	if (fit >= FIT_PARTIAL)
		ck_assert_msg(holds(lc->line, lc->line + k, &h->ip),
		    "cut at %zu: \"%s\"", k, lc->line);
}

/*
 * Every cut of every line, and the whole line: nothing read past its end
 * (tu_guarded), and a client only where the line read still holds one.
 */
START_TEST(test_truncated)
{
	for (size_t c = 0; c < nitems(cases); c++) {
		const struct line_case *lc = &cases[c];
		size_t n = strlen(lc->line);
		struct logctx ctx;
		struct hit h;

		tu_logctx(&ctx, lc->fmt, 0);
		tu_each_cut(&ctx, lc->line, n, cut_holds, lc);
		cut_holds(n, logfmt_parse(&ctx, tu_guarded(lc->line, n), n,
		    &h), &h, lc);
	}
}
END_TEST

/*
 * One context for a whole file: what a line leaves cached (the syslog
 * hour, the local hour of HAProxy's dates) must not change the next.
 */
START_TEST(test_one_context)
{
	struct logctx shared[FMT_MAX];

	for (int f = 0; f < FMT_MAX; f++)
		tu_logctx(&shared[f], (enum logfmt)f, 0);
	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < nitems(cases); i++) {
			const struct line_case *lc = &cases[i];
			size_t n = strlen(lc->line);
			struct hit h;
			char buf[IP_STRLEN];

			ck_assert_int_eq(logfmt_parse(&shared[lc->fmt],
			    tu_guarded(lc->line, n), n, &h), lc->fit);
			if (lc->ip == NULL)
				continue;
			ip_format(&h.ip, buf);
			ck_assert_str_eq(buf, lc->ip);
			ck_assert_int_eq(h.when, lc->when);
		}
}
END_TEST

/*
 * Long hostile lines: words repeated up to the parser's line limit must
 * neither hide the peer nor make one up.
 */
START_TEST(test_hostile_long)
{
	static const struct {
		const char *head, *unit, *tail, *ip;
	} hl[] = {
		{ H "sshd[1]: Connection closed by invalid user x",
		    " 10.0.0.1 port 1", " 192.0.2.35 port 2 [preauth]",
		    "192.0.2.35" },
		{ H "sshd[1]: Failed password for invalid user x",
		    " from 10.0.0.1 port 1 ssh2 x",
		    " from 192.0.2.31 port 22 ssh2", "192.0.2.31" },
		{ H "sshd[1]: pam_unix(sshd:auth): authentication failure; "
		    "logname= uid=0 euid=0 tty=ssh ruser=", " rhost=10.0.0.1  "
		    "user=", "", NULL },
		{ H "vsftpd[1]: [x", "] FAIL LOGIN: Client \"10.0.0.1\", \"",
		    "] FAIL LOGIN: Client \"192.0.2.92\"", "192.0.2.92" },
		{ H "dovecot: imap-login: Login: user=<", ", rip=10.0.0.1, "
		    "lip=10.0.0.2", ">, method=PLAIN, rip=192.0.2.81, "
		    "lip=192.0.2.1", "192.0.2.81" },
		{ H "sshd[1]: ", "::::::::", "", NULL },
		{ H "sshd[1]: Connection closed by ", "1.1.1.1.", "", NULL },
	};
	size_t cap = LINE_MAX_LEN;
	char *line = malloc(cap);

	for (size_t i = 0; i < nitems(hl); i++) {
		size_t n = strlen(hl[i].head), u = strlen(hl[i].unit),
		    t = strlen(hl[i].tail);
		struct logctx ctx;
		struct hit h;
		char buf[IP_STRLEN];
		enum fit fit;

		memcpy(line, hl[i].head, n);
		while (n + u + t <= cap) {
			memcpy(line + n, hl[i].unit, u);
			n += u;
		}
		memcpy(line + n, hl[i].tail, t);
		n += t;
		tu_logctx(&ctx, FMT_SYSLOG, 0);
		fit = logfmt_parse(&ctx, line, n, &h);
		if (hl[i].ip == NULL) {
			ck_assert_int_le(fit, FIT_NOCLIENT);
			continue;
		}
		ck_assert_int_eq(fit, FIT_EXACT);
		ip_format(&h.ip, buf);
		ck_assert_str_eq(buf, hl[i].ip);
	}
	free(line);
}
END_TEST

/* logfmt_detect on the first lines of a file. */
static const struct {
	const char *what, *buf;
	enum logfmt want;
} detect_cases[] = {
	{ "auth.log",
	    H "sshd[812]: Server listening on 0.0.0.0 port 22.\n"
	    H "sshd[1201]: Invalid user admin from 198.51.100.77 port 40212\n"
	    H "sshd[1201]: pam_unix(sshd:auth): check pass; user unknown\n"
	    H "CRON[1300]: pam_unix(cron:session): session opened for user "
	    "root(uid=0) by (uid=0)\n"
	    H "sshd[1201]: Failed password for invalid user admin from "
	    "198.51.100.77 port 40212 ssh2\n", FMT_SYSLOG },
	{ "mail.log",
	    H "postfix/postscreen[3001]: CONNECT from [192.0.2.61]:50001 to "
	    "[192.0.2.1]:25\n"
	    H "postfix/smtpd[2001]: connect from unknown[192.0.2.61]\n"
	    H "postfix/qmgr[900]: 4F9D195432C: from=<a@b>, size=1, nrcpt=1 "
	    "(queue active)\n"
	    H "dovecot: imap-login: Login: user=<bob>, method=PLAIN, "
	    "rip=192.0.2.80, lip=192.0.2.1, mpid=1, TLS\n", FMT_SYSLOG },
	{ "haproxy.log",
	    H "haproxy[1]: Proxy www started.\n"
	    H "haproxy[14389]: 192.0.2.110:33317 [27/Mar/2024:13:06:56.655] "
	    "http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 "
	    "0/0 \"GET / HTTP/1.1\"\n"
	    H "haproxy[14389]: -:33318 [27/Mar/2024:13:06:56.700] http-in "
	    "static/srv1 1/0/3/6/10 200 75 - - ---- 1/1/1/1/0 0/0 \"GET / "
	    "HTTP/1.1\"\n", FMT_HAPROXY },
	{ "haproxy, raw",
	    "192.0.2.119:33317 [27/Mar/2024:13:06:56.655] http-in "
	    "static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 "
	    "\"GET / HTTP/1.1\"\n"
	    "192.0.2.113:40962 [27/Mar/2024:13:06:56.285] main app/<NOSRV> "
	    "-1/-1/1 212 SC 1/1/0/0/0 0/0\n", FMT_HAPROXY },
	{ "haproxy and sshd in one syslog",
	    H "haproxy[14389]: 192.0.2.110:33317 [27/Mar/2024:13:06:56.655] "
	    "http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 "
	    "0/0 \"GET / HTTP/1.1\"\n"
	    H "sshd[1201]: Invalid user admin from 198.51.100.77 port 40212\n"
	    H "sshd[1201]: Connection closed by 198.51.100.77 port 40212\n",
	    FMT_SYSLOG },
	{ "combined stays combined",
	    "192.0.2.1 - - [27/Mar/2024:13:06:56 +0000] \"GET / HTTP/1.1\" "
	    "200 5 \"-\" \"-\"\n"
	    "192.0.2.2 - - [27/Mar/2024:13:06:57 +0000] \"GET / HTTP/1.1\" "
	    "200 5 \"-\" \"-\"\n", FMT_COMBINED },
	{ "syslog naming no client",
	    H "CRON[1300]: (root) CMD (run-parts /etc/cron.hourly)\n"
	    H "systemd[1]: Started Session 1 of user alice.\n", FMT_SYSLOG },
};

START_TEST(test_detect)
{
	tu_detect(detect_cases[_i].what, detect_cases[_i].buf,
	    detect_cases[_i].want);
}
END_TEST

START_TEST(test_names)
{
	static const struct {
		const char *name;
		enum logfmt fmt;
	} names[] = {
		{ "syslog", FMT_SYSLOG },
		{ "sshd", FMT_SSHD },
		{ "haproxy", FMT_HAPROXY },
	};

	for (size_t i = 0; i < nitems(names); i++)
		tu_check_name(names[i].name, names[i].fmt);
}
END_TEST

/* Real data ------------------------------------------------------------- */

/*
 * Each line of a file through a scanner: the clients (distinct, into
 * set[0..*nset) if set is not NULL), none rejected unless allowed, each
 * client an address its line holds.  Returns the lines with a client.
 */
static size_t
read_all(const char *buf, size_t len, enum logfmt fmt, struct ip *set,
    size_t *nset, size_t max, size_t *rejected)
{
	const char *p = buf, *end = buf + len;
	size_t clients = 0;
	struct logctx ctx;

	tu_logctx(&ctx, fmt, 0);
	*rejected = 0;
	if (nset != NULL)
		*nset = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		struct hit h;
		enum fit fit;

		fit = logfmt_parse(&ctx, p, (size_t)(eol - p), &h);
		if (fit == FIT_NONE)
			(*rejected)++;
		if (fit >= FIT_PARTIAL) {
			size_t i;

			clients++;
			ck_assert_msg(holds(p, eol, &h.ip),
			    "a client the line does not hold: %.*s",
			    (int)(eol - p), p);
			for (i = 0; set != NULL && i < *nset; i++)
				if (ip_cmp(&set[i], &h.ip) == 0)
					break;
			if (set != NULL && i == *nset) {
				ck_assert_uint_lt(*nset, max);
				set[(*nset)++] = h.ip;
			}
		}
		p = nl ? nl + 1 : end;
	}
	return clients;
}

static int
in_set(const struct ip *set, size_t n, const char *text)
{
	struct ip ip;

	ck_assert_int_eq(ip_parse(text, strlen(text), &ip), 0);
	for (size_t i = 0; i < n; i++)
		if (ip_cmp(&set[i], &ip) == 0)
			return 1;
	return 0;
}

/* Every dotted quad in the file, distinct: the grep(1) view of it. */
static size_t
all_quads(const char *buf, size_t len, struct ip *set, size_t max)
{
	const char *p = buf, *end = buf + len, *next;
	size_t n = 0;
	struct ip ip;

	while ((next = ip_find(p, end, &ip, NULL)) != NULL) {
		size_t i;

		p = next;
		if (!ip_is_v4(&ip))
			continue;
		for (i = 0; i < n && ip_cmp(&set[i], &ip) != 0; i++)
			;
		if (i == n) {
			ck_assert_uint_lt(n, max);
			set[n++] = ip;
		}
	}
	return n;
}

/*
 * loghub's OpenSSH sample: 30 distinct addresses, all sshd's clients
 * (the host is a name); no line rejected.
 */
START_TEST(test_loghub)
{
	struct ip got[64], quads[64];
	size_t len, n, nq, rejected;
	char *buf = tu_realdata_file("logs/loghub_OpenSSH_2k.log", &len);

	if (buf == NULL)
		return;
	ck_assert_uint_gt(read_all(buf, len, FMT_SYSLOG, got, &n,
	    nitems(got), &rejected), 0);
	ck_assert_uint_eq(rejected, 0);
	ck_assert_uint_eq(n, 30);
	nq = all_quads(buf, len, quads, nitems(quads));
	ck_assert_uint_eq(nq, 30);
	for (size_t i = 0; i < nq; i++) {
		size_t j;

		for (j = 0; j < n && ip_cmp(&got[j], &quads[i]) != 0; j++)
			;
		ck_assert_uint_lt(j, n);
	}
	free(buf);
}
END_TEST

/*
 * Elastic's auth.log of an internet-facing host: every address in the
 * file is a client but the listening 0.0.0.0 and the host's own
 * 10.77.20.248 ("Connection from A port P on 10.77.20.248 port 2222").
 */
START_TEST(test_elastic_auth)
{
	static struct ip got[512], quads[512];
	size_t len, n, nq, rejected;
	char *buf = tu_realdata_file("logs/elastic_suspicious_login_auth.log",
	    &len);

	if (buf == NULL)
		return;
	read_all(buf, len, FMT_SYSLOG, got, &n, nitems(got), &rejected);
	ck_assert_uint_eq(rejected, 0);
	nq = all_quads(buf, len, quads, nitems(quads));
	ck_assert_uint_eq(nq, 204);
	ck_assert_uint_eq(n, 202);
	ck_assert(!in_set(got, n, "0.0.0.0"));
	ck_assert(!in_set(got, n, "10.77.20.248"));
	ck_assert(!in_set(got, n, "::"));
	for (size_t i = 0; i < nq; i++) {
		char text[IP_STRLEN];

		ip_format(&quads[i], text);
		if (strcmp(text, "0.0.0.0") != 0 &&
		    strcmp(text, "10.77.20.248") != 0)
			ck_assert_msg(in_set(got, n, text), "%s missed", text);
	}
	free(buf);
}
END_TEST

/* Beats' auth.log sample: four clients, and an RSA fingerprint that is
 * not IPv6. */
START_TEST(test_beats_auth)
{
	struct ip got[16];
	size_t len, n, rejected;
	char *buf = tu_realdata_file("logs/edge/beats_system_auth_test.log",
	    &len);

	if (buf == NULL)
		return;
	ck_assert_uint_eq(read_all(buf, len, FMT_SYSLOG, got, &n,
	    nitems(got), &rejected), 5);
	ck_assert_uint_eq(rejected, 0);
	ck_assert_uint_eq(n, 4);
	ck_assert(in_set(got, n, "10.0.2.2"));
	ck_assert(in_set(got, n, "192.168.33.1"));
	ck_assert(in_set(got, n, "216.160.83.57"));
	ck_assert(in_set(got, n, "2.125.160.217"));
	free(buf);
}
END_TEST

/* Beats' HAProxy samples: the clients, their times and sizes; "-:port"
 * clients name none. */
START_TEST(test_beats_haproxy)
{
	static const struct {
		const char *file, *ip;
		size_t clients, lines;
		int64_t when, bytes;
	} hb[] = {
		/* 2018-07-30T09:03:52 local (UTC here) */
		{ "logs/edge/beats_haproxy_httplog.log", "1.2.3.4", 1, 10,
		    1532941432, 168 },
		{ "logs/edge/beats_haproxy_tcplog.log", "127.0.0.1", 1, 1,
		    1537458263, 212 },
		{ "logs/edge/beats_haproxy_default.log", "1.128.3.4", 1, 1,
		    0, NO_BYTES },
	};

	for (size_t i = 0; i < nitems(hb); i++) {
		size_t len, lines = 0, clients = 0;
		char *buf = tu_realdata_file(hb[i].file, &len), *p, *nl;
		struct logctx ctx;

		if (buf == NULL)
			return;
		tu_logctx(&ctx, FMT_HAPROXY, 0);
		for (p = buf; p < buf + len; p = nl + 1) {
			struct hit h;
			char text[IP_STRLEN];
			enum fit fit;

			if ((nl = memchr(p, '\n', len - (size_t)(p - buf))) ==
			    NULL)
				nl = buf + len;
			lines++;
			fit = logfmt_parse(&ctx, p, (size_t)(nl - p), &h);
			ck_assert_int_ge(fit, FIT_NOCLIENT);
			if (fit < FIT_PARTIAL)
				continue;
			clients++;
			ip_format(&h.ip, text);
			ck_assert_str_eq(text, hb[i].ip);
			if (hb[i].when != 0)
				ck_assert_int_eq(h.when, hb[i].when);
			ck_assert_int_eq(h.has_bytes, hb[i].bytes != NO_BYTES);
			if (hb[i].bytes != NO_BYTES)
				ck_assert_uint_eq(h.bytes, (uint64_t)hb[i].bytes);
		}
		ck_assert_uint_eq(lines, hb[i].lines);
		ck_assert_uint_eq(clients, hb[i].clients);
		tu_logctx(&ctx, FMT_AUTO, 0);
		ck_assert_int_eq(logfmt_detect(&ctx, buf, len), FMT_HAPROXY);
		free(buf);
	}
}
END_TEST

/*
 * fail2ban's sshd corpus: each "# failJSON: {...}" gives the host of the
 * line after it.  Where that host is an address the line holds, the line
 * must give exactly it, with -f syslog and -f sshd.  fail2ban ties some
 * lines to an earlier one of the same process, naming a host they do not
 * hold: those are these, and must give no client.  A host given as a
 * name gives none either, whatever other address the line holds ("from
 * example.com via 192.168.1.201").
 */
static const char *const elsewhere[] = {
	"Disconnecting: Too many authentication failures for root [preauth]",
	"Disconnecting: Too many authentication failures [preauth]",
	"fatal: Read from socket failed: Connection reset by peer [preauth]",
	("error: kex_exchange_identification: client sent invalid protocol "
	    "identifier \"\""),
	"error: kex_exchange_identification: Connection closed by remote host",
	"error: kex_exchange_identification: read: Connection reset by peer",
	"fatal: Unable to negotiate a key exchange method [preauth]",
	"fatal: no matching mac found: client hmac-xxx,",
};

/* What one annotated line must give: "" for no client. */
static void
fail2ban_line(const char *line, size_t n, const char *want)
{
	static const enum logfmt fmts[] = { FMT_SYSLOG, FMT_SSHD };

	for (size_t i = 0; i < nitems(fmts); i++) {
		struct logctx ctx;
		struct hit h;
		char got[IP_STRLEN] = "";
		enum fit fit;

		tu_logctx(&ctx, fmts[i], 0);
		fit = logfmt_parse(&ctx, line, n, &h);
		ck_assert_msg(fit != FIT_NONE, "rejected: %s", line);
		if (fit >= FIT_PARTIAL)
			ip_format(&h.ip, got);
		ck_assert_msg(strcmp(got, want) == 0, "%s: \"%s\", not \"%s\": %s",
		    logfmt_name(fmts[i]), got, want, line);
	}
}

struct fail2ban {
	size_t	 read_ok, absent, named, seen[nitems(elsewhere)];
};

/* An annotated line: its address, or none where it names a host or an
 * address it does not hold. */
static void
fail2ban_each(const char *p, size_t n, const struct tu_failjson *fj,
    void *arg)
{
	struct fail2ban *f = arg;
	struct ip want;
	char text[IP_STRLEN];
	size_t i;

	if (fj == NULL || fj->host[0] == '\0')
		return;
	if (ip_parse(fj->host, strlen(fj->host), &want) == -1) {
		fail2ban_line(p, n, "");
		f->named++;
	} else if (strstr(p, fj->host) != NULL) {
		ip_format(&want, text);
		fail2ban_line(p, n, text);
		f->read_ok++;
	} else {
		for (i = 0; i < nitems(elsewhere) &&
		    strstr(p, elsewhere[i]) == NULL; i++)
			;
		ck_assert_msg(i < nitems(elsewhere), "%s not in: %s",
		    fj->host, p);
		f->seen[i]++;
		fail2ban_line(p, n, "");
		f->absent++;
	}
}

START_TEST(test_fail2ban_sshd)
{
	struct fail2ban f;

	memset(&f, 0, sizeof(f));
	if (tu_failjson_each("logs/fail2ban_sshd_annotated.log",
	    fail2ban_each, &f) == -1)
		return;
	printf("fail2ban_sshd_annotated.log: %zu lines give their address, "
	    "%zu name it elsewhere, %zu name a host by name\n", f.read_ok,
	    f.absent, f.named);
	fflush(stdout);
	ck_assert_uint_eq(f.read_ok, 93);
	ck_assert_uint_eq(f.absent, 11);
	ck_assert_uint_eq(f.named, 4);
	for (size_t i = 0; i < nitems(elsewhere); i++)
		ck_assert_uint_gt(f.seen[i], 0);
}
END_TEST

static Suite *
fmt_syslog_suite(void)
{
	Suite *s = suite_create("fmt_syslog");
	TCase *tc = tcase_create("lines");

	tcase_add_loop_test(tc, test_line, 0, nitems(cases));
	tcase_add_test(tc, test_line_crlf);
	tcase_add_test(tc, test_limited);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_one_context);
	tcase_add_test(tc, test_hostile_long);
	suite_add_tcase(s, tc);

	tc = tcase_create("detect");
	tcase_add_loop_test(tc, test_detect, 0, nitems(detect_cases));
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("realdata");
	tcase_add_test(tc, test_loghub);
	tcase_add_test(tc, test_elastic_auth);
	tcase_add_test(tc, test_beats_auth);
	tcase_add_test(tc, test_beats_haproxy);
	tcase_add_test(tc, test_fail2ban_sshd);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	/* Syslog times are local: make local UTC. */
	setenv("TZ", "UTC", 1);
	tzset();
	return tu_run(fmt_syslog_suite());
}

/*
 * fmt_cloud.c: the AWS load balancers (elb, alb), S3 server access logs
 * and Squid's native access.log.  Lines are written after each format's
 * documentation, with documentation addresses; each gives an exact
 * client, time (epoch seconds) and size, or is rejected.
 *
 * Lines are copied to the very end of a readable page, so a scanner that
 * reads one byte past the line faults here, sanitizer or not.  Every
 * prefix of every line is read too: a line cut short anywhere may lose
 * its client, time or size, but never names another.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ipwhois.h"
#include "testutil.h"

#define NO_BYTES	TU_NO_BYTES

/*
 * fit: what a strict reading (detection) says.  ip NULL: no client.
 * bytes NO_BYTES: no size.
 */
struct line_case {
	enum logfmt fmt;
	enum fit fit;
	const char *line, *ip;
	int64_t when, bytes;
};

#define S3_OWNER	"4f1c9e0a6b2d8c7e5f3a1b9d0c8e7f6a" \
			"5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"
#define S3_HOSTID	"Zm9vYmFyYmF6cXV4cXV1eGZvb2Jhcg/aGVsbG93b3JsZA+dGVzdA="

static const struct line_case lines[] = {
	/* elb: Classic Load Balancer */
	{ FMT_ELB, FIT_EXACT, "2015-05-13T23:39:43.945958Z my-loadbalancer "
	    "192.0.2.10:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 "
	    "0 29 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" "
	    "- -", "192.0.2.10", 1431560383, 29 },
	{ FMT_ELB, FIT_EXACT, "2015-05-13T23:39:43.945958Z my-loadbalancer "
	    "192.0.2.11:2817 10.0.0.1:80 0.000086 0.001048 0.001337 200 200 "
	    "0 57 \"GET https://www.example.com:443/ HTTP/1.1\" "
	    "\"curl/7.38.0\" "
	    "DHE-RSA-AES128-SHA TLSv1.2", "192.0.2.11", 1431560383, 57 },
	/* A TCP listener: no request, no statuses. */
	{ FMT_ELB, FIT_EXACT, "2015-05-13T23:39:43.945958Z my-loadbalancer "
	    "198.51.100.12:2817 10.0.0.1:80 0.001069 0.000028 0.000041 - - 82 "
	    "305 \"- - - \" \"-\" - -", "198.51.100.12", 1431560383, 305 },
	/* No instance took it: backend "-", times -1. */
	{ FMT_ELB, FIT_EXACT, "2015-05-13T23:39:43.945958Z my-loadbalancer "
	    "198.51.100.13:40000 - -1 -1 -1 503 - 0 0 \"GET "
	    "http://www.example.com:80/ HTTP/1.1\" \"Mozilla/5.0\" - -",
	    "198.51.100.13", 1431560383, 0 },
	/* IPv6 clients are written without brackets. */
	{ FMT_ELB, FIT_EXACT, "2015-05-13T23:39:43.945958Z my-loadbalancer "
	    "2001:db8:4002:5883:b5f3:aaaa:bbbb:64ec:53016 10.0.0.1:80 "
	    "0.000052 0.006129 0.000037 200 200 0 0 \"GET "
	    "https://www.example.com/ HTTP/1.1\" \"Safari/600.5.17\" "
	    "ECDHE-RSA-AES128-SHA256 TLSv1.2",
	    "2001:db8:4002:5883:b5f3:aaaa:bbbb:64ec", 1431560383, 0 },
	{ FMT_ELB, FIT_EXACT, "2015-05-13T23:39:43.945958Z my-loadbalancer "
	    "2001:db8::7:443 10.0.0.1:80 0.1 0.1 0.1 200 200 0 9 \"GET / "
	    "HTTP/1.1\" \"-\" - -", "2001:db8::7", 1431560383, 9 },
	/* Before 2015: no user agent, no TLS fields. */
	{ FMT_ELB, FIT_EXACT, "2014-02-15T23:39:43.945958Z my-loadbalancer "
	    "192.0.2.14:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 "
	    "0 29 \"GET http://www.example.com:80/ HTTP/1.1\"",
	    "192.0.2.14", 1392507583, 29 },
	/* Addresses in the request and the agent are not the client. */
	{ FMT_ELB, FIT_EXACT, "2015-05-13T23:39:43.945958Z lb "
	    "192.0.2.15:1 10.0.0.1:80 0 0 0 200 200 0 1 \"GET "
	    "http://203.0.113.9:80/?from=198.51.100.66 HTTP/1.1\" "
	    "\"bot 192.0.2.66:80\" - -", "192.0.2.15", 1431560383, 1 },
	/* The client and time are there, the rest is not the format. */
	{ FMT_ELB, FIT_PARTIAL, "2015-05-13T23:39:43.945958Z lb "
	    "192.0.2.16:1 10.0.0.1:80 0 0 0 200 200 0 x \"GET / HTTP/1.1\"",
	    "192.0.2.16", 1431560383, NO_BYTES },
	{ FMT_ELB, FIT_PARTIAL, "2015-05-13T23:39:43.945958Z lb "
	    "192.0.2.16:1 10.0.0.1:80 zero 0 0 200 200 0 5 \"GET / HTTP/1.1\" "
	    "\"-\" - -", "192.0.2.16", 1431560383, 5 },
	{ FMT_ELB, FIT_PARTIAL, "2015-05-13T23:39:43.945958Z lb "
	    "192.0.2.16:1 10.0.0.1:80 0 0 0 200 200 0 5 \"GET / HTTP/1.1\" "
	    "\"-\" - - extra", "192.0.2.16", 1431560383, 5 },
	{ FMT_ELB, FIT_NONE, "2015-05-13T23:39:43.945958Z lb 192.0.2.17 "
	    "10.0.0.1:80 0 0 0 200 200 0 5 \"GET / HTTP/1.1\" \"-\" - -",
	    NULL, 0, 0 },	/* no port: the field may have been cut */
	{ FMT_ELB, FIT_NONE, "2015-05-13T23:39:43.945958Z lb "
	    "host.example.com:80 10.0.0.1:80 0 0 0 200 200 0 5 \"GET / "
	    "HTTP/1.1\" \"-\" - -", NULL, 0, 0 },
	{ FMT_ELB, FIT_NONE, "2015-05-13T23:39:43.945958Z lb "
	    "192.0.2.300:80 10.0.0.1:80 0 0 0 200 200 0 5 \"GET / HTTP/1.1\" "
	    "\"-\" - -", NULL, 0, 0 },
	{ FMT_ELB, FIT_NONE, "2015-13-13T23:39:43.945958Z lb 192.0.2.18:80 "
	    "10.0.0.1:80 0 0 0 200 200 0 5 \"GET / HTTP/1.1\" \"-\" - -",
	    NULL, 0, 0 },
	{ FMT_ELB, FIT_NONE, "http 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.19:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
	    "\"GET / HTTP/1.1\" \"-\" - - arn \"Root=1\"", NULL, 0, 0 },
	{ FMT_ELB, FIT_NONE, "192.0.2.19 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", NULL, 0, 0 },
	{ FMT_ELB, FIT_NONE, "2015-05-13T23:39:43.945958Z", NULL, 0, 0 },
	{ FMT_ELB, FIT_NONE, "2015-05-13T23:39:43.945958Z lb", NULL, 0, 0 },
	{ FMT_ELB, FIT_NOCLIENT, "", NULL, 0, 0 },	/* blank */

	/* alb: Application Load Balancer */
	{ FMT_ALB, FIT_EXACT, "http 2018-07-02T22:23:00.186641Z "
	    "app/my-loadbalancer/50dc6c495c0c9188 192.0.2.20:2817 10.0.0.1:80 "
	    "0.000 0.001 0.000 200 200 34 366 \"GET http://www.example.com:80/ "
	    "HTTP/1.1\" \"curl/7.46.0\" - - arn:aws:elasticloadbalancing:"
	    "us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
	    "\"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 "
	    "2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" "
	    "\"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1234abcd5678ef90",
	    "192.0.2.20", 1530570180, 366 },
	/* Newer fields after conn_trace_id; an IPv6 client. */
	{ FMT_ALB, FIT_EXACT, "https 2024-03-10T09:15:27.123456Z "
	    "app/web/0123456789abcdef 2001:db8:1::23:51234 10.0.1.5:8080 "
	    "0.001 0.012 0.000 200 200 512 1048576 \"GET "
	    "https://www.example.org:443/big.bin HTTP/1.1\" \"Mozilla/5.0\" "
	    "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:"
	    "eu-west-1:123456789012:targetgroup/web/0123456789abcdef "
	    "\"Root=1-65ed7b3f-0123456789abcdef01234567\" \"www.example.org\" "
	    "\"arn:aws:acm:eu-west-1:123456789012:certificate/1234\" 1 "
	    "2024-03-10T09:15:27.110000Z \"forward\" \"-\" \"-\" "
	    "\"10.0.1.5:8080\" \"200\" \"-\" \"-\" TID_0123456789abcdef "
	    "\"-\" \"-\" \"-\" 10.0.0.7", "2001:db8:1::23", 1710062127,
	    1048576 },
	/* Rejected by the load balancer: no target, statuses "-". */
	{ FMT_ALB, FIT_EXACT, "h2 2024-03-10T09:15:27.500000Z "
	    "app/web/0123456789abcdef 198.51.100.30:40000 - -1 -1 -1 460 - "
	    "120 0 \"GET https://www.example.org:443/slow HTTP/2.0\" "
	    "\"okhttp/4.11.0\" TLS_AES_128_GCM_SHA256 TLSv1.3 - "
	    "\"Root=1-65ed7b3f-aaaaaaaaaaaaaaaaaaaaaaaa\" \"www.example.org\" "
	    "\"-\" 0 2024-03-10T09:15:20.000000Z \"forward\" \"-\" \"-\" \"-\" "
	    "\"-\" \"-\" \"-\" -", "198.51.100.30", 1710062127, 0 },
	{ FMT_ALB, FIT_EXACT, "wss 2024-03-10T09:15:27.000000Z app/web/1 "
	    "[2001:db8::31]:40001 10.0.1.5:8080 0.000 0.002 0.000 101 101 218 "
	    "587 \"GET https://www.example.org:443/ws HTTP/1.1\" \"-\" "
	    "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:tg \"Root=1-x\" \"-\"",
	    "2001:db8::31", 1710062127, 587 },
	{ FMT_ALB, FIT_EXACT, "grpcs 2024-03-10T09:15:27.000000Z app/web/1 "
	    "192.0.2.32:40002 10.0.1.5:50051 0.000 0.002 0.000 200 200 218 "
	    "587 \"POST https://api.example.org:443/svc.Greeter/Hello "
	    "HTTP/2.0\" \"grpc-go/1.60\" TLS_AES_128_GCM_SHA256 TLSv1.3 arn:tg "
	    "\"Root=1-x\"", "192.0.2.32", 1710062127, 587 },
	/* 2016: the line ends with the trace id. */
	{ FMT_ALB, FIT_EXACT, "http 2016-08-10T22:08:42.945958Z "
	    "app/my-loadbalancer/50dc6c495c0c9188 192.0.2.21:2817 10.0.0.1:80 "
	    "0.000 0.001 0.000 200 200 34 366 \"GET http://www.example.com:80/ "
	    "HTTP/1.1\" \"curl/7.46.0\" - - arn:aws:elasticloadbalancing:"
	    "us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "
	    "\"Root=1-58337262-36d228ad5d99923122bbe354\"",
	    "192.0.2.21", 1470866922, 366 },
	{ FMT_ALB, FIT_EXACT, "ws 2024-03-10T09:15:27.000000Z app/web/1 "
	    "192.0.2.33:1 10.0.1.5:80 0.000 0.002 0.000 101 101 1 2 \"GET "
	    "http://198.51.100.99:80/?ip=203.0.113.5 HTTP/1.1\" "
	    "\"curl 192.0.2.66\" - - arn:tg \"Root=1-x\" \"192.0.2.77\"",
	    "192.0.2.33", 1710062127, 2 },
	/* Cut before the target group: the client, not the format. */
	{ FMT_ALB, FIT_PARTIAL, "http 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.22:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
	    "\"GET / HTTP/1.1\" \"curl/7.46.0\" - -", "192.0.2.22", 1530570180,
	    366 },
	{ FMT_ALB, FIT_PARTIAL, "http 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.22:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
	    "\"GET / HTTP/1.1\" \"curl/7.46.0\" - - arn Root=1",
	    "192.0.2.22", 1530570180, 366 },
	{ FMT_ALB, FIT_PARTIAL, "http 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.22:2817 10.0.0.1:80 0.000 0.001 0.000 2000 200 34 366 "
	    "\"GET / HTTP/1.1\" \"-\" - - arn \"Root=1\"", "192.0.2.22",
	    1530570180, 366 },
	{ FMT_ALB, FIT_PARTIAL, "http 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.22:2817 not-a-target 0.000 0.001 0.000 200 200 34 366 "
	    "\"GET / HTTP/1.1\" \"-\" - - arn \"Root=1\"", "192.0.2.22",
	    1530570180, 366 },
	{ FMT_ALB, FIT_PARTIAL, "http 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.22:2817 10.0.0.1:80 0.000", "192.0.2.22", 1530570180,
	    NO_BYTES },
	{ FMT_ALB, FIT_NONE, "ftp 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.23:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
	    "\"GET / HTTP/1.1\" \"-\" - - arn \"Root=1\"", NULL, 0, 0 },
	{ FMT_ALB, FIT_NONE, "HTTP 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.23:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
	    "\"GET / HTTP/1.1\" \"-\" - - arn \"Root=1\"", NULL, 0, 0 },
	{ FMT_ALB, FIT_NONE, "2015-05-13T23:39:43.945958Z my-loadbalancer "
	    "192.0.2.10:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 "
	    "0 29 \"GET / HTTP/1.1\" \"curl/7.38.0\" - -", NULL, 0, 0 },
	{ FMT_ALB, FIT_NONE, "http 2018-07-02T22:23:00.186641Z app/lb/1 - "
	    "10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 \"GET / HTTP/1.1\" "
	    "\"-\" - - arn \"Root=1\"", NULL, 0, 0 },
	{ FMT_ALB, FIT_NONE, "http 2018-07-02T22:23:00.186641Z app/lb/1 "
	    "192.0.2.24:", NULL, 0, 0 },
	{ FMT_ALB, FIT_NONE, "http", NULL, 0, 0 },
	{ FMT_ALB, FIT_NONE, "http ", NULL, 0, 0 },

	/* s3: Amazon S3 server access logs */
	{ FMT_S3, FIT_EXACT, S3_OWNER " amzn-s3-demo-bucket1 "
	    "[06/Feb/2019:00:00:38 +0000] 192.0.2.3 " S3_OWNER " "
	    "3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET "
	    "/amzn-s3-demo-bucket1?versioning HTTP/1.1\" 200 - 113 - 7 - \"-\" "
	    "\"S3Console/0.4\" - " S3_HOSTID " SigV4 "
	    "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
	    "amzn-s3-demo-bucket1.s3.us-west-1.amazonaws.com TLSV1.2 "
	    "arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP Yes",
	    "192.0.2.3", 1549411238, 113 },
	{ FMT_S3, FIT_EXACT, S3_OWNER " my-bucket [05/Nov/2023:15:02:11 "
	    "+0100] 2001:db8:ab::5 arn:aws:iam::123456789012:user/alice "
	    "9E1A2B3C4D5E6F70 REST.GET.OBJECT photos/2023/cat%20one.jpg "
	    "\"GET /my-bucket/photos/2023/cat%20one.jpg HTTP/1.1\" 200 - "
	    "48213 48213 31 30 \"https://www.example.org/\" \"Mozilla/5.0 "
	    "(X11; Linux x86_64)\" - " S3_HOSTID " SigV4 "
	    "TLS_AES_128_GCM_SHA256 AuthHeader "
	    "my-bucket.s3.eu-west-1.amazonaws.com TLSv1.3 - -",
	    "2001:db8:ab::5", 1699192931, 48213 },
	/* No bytes sent: "-". */
	{ FMT_S3, FIT_EXACT, S3_OWNER " my-bucket [05/Nov/2023:14:02:11 "
	    "+0000] 198.51.100.40 - 0A1B2C3D4E5F6071 REST.HEAD.OBJECT "
	    "index.html \"HEAD /index.html HTTP/1.1\" 304 - - 1024 5 4 \"-\" "
	    "\"curl/8.5.0\" - " S3_HOSTID " - - - "
	    "my-bucket.s3.amazonaws.com - - -", "198.51.100.40", 1699192931,
	    0 },
	{ FMT_S3, FIT_EXACT, S3_OWNER " my-bucket [05/Nov/2023:14:02:11 "
	    "+0000] 198.51.100.41 - 0A1B2C3D4E5F6072 REST.GET.OBJECT "
	    "missing.txt \"GET /missing.txt HTTP/1.1\" 404 NoSuchKey 243 - 12 "
	    "- \"-\" \"-\" -", "198.51.100.41", 1699192931, 243 },
	/* 2006: the line ends with the user agent. */
	{ FMT_S3, FIT_EXACT, S3_OWNER " mybucket [04/Aug/2006:22:34:02 +0000] "
	    "192.0.2.5 " S3_OWNER " 3E57427F33A59F07 REST.GET.OBJECT "
	    "photos/2006/08/puppy.jpg \"GET /mybucket/photos/2006/08/puppy.jpg"
	    "?x-foo=bar HTTP/1.1\" 200 - 2662992 3462992 70 10 \"-\" "
	    "\"curl/7.15.1\"", "192.0.2.5", 1154730842, 2662992 },
	/* Addresses in the key, the request and the agent are the
	 * client's to write. */
	{ FMT_S3, FIT_EXACT, S3_OWNER " my-bucket [05/Nov/2023:14:02:11 "
	    "+0000] 192.0.2.42 - 0A1B2C3D4E5F6073 REST.GET.OBJECT "
	    "203.0.113.5 \"GET /203.0.113.5?from=198.51.100.66 HTTP/1.1\" 200 "
	    "- 10 10 1 1 \"http://192.0.2.99/\" \"x 192.0.2.66\" -",
	    "192.0.2.42", 1699192931, 10 },
	/* S3's own lifecycle actions: no remote address. */
	{ FMT_S3, FIT_NOCLIENT, S3_OWNER " my-bucket [05/Nov/2023:14:02:11 "
	    "+0000] - AmazonS3 7A8B9C0D1E2F3A4B S3.EXPIRE.OBJECT logs/old.gz "
	    "\"-\" - - - 1024 - - \"-\" \"-\" - - - - - - - - -", NULL, 0, 0 },
	{ FMT_S3, FIT_PARTIAL, S3_OWNER " my-bucket [05/Nov/2023:14:02:11 "
	    "+0000] 192.0.2.43 - 0A1B2C3D4E5F6074 REST.GET.OBJECT a \"GET /a "
	    "HTTP/1.1\" 200 - 77 77 1 1 \"-\" \"Mozilla", "192.0.2.43",
	    1699192931, 77 },
	{ FMT_S3, FIT_PARTIAL, S3_OWNER " my-bucket [05/Nov/2023:14:02:11 "
	    "+0000] 192.0.2.43 - 0A1B2C3D4E5F6074 REST.GET.OBJECT a \"GET /a "
	    "HTTP/1.1\" 2000 - 77 77 1 1 \"-\" \"-\"", "192.0.2.43",
	    1699192931, NO_BYTES },
	{ FMT_S3, FIT_NONE, S3_OWNER " my-bucket [05/Nov/2023:14:02:11 "
	    "+0000] ec2-192-0-2-44.compute.amazonaws.com - 0A1B2C3D4E5F6075 "
	    "REST.GET.OBJECT a \"GET /a HTTP/1.1\" 200 - 77 77 1 1 \"-\" \"-\"",
	    NULL, 0, 0 },
	{ FMT_S3, FIT_NONE, S3_OWNER " my-bucket [05/Nov/2023:14:02:11] "
	    "192.0.2.45 - 0A1B2C3D4E5F6076 REST.GET.OBJECT a \"GET /a "
	    "HTTP/1.1\" 200 - 77 77 1 1 \"-\" \"-\"", NULL, 0, 0 },
	{ FMT_S3, FIT_NONE, "192.0.2.46 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", NULL, 0, 0 },
	{ FMT_S3, FIT_NONE, S3_OWNER " my-bucket [05/Nov/2023:14:02:11 "
	    "+0000] 192.0.2.47", NULL, 0, 0 },
	{ FMT_S3, FIT_NONE, S3_OWNER, NULL, 0, 0 },
	{ FMT_S3, FIT_NOCLIENT, "", NULL, 0, 0 },	/* blank */

	/* squid: the native format */
	{ FMT_SQUID, FIT_EXACT, "1286536308.779    180 192.0.2.224 "
	    "TCP_MISS/200 411 GET http://www.example.com/ - "
	    "DIRECT/203.0.113.229 text/html", "192.0.2.224", 1286536308, 411 },
	{ FMT_SQUID, FIT_EXACT, "1710062127.005  60123 198.51.100.40 "
	    "TCP_TUNNEL/200 5120 CONNECT www.example.org:443 alice "
	    "HIER_DIRECT/203.0.113.10 -", "198.51.100.40", 1710062127, 5120 },
	/* The URL names a host that is not the client. */
	{ FMT_SQUID, FIT_EXACT, "1710062127.100      0 2001:db8::40 "
	    "TCP_DENIED/403 3942 GET http://192.0.2.99/admin - HIER_NONE/- "
	    "text/html", "2001:db8::40", 1710062127, 3942 },
	{ FMT_SQUID, FIT_EXACT, "1710062127.200      1 192.0.2.225 "
	    "NONE_NONE/000 0 - error:transaction-end-before-headers - "
	    "HIER_NONE/- -", "192.0.2.225", 1710062127, 0 },
	/* log_mime_hdrs on: the headers after the type. */
	{ FMT_SQUID, FIT_EXACT, "1710062127.300 1234567 192.0.2.226 "
	    "TCP_MISS/200 100 GET http://www.example.com/ - "
	    "DIRECT/203.0.113.1 text/plain [Host: www.example.com\\r\\n] "
	    "[HTTP/1.1 200 OK\\r\\n]", "192.0.2.226", 1710062127, 100 },
	{ FMT_SQUID, FIT_EXACT, "1431857103.123      5 1.2.3.4 TCP_MISS/200 "
	    "1234 GET http://example.com/ - DIRECT/93.184.216.34 text/html",
	    "1.2.3.4", 1431857103, 1234 },
	{ FMT_SQUID, FIT_PARTIAL, "1710062127.400     10 192.0.2.227 "
	    "tcp_miss/200 100 GET http://www.example.com/ - DIRECT/- -",
	    "192.0.2.227", 1710062127, NO_BYTES },
	{ FMT_SQUID, FIT_PARTIAL, "1710062127.400     10 192.0.2.227 "
	    "TCP_MISS/200 100 GET http://www.example.com/ -",
	    "192.0.2.227", 1710062127, 100 },
	{ FMT_SQUID, FIT_PARTIAL, "1710062127.400     10 192.0.2.227 "
	    "TCP_MISS/200 - GET http://www.example.com/ - DIRECT/- -",
	    "192.0.2.227", 1710062127, NO_BYTES },
	{ FMT_SQUID, FIT_NONE, "1710062127.500     10 proxy.example.com "
	    "TCP_MISS/200 100 GET http://www.example.com/ - DIRECT/- -",
	    NULL, 0, 0 },
	{ FMT_SQUID, FIT_NONE, "1710062127     10 192.0.2.228 TCP_MISS/200 "
	    "100 GET http://www.example.com/ - DIRECT/- -", NULL, 0, 0 },
	{ FMT_SQUID, FIT_NONE, "1710062127.5     10 192.0.2.228 TCP_MISS/200 "
	    "100 GET http://www.example.com/ - DIRECT/- -", NULL, 0, 0 },
	{ FMT_SQUID, FIT_NONE, "1710062127.500 ten 192.0.2.228 TCP_MISS/200 "
	    "100 GET http://www.example.com/ - DIRECT/- -", NULL, 0, 0 },
	{ FMT_SQUID, FIT_NONE, "192.0.2.229 - - [17/May/2015:10:05:03 +0000] "
	    "\"GET / HTTP/1.1\" 200 5 \"-\" \"-\"", NULL, 0, 0 },
	{ FMT_SQUID, FIT_NONE, "1710062127.500     10 192.0.2.228", NULL, 0,
	    0 },
	{ FMT_SQUID, FIT_NONE, "1710062127.500", NULL, 0, 0 },
	{ FMT_SQUID, FIT_NOCLIENT, "", NULL, 0, 0 },	/* blank */
};

/* Each line as detection (strict) and counting read it, or with a CR. */
static void
check_line(const struct line_case *lc, int strict, int crlf)
{
	struct tu_want w = { strict ? (int)lc->fit : TU_ANY_FIT, lc->ip,
	    lc->when, lc->bytes };

	tu_check_fresh(lc->fmt, strict, lc->line, crlf, &w);
}

/* As detection reads it: every field checked. */
START_TEST(test_line_strict)
{
	check_line(&lines[_i], 1, 0);
}
END_TEST

/* As counting reads it: the same client, time and size. */
START_TEST(test_line_counting)
{
	check_line(&lines[_i], 0, 0);
}
END_TEST

/* The same lines with CRLF endings give the same answers. */
START_TEST(test_line_crlf)
{
	check_line(&lines[_i], 1, 1);
}
END_TEST

/* A cut that names a client names the whole line's, its time and size. */
static void
cut_same(size_t k, int fit, const struct hit *h, const void *arg)
{
	const struct line_case *lc = arg;
	struct ip want;

	if (fit < FIT_PARTIAL)
		return;
	ck_assert_int_eq(ip_parse(lc->ip, strlen(lc->ip), &want), 0);
	ck_assert_msg(ip_cmp(&h->ip, &want) == 0,
	    "cut at %zu: another client: \"%.*s\"", k, (int)k, lc->line);
	ck_assert_msg(h->when == 0 || h->when == lc->when,
	    "cut at %zu: another time", k);
	ck_assert_msg(!h->has_bytes || (int64_t)h->bytes == lc->bytes,
	    "cut at %zu: %llu bytes: \"%.*s\"", k,
	    (unsigned long long)h->bytes, (int)k, lc->line);
}

/*
 * Each line cut after every byte (the last line of a log being written):
 * whatever a prefix gives must be what the whole line gives.
 */
START_TEST(test_line_cut)
{
	const struct line_case *lc = &lines[_i];

	if (lc->ip == NULL)
		return;
	for (int strict = 0; strict < 2; strict++) {
		struct logctx ctx;

		tu_logctx(&ctx, lc->fmt, strict);
		tu_each_cut(&ctx, lc->line, strlen(lc->line), cut_same, lc);
	}
}
END_TEST

/* logfmt_detect on the first lines of a file. */
static const struct {
	const char *what, *buf;
	enum logfmt want;
} detect_cases[] = {
	{ "elb",
	    "2015-05-13T23:39:43.945958Z my-lb 192.0.2.10:2817 10.0.0.1:80 "
	    "0.000073 0.001048 0.000057 200 200 0 29 \"GET "
	    "http://www.example.com:80/ HTTP/1.1\" \"curl/7.38.0\" - -\n"
	    "2015-05-13T23:39:44.945958Z my-lb 2001:db8::1:2818 - -1 -1 -1 "
	    "504 - 0 0 \"GET http://www.example.com:80/ HTTP/1.1\" \"-\" - -\n",
	    FMT_ELB },
	{ "alb",
	    "http 2018-07-02T22:23:00.186641Z app/lb/50dc6c495c0c9188 "
	    "192.0.2.20:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
	    "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - "
	    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/"
	    "t/73e2d6bc24d8a067 \"Root=1-58337262-36d228ad5d99923122bbe354\" "
	    "\"-\" \"-\" 0 2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" "
	    "\"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1\n"
	    "h2 2018-07-02T22:23:01.186641Z app/lb/50dc6c495c0c9188 "
	    "198.51.100.1:2818 - -1 -1 -1 460 - 34 0 \"GET "
	    "https://www.example.com:443/ HTTP/2.0\" \"-\" "
	    "TLS_AES_128_GCM_SHA256 TLSv1.3 - \"Root=1-2\" \"-\" \"-\" 0 "
	    "2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" \"-\" \"-\" "
	    "\"-\" \"-\" TID_2\n", FMT_ALB },
	{ "s3",
	    S3_OWNER " b [06/Feb/2019:00:00:38 +0000] 192.0.2.3 " S3_OWNER
	    " 3E57427F3EXAMPLE REST.GET.VERSIONING - \"GET /b?versioning "
	    "HTTP/1.1\" 200 - 113 - 7 - \"-\" \"S3Console/0.4\" - x SigV4 "
	    "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader b.s3.amazonaws.com "
	    "TLSV1.2 - -\n"
	    S3_OWNER " b [06/Feb/2019:00:00:39 +0000] - AmazonS3 1 "
	    "S3.EXPIRE.OBJECT k \"-\" - - - 1 - - \"-\" \"-\" -\n", FMT_S3 },
	{ "squid",
	    "1286536308.779    180 192.0.2.224 TCP_MISS/200 411 GET "
	    "http://www.example.com/ - DIRECT/203.0.113.229 text/html\n"
	    "1286536309.001     12 192.0.2.225 TCP_HIT/200 2048 GET "
	    "http://www.example.com/logo.png - HIER_NONE/- image/png\n"
	    "1286536310.000      0 192.0.2.224 TCP_DENIED/403 3942 CONNECT "
	    "192.0.2.1:25 - HIER_NONE/- text/html\n", FMT_SQUID },
	{ "squid with a line cut short",
	    "1286536308.779    180 192.0.2.224 TCP_MISS/200 411 GET "
	    "http://www.example.com/ - DIRECT/203.0.113.229 text/html\n"
	    "1286536309.001     12 192.0.2.225 TCP_HIT/200 2048 GET\n",
	    FMT_SQUID },
	/* The formats already known keep their files. */
	{ "combined",
	    "83.149.9.216 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" "
	    "200 203023 \"-\" \"Mozilla/5.0\"\n", FMT_COMBINED },
};

START_TEST(test_detect)
{
	tu_detect(detect_cases[_i].what, detect_cases[_i].buf,
	    detect_cases[_i].want);
}
END_TEST

/* Each format's lines are read only by it, of the formats detected. */
START_TEST(test_only_own)
{
	static const enum logfmt mine[] = { FMT_ELB, FMT_ALB, FMT_S3,
	    FMT_SQUID };
	const struct line_case *lc = &lines[_i];
	size_t n = strlen(lc->line);

	if (lc->fit != FIT_EXACT)
		return;
	for (size_t i = 0; i < nitems(mine); i++) {
		struct logctx ctx;
		struct hit h;

		if (mine[i] == lc->fmt)
			continue;
		tu_logctx(&ctx, mine[i], 1);
		ck_assert_msg(logfmt_parse(&ctx, tu_guarded(lc->line, n), n,
		    &h) <= FIT_NOCLIENT, "%s reads a %s line: \"%s\"",
		    logfmt_name(mine[i]), logfmt_name(lc->fmt), lc->line);
	}
}
END_TEST

static const struct {
	const char *name;
	enum logfmt fmt;
} names[] = {
	{ "elb", FMT_ELB },
	{ "alb", FMT_ALB },
	{ "s3", FMT_S3 },
	{ "squid", FMT_SQUID },
};

START_TEST(test_names)
{
	tu_check_name(names[_i].name, names[_i].fmt);
}
END_TEST

static Suite *
fmt_cloud_suite(void)
{
	Suite *s = suite_create("fmt_cloud");
	TCase *tc = tcase_create("lines");

	tcase_add_loop_test(tc, test_line_strict, 0, nitems(lines));
	tcase_add_loop_test(tc, test_line_counting, 0, nitems(lines));
	tcase_add_loop_test(tc, test_line_crlf, 0, nitems(lines));
	tcase_add_loop_test(tc, test_line_cut, 0, nitems(lines));
	suite_add_tcase(s, tc);

	tc = tcase_create("detect");
	tcase_add_loop_test(tc, test_detect, 0, nitems(detect_cases));
	tcase_add_loop_test(tc, test_only_own, 0, nitems(lines));
	tcase_add_loop_test(tc, test_names, 0, nitems(names));
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	return tu_run(fmt_cloud_suite());
}

/*
 * IANA's RDAP bootstrap files (RFC 9224: ipv4.json, ipv6.json), for
 * --bootstrap: which RDAP service answers for which address blocks,
 * instead of the built-in table of the five registries.  Each service
 * lists prefixes and base URLs; the HTTPS URL is taken when there is one.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ipwhois.h"

struct bootstrap {
	struct nettab *blocks;	/* value: index in url */
	char	**url;
	uint32_t nurl;
};

/* The service's base URL: the first https one, else the first http. */
static const char *
pick_url(const json_t *urls)
{
	const char *best = NULL;
	size_t i;
	json_t *u;

	json_array_foreach(urls, i, u) {
		const char *s = json_string_value(u);

		if (s == NULL)
			continue;
		if (strncmp(s, "https://", 8) == 0)
			return s;
		if (best == NULL && strncmp(s, "http://", 7) == 0)
			best = s;
	}
	return best;
}

/* One ["prefix", ...] list, all going to url number id. */
static int
add_prefixes(struct bootstrap *bs, const json_t *prefixes, uint32_t id)
{
	size_t i;
	json_t *p;

	json_array_foreach(prefixes, i, p) {
		const char *s = json_string_value(p);
		struct netrange r;
		struct ip net;
		unsigned plen;

		if (s == NULL || ip_net_parse(s, &net, &plen) == -1)
			return -1;
		r.lo = r.hi = net;
		for (unsigned b = plen; b < 128; b++)
			r.hi.b[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		nettab_add(bs->blocks, &r, id);
	}
	return 0;
}

static int
add_file(struct bootstrap *bs, const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root, *services, *svc;
	size_t i;

	if ((root = json_load_file(path, 0, &je)) == NULL) {
		setmsg(err, errlen, "%s: %s (line %d)", path, je.text, je.line);
		return -1;
	}
	services = json_object_get(root, "services");
	if (!json_is_array(services)) {
		setmsg(err, errlen, "%s: not an RDAP bootstrap file (no "
		    "\"services\")", path);
		json_decref(root);
		return -1;
	}
	json_array_foreach(services, i, svc) {
		const char *url = pick_url(json_array_get(svc, 1));

		if (url == NULL || add_prefixes(bs, json_array_get(svc, 0),
		    bs->nurl) == -1) {
			setmsg(err, errlen, "%s: service %zu: bad prefix or no "
			    "http(s) URL", path, i + 1);
			json_decref(root);
			return -1;
		}
		bs->url = xrealloc(bs->url, (bs->nurl + 1) * sizeof(char *));
		bs->url[bs->nurl++] = xstrndup(url, strlen(url));
	}
	json_decref(root);
	return 0;
}

/* The files (ipv4.json, ipv6.json, in any number) as one table. */
struct bootstrap *
bootstrap_load(const char *const *paths, int n, char *err, size_t errlen)
{
	struct bootstrap *bs = xcalloc(1, sizeof(*bs));

	bs->blocks = nettab_new();
	for (int i = 0; i < n; i++)
		if (add_file(bs, paths[i], err, errlen) == -1) {
			bootstrap_free(bs);
			return NULL;
		}
	return bs;
}

/* The RDAP base URL for ip, or NULL (none given, or no service has it). */
const char *
bootstrap_url(const struct bootstrap *bs, const struct ip *ip)
{
	uint32_t id;

	if (bs == NULL || !nettab_find(bs->blocks, ip, NULL, NULL, &id))
		return NULL;
	return bs->url[id];
}

void
bootstrap_free(struct bootstrap *bs)
{
	if (bs == NULL)
		return;
	for (uint32_t i = 0; i < bs->nurl; i++)
		free(bs->url[i]);
	free(bs->url);
	nettab_free(bs->blocks);
	free(bs);
}

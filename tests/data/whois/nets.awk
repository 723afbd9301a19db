# 150 networks, 30 in each registry's space, and a log of 1000 addresses
# in them (each network at least once), for the whois tests and the
# bench.  Answers are written as the loopback test server's fixtures,
# either all in RPSL (mode=rpsl: a mirror, RIPE's global service) or each
# registry's in its own dialect (mode=native; in APNIC's space, a third
# each in JPNIC's and KRNIC's, the national registries' answers).
#
#	awk -v mode=rpsl -v dir=DIR -v logf=FILE -v want=FILE -f nets.awk
#
# DIR/whois/NETWORK.txt are the answers; FILE (logf) the log, in NCSA
# common form; want the rows each address must get, as
# "ip,registry,network,net_name,org,country,abuse_email,status", sorted.

function rpsl(f, i, r, lo, hi, src) {
	printf "%% Information related to '%s - %s'\n\n", lo, hi >f
	printf "%% Abuse contact for '%s - %s' is 'abuse%d@%s.example'\n\n",
	    lo, hi, i, tolower(r) >f
	printf "inetnum:        %s - %s\n", lo, hi >f
	printf "netname:        NET-%s-%d\n", r, i >f
	printf "descr:          Network %d\n", i >f
	printf "country:        %s\n", cc[r] >f
	printf "org:            ORG-N%d-%s\n", i, src >f
	printf "status:         ALLOCATED PA\n" >f
	printf "source:         %s\n\n", src >f
	printf "organisation:   ORG-N%d-%s\n", i, src >f
	printf "org-name:       Org %s %d\n", r, i >f
	printf "source:         %s\n", src >f
}

function arin(f, i, r, lo, hi, net) {
	printf "#\n# ARIN WHOIS data and services are subject to the Terms of Use\n#\n\n" >f
	printf "NetRange:       %s - %s\nCIDR:           %s\n", lo, hi, net >f
	printf "NetName:        NET-%s-%d\n", r, i >f
	printf "NetType:        Direct Allocation\n" >f
	printf "Organization:   Org %s %d (ON%d)\n\n", r, i, i >f
	printf "OrgName:        Org %s %d\nCountry:        %s\n\n", r, i, cc[r] >f
	printf "OrgAbuseEmail:  abuse%d@%s.example\n", i, tolower(r) >f
}

function lacnic(f, i, r, a, b) {
	printf "%% Joint Whois - whois.lacnic.net\n\n" >f
	printf "inetnum:     %d.%d/16\nstatus:      allocated\n", a, b >f
	printf "owner:       Org %s %d\nownerid:     BR-N%d-LACNIC\n", r, i, i >f
	printf "country:     %s\nabuse-c:     AB%d\n\n", cc[r], i >f
	printf "nic-hdl:     AB%d\nperson:      Abuse Desk\n", i >f
	printf "e-mail:      abuse%d@%s.example\n", i, tolower(r) >f
}

function jpnic(f, i, r, net) {
	printf "Network Information:\n" >f
	printf "a. [Network Number]             %s\n", net >f
	printf "b. [Network Name]               NET-%s-%d\n", r, i >f
	printf "g. [Organization]               Org %s %d\n", r, i >f
	printf "[Assigned Date]                 2004/05/10\n" >f
}

function krnic(f, i, r, lo, hi) {
	printf "# ENGLISH\n\n[ Network Information ]\n" >f
	printf "IPv4 Address       : %s - %s (/16)\n", lo, hi >f
	printf "Organization Name  : Org %s %d\n", r, i >f
	printf "Service Name       : NET-%s-%d\n", r, i >f
	printf "Network Type       : CUSTOMER\n\n" >f
	printf "[ ISP Network Abuse Contact Information ]\n" >f
	printf "E-Mail             : abuse%d@%s.example\n", i, tolower(r) >f
}

BEGIN {
	split("ARIN RIPE APNIC LACNIC AFRINIC", rir, " ")
	split("23 31 27 177 41", first, " ")
	cc["ARIN"] = "US"; cc["RIPE"] = "NL"; cc["APNIC"] = "AU"
	cc["LACNIC"] = "BR"; cc["AFRINIC"] = "ZA"
	n = 0
	for (k = 1; k <= 5; k++) {
		for (j = 0; j < 30; j++) {
			r = rir[k]; a = first[k]; b = 100 + j
			lo = a "." b ".0.0"; hi = a "." b ".255.255"
			net = a "." b ".0.0/16"
			f = dir "/whois/" a "." b ".0.0_16.txt"
			c = cc[r]
			if (mode == "native" && r == "APNIC" && j % 3 == 1) {
				jpnic(f, n, r, net)
				c = "JP"
			} else if (mode == "native" && r == "APNIC" && j % 3 == 2) {
				krnic(f, n, r, lo, hi)
				c = "KR"
			} else if (mode == "native" && r == "ARIN")
				arin(f, n, r, lo, hi, net)
			else if (mode == "native" && r == "LACNIC")
				lacnic(f, n, r, a, b)
			else
				rpsl(f, n, r, lo, hi, r == "AFRINIC" ? "AFRINIC" : r)
			close(f)
			name = mode == "native" && r == "LACNIC" ? "" : "NET-" r "-" n
			mail = c == "JP" ? "" : "abuse" n "@" tolower(r) ".example"
			row[n] = r "," net "," name ",Org " r " " n "," c "," mail ",ok"
			pre[n] = a "." b
			n++
		}
	}
	srand(14)
	for (i = 0; i < 1000; i++) {
		m = i < n ? i : int(rand() * n)
		ip = pre[m] "." int(rand() * 256) "." (1 + int(rand() * 254))
		if (ip in seen) {
			i--
			continue
		}
		seen[ip] = 1
		printf "%s - - [10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1\n", ip >logf
		print ip "," row[m] | "sort >" want
	}
}

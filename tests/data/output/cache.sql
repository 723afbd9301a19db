-- An ipwhois cache (schema 1, as src/cache.c describes it) holding what
-- the loopback test server says about the networks of tests/data/live.log
-- (compare tests/expected/live-rdap.csv), fetched now so none is stale,
-- and 9.9.9.9 not found.  Addresses are 16 bytes, IPv4 IPv4-mapped.
-- Enums: kind 0 public; registry 1 AFRINIC, 2 APNIC, 3 ARIN, 4 LACNIC,
-- 5 RIPE; status 0 ok, 1 not-found; source 1 rdap.
PRAGMA user_version = 1;
CREATE TABLE answers (lo BLOB NOT NULL, hi BLOB NOT NULL,
    kind INT, registry INT, status INT, source INT, fetched INT,
    network TEXT, net_name TEXT, org TEXT, country TEXT, asn TEXT,
    as_name TEXT, abuse_email TEXT, PRIMARY KEY (lo, hi)) WITHOUT ROWID;
INSERT INTO answers VALUES
    (X'00000000000000000000ffff08080800', X'00000000000000000000ffff080808ff',
     0, 3, 0, 1, CAST(strftime('%s', 'now') AS INTEGER),
     '8.8.8.0/24', 'EXAMPLE-RESOLVER', 'Example Resolver Co.', NULL, NULL,
     NULL, 'abuse@resolver.example'),
    (X'00000000000000000000ffff42f94000', X'00000000000000000000ffff42f95fff',
     0, 3, 0, 1, CAST(strftime('%s', 'now') AS INTEGER),
     '66.249.64.0/19', 'EXAMPLE-SEARCH', 'Example Search Inc.', NULL, NULL,
     NULL, 'abuse@search.example'),
    (X'00000000000000000000ffffc1000000', X'00000000000000000000ffffc10007ff',
     0, 5, 0, 1, CAST(strftime('%s', 'now') AS INTEGER),
     '193.0.0.0/21', 'EXAMPLE-NCC-NET', 'Example Network Coordination Centre',
     'NL', NULL, NULL, 'abuse@ncc.example'),
    (X'2a001450000000000000000000000000', X'2a001457ffffffffffffffffffffffff',
     0, 5, 0, 1, CAST(strftime('%s', 'now') AS INTEGER),
     '2a00:1450::/29', 'EXAMPLE-SEARCH-EU-V6', 'Example Search Ireland Ltd',
     'IE', NULL, NULL, 'abuse@search.example'),
    (X'00000000000000000000ffffc40bf000', X'00000000000000000000ffffc40bf3ff',
     0, 1, 0, 1, CAST(strftime('%s', 'now') AS INTEGER),
     '196.11.240.0/22', 'EXAMPLE-NET-196-11-240', 'Example Connect (Pty) Ltd',
     'ZA', NULL, NULL, NULL),
    (X'00000000000000000000ffffc8398000', X'00000000000000000000ffffc8399fff',
     0, 4, 0, 1, CAST(strftime('%s', 'now') AS INTEGER),
     '200.57.128.0/19', 'Ejemplo Telecom S.A. de C.V.',
     'Ejemplo Telecom S.A. de C.V.', 'MX', NULL, NULL,
     'redes@telecom.example'),
    (X'00000000000000000000ffffcb770000', X'00000000000000000000ffffcb77ffff',
     0, 2, 0, 1, CAST(strftime('%s', 'now') AS INTEGER),
     '203.119.0.0/16', 'EXAMPLE-AP-NET', NULL, 'AU', NULL, NULL,
     'abuse@apnic.example'),
    (X'00000000000000000000ffff09090909', X'00000000000000000000ffff09090909',
     0, 3, 1, 1, CAST(strftime('%s', 'now') AS INTEGER),
     NULL, NULL, NULL, NULL, NULL, NULL, NULL);

#!/usr/bin/perl
# Write a small MaxMind DB file in one of the schemas ipwhois reads, for
# the tests: tests/check_mmdb.c and tests/integration.d/mmdb.sh.  Needs
# Debian's libmaxmind-db-writer-perl; no network.
#
# usage: perl tests/mkmmdb.pl SCHEMA OUT
#	perl tests/mkmmdb.pl DIR	every schema, into DIR/SCHEMA.mmdb
#	perl tests/mkmmdb.pl --from-csv OUT CSV...
#			ip-location-db ASN CSVs (start,end,asn,name) as a
#			GeoLite2-ASN file, for make bench
#	geolite2-asn	GeoLite2-ASN: autonomous_system_number/_organization
#	dbip-asn	DB-IP ASN lite: the same fields, its own type name
#	geolite2-country GeoLite2-Country: country.iso_code; for 1.1.1.0/24
#			only registered_country, as GeoLite2 has it
#	geolite2-city	GeoLite2-City: country.iso_code among city fields
#	dbip-country	DB-IP country lite: country.iso_code
#	iplocdb-country	ip-location-db -country-mmdb: country_code
#	v4-asn		GeoLite2-ASN's schema in an IPv4-only file
#
# The networks are the offline bar's: 1.1.1.1, 8.8.8.8, 193.0.6.139,
# 9.9.9.9 and their IPv6 equivalents, plus 2001:db8::/32 for odd values.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;

die "usage: mkmmdb.pl SCHEMA OUT | DIR | --from-csv OUT CSV...\n"
    unless @ARGV >= 1;

# network, ASN, AS name, country
my @nets = (
	[ '1.1.1.0/24', 13335, 'Cloudflare, Inc.', 'AU' ],
	[ '8.8.8.0/24', 15169, 'Google LLC', 'US' ],
	[ '193.0.0.0/21', 3333, 'Reseaux IP Europeens Network Coordination Centre (RIPE NCC)', 'NL' ],
	[ '9.9.9.0/24', 19281, 'Quad9', 'US' ],
	[ '2606:4700::/32', 13335, 'Cloudflare, Inc.', 'US' ],
	[ '2001:4860::/32', 15169, 'Google LLC', 'US' ],
	[ '2001:67c:2e8::/48', 3333, 'Reseaux IP Europeens Network Coordination Centre (RIPE NCC)', 'NL' ],
	[ '2620:fe::/48', 19281, 'Quad9', 'US' ],
);

my %types = (
	autonomous_system_number => 'uint32',
	autonomous_system_organization => 'utf8_string',
	country => 'map',
	registered_country => 'map',
	city => 'map',
	names => 'map',
	en => 'utf8_string',
	iso_code => 'utf8_string',
	geoname_id => 'uint32',
	country_code => 'utf8_string',
);

sub asn { my $n = shift; return { autonomous_system_number => $n->[1],
    autonomous_system_organization => $n->[2] } }
sub cc { my $n = shift; return { iso_code => $n->[3],
    names => { en => "Country $n->[3]" } } }

my %schemas = (
	'geolite2-asn' => [ 'GeoLite2-ASN', 6, \&asn ],
	'dbip-asn' => [ 'DBIP-ASN-Lite (compat=GeoLite2-ASN)', 6, \&asn ],
	'v4-asn' => [ 'GeoLite2-ASN', 4, \&asn ],
	'geolite2-country' => [ 'GeoLite2-Country', 6, sub {
		my $n = shift;
		return { registered_country => cc($n) } if $n->[0] eq '1.1.1.0/24';
		return { country => cc($n), registered_country => cc($n) } } ],
	'geolite2-city' => [ 'GeoLite2-City', 6, sub {
		my $n = shift;
		return { city => { geoname_id => 1, names => { en => 'Town' } },
		    country => cc($n) } } ],
	'dbip-country' => [ 'DBIP-Country-Lite', 6, sub {
		return { country => cc(shift) } } ],
	'iplocdb-country' => [ 'country ipvAll', 6, sub {
		return { country_code => shift->[3] } } ],
);
sub write_one {
	my ($schema, $out) = @_;
	my $s = $schemas{$schema} or die "mkmmdb.pl: no schema $schema\n";

	my $tree = MaxMind::DB::Writer::Tree->new(
		database_type => $s->[0],
		ip_version => $s->[1],
		record_size => 24,
		languages => ['en'],
		description => { en => "ipwhois test data, $schema" },
		map_key_type_callback => sub { $types{ $_[0] } },
		remove_reserved_networks => 0,
	);
	for my $n (@nets) {
		next if $s->[1] == 4 && $n->[0] =~ /:/;
		$tree->insert_network($n->[0], $s->[2]->($n));
	}
	# Values a file should not have: ipwhois keeps what is sound.
	if ($s->[1] == 6) {
		my %odd = (
			'geolite2-asn' => { autonomous_system_number => 0,
			    autonomous_system_organization => 'No Number' },
			'iplocdb-country' => { country_code => 'USA' },
			'dbip-country' => { country => { iso_code => '1x' } },
		);
		$tree->insert_network('2001:db8::/32', $odd{$schema}) if $odd{$schema};
	}
	open(my $fh, '>:raw', $out) or die "mkmmdb.pl: $out: $!\n";
	$tree->write_tree($fh);
	close($fh) or die "mkmmdb.pl: $out: $!\n";
}

# Rows the C reader takes; the writer is told nothing it would refuse.
sub from_csv {
	my ($out, @csv) = @_;
	my $tree = MaxMind::DB::Writer::Tree->new(
		database_type => 'GeoLite2-ASN',
		ip_version => 6,
		record_size => 28,
		languages => ['en'],
		description => { en => 'ipwhois bench data' },
		map_key_type_callback => sub { $types{ $_[0] } },
		remove_reserved_networks => 0,
	);
	for my $f (@csv) {
		open(my $in, '<', $f) or die "mkmmdb.pl: $f: $!\n";
		while (my $l = <$in>) {
			chomp $l;
			my ($s, $e, $asn, $name) = split(/,/, $l, 4);
			next unless defined $name && $asn =~ /^\d+$/ && $asn > 0;
			$name =~ s/^"(.*)"$/$1/;
			$name =~ s/""/"/g;
			$tree->insert_range($s, $e, {
			    autonomous_system_number => $asn + 0,
			    autonomous_system_organization => $name });
		}
		close($in);
	}
	open(my $fh, '>:raw', $out) or die "mkmmdb.pl: $out: $!\n";
	$tree->write_tree($fh);
	close($fh) or die "mkmmdb.pl: $out: $!\n";
}

if ($ARGV[0] eq '--from-csv') {
	shift @ARGV;
	from_csv(@ARGV);
} elsif (@ARGV == 2) {
	write_one(@ARGV);
} else {
	write_one($_, "$ARGV[0]/$_.mmdb") for sort keys %schemas;
}

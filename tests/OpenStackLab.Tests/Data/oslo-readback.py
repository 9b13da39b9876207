#!/usr/bin/python3
"""Reads a config file with oslo.config's own parser and checks expected values.

Usage: oslo-readback.py FILE < expected.tsv   (lines: section TAB key TAB value)
Prints one line per mismatch and exits 1 if any; exits 2 if oslo.config cannot parse the file.
"""
import sys
from oslo_config import cfg, iniparser

path = sys.argv[1]
sections = {}
parser = cfg.ConfigParser(path, sections)
try:
    parser.parse()
except iniparser.ParseError as e:
    print("PARSE ERROR: %s" % e)
    sys.exit(2)
bad = 0
for line in sys.stdin.read().splitlines():
    if not line:
        continue
    section, key, value = line.split("\t", 2)
    got = sections.get(section, {}).get(key)
    if got is None or got[-1] != value:
        print("MISMATCH [%s] %s: expected %r, oslo.config read %r" % (section, key, value, got))
        bad += 1
sys.exit(1 if bad else 0)

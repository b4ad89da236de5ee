"""gunicorn's access log holds no personal data: no client address, no query
string, no user agent or referrer, and it goes to standard output, not to a
file that would keep it past the connection logs' 6 months."""

import re

from comptoir.ops.management.commands.serve import ACCESS_LOG


def test_the_access_log_goes_to_standard_output():
    options = dict(zip(ACCESS_LOG[::2], ACCESS_LOG[1::2], strict=True))
    assert options["--access-logfile"] == "-"


def test_the_access_log_names_no_person_and_no_query_string():
    options = dict(zip(ACCESS_LOG[::2], ACCESS_LOG[1::2], strict=True))
    atoms = set(re.findall(r"%\(([^)]+)\)s", options["--access-logformat"]))
    assert atoms == {"t", "m", "U", "s", "L"}
    # h: client address, r: request line with its query string, q: query
    # string, u: user, a: user agent, f: referrer, {...}i/o/e: headers, environ.
    assert not atoms & {"h", "r", "q", "u", "a", "f"}
    assert not any(atom.startswith("{") for atom in atoms)

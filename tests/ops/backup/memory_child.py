"""Run ``comptoir ARGS...`` under an address-space limit (bytes; 0: none) and
write the process's peak virtual size (bytes) to PEAK_FILE at exit.

    python memory_child.py LIMIT PEAK_FILE backup create --kind data
"""

import resource
import sys

limit, peak_file, *args = sys.argv[1:]
if int(limit):
    resource.setrlimit(resource.RLIMIT_AS, (int(limit), int(limit)))
try:
    from comptoir.cli import main

    main(args)
finally:
    with open("/proc/self/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmPeak:"))
    with open(peak_file, "w") as out:
        out.write(str(kb * 1024))

"""Anonymised copies of the database, for debugging and support (issue #14).

``copy.anonymised_copy`` reads, ``load.copy_load`` writes (in the copy's own
process), ``substitute`` puts the fakes of ``fakes`` in place of every value
the privacy registry declares personal, as ``plan`` says.
"""

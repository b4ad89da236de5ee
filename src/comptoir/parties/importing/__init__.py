"""Importing parties and contact persons from CSV and vCard files.

``readers`` turns a file into rows of canonical columns; ``services`` runs an
``ImportJob`` over them in batches; ``tasks`` runs a job in the background
(the UI's upload), the ``import`` management command in the foreground with
a progress bar.
"""

"""The composition root: settings and the ``sharenet`` command line.

It imports the four packages and wires them together; none of them imports it.
"""

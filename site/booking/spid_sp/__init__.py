"""SPID and CIE sign-in as AgID wants it of a public service provider (see README.md in this folder)."""

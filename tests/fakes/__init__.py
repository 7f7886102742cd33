"""Test doubles of outside services that run over real HTTP on loopback (see README.md)."""

"""Data safety: backups, restore, crash safety, damaged files, one writer, privacy."""

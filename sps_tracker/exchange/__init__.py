"""Exchange with other programs: CSV files for spreadsheets and research. No Qt."""

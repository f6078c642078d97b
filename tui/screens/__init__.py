"""The TUI's screens: inbox, detail, deadlines, team, sources, the person picker, and the modals."""

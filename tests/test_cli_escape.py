"""Text from the web never drives the terminal: `kaisei updates` shows an ESC in a title as \\x1b."""

import subprocess
import sys

from sqlmodel import Session

from tracker.db import create_db_engine
from tracker.models import Source, Update


def test_updates_table_shows_escape_sequences_as_text(tmp_path):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    engine = create_db_engine(url)
    with Session(engine) as session:
        source = Source(name="s", title="s", kind="feed", url="http://s/")
        session.add(source)
        session.flush()
        session.add(Update(source_id=source.id, url="http://s/1", title="\x1b[31m赤い\x1b[0m [bold]見出し[/bold]"))
        session.commit()
    engine.dispose()
    proc = subprocess.run([sys.executable, "-m", "tracker", "updates", "--db", url], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout
    assert "\\x1b[31m赤い\\x1b[0m [bold]見出し[/bold]" in proc.stdout

"""digestdelivery.revision: the update's revision a digest showed, so a revision stored while a digest was being
sent stays owed (the Revised section compared times before, and lost it)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 14:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('digestdelivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), nullable=True))
    # What was sent before: a revised:N row showed revision N; any other row showed the revision in effect when it
    # was sent (one more than the versions superseded by then) — the time rule the Revised section used until now,
    # so nothing owed before the upgrade is lost or announced twice by it.
    op.execute(sa.text(
        "UPDATE digestdelivery SET revision = CASE"
        " WHEN kind LIKE 'revised:%' THEN CAST(substr(kind, 9) AS INTEGER)"
        " ELSE 1 + (SELECT count(*) FROM updaterevision"
        "           WHERE updaterevision.update_id = digestdelivery.update_id"
        "             AND updaterevision.superseded_at <= digestdelivery.sent_at)"
        " END"))
    with op.batch_alter_table('digestdelivery', schema=None) as batch_op:
        batch_op.alter_column('revision', existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('digestdelivery', schema=None) as batch_op:
        batch_op.drop_column('revision')

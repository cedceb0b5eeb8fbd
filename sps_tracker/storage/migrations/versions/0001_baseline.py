"""baseline

Revision ID: 0001_baseline
Revises:
Create Date: 2026-11-23 16:10:17.144939
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from sps_tracker.storage.types import UTCDateTime, YesNo

revision: str = "0001_baseline"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("record_kind", sa.String(length=32), nullable=False),
        sa.Column("record_uuid", sa.String(length=36), nullable=False),
        sa.Column("patient_uuid", sa.String(length=36), nullable=True),
        sa.Column("old_values", sa.Text(), nullable=True),
        sa.Column("new_values", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action IN ('add', 'edit', 'delete', 'restore', 'import')",
            name=op.f("ck_audit_entry_action_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_entry")),
    )
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_entry_record_uuid"), ["record_uuid"], unique=False
        )

    op.create_table(
        "patient",
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("clinic_identifier", sa.String(length=200), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("diagnosis_date", sa.Date(), nullable=True),
        sa.Column("antibody_status", sa.String(length=16), nullable=False),
        sa.Column("synthetic", YesNo(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "antibody_status IN ('positive', 'negative', 'unknown')",
            name=op.f("ck_patient_antibody_status_known"),
        ),
        sa.CheckConstraint(
            "diagnosis_date IS NULL OR birth_date IS NULL OR diagnosis_date >= birth_date",
            name=op.f("ck_patient_diagnosis_after_birth"),
        ),
        sa.CheckConstraint(
            "length(trim(display_name)) > 0", name=op.f("ck_patient_display_name_present")
        ),
        sa.CheckConstraint("synthetic IN (0, 1)", name=op.f("ck_patient_synthetic_bool")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient")),
        sa.UniqueConstraint("uuid", name=op.f("uq_patient_uuid")),
    )
    op.create_table(
        "assessment",
        sa.Column("assessed_at", UTCDateTime(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("rater", sa.String(length=200), nullable=False),
        sa.Column("walking_status", sa.String(length=16), nullable=True),
        sa.Column("dsi_lower_trunk", YesNo(), nullable=False),
        sa.Column("dsi_upper_trunk", YesNo(), nullable=False),
        sa.Column("dsi_legs", YesNo(), nullable=False),
        sa.Column("dsi_arms", YesNo(), nullable=False),
        sa.Column("dsi_face", YesNo(), nullable=False),
        sa.Column("dsi_abdomen", YesNo(), nullable=False),
        sa.Column("hss_unexpected_noise", YesNo(), nullable=False),
        sa.Column("hss_visual", YesNo(), nullable=False),
        sa.Column("hss_touch", YesNo(), nullable=False),
        sa.Column("hss_voluntary_movement", YesNo(), nullable=False),
        sa.Column("hss_emotional_upset", YesNo(), nullable=False),
        sa.Column("hss_spontaneous", YesNo(), nullable=False),
        sa.Column("hss_nocturnal", YesNo(), nullable=False),
        sa.Column(
            "dsi_total",
            sa.Integer(),
            sa.Computed(
                "dsi_lower_trunk + dsi_upper_trunk + dsi_legs + dsi_arms + dsi_face + dsi_abdomen",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column(
            "hss_total",
            sa.Integer(),
            sa.Computed(
                "hss_unexpected_noise + hss_visual + hss_touch + hss_voluntary_movement + hss_emotional_upset + hss_spontaneous + hss_nocturnal",
                persisted=True,
            ),
            nullable=False,
        ),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "source IN ('clinician', 'patient')", name=op.f("ck_assessment_source_known")
        ),
        sa.CheckConstraint(
            "walking_status IS NULL OR walking_status IN ('independent', 'cane', 'walker', 'wheelchair')",
            name=op.f("ck_assessment_walking_status_known"),
        ),
        sa.CheckConstraint("dsi_abdomen IN (0, 1)", name=op.f("ck_assessment_dsi_abdomen_bool")),
        sa.CheckConstraint("dsi_arms IN (0, 1)", name=op.f("ck_assessment_dsi_arms_bool")),
        sa.CheckConstraint("dsi_face IN (0, 1)", name=op.f("ck_assessment_dsi_face_bool")),
        sa.CheckConstraint("dsi_legs IN (0, 1)", name=op.f("ck_assessment_dsi_legs_bool")),
        sa.CheckConstraint(
            "dsi_lower_trunk IN (0, 1)", name=op.f("ck_assessment_dsi_lower_trunk_bool")
        ),
        sa.CheckConstraint("dsi_total BETWEEN 0 AND 6", name=op.f("ck_assessment_dsi_total_range")),
        sa.CheckConstraint(
            "dsi_upper_trunk IN (0, 1)", name=op.f("ck_assessment_dsi_upper_trunk_bool")
        ),
        sa.CheckConstraint(
            "hss_emotional_upset IN (0, 1)", name=op.f("ck_assessment_hss_emotional_upset_bool")
        ),
        sa.CheckConstraint(
            "hss_nocturnal IN (0, 1)", name=op.f("ck_assessment_hss_nocturnal_bool")
        ),
        sa.CheckConstraint(
            "hss_spontaneous IN (0, 1)", name=op.f("ck_assessment_hss_spontaneous_bool")
        ),
        sa.CheckConstraint("hss_total BETWEEN 0 AND 7", name=op.f("ck_assessment_hss_total_range")),
        sa.CheckConstraint("hss_touch IN (0, 1)", name=op.f("ck_assessment_hss_touch_bool")),
        sa.CheckConstraint(
            "hss_unexpected_noise IN (0, 1)", name=op.f("ck_assessment_hss_unexpected_noise_bool")
        ),
        sa.CheckConstraint("hss_visual IN (0, 1)", name=op.f("ck_assessment_hss_visual_bool")),
        sa.CheckConstraint(
            "hss_voluntary_movement IN (0, 1)",
            name=op.f("ck_assessment_hss_voluntary_movement_bool"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_assessment_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
        sa.UniqueConstraint("uuid", name=op.f("uq_assessment_uuid")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(
            "ix_assessment_patient_time", ["patient_id", "assessed_at"], unique=False
        )

    op.create_table(
        "fall",
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("trigger_other", sa.String(length=500), nullable=False),
        sa.Column("injury", YesNo(), nullable=False),
        sa.Column("injury_description", sa.String(length=500), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "trigger <> 'other' OR length(trim(trigger_other)) > 0",
            name=op.f("ck_fall_other_trigger_described"),
        ),
        sa.CheckConstraint(
            "trigger IN ('startle_noise', 'touch', 'emotion', 'movement', 'none', 'other')",
            name=op.f("ck_fall_trigger_known"),
        ),
        sa.CheckConstraint("injury IN (0, 1)", name=op.f("ck_fall_injury_bool")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_fall_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fall")),
        sa.UniqueConstraint("uuid", name=op.f("uq_fall_uuid")),
    )
    with op.batch_alter_table("fall", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fall_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index("ix_fall_patient_time", ["patient_id", "occurred_at"], unique=False)

    op.create_table(
        "infusion_course",
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("total_grams", sa.Float(), nullable=True),
        sa.Column("grams_per_kg", sa.Float(), nullable=True),
        sa.Column("dosing_weight_kg", sa.Float(), nullable=True),
        sa.Column("lot_numbers", sa.String(length=500), nullable=False),
        sa.Column("rate", sa.String(length=500), nullable=False),
        sa.Column("premedication", sa.String(length=500), nullable=False),
        sa.Column("reactions", sa.String(length=500), nullable=False),
        sa.Column("reaction_notes", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("days BETWEEN 1 AND 10", name=op.f("ck_infusion_course_days_range")),
        sa.CheckConstraint(
            "dosing_weight_kg IS NULL OR (dosing_weight_kg > 0 AND dosing_weight_kg <= 500)",
            name=op.f("ck_infusion_course_dosing_weight_range"),
        ),
        sa.CheckConstraint(
            "grams_per_kg IS NULL OR grams_per_kg > 0",
            name=op.f("ck_infusion_course_grams_per_kg_positive"),
        ),
        sa.CheckConstraint(
            "total_grams IS NULL OR total_grams > 0",
            name=op.f("ck_infusion_course_total_grams_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_infusion_course_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_infusion_course")),
        sa.UniqueConstraint("uuid", name=op.f("uq_infusion_course_uuid")),
    )
    with op.batch_alter_table("infusion_course", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_infusion_course_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index("ix_infusion_patient_day", ["patient_id", "first_day"], unique=False)

    op.create_table(
        "lab_result",
        sa.Column("analyte", sa.String(length=200), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("lab", sa.String(length=200), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint("length(trim(analyte)) > 0", name=op.f("ck_lab_result_analyte_present")),
        sa.CheckConstraint("length(trim(unit)) > 0", name=op.f("ck_lab_result_unit_present")),
        sa.CheckConstraint("value >= 0", name=op.f("ck_lab_result_value_not_negative")),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_lab_result_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lab_result")),
        sa.UniqueConstraint("uuid", name=op.f("uq_lab_result_uuid")),
    )
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lab_result_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "medication_period",
        sa.Column("drug", sa.String(length=200), nullable=False),
        sa.Column("daily_dose", sa.Float(), nullable=False),
        sa.Column("dose_unit", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("stop_date", sa.Date(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "daily_dose >= 0", name=op.f("ck_medication_period_daily_dose_not_negative")
        ),
        sa.CheckConstraint(
            "length(trim(drug)) > 0", name=op.f("ck_medication_period_drug_present")
        ),
        sa.CheckConstraint(
            "stop_date IS NULL OR stop_date >= start_date",
            name=op.f("ck_medication_period_stop_after_start"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patient.id"],
            name=op.f("fk_medication_period_patient_id_patient"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medication_period")),
        sa.UniqueConstraint("uuid", name=op.f("uq_medication_period_uuid")),
    )
    with op.batch_alter_table("medication_period", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_medication_period_patient_id"), ["patient_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("medication_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medication_period_patient_id"))

    op.drop_table("medication_period")
    with op.batch_alter_table("lab_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lab_result_patient_id"))

    op.drop_table("lab_result")
    with op.batch_alter_table("infusion_course", schema=None) as batch_op:
        batch_op.drop_index("ix_infusion_patient_day")
        batch_op.drop_index(batch_op.f("ix_infusion_course_patient_id"))

    op.drop_table("infusion_course")
    with op.batch_alter_table("fall", schema=None) as batch_op:
        batch_op.drop_index("ix_fall_patient_time")
        batch_op.drop_index(batch_op.f("ix_fall_patient_id"))

    op.drop_table("fall")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_patient_time")
        batch_op.drop_index(batch_op.f("ix_assessment_patient_id"))

    op.drop_table("assessment")
    op.drop_table("patient")
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_record_uuid"))

    op.drop_table("audit_entry")

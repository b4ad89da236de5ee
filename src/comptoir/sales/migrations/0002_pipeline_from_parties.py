"""The pipeline (PipelineStage, Opportunity) comes over from the parties app
(issue #12), its rows kept: the models join the state on their existing tables
(``parties.0010_pipeline_moves_to_sales`` took them out of the parties state),
then the tables and the index are renamed to the sales app's names.

Hand-written (SeparateDatabaseAndState): keep it when the sales migrations are
regenerated."""

import django.core.validators
import django.db.models.deletion
import django.db.models.manager
from django.db import migrations, models

PERCENT = [
    django.core.validators.MinValueValidator(0),
    django.core.validators.MaxValueValidator(100),
]
TENANT_OPTIONS = {
    "abstract": False,
    "base_manager_name": "across_organisations",
    "default_manager_name": "across_organisations",
}


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0010_pipeline_moves_to_sales"),
        ("sales", "0001_initial"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PipelineStage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=80, verbose_name="name")),
                        ("position", models.PositiveSmallIntegerField(verbose_name="order")),
                        (
                            "probability",
                            models.PositiveSmallIntegerField(
                                validators=PERCENT, verbose_name="default probability (%)"
                            ),
                        ),
                        ("is_won", models.BooleanField(default=False, verbose_name="won")),
                        ("is_lost", models.BooleanField(default=False, verbose_name="lost")),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenancy.organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "pipeline stage",
                        "ordering": ["position", "pk"],
                        "db_table": "parties_pipelinestage",
                        **TENANT_OPTIONS,
                    },
                    managers=[("across_organisations", django.db.models.manager.Manager())],
                ),
                migrations.CreateModel(
                    name="Opportunity",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=14,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="amount",
                            ),
                        ),
                        (
                            "probability",
                            models.PositiveSmallIntegerField(
                                validators=PERCENT, verbose_name="probability (%)"
                            ),
                        ),
                        (
                            "expected_close_on",
                            models.DateField(
                                blank=True, null=True, verbose_name="expected close date"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="tenancy.organisation",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="tenancy.membership",
                                verbose_name="owner",
                            ),
                        ),
                        (
                            "party",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="opportunities",
                                to="parties.party",
                            ),
                        ),
                        (
                            "stage",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="sales.pipelinestage",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "opportunity",
                        "verbose_name_plural": "opportunities",
                        "ordering": ["stage__position", "expected_close_on", "pk"],
                        "db_table": "parties_opportunity",
                        **TENANT_OPTIONS,
                    },
                    managers=[("across_organisations", django.db.models.manager.Manager())],
                ),
                migrations.AddConstraint(
                    model_name="pipelinestage",
                    constraint=models.UniqueConstraint(
                        fields=("organisation", "name"), name="one_stage_per_name"
                    ),
                ),
                migrations.AddIndex(
                    model_name="opportunity",
                    index=models.Index(
                        fields=["organisation", "stage"], name="parties_opp_organis_4cd251_idx"
                    ),
                ),
            ],
            database_operations=[],
        ),
        # The tables take the sales app's names (rows, keys and references kept).
        migrations.AlterModelTable(name="pipelinestage", table=None),
        migrations.AlterModelTable(name="opportunity", table=None),
        migrations.RenameIndex(
            model_name="opportunity",
            new_name="sales_oppor_organis_6cc281_idx",
            old_name="parties_opp_organis_4cd251_idx",
        ),
    ]

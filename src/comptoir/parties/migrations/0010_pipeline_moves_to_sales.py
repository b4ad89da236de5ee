"""The pipeline (PipelineStage, Opportunity) moves to the sales app (issue #12).

State only: the tables and their rows stay; ``sales.0002_pipeline_from_parties``
takes the models over and renames their tables."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("parties", "0009_text_lengths"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="pipelinestage", name="organisation"),
                migrations.DeleteModel(name="Opportunity"),
                migrations.DeleteModel(name="PipelineStage"),
            ],
            database_operations=[],
        ),
    ]

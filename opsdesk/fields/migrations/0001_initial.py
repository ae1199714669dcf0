"""Custom fields move from the tickets app to their own (ADR 0013): the table stays `tickets_customfield`, so
this migration only tells Django's state where the model lives now; no row is touched."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("tickets", "0006_translations"),  # the table and its translation columns exist
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='CustomField',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(verbose_name='key')),
                ('label', models.CharField(max_length=100, verbose_name='label')),
                ('label_translations', models.JSONField(blank=True, default=dict, verbose_name='label in other languages')),
                ('type', models.CharField(choices=[('text', 'Text'), ('number', 'Number'), ('date', 'Date'), ('checkbox', 'Checkbox'), ('select', 'Drop-down')], default='text', max_length=10, verbose_name='type')),
                ('target', models.CharField(choices=[('ticket', 'Ticket'), ('customer', 'Customer')], default='ticket', max_length=10, verbose_name='applies to')),
                ('choices', models.JSONField(blank=True, default=list, verbose_name='choices')),
                ('choice_translations', models.JSONField(blank=True, default=dict, verbose_name='choice labels in other languages')),
                ('visible_in_portal', models.BooleanField(default=False, verbose_name='shown in the portal')),
                ('required_in_portal', models.BooleanField(default=False, verbose_name='required in the portal')),
                ('position', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'custom field',
                'verbose_name_plural': 'custom fields',
                'db_table': 'tickets_customfield',
                'ordering': ['position', 'id'],
                'constraints': [models.UniqueConstraint(fields=('target', 'key'), name='custom_field_key_once')],
            },
        ),
            ],
        ),
    ]

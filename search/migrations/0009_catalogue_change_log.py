# The log of the database backend's last index writes (which services each changed, the version token before
# and after): a process patches its bitmaps of the index with the services changed since its version.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0008_catalogue_version_plain_vectors'),
    ]

    operations = [
        migrations.CreateModel(
            name='CatalogueChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_before', models.BigIntegerField(db_index=True)),
                ('token_after', models.BigIntegerField()),
                ('ids', models.TextField(null=True)),
            ],
        ),
    ]

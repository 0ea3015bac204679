"""Message files become private: each existing file moves from MEDIA_ROOT to the private storage.

The new stored name is random with the extension of the checked content (an uploaded «x.html» holding a PDF
becomes «….pdf»); the row keeps pointing at its file, so nothing is lost.
"""

from django.db import migrations

import config.private_files


def move_files(apps, schema_editor):
    config.private_files.move_to_private(apps.get_model("booking", "Message"), "attachment", "messaggi/migrati")


class Migration(migrations.Migration):

    dependencies = [
        ('booking', '0004_city_moderates_ratings'),
    ]

    operations = [
        migrations.AlterField(
            model_name='message',
            name='attachment',
            field=config.private_files.PrivateFileField(blank=True, max_length=200, upload_to='messaggi/%Y/%m/', verbose_name='allegato'),
        ),
        migrations.RunPython(move_files, migrations.RunPython.noop),
    ]

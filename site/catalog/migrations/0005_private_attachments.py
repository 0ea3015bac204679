"""ApplicationAttachment files become private: each existing file moves from MEDIA_ROOT to the private storage.

The new stored name is random with the extension of the checked content (an uploaded «x.html» holding a PDF
becomes «….pdf»); the row keeps pointing at its file, so nothing is lost.
"""

from django.db import migrations

import config.private_files


def move_files(apps, schema_editor):
    config.private_files.move_to_private(apps.get_model("catalog", "ApplicationAttachment"), "file", "elenco/migrati")


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0004_link_provider_groups'),
    ]

    operations = [
        migrations.AlterField(
            model_name='applicationattachment',
            name='file',
            field=config.private_files.PrivateFileField(max_length=200, upload_to='elenco/%Y/%m/', verbose_name='file PDF'),
        ),
        migrations.RunPython(move_files, migrations.RunPython.noop),
    ]
